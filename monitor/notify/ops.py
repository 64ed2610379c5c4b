"""Operational alerts: a monitor that goes quietly blind is the worst failure.

A source failing for longer than `ops_after`, and an alert whose delivery finally failed, are
told to the `ops` target (or `default` when there is no `ops`), and always to the log: once
when the incident opens and once when it is over.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import UTC, datetime, timedelta

from monitor.config import Config
from monitor.notify.deliver import Send, apprise_send
from monitor.notify.render import Message
from monitor.store import Store

log = logging.getLogger("monitor")


async def check_sources(store: Store, config: Config, send: Send = apprise_send) -> int:
    """Open and close source incidents; the number of messages announced."""
    announced = 0
    limit = datetime.now(UTC) - timedelta(seconds=config.settings.ops_after)
    for row in store.sources():
        key = f"source:{row['name']}"
        since = row.get("failing_since")
        if since and datetime.fromisoformat(since) <= limit:
            hours = (datetime.now(UTC) - datetime.fromisoformat(since)).total_seconds() / 3600
            detail = f"source {row['name']} has failed for {hours:.1f} h: {row['last_error']}"
            if store.open_incident(key, detail):
                await tell(config, f"OPS: {detail}", send)
                announced += 1
        elif not since and store.close_incident(key):
            await tell(config, f"OPS: source {row['name']} has recovered", send)
            announced += 1
    return announced


async def check_lists(store: Store, config: Config, send: Send = apprise_send) -> int:
    """A list that cannot be refreshed is an incident until a refresh succeeds again."""
    announced = 0
    for row in store.list_states():
        key = f"list:{row['list']}"
        if row["last_error"]:
            detail = f"list {row['list']} cannot be refreshed: {row['last_error']}"
            if store.open_incident(key, detail):
                await tell(config, f"OPS: {detail}", send)
                announced += 1
        elif store.close_incident(key):
            await tell(config, f"OPS: list {row['list']} refreshes again", send)
            announced += 1
    return announced


async def tell(config: Config, text: str, send: Send = apprise_send) -> None:
    log.warning("%s", text)
    target = "ops" if config.notify.get("ops") else "default"
    for url in config.notify.get(target, ()):
        error = await asyncio.to_thread(send, url, Message.of_text(text[:200], text))
        if error is not None:
            log.error("could not tell %s: %s", target, error)
