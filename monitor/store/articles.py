"""Articles, stories and alerts: an article seen is known by every identity it has, a story
groups its copies, and an alert is recorded with its deliveries in the same transaction as the
match that raised it."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, cast

from sqlite_utils import Database

from monitor.models import AlertPayload, Article, ListChange, MatchResult
from monitor.store.db import Connection, iso, now
from monitor.stories import KnownStory, StoryEvent, StoryKey, story_event, story_for


@dataclass(frozen=True)
class Seen:
    """An article already in the store."""

    id: int
    fingerprint: str
    story_id: int | None
    rules: frozenset[str]


@dataclass(frozen=True)
class Known:
    """Articles already stored, by each identity an article can be recognised by."""

    by_guid: dict[str, Seen]
    by_url: dict[str, Seen]
    by_fingerprint: dict[str, Seen]

    def get(self, guid: str | None, url: str | None, fingerprint: str) -> Seen | None:
        return (
            (self.by_guid.get(guid) if guid else None)
            or (self.by_url.get(url) if url else None)
            or self.by_fingerprint.get(fingerprint)
        )


@dataclass(frozen=True)
class Recorded:
    """What recording one matched article did."""

    new_alerts: tuple[str, ...]  # rules that raised an alert
    story_id: int | None


class ArticlesStore(Connection):
    def known(
        self, source: str, guids: list[str], urls: list[str], fingerprints: list[str]
    ) -> Known:
        """The articles already stored under any of these identities, in three queries for a
        whole document rather than three per item."""

        def rows(where: str, values: list[str], extra: Sequence[str] = ()) -> list[dict[str, Any]]:
            out: list[dict[str, Any]] = []
            for i in range(0, len(values), 500):  # SQLite's limit on bound parameters
                chunk = values[i : i + 500]
                marks = ",".join("?" * len(chunk))
                out += self.query(
                    "SELECT id, guid, canonical_url, fingerprint, story_id, rules FROM articles"
                    f" WHERE {where} IN ({marks}){' AND source = ?' if extra else ''}",
                    [*chunk, *extra],
                )
            return out

        def seen(r: dict[str, Any]) -> Seen:
            return Seen(r["id"], r["fingerprint"], r["story_id"], frozenset(json.loads(r["rules"])))

        return Known(
            {r["guid"]: seen(r) for r in rows("guid", guids, [source])},
            {r["canonical_url"]: seen(r) for r in rows("canonical_url", urls)},
            {r["fingerprint"]: seen(r) for r in rows("fingerprint", fingerprints)},
        )

    def record(
        self,
        source: str,
        article: Article,
        key: StoryKey,
        canonical_url: str | None,
        result: MatchResult,
        severities: Mapping[str, str],
        story_window: float,
        seen: Seen | None = None,
        targets: Mapping[str, Sequence[tuple[str, int]]] | None = None,
        digest_rules: frozenset[str] = frozenset(),
        own_story: bool = False,  # never a copy of another story (a list change)
        changes: tuple[ListChange, ...] = (),  # a list-change alert's entries
        more_changes: int = 0,
    ) -> Recorded:
        """Store a new (or edited) article and, if it fired rules, its story and new alerts,
        all in one transaction: an alert exists exactly when its match does."""
        moment = now()
        fired = set(result.fired)
        with self.transaction() as db:
            if seen is None:
                article_id = cast(
                    int,  # an INTEGER PRIMARY KEY
                    db.table("articles")
                    .insert(
                        {
                            "source": source,  # the configured source: guids are unique in it
                            "guid": article.guid,
                            "canonical_url": canonical_url,
                            "fingerprint": key.fingerprint,
                            "title": article.title,
                            "url": article.url,
                            "lang": article.lang,
                            "published": article.published,
                            "seen_at": iso(moment),
                            "rules": json.dumps(sorted(fired)),
                        }
                    )
                    .last_pk,
                )
                story_id = None
            else:
                article_id, story_id = seen.id, seen.story_id
                fired |= seen.rules
                db.table("articles").update(
                    article_id, {"fingerprint": key.fingerprint, "rules": json.dumps(sorted(fired))}
                )
            if not result.fired:
                return Recorded((), story_id)
            if story_id is None:
                window = 0.0 if own_story else story_window
                event = story_event(article, result.events)
                story_id = self._story_for(db, key, event, article.title, moment, window)
                db.table("articles").update(article_id, {"story_id": story_id})
            new_alerts = []
            for rule in result.rules:
                if not rule.fired:
                    continue
                payload = AlertPayload(
                    article,
                    rule.reason,
                    result.hits,
                    rule.evidence,
                    changes,
                    more_changes,
                    result.events,
                )
                inserted = db.execute(
                    "INSERT OR IGNORE INTO alerts (story_id, rule, severity, article_id,"
                    " created_at, payload) VALUES (?, ?, ?, ?, ?, ?)",
                    [
                        story_id,
                        rule.rule,
                        severities.get(rule.rule, "medium"),
                        article_id,
                        iso(moment),
                        payload.to_json(),
                    ],
                )
                if inserted.rowcount:
                    new_alerts.append(rule.rule)
                    status = "held" if rule.rule in digest_rules else "pending"
                    wanted = (targets or {}).get(rule.rule, ())
                    sent = self._add_deliveries(db, inserted.lastrowid, story_id, wanted, status)
                    if wanted and not sent:
                        # Every target already has this story from another rule's alert.
                        db.execute(
                            "UPDATE alerts SET status = 'covered' WHERE id = ?",
                            [inserted.lastrowid],
                        )
            return Recorded(tuple(new_alerts), story_id)

    @staticmethod
    def _add_deliveries(
        db: Database,
        alert_id: int | None,
        story_id: int,
        targets: Sequence[tuple[str, int]],
        status: str,
    ) -> int:
        """One delivery per target URL that does not have this story yet (a story reaches a
        target once, whichever of its rules fired first); how many were added."""
        added = 0
        for target, urls in targets:
            for index in range(urls):
                added += db.execute(
                    "INSERT INTO deliveries (alert_id, target, url_index, next_attempt, status)"
                    " SELECT ?, ?, ?, ?, ? WHERE NOT EXISTS (SELECT 1 FROM deliveries d"
                    " JOIN alerts a ON a.id = d.alert_id WHERE a.story_id = ? AND d.target = ?"
                    " AND d.url_index = ? AND d.status != 'failed')",
                    [alert_id, target, index, iso(now()), status, story_id, target, index],
                ).rowcount
        return added

    def _story_for(
        self,
        db: Database,
        key: StoryKey,
        event: StoryEvent | None,
        title: str,
        moment: datetime,
        window: float,
    ) -> int:
        since = iso(moment - timedelta(seconds=window))
        rows = list(
            db.query(
                "SELECT id, headline, lead, event, first_seen FROM stories WHERE last_seen >= ?"
                " ORDER BY id",
                [since],
            )
        )
        known = [
            KnownStory(
                r["id"],
                StoryKey(r["headline"], r["lead"]),
                StoryEvent.from_json(r["event"]),
                datetime.fromisoformat(r["first_seen"]),
            )
            for r in rows
        ]
        story_id = story_for(key, event, moment, known, window)
        if story_id is not None:
            db.execute(
                "UPDATE stories SET copies = copies + 1, last_seen = ? WHERE id = ?",
                [iso(moment), story_id],
            )
            return story_id
        return int(
            db.table("stories")
            .insert(
                {
                    "headline": key.headline,
                    "lead": key.lead,
                    "title": title,
                    "event": event.to_json() if event else "",
                    "first_seen": iso(moment),
                    "last_seen": iso(moment),
                    "copies": 1,
                }
            )
            .last_pk  # type: ignore[arg-type]  # an INTEGER PRIMARY KEY
        )

    def alerts(
        self, limit: int = 20, status: str | None = None, since: datetime | None = None
    ) -> list[dict[str, Any]]:
        """The newest alerts first; of one status, or raised at `since` or later."""
        clauses = [("a.status = ?", status), ("a.created_at >= ?", since and iso(since))]
        given = [(clause, value) for clause, value in clauses if value]
        where = " AND ".join(clause for clause, _ in given)
        return self.query(
            "SELECT a.id, a.rule, a.severity, a.status, a.created_at, a.payload, s.title,"
            " s.copies, s.first_seen, s.id AS story_id FROM alerts a"
            " JOIN stories s ON s.id = a.story_id"
            f" {'WHERE ' + where if where else ''} ORDER BY a.id DESC LIMIT ?",
            [*(value for _, value in given), limit],
        )

    def story_copies(self, story_id: int) -> list[dict[str, Any]]:
        return self.query(
            "SELECT source, lang, title, url, seen_at FROM articles WHERE story_id = ? ORDER BY id",
            [story_id],
        )

    def mark(self, alert_id: int, status: str) -> None:
        with self.transaction() as db:
            db.execute("UPDATE alerts SET status = ? WHERE id = ?", [status, alert_id])

    def prune(self, retention: float) -> int:
        """Forget articles and stories older than `retention` seconds (not pending alerts)."""
        cutoff = iso(now() - timedelta(seconds=retention))
        with self.transaction() as db:
            old = db.execute(
                "DELETE FROM articles WHERE seen_at < ? AND id NOT IN"
                " (SELECT article_id FROM alerts WHERE status = 'pending')",
                [cutoff],
            ).rowcount
            db.execute("DELETE FROM alerts WHERE created_at < ? AND status != 'pending'", [cutoff])
            db.execute(
                "DELETE FROM stories WHERE last_seen < ? AND id NOT IN"
                " (SELECT story_id FROM alerts)",
                [cutoff],
            )
        return int(old)
