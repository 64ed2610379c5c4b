"""Nothing twice, nothing lost: many sources alerting at once beside a slow notifier, a second
process on the same state folder, and kills during list refreshes."""

from __future__ import annotations

import re
import signal
import sqlite3
import urllib.request
from pathlib import Path

from tests.capture import CaptureServer, capture, headline_of
from tests.conftest import FIXTURES, free_port, run_cli
from tests.feedserver import FeedServer, feed_server
from tests.test_crash import HEADLINES
from tests.test_daemon import Process, rules_file
from tests.test_polling import rss

__all__ = ["capture", "feed_server"]


def notify_to(rules: Path, url: str) -> None:
    text = rules.read_text(encoding="utf-8")
    rules.write_text(text.replace("default: ${MONITOR_NOTIFY_URL:-}", f"default: {url}"), "utf-8")


def pending_deliveries(state: Path) -> int:
    db = sqlite3.connect(state / "monitor.db")
    try:
        return int(
            db.execute("SELECT count(*) FROM deliveries WHERE status != 'delivered'").fetchone()[0]
        )
    finally:
        db.close()


def test_many_sources_alerting_at_once_with_a_slow_notifier_send_each_story_once(
    feed_server: FeedServer, capture: CaptureServer, tmp_path: Path
) -> None:
    """Five feeds of two sanctions stories each, polled together at start, and a notifier that
    takes 0.3 s to answer: every story arrives exactly once, and `status`, /metrics and the
    store agree on the count."""
    sources = ""
    for feed in range(5):
        items = [
            (f"g{i}", HEADLINES[i], f"http://127.0.0.1/n/{i}", HEADLINES[i] + ".")
            for i in (2 * feed, 2 * feed + 1)
        ]
        url = feed_server.route(f"/f{feed}.xml", rss(*items))
        sources += f"  - {{name: feed{feed}, url: '{url}', fetch_body: false}}\n"
    rules = tmp_path / "rules.yaml"
    rules_file(rules, sources)
    notify_to(rules, capture.url())
    capture.delay = 0.3
    state = tmp_path / "state"
    port = free_port()
    daemon = Process(
        "run",
        "--rules",
        str(rules),
        "--state",
        str(state),
        env={"MONITOR_HTTP": f"127.0.0.1:{port}"},
    )
    try:
        assert capture.wait_until(lambda c: len(c.received) >= len(HEADLINES), timeout=60)
        for _ in range(5):  # what else might be under way: 10-second timer passes included
            daemon.wait_for("deliveries:", timeout=30)
            if pending_deliveries(state) == 0:
                break
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=5) as r:
            metrics = r.read().decode()
        daemon.proc.send_signal(signal.SIGTERM)
        assert daemon.proc.wait(timeout=10) == 0
    finally:
        daemon.close()
    titles = [headline_of(m["title"]) for m in capture.received]
    assert sorted(titles) == sorted(HEADLINES), titles
    sent = re.search(r'monitor_deliveries_total\{outcome="sent",target="default"\} (\S+)', metrics)
    assert sent is not None and float(sent.group(1)) == len(HEADLINES)
    status = run_cli("status", "--rules", str(rules), "--state", str(state))
    [line] = [x for x in status.stdout.splitlines() if x.startswith("default ")]
    assert line.split()[1:5] == [
        str(len(HEADLINES)),
        "0",
        "0",
        "0",
    ]  # delivered pending held failed


def test_a_second_process_on_one_state_folder_refuses_and_names_the_first(
    feed_server: FeedServer, capture: CaptureServer, tmp_path: Path
) -> None:
    """A second `run`, a `once` and a `lists refresh` beside a running daemon refuse, naming its
    process; nothing is sent twice and no constraint error surfaces."""
    url = feed_server.route("/f.xml", rss(("g0", HEADLINES[0], "http://127.0.0.1/n/0", "x")))
    rules = tmp_path / "rules.yaml"
    rules_file(rules, f"  - {{name: feed, url: '{url}', fetch_body: false}}\n")
    notify_to(rules, capture.url())
    state = str(tmp_path / "state")
    daemon = Process("run", "--rules", str(rules), "--state", state)
    try:
        assert capture.wait_until(lambda c: len(c.received) == 1, timeout=60)
        second = run_cli("run", "--rules", str(rules), "--state", state)
        once = run_cli("once", "--rules", str(rules), "--state", state)
        lists = run_cli("lists", "refresh", "--rules", str(rules), "--state", state)
        for refused in (second, once, lists):
            assert refused.returncode != 0
            assert f"is in use by process {daemon.proc.pid} (sanctions-monitor run" in (
                refused.stderr
            ), refused.stderr
            assert "Traceback" not in refused.stderr and "UNIQUE" not in refused.stderr
        daemon.proc.send_signal(signal.SIGTERM)
        assert daemon.proc.wait(timeout=10) == 0
    finally:
        daemon.close()
    assert len(capture.received) == 1
    # once the daemon has gone, the folder is free again, and nothing is due twice
    after = run_cli("once", "--rules", str(rules), "--state", state)
    assert after.returncode == 0, after.stderr
    assert len(capture.received) == 1


def test_a_kill_just_after_a_new_list_version_still_raises_its_change_once(
    tmp_path: Path,
) -> None:
    """The list-change alert is derived from the stored versions: a version saved by a process
    killed before it raised the alert is alerted by the next pass, and only once."""
    import shutil

    import yaml

    folder = tmp_path / "ofac"
    shutil.copytree(FIXTURES / "lists/ofac_sdn_sample", folder)
    rules = tmp_path / "rules.yaml"
    rules.write_text(
        yaml.safe_dump(
            {
                "watchlists": {
                    "ofac_sdn": {"import": {"format": "ofac-csv", "url": str(folder / "sdn.csv")}},
                    "terms": {"entries": [{"name": "sanctions", "aliases": ["sanction*"]}]},
                },
                "rules": [
                    {"name": "listed", "all": [{"watchlist": "ofac_sdn"}, {"watchlist": "terms"}]},
                    {"name": "changes", "list_changes": {"lists": ["ofac_sdn"]}},
                ],
            }
        ),
        encoding="utf-8",
    )
    state = tmp_path / "state"
    assert run_cli("lists", "refresh", "--rules", str(rules), "--state", str(state)).returncode == 0
    with (folder / "sdn.csv").open("a", encoding="utf-8") as f:
        f.write(
            '99999,"NEW LISTED TRADING LLC",-0- ,"RUSSIA-EO14024",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- \r\n'
        )
    # A process that saved the new version and was killed before raising its alerts: the
    # refresh's own save, and nothing after it.
    from monitor.lists import snapshots
    from monitor.lists.formats import read_ofac_csv
    from monitor.store import Store

    store = Store(state)
    entities = read_ofac_csv({p.name: p.read_bytes() for p in folder.iterdir()})
    assert snapshots.save(store, "ofac_sdn", entities, "sha-of-the-new-download") == 2
    store.close()
    first = run_cli("once", "--rules", str(rules), "--state", str(state))
    assert first.returncode == 0, first.stderr
    assert first.stdout.count("ALERT [medium] changes: ofac_sdn: 1 entry added") == 1, first.stdout
    again = run_cli("once", "--rules", str(rules), "--state", str(state))
    assert "ALERT" not in again.stdout


def test_sigkill_during_list_refreshes_raises_every_change_once(
    feed_server: FeedServer, tmp_path: Path
) -> None:
    """`lists refresh` killed again and again while it downloads: nothing half-stored, and each
    new version, once a refresh gets through, raises its list-change alert exactly once."""
    import subprocess
    import sys

    import yaml

    from tests.conftest import ROOT

    sample = (FIXTURES / "lists/ofac_sdn_sample/sdn.csv").read_bytes()
    rules = tmp_path / "rules.yaml"
    rules.write_text(
        yaml.safe_dump(
            {
                "watchlists": {
                    "ofac_sdn": {
                        "import": {"format": "ofac-csv", "url": feed_server.url("/o/sdn.csv")}
                    }
                },
                "rules": [{"name": "changes", "list_changes": {"lists": ["ofac_sdn"]}}],
            }
        ),
        encoding="utf-8",
    )
    state = str(tmp_path / "state")
    command = [sys.executable, "-m", "monitor", "lists", "refresh"]
    command += ["--rules", str(rules), "--state", state]

    def killed_mid_download(body: bytes) -> None:
        feed_server.slow_drip("/o/sdn.csv", body, interval=0.05)
        for _ in range(3):
            seen = len(feed_server.requests)
            proc = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, text=True)
            assert feed_server.wait_for_requests(seen + 1, timeout=30)
            proc.kill()
            proc.wait(timeout=10)
            assert proc.stdout is not None and "version" not in proc.stdout.read()
            proc.stdout.close()

    def refreshed(body: bytes) -> str:
        feed_server.route("/o/sdn.csv", body, content_type="text/csv")
        done = run_cli("lists", "refresh", "--rules", str(rules), "--state", state)
        assert done.returncode == 0, done.stderr
        return done.stdout

    killed_mid_download(sample)
    assert "version 1: 5 entries" in refreshed(sample)
    changed = (
        sample
        + b'99999,"NEW LISTED TRADING LLC",-0- ,"RUSSIA-EO14024",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- \r\n'
    )
    killed_mid_download(changed)
    out = refreshed(changed)
    assert "version 2: 6 entries" in out
    assert out.count("ALERT [medium] changes: ofac_sdn: 1 entry added") == 1, out
    again = run_cli("once", "--rules", str(rules), "--state", state)
    assert "ALERT" not in again.stdout
