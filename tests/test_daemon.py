"""`run` as a user runs it: a separate process that polls, alerts, reloads its rules and stops
cleanly on SIGTERM."""

from __future__ import annotations

import os
import queue
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from tests.conftest import ROOT, free_port, rules_with_sources, seed_article
from tests.feedserver import FeedServer, feed_server
from tests.test_polling import rss

__all__ = ["feed_server"]


class Process:
    """The daemon, with its output lines collected by threads as they come."""

    def __init__(self, *args: str, env: dict[str, str] | None = None):
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "monitor", *args],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            cwd=ROOT,
            env={**os.environ, **(env or {})},
        )
        self.lines: queue.Queue[str] = queue.Queue()
        self.seen: list[str] = []
        for stream in (self.proc.stdout, self.proc.stderr):
            threading.Thread(target=self._read, args=(stream,), daemon=True).start()

    def _read(self, stream: object) -> None:
        for line in stream:  # type: ignore[attr-defined]
            self.lines.put(line.rstrip("\n"))

    def wait_for(self, text: str, timeout: float = 20.0) -> str:
        """The first line containing `text`, already seen or still to come (stdout and stderr
        arrive in their own order)."""
        for line in self.seen:
            if text in line:
                return line
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                line = self.lines.get(timeout=max(0.01, deadline - time.monotonic()))
            except queue.Empty:
                break
            self.seen.append(line)
            if text in line:
                return line
        raise AssertionError(f"{text!r} not seen; output so far:\n" + "\n".join(self.seen))

    def close(self) -> None:
        """Kill the process if it still runs, and close its pipes."""
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()
        self.proc.stdout.close()  # type: ignore[union-attr]
        self.proc.stderr.close()  # type: ignore[union-attr]

    def drain(self) -> list[str]:
        while not self.lines.empty():
            self.seen.append(self.lines.get())
        return self.seen


def rules_file(path: Path, sources: str, extra_rules: str = "") -> None:
    text = rules_with_sources(sources).replace("interval: 15m", "interval: 1h")
    path.write_text(text + extra_rules, encoding="utf-8")


def test_run_alerts_reloads_and_stops_on_sigterm(feed_server: FeedServer, tmp_path: Path) -> None:
    seed = seed_article()
    url = feed_server.route(
        "/r.xml", rss(("rep-1", seed.title, "http://127.0.0.1/rep", seed.body[:1500]), lang="id")
    )
    rules = tmp_path / "rules.yaml"
    rules_file(rules, f"  - {{name: republika, url: '{url}', fetch_body: false}}\n")
    daemon = Process("run", "--rules", str(rules), "--state", str(tmp_path / "state"))
    try:
        daemon.wait_for(
            "ALERT [high] sanctions-country: COUNTERED · Russia, Iran → United States: Rusia dan"
        )
        daemon.wait_for("republika: 1 new, 1 matched, 1 alert")

        # An invalid edit is refused with its errors; the old rules keep running.
        good = rules.read_text(encoding="utf-8")
        rules.write_text(good.replace("watchlist: sanctions_terms", "watchlist: sanction_terms"))
        daemon.wait_for("changed but is invalid; the old rules keep running")
        daemon.wait_for("unknown watchlist 'sanction_terms'")

        # A valid edit is picked up: a new source is polled at once.
        second = feed_server.route(
            "/s.xml", rss(("b-1", "Weather in Minsk", "http://127.0.0.1/b", "Sunny."))
        )
        rules_file(
            rules,
            f"  - {{name: republika, url: '{url}', fetch_body: false}}\n"
            f"  - {{name: second, url: '{second}', fetch_body: false}}\n",
        )
        daemon.wait_for("reloaded")
        daemon.wait_for("second: 1 new, 0 matched, 0 alerts")

        started = time.monotonic()
        daemon.proc.send_signal(signal.SIGTERM)
        assert daemon.proc.wait(timeout=10) == 0
        assert time.monotonic() - started < 10
        daemon.wait_for("stopped: ")
    finally:
        daemon.close()
    output = "\n".join(daemon.drain())
    assert "Traceback" not in output
    assert output.count("ALERT [") == 1


def test_health_metrics_and_json_logs(feed_server: FeedServer, tmp_path: Path) -> None:
    """With MONITOR_HTTP, `run` answers /healthz (200 with per-source state) and /metrics
    (Prometheus text, monitor_ series); its log lines are JSON when not on a terminal."""
    import json
    import urllib.request

    seed = seed_article()
    url = feed_server.route(
        "/r.xml", rss(("rep-1", seed.title, "http://127.0.0.1/rep", seed.body[:1500]), lang="id")
    )
    rules = tmp_path / "rules.yaml"
    rules_file(rules, f"  - {{name: republika, url: '{url}', fetch_body: false}}\n")
    port = free_port()
    daemon = Process(
        "run",
        "--rules",
        str(rules),
        "--state",
        str(tmp_path / "state"),
        env={"MONITOR_HTTP": f"127.0.0.1:{port}"},
    )
    try:
        daemon.wait_for("republika: 1 new, 1 matched, 1 alert")
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=5) as r:
            assert r.status == 200
            health = json.load(r)
        assert health["healthy"] and health["scheduler"] == "running"
        assert health["sources"]["republika"]["error_count"] == 0
        # the official lists, read from our samples in tests/fixtures (tests/conftest.py)
        assert health["lists"]["ofac_sdn"]["version"] == 1
        assert health["lists"]["ofac_sdn"]["entities"] == 5
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=5) as r:
            metrics = r.read().decode()
        assert 'monitor_list_entities{list="ofac_sdn"} 5.0' in metrics
        assert (
            'monitor_list_refreshes_total{list="uk_sanctions",outcome="new_version"} 1.0' in metrics
        )
        assert 'monitor_polls_total{outcome="ok",source="republika"} 1.0' in metrics
        assert 'monitor_alerts_total{rule="sanctions-country"} 1.0' in metrics
        assert "monitor_poll_seconds_bucket" in metrics
        # The image's HEALTHCHECK (no curl: the interpreter) says healthy too.
        dockerfile = (ROOT / "Dockerfile").read_text(encoding="utf-8")
        check = json.loads(dockerfile.split("CMD [", 1)[1].split("]\n", 1)[0].join("[]"))
        check = [part.replace("127.0.0.1:8080", f"127.0.0.1:{port}") for part in check]
        check[0] = sys.executable
        assert subprocess.run(check, timeout=15).returncode == 0
        daemon.proc.send_signal(signal.SIGTERM)
        assert daemon.proc.wait(timeout=10) == 0
    finally:
        daemon.close()
    output = daemon.drain()
    assert not any("Traceback" in line for line in output)
    logs = [line for line in output if line.startswith("{")]
    events = [json.loads(line) for line in logs]
    assert any(e["message"].startswith("stopped: ") for e in events)
    assert all({"time", "level", "message"} <= e.keys() for e in events)


def test_healthz_says_unhealthy_and_why(tmp_path: Path) -> None:
    """Not yet scheduling, a store another process has locked: 503 reasons, in words."""
    import sqlite3

    from monitor.config.load import load_config
    from monitor.daemon import Daemon

    rules = tmp_path / "rules.yaml"
    rules_file(rules, "  - {name: s, url: 'http://127.0.0.1:9/never'}\n")
    daemon = Daemon(rules, tmp_path / "state", load_config(rules))
    healthy, details = daemon.health()
    assert not healthy and details["problems"] == ["the scheduler is not running"]
    assert details["sources"] == {} and details["alerts"] == {"pending": 0, "failed": 0}
    import monitor.store.db as store_module

    holder = sqlite3.connect(tmp_path / "state" / "monitor.db", timeout=0)
    holder.execute("BEGIN EXCLUSIVE")
    original, store_module.BUSY_TIMEOUT_MS = store_module.BUSY_TIMEOUT_MS, 50
    try:
        daemon.store.db.execute("PRAGMA busy_timeout = 50")
        healthy, details = daemon.health()
    finally:
        store_module.BUSY_TIMEOUT_MS = original
        holder.rollback()
        holder.close()
        daemon.store.close()
        daemon.lock.release()
    assert not healthy and any("cannot be written" in p for p in details["problems"])


@pytest.mark.parametrize("stuck", ["source", "list"])
def test_work_cut_short_by_a_stop_is_no_error(
    feed_server: FeedServer, tmp_path: Path, stuck: str
) -> None:
    """SIGTERM while a source or an official list hangs: the work gets its grace period (7 s),
    is then cancelled, the daemon exits 0 within 10 s, and nothing is logged as an error. (On a
    fresh state folder the first poll waits for the lists: a hanging list is the one request.)"""
    url = feed_server.route("/hang.xml", b"", behaviour="hang")
    feed = feed_server.route("/ok.xml", rss(("a", "Weather in Minsk", "http://127.0.0.1/w", "")))
    rules = tmp_path / "rules.yaml"
    source = url if stuck == "source" else feed
    rules_file(rules, f"  - {{name: one, url: '{source}', fetch_body: false}}\n")
    env = {"MONITOR_UK_LIST_URL": url} if stuck == "list" else {}
    daemon = Process("run", "--rules", str(rules), "--state", str(tmp_path / "state"), env=env)
    try:
        assert feed_server.wait_for_requests(1, timeout=20)
        assert any(r.path == "/hang.xml" for r in feed_server.requests)
        started = time.monotonic()
        daemon.proc.send_signal(signal.SIGTERM)
        assert daemon.proc.wait(timeout=12) == 0
        assert 5 < time.monotonic() - started < 10
    finally:
        daemon.close()
    output = "\n".join(daemon.drain())
    assert "Traceback" not in output and "CancelledError" not in output


def test_a_taken_health_port_is_one_clear_line_and_exit_2(tmp_path: Path) -> None:
    """MONITOR_HTTP on a port another process holds: one line naming it, exit 2, before any
    poll; no traceback."""
    import socket

    from tests.conftest import run_cli

    rules = tmp_path / "rules.yaml"
    rules_file(rules, "  - {name: s, url: 'http://127.0.0.1:9/never'}\n")
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = run_cli(
            "run",
            "--rules",
            str(rules),
            "--state",
            str(tmp_path / "state"),
            env={"MONITOR_HTTP": f"127.0.0.1:{port}"},
        )
    assert result.returncode == 2
    [line] = [x for x in result.stderr.splitlines() if x.startswith("error:")]
    assert line.startswith(f"error: MONITOR_HTTP=127.0.0.1:{port}: cannot listen there (")
    assert "Traceback" not in result.stderr and "s: " not in result.stderr  # no poll ran
