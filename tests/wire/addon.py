"""mitmproxy addon for the wire tests: record every request and answer it here, as Slack and
Telegram would, so that nothing leaves the machine (`connection_strategy=lazy`: no upstream
connection is opened before this hook has answered)."""

from __future__ import annotations

import json
import os

from mitmproxy import http

LOG = os.environ["WIRE_LOG"]


def request(flow: http.HTTPFlow) -> None:
    record = {
        "host": flow.request.pretty_host,
        "method": flow.request.method,
        "path": flow.request.path,
        "headers": dict(flow.request.headers),
        "body": flow.request.get_text(strict=False),
    }
    with open(LOG, "a", encoding="utf-8") as log:
        log.write(json.dumps(record) + "\n")
    if flow.request.pretty_host == "api.telegram.org":
        body = {"ok": True, "result": {"message_id": 1, "chat": {"id": 1}, "date": 0}}
        flow.response = http.Response.make(
            200, json.dumps(body), {"Content-Type": "application/json"}
        )
    else:
        flow.response = http.Response.make(200, b"ok", {"Content-Type": "text/plain"})
