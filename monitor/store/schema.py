"""The database schema, as migrations applied in order at start (sqlite-utils `Migrations`)."""

from __future__ import annotations

from sqlite_utils import Database, Migrations

migrations = Migrations("sanctions-monitor")


@migrations()
def m001_initial(db: Database) -> None:
    db.executescript(
        """
        -- One row per configured source: what the next poll needs and what `status` shows.
        CREATE TABLE sources (
            name TEXT PRIMARY KEY,
            etag TEXT,                  -- validators for conditional GET: a 304 costs nothing
            last_modified TEXT,
            last_poll TEXT,             -- ISO 8601 UTC
            last_success TEXT,
            last_error TEXT,            -- one line, never a URL with credentials
            error_count INTEGER NOT NULL DEFAULT 0,   -- consecutive failures: drives backoff
            backoff_until TEXT,         -- no poll before this (failures, Retry-After)
            articles INTEGER NOT NULL DEFAULT 0,      -- new articles seen, ever
            alerts INTEGER NOT NULL DEFAULT 0
        );

        -- Every article seen, so that a later poll or another link to it is known.
        CREATE TABLE articles (
            id INTEGER PRIMARY KEY,
            source TEXT NOT NULL,
            guid TEXT,                  -- the feed's id, unique within its source
            canonical_url TEXT,         -- tracking parameters, AMP/mobile variants folded
            fingerprint TEXT NOT NULL,  -- hash of normalised title and opening text
            title TEXT NOT NULL,
            url TEXT,
            lang TEXT,
            published TEXT,
            seen_at TEXT NOT NULL,
            story_id INTEGER REFERENCES stories(id),   -- set when it fired a rule
            rules TEXT NOT NULL DEFAULT '[]'           -- JSON list of rules it fired
        );
        CREATE INDEX articles_guid ON articles(source, guid);
        CREATE INDEX articles_url ON articles(canonical_url);
        CREATE INDEX articles_fingerprint ON articles(fingerprint);
        CREATE INDEX articles_seen ON articles(seen_at);

        -- A story is what several outlets (or several edits) report: one alert per story and rule.
        CREATE TABLE stories (
            id INTEGER PRIMARY KEY,
            headline TEXT NOT NULL,     -- normalised headline, compared for near-duplicates
            lead TEXT NOT NULL,         -- normalised opening text
            title TEXT NOT NULL,        -- the first copy's headline, as shown
            first_seen TEXT NOT NULL,
            last_seen TEXT NOT NULL,
            copies INTEGER NOT NULL DEFAULT 1
        );
        CREATE INDEX stories_last_seen ON stories(last_seen);

        -- The outbox: written in the same transaction as the match that caused it.
        CREATE TABLE alerts (
            id INTEGER PRIMARY KEY,
            story_id INTEGER NOT NULL REFERENCES stories(id),
            rule TEXT NOT NULL,
            severity TEXT NOT NULL,
            article_id INTEGER NOT NULL REFERENCES articles(id),
            created_at TEXT NOT NULL,
            -- pending | delivered | failed | covered (its story reached every target through
            -- another rule's alert)
            status TEXT NOT NULL DEFAULT 'pending',
            payload TEXT NOT NULL,      -- JSON: article, reason, hits: what a message needs
            UNIQUE (story_id, rule)
        );
        CREATE INDEX alerts_status ON alerts(status, created_at);
        """
    )


@migrations()
def m002_deliveries(db: Database) -> None:
    db.executescript(
        """
        -- One row per alert and notification URL: each is sent and acknowledged on its own, so
        -- a Telegram that is down never causes a second copy in Slack.
        CREATE TABLE deliveries (
            id INTEGER PRIMARY KEY,
            alert_id INTEGER NOT NULL REFERENCES alerts(id),
            target TEXT NOT NULL,       -- the notify target's name; URLs stay in rules.yaml
            url_index INTEGER NOT NULL, -- which of the target's URLs
            status TEXT NOT NULL DEFAULT 'pending',   -- pending | held | delivered | failed
            attempts INTEGER NOT NULL DEFAULT 0,
            next_attempt TEXT NOT NULL, -- not before this (backoff after a failure)
            last_error TEXT,
            delivered_at TEXT,
            UNIQUE (alert_id, target, url_index)
        );
        CREATE INDEX deliveries_due ON deliveries(status, next_attempt);
        """
    )


@migrations()
def m003_sends(db: Database) -> None:
    db.executescript(
        """
        -- Messages that reached a target URL, singles and digests: the flood limit counts them.
        CREATE TABLE sends (
            id INTEGER PRIMARY KEY,
            target TEXT NOT NULL,
            url_index INTEGER NOT NULL,
            kind TEXT NOT NULL,         -- single | digest
            sent_at TEXT NOT NULL
        );
        CREATE INDEX sends_recent ON sends(target, url_index, sent_at);
        """
    )


@migrations()
def m004_incidents(db: Database) -> None:
    db.executescript(
        """
        -- When a source began failing (cleared by a success): how long it has been blind.
        ALTER TABLE sources ADD COLUMN failing_since TEXT;

        -- Operational incidents, announced once when they open and once when they close.
        CREATE TABLE incidents (
            key TEXT PRIMARY KEY,       -- e.g. source:bbc-world
            opened_at TEXT NOT NULL,
            detail TEXT NOT NULL
        );
        """
    )


@migrations()
def m005_lists(db: Database) -> None:
    db.executescript(
        """
        -- Each accepted download of an official list is a version; the matcher uses the
        -- newest, so a refused or failed refresh never leaves it without a list.
        CREATE TABLE list_versions (
            list TEXT NOT NULL,
            version INTEGER NOT NULL,
            fetched_at TEXT NOT NULL,
            sha256 TEXT NOT NULL,       -- of the downloaded bytes: an unchanged file is no version
            entities INTEGER NOT NULL,
            PRIMARY KEY (list, version)
        );
        CREATE TABLE list_entities (
            list TEXT NOT NULL,
            version INTEGER NOT NULL,
            entity_id TEXT NOT NULL,
            data TEXT NOT NULL,         -- ListEntity as JSON
            PRIMARY KEY (list, version, entity_id)
        );
        -- Per list: validators for conditional GET, the last refresh and its error.
        CREATE TABLE list_state (
            list TEXT PRIMARY KEY,
            etag TEXT,
            last_modified TEXT,
            last_refresh TEXT,
            last_error TEXT
        );
        """
    )


@migrations()
def m006_claims_and_list_changes(db: Database) -> None:
    db.executescript(
        """
        -- A delivery is claimed before it is sent: no other pass or process sends it while the
        -- claim holds. A claim whose process died expires, and the delivery is sent again.
        ALTER TABLE deliveries ADD COLUMN claimed_by TEXT;      -- host:pid:nonce of the sender
        ALTER TABLE deliveries ADD COLUMN claimed_until TEXT;   -- ISO 8601 UTC

        -- Whether a version's list-change alerts were raised: a version saved just before a
        -- kill still raises them on the next pass. Versions stored before this column were.
        ALTER TABLE list_versions ADD COLUMN changes_told INTEGER NOT NULL DEFAULT 0;
        UPDATE list_versions SET changes_told = 1;
        """
    )


@migrations()
def m007_meta(db: Database) -> None:
    db.executescript(
        """
        -- The store's own facts: its id (also written beside it, in store.id), when a write
        -- last reached the file (the health check).
        CREATE TABLE meta (
            key TEXT PRIMARY KEY,
            value TEXT NOT NULL
        );
        """
    )


@migrations()
def m008_story_events(db: Database) -> None:
    db.executescript(
        """
        -- What a story says happened, as its first copy told it (monitor/stories.py StoryEvent,
        -- as JSON; '' for none): copies in other languages join it by this, not by their words.
        ALTER TABLE stories ADD COLUMN event TEXT NOT NULL DEFAULT '';
        """
    )
