"""Alerts with nowhere to go are printed: a first run without Slack or Telegram shows them."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from monitor.models import AlertPayload
from monitor.notify.message import named_entries
from monitor.store import Store


def format_alert(alert: dict[str, Any]) -> str:
    payload = AlertPayload.from_json(alert["payload"])
    article = payload.article
    where = " · ".join(filter(None, [article.source, article.lang]))
    lines = [
        f"ALERT [{alert['severity']}] {alert['rule']}: {article.title or alert['title']}",
        f"    {where}  {article.url or ''}".rstrip(),
        f"    {named_entries(payload.hits)}",
    ]
    return "\n".join(lines)


def announce(store: Store, out: Callable[[str], None] = print) -> int:
    """Print the alerts of rules with no configured target, each once. Returns how many."""
    count = 0
    for alert in store.undeliverable():
        out(format_alert(alert))
        store.mark(alert["id"], "delivered")
        count += 1
    return count
