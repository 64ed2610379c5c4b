"""Alerts with nowhere to go are printed: a first run without Slack or Telegram shows them."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from monitor.models import AlertPayload
from monitor.notify.message import event_lead, named_entries
from monitor.store import Store


def format_alert(alert: dict[str, Any]) -> str:
    payload = AlertPayload.from_json(alert["payload"])
    article = payload.article
    where = " · ".join(filter(None, [article.source, article.lang]))
    lead = event_lead(payload)
    lines = [
        f"ALERT [{alert['severity']}] {alert['rule']}: {lead}{article.title or alert['title']}",
        f"    {where}  {article.url or ''}".rstrip(),
        f"    {named_entries(payload.hits)}",
    ]
    return "\n".join(lines)


def alert_record(alert: dict[str, Any], copies: list[dict[str, Any]]) -> dict[str, Any]:
    """A stored alert as `alerts --json` writes it: one object per line for scripts and
    case-management tools (README, "Alerts as JSON")."""
    payload = AlertPayload.from_json(alert["payload"])
    return {
        "id": alert["id"],
        "created_at": alert["created_at"],
        "rule": alert["rule"],
        "severity": alert["severity"],
        "status": alert["status"],
        "event": payload.events[0].as_dict() if payload.events else None,
        "hits": [h.as_dict() for h in payload.hits],
        "story": {
            "id": alert["story_id"],
            "first_seen": alert["first_seen"],
            "copies": [
                {key: copy.get(key) for key in ("url", "source", "lang", "title", "seen_at")}
                for copy in copies
            ],
        },
    }


def announce(store: Store, out: Callable[[str], None] = print) -> int:
    """Print the alerts of rules with no configured target, each once. Returns how many."""
    count = 0
    for alert in store.undeliverable():
        out(format_alert(alert))
        store.mark(alert["id"], "delivered")
        count += 1
    return count
