"""State that cannot lie: a state folder whose database was emptied, deleted or swapped for
another is refused with what to do, never silently started over (a new store would alert again
on every current item); a folder that is a file is one clear line."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from monitor.store import Store
from tests.conftest import run_cli
from tests.test_daemon import rules_file


@pytest.fixture
def state(tmp_path: Path) -> Path:
    """A state folder holding a store."""
    folder = tmp_path / "state"
    Store(folder).close()
    assert (folder / "store.id").read_text(encoding="utf-8").strip()
    return folder


def refused(state: Path) -> str:
    result = run_cli("status", "--state", str(state))
    assert result.returncode != 0 and "Traceback" not in result.stderr
    [line] = result.stderr.strip().splitlines()
    return line


@pytest.mark.parametrize("damage", ["emptied", "deleted"])
def test_a_database_emptied_or_deleted_is_refused(state: Path, damage: str) -> None:
    db = state / "monitor.db"
    if damage == "emptied":
        db.write_bytes(b"")
    else:
        db.unlink()
    line = refused(state)
    assert line.startswith(f"error: {db} is missing or empty, but this state folder held a store")
    assert f"run `sanctions-monitor start-over --state {state}`" in line  # how to begin anew
    assert not db.exists() or db.stat().st_size == 0  # nothing was created in its place


def test_another_stores_database_is_refused(state: Path, tmp_path: Path) -> None:
    other = tmp_path / "other"
    Store(other).close()
    shutil.copy(other / "monitor.db", state / "monitor.db")
    assert "is another store's database" in refused(state)


def test_starting_over_on_purpose_keeps_the_old_store_aside(state: Path) -> None:
    """`start-over` is the deliberate way to begin anew after a lost database: the remains of
    the old store move to a dated folder (nothing deleted), and the next start makes a new one,
    with another id."""
    old_id = (state / "store.id").read_text(encoding="utf-8")
    (state / "monitor.db").write_bytes(b"")
    assert run_cli("status", "--state", str(state)).returncode != 0
    result = run_cli("start-over", "--state", str(state))
    assert result.returncode == 0, result.stderr
    [aside] = state.glob("previous-*")
    assert f"the old store is in {aside}" in result.stdout
    assert (aside / "store.id").read_text(encoding="utf-8") == old_id
    assert (aside / "monitor.db").exists()
    assert run_cli("status", "--state", str(state)).returncode == 0
    assert (state / "store.id").read_text(encoding="utf-8") != old_id


def test_starting_over_waits_for_no_running_daemon(state: Path) -> None:
    """Under a process that holds the state folder, `start-over` refuses and moves nothing."""
    from monitor.store import StateLock

    with StateLock(state, "run"):
        result = run_cli("start-over", "--state", str(state))
    assert result.returncode != 0 and "is in use by" in result.stderr
    assert not list(state.glob("previous-*")) and (state / "monitor.db").exists()


def test_a_state_folder_that_is_a_file_is_one_clear_line(tmp_path: Path) -> None:
    rules = tmp_path / "rules.yaml"
    rules_file(rules, "  - {name: s, url: 'http://127.0.0.1:9/never'}\n")
    path = tmp_path / "statefile"
    path.write_text("not a folder", encoding="utf-8")
    for command in (["status"], ["once", "--rules", str(rules)]):
        result = run_cli(*command, "--state", str(path))
        assert result.returncode != 0, command
        assert (
            result.stderr.strip()
            == f"error: the state folder {path} is a file: give --state a folder"
        )


def test_a_database_deleted_under_the_daemon_turns_health_red_and_writes_fail(
    tmp_path: Path,
) -> None:
    """Deleted under a running daemon, the store would go on writing to a file no restart will
    see: /healthz says so (503) and every write fails, rather than alerts being recorded into
    it."""
    from monitor.config.load import load_config
    from monitor.daemon import Daemon
    from monitor.store import StoreError

    rules = tmp_path / "rules.yaml"
    rules_file(rules, "  - {name: s, url: 'http://127.0.0.1:9/never'}\n")
    daemon = Daemon(rules, tmp_path / "state", load_config(rules))
    try:
        (tmp_path / "state" / "monitor.db").unlink()
        healthy, details = daemon.health()
        assert not healthy
        assert any("monitor.db was deleted" in p for p in details["problems"]), details
        with pytest.raises(StoreError, match="was deleted"):
            daemon.store.record_poll("s", error=None)
    finally:
        daemon.store.close()
        daemon.lock.release()


def test_a_malformed_database_is_one_line(state: Path) -> None:
    (state / "monitor.db").write_bytes(b"this is not an SQLite file, " * 100)
    line = refused(state)
    assert line.startswith(f"error: cannot open the store {state / 'monitor.db'}: ")
    assert "not a database" in line
