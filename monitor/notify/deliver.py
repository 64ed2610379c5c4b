"""The delivery loop: send what is due from the outbox, one Apprise call per URL, and retry
failures with exponential backoff and jitter until `delivery_max_age`, then mark them failed.
Digests (a flood's overflow, a rule's scheduled digest) are deliveries too: claimed, retried,
given up and told to ops the same way.

Each delivery is claimed in the store (an owner and a lease) before it is sent, so no other pass
or process can send it meanwhile. It is marked done only after the service acknowledged it, so a
crash or a kill between the two can send that one message again on restart: the only duplicate
possible.
"""

from __future__ import annotations

import asyncio
import html
import logging
import os
import random
import re
import socket
import threading
import time
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import apprise
import requests

from monitor import metrics
from monitor.config import Config
from monitor.notify.message import DEFAULT_TEMPLATE, Message, alert_message, digest_messages
from monitor.sources.fetch import parse_retry_after
from monitor.store import Store
from monitor.store.outbox import Delivery

log = logging.getLogger("monitor")

Send = Callable[[str, Message], "str | None"]  # the error, or None when acknowledged
# How each service gets a message (render.py says why): HTML for Telegram and e-mail; plain
# text, with bare links, for Slack; plain text for every other service, raw webhooks included.
_HTML = frozenset({"tgram"})
_EMAIL = frozenset({"mailto", "mailtos"})
_BARE_LINKS = frozenset({"slack"})
FIRST_RETRY = 30.0  # seconds; doubles per attempt
LONGEST_WAIT = 3600.0
LEASE = 300.0  # seconds a claim holds: longer than any one send takes


@dataclass(frozen=True)
class Delivered:
    sent: int = 0
    retrying: int = 0
    failed: int = 0
    held: int = 0  # over a flood limit, waiting for a digest
    digests: int = 0


# Apprise reports only success or failure, not the answer's headers, so a service's
# `Retry-After` would be lost. Its plugins send through `requests`; this wrapper of
# `Session.send` notes the header of a 429/503 for the thread that made the call (deliveries
# run one at a time in a worker thread). It changes nothing else about the request.
_answer = threading.local()
_original_send = requests.Session.send


def _send_noting_retry_after(
    self: requests.Session, request: requests.PreparedRequest, **kwargs: Any
) -> requests.Response:
    response = _original_send(self, request, **kwargs)
    if response.status_code in (429, 503) and "Retry-After" in response.headers:
        _answer.retry_after = response.headers["Retry-After"]
    return response


requests.Session.send = _send_noting_retry_after  # type: ignore[method-assign]


class SendError(str):
    """A failure message that may carry the service's requested wait."""

    retry_after: datetime | None = None


def apprise_send(url: str, message: Message) -> str | None:
    """Send with Apprise; the error as one line (never the URL) or None. A `SendError` carries
    the service's `Retry-After` when it gave one."""
    _answer.retry_after = None
    service = apprise.Apprise.instantiate(url)
    if service is None:
        return "not a valid Apprise URL"
    scheme = url.split(":", 1)[0].lower()
    if scheme in _HTML:  # Apprise puts the title in the HTML as it is: escaped here
        title, body = html.escape(message.title, quote=False), message.html()
        body_format = apprise.NotifyFormat.HTML
    elif scheme in _EMAIL:  # the subject is plain text
        title, body = message.title, message.html(paragraphs=True)
        body_format = apprise.NotifyFormat.HTML
    else:  # Apprise escapes what the service would read as markup
        title, body = message.title, message.plain(bare_links=scheme in _BARE_LINKS)
        body_format = apprise.NotifyFormat.TEXT
    with apprise.LogCapture(level=logging.WARNING, fmt="%(message)s") as captured:  # type: ignore[no-untyped-call]
        ok = service.notify(body=body, title=title, body_format=body_format)
    if ok:
        return None
    lines = [line for line in captured.getvalue().splitlines() if line.strip()]
    reason = lines[-1] if lines else "the service did not acknowledge the message"
    error = SendError(re.sub(r"\w+://\S+", "<url>", reason)[:200])
    error.retry_after = parse_retry_after(_answer.retry_after)
    return error


def targets_of(config: Config) -> dict[str, list[tuple[str, int]]]:
    """For each rule, its configured targets and how many URLs each has (`default` if none)."""
    return {
        rule.name: [
            (t, len(config.notify[t]))
            for t in (rule.notify or ("default",))
            if config.notify.get(t)
        ]
        for rule in config.rules
    }


def _owner() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


async def deliver_due(
    store: Store,
    config: Config,
    send: Send = apprise_send,
    gave_up: Callable[[str], Awaitable[None]] | None = None,
) -> Delivered:
    """Send everything that is due, one claimed delivery at a time. `gave_up` hears of each
    delivery (or digest) that finally failed."""
    owner = _owner()
    sent = retrying = failed = held = 0
    window = datetime.now(UTC) - timedelta(seconds=config.settings.flood_window)
    while (row := store.claim_due(owner, LEASE)) is not None:
        urls = config.notify.get(row.target, ())
        if row.url_index >= len(urls):
            store.delivery_failed(row.id, row.alert_id, "target no longer configured", None)
            failed += 1
            continue
        singles = store.sends_since(row.target, row.url_index, "single", window)
        if singles >= config.settings.flood_limit:
            store.hold(row.id)
            metrics.DELIVERIES.labels(row.target, "held").inc()
            held += 1
            continue
        outlets = sorted({c["source"] for c in store.story_copies(row.story_id)})
        template = config.settings.template or DEFAULT_TEMPLATE
        message = alert_message(row.rule, row.severity, row.payload, outlets, template)
        started = time.monotonic()
        error = await asyncio.to_thread(send, urls[row.url_index], message)
        metrics.DELIVERY_SECONDS.observe(time.monotonic() - started)
        if error is None:
            store.delivery_done(row.id, row.alert_id)
            metrics.DELIVERIES.labels(row.target, "sent").inc()
            sent += 1
            continue
        retry_at = _retry_at(row, config, getattr(error, "retry_after", None))
        store.delivery_failed(row.id, row.alert_id, error, retry_at)
        metrics.DELIVERIES.labels(row.target, "retry" if retry_at else "failed").inc()
        if retry_at is None:
            failed += 1
            await _give_up(f"alert {row.alert_id} to {row.target}", error, gave_up)
        else:
            retrying += 1
            log.warning(
                "alert %s to %s failed, retrying at %s: %s",
                row.alert_id,
                row.target,
                retry_at.isoformat(timespec="seconds"),
                error,
            )
    digests = await _send_digests(store, config, send, window, owner, gave_up)
    waiting: dict[str, int] = {}
    for state in store.delivery_states():  # one row per URL: the gauge is per target
        waiting[state["target"]] = (
            waiting.get(state["target"], 0) + state["pending"] + state["held"]
        )
    for target, count in waiting.items():
        metrics.PENDING.labels(target).set(count)
    return Delivered(sent, retrying, failed, held, digests)


async def _give_up(what: str, error: str, gave_up: Callable[[str], Awaitable[None]] | None) -> None:
    text = f"{what} failed for good: {error}"
    if gave_up is not None:
        await gave_up(text)
    else:
        log.error("%s", text)


async def _send_digests(
    store: Store,
    config: Config,
    send: Send,
    window: datetime,
    owner: str,
    gave_up: Callable[[str], Awaitable[None]] | None,
) -> int:
    """Held alerts, as few messages per target URL as its size limit allows: flood overflow at
    most once per flood window, a rule's scheduled digest (`digest: daily`) at most once per its
    period. Each group is claimed before it is sent; a failure backs off like a delivery."""
    periods = {r.name: r.digest for r in config.rules if r.digest}
    groups: dict[tuple[str, int, str], list[Delivery]] = {}
    for row in store.held():
        kind = f"digest:{row.rule}" if row.rule in periods else "digest"
        groups.setdefault((row.target, row.url_index, kind), []).append(row)
    sent = 0
    for (target, index, kind), rows in groups.items():
        urls = config.notify.get(target, ())
        period = periods.get(kind.partition(":")[2])
        since = datetime.now(UTC) - timedelta(seconds=period) if period else window
        if index >= len(urls) or store.sends_since(target, index, kind, since):
            continue  # the next digest waits for its time
        if period and not store.sends_since(target, index, kind, datetime.min.replace(tzinfo=UTC)):
            # The first scheduled digest of a rule waits one period from its first alert.
            first = min(datetime.fromisoformat(r.created_at) for r in rows)
            if datetime.now(UTC) - first < timedelta(seconds=period):
                continue
        claimed = set(store.claim([r.id for r in rows], owner, LEASE))
        rows = [r for r in rows if r.id in claimed]
        parts = digest_messages(rows, kind.partition(":")[2] or None, _size_limit(urls[index]))
        for part_rows, message in parts:
            error = await asyncio.to_thread(send, urls[index], message)
            if error is None:
                store.deliveries_done([(r.id, r.alert_id) for r in part_rows], kind)
                metrics.DELIVERIES.labels(target, "sent").inc(len(part_rows))
                sent += 1
                continue
            oldest = min(part_rows, key=lambda r: r.created_at)
            retry_at = _retry_at(oldest, config, getattr(error, "retry_after", None))
            # The parts not sent yet wait with this one: the digest goes on where it stopped.
            unsent = [r for p, _ in parts[parts.index((part_rows, message)) :] for r in p]
            store.digest_failed([(r.id, r.alert_id) for r in unsent], error, retry_at)
            metrics.DELIVERIES.labels(target, "retry" if retry_at else "failed").inc(len(unsent))
            if retry_at is None:
                await _give_up(f"a digest of {len(unsent)} alerts to {target}", error, gave_up)
            else:
                log.warning(
                    "digest of %d alerts to %s failed, retrying at %s: %s",
                    len(unsent),
                    target,
                    retry_at.isoformat(timespec="seconds"),
                    error,
                )
            break
    return sent


# The longest message body each service takes, in characters, with room for its markup;
# a digest is split into parts that fit, every headline in exactly one part.
_SIZE_LIMITS = {"tgram": 3500, "slack": 3000, "discord": 1900}
_DEFAULT_SIZE = 3500


def _size_limit(url: str) -> int:
    return _SIZE_LIMITS.get(url.split(":", 1)[0].lower(), _DEFAULT_SIZE)


def _retry_at(row: Delivery, config: Config, asked: datetime | None = None) -> datetime | None:
    now = datetime.now(UTC)
    created = datetime.fromisoformat(row.created_at)
    if now - created > timedelta(seconds=config.settings.delivery_max_age):
        return None
    attempts = row.attempts + 1
    delay = min(FIRST_RETRY * 2 ** (attempts - 1), LONGEST_WAIT) * random.uniform(0.8, 1.2)
    backoff = now + timedelta(seconds=delay)
    return max(backoff, asked) if asked else backoff
