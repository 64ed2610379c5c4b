"""Prometheus series, all `monitor_`-prefixed, in one registry owned by the process."""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram

REGISTRY = CollectorRegistry()

POLLS = Counter(
    "monitor_polls",
    "Polls of a source, by outcome (ok, not_modified, error)",
    ["source", "outcome"],
    registry=REGISTRY,
)
ARTICLES = Counter(
    "monitor_articles", "New articles seen, by source", ["source"], registry=REGISTRY
)
MATCHES = Counter(
    "monitor_matches", "Articles that fired a rule, by rule", ["rule"], registry=REGISTRY
)
ALERTS = Counter(
    "monitor_alerts", "Alerts raised (one per story and rule)", ["rule"], registry=REGISTRY
)
DELIVERIES = Counter(
    "monitor_deliveries",
    "Delivery attempts by target and outcome (sent, retry, failed, held)",
    ["target", "outcome"],
    registry=REGISTRY,
)
PENDING = Gauge(
    "monitor_deliveries_pending",
    "Deliveries waiting to be sent, by target",
    ["target"],
    registry=REGISTRY,
)
POLL_SECONDS = Histogram(
    "monitor_poll_seconds",
    "Time to poll one source (fetch, parse, match, store)",
    buckets=(0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60),
    registry=REGISTRY,
)
DELIVERY_SECONDS = Histogram(
    "monitor_delivery_seconds",
    "Time for a service to acknowledge one message",
    buckets=(0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30),
    registry=REGISTRY,
)
LIST_REFRESHES = Counter(
    "monitor_list_refreshes",
    "Refreshes of an official list, by outcome (new_version, unchanged, failed)",
    ["list", "outcome"],
    registry=REGISTRY,
)
LIST_ENTITIES = Gauge(
    "monitor_list_entities",
    "Entries of the official list's version in use",
    ["list"],
    registry=REGISTRY,
)
LIST_REFRESHED = Gauge(
    "monitor_list_refreshed_timestamp_seconds",
    "When the official list was last refreshed successfully (new version or unchanged)",
    ["list"],
    registry=REGISTRY,
)
