"""The compiled index is kept in the state folder between restarts, used only while the
watchlists and the lists' versions are the same, and rebuilt from a torn or stale file."""

from __future__ import annotations

import asyncio
import gc
import os
import shutil
import subprocess
import sys
import weakref
from pathlib import Path

import pytest

from monitor import index_cache
from monitor.config import Config, load_config
from monitor.models import Article
from monitor.pipeline import Monitor, Pipeline
from monitor.sources.fetch import Fetcher
from monitor.store import Store
from tests.conftest import FIXTURES
from tests.test_lists import refresh_now, rules


def found(pipeline: Pipeline, text: str) -> set[str]:
    return {h.entry for h in pipeline.matcher.find(Article("a", text)) if h.ref is not None}


def imported(tmp_path: Path) -> tuple[Path, Path, Path, Config]:
    """A copy of our sample OFAC list (fictional entries), rules importing it, its first version in a state folder:
    (list folder, rules file, state folder, the rules)."""
    folder = tmp_path / "ofac"
    shutil.copytree(FIXTURES / "lists/ofac_sdn_sample", folder)
    path = rules(tmp_path, str(folder / "sdn.csv"))
    state = tmp_path / "state"
    refresh_now(path, state)
    return folder, path, state, load_config(path)


def test_the_index_is_reused_until_a_list_changes_and_survives_a_torn_file(
    tmp_path: Path,
) -> None:
    folder, path, state, config = imported(tmp_path)

    first = Pipeline.from_file(path, state)
    cache = state / index_cache.FILE
    assert cache.exists()
    stamp = cache.stat().st_mtime_ns
    again = Pipeline.from_file(path, state)
    assert cache.stat().st_mtime_ns == stamp  # read, not rebuilt
    assert len(again.matcher.aliases) == len(first.matcher.aliases)
    assert found(again, "NORTHWIND MARITIME HOLDINGS LTD. was named")

    # a new version of the list: the cached index no longer applies
    sdn = folder / "sdn.csv"
    sdn.write_bytes(
        sdn.read_bytes()
        + b'99999,"NEW LISTED TRADING LLC",-0- ,"RUSSIA-EO14024",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,'
        b"-0- ,-0- \r\n"
    )
    assert refresh_now(path, state).startswith("version 2")
    assert "NEW LISTED TRADING LLC [99999]" in found(
        Pipeline.from_file(path, state), "New Listed Trading LLC moved funds"
    )

    # a torn file is rebuilt, not trusted
    cache.write_bytes(cache.read_bytes()[:1000])
    assert "NEW LISTED TRADING LLC [99999]" in found(
        Pipeline.from_file(path, state), "New Listed Trading LLC moved funds"
    )

    # other rules: another key; the same ones in another process: the same key
    versions = {"ofac_sdn": "x"}
    path.write_text(path.read_text(encoding="utf-8").replace("sanction*", "sanksi*"), "utf-8")
    edited = load_config(path)
    assert index_cache.key(config, versions) != index_cache.key(edited, versions)
    assert index_cache.key(config, versions) != index_cache.key(config, {"ofac_sdn": "y"})
    path.write_text(path.read_text(encoding="utf-8").replace("sanksi*", "sanction*"), "utf-8")
    code = (
        "import sys; from monitor import index_cache; from monitor.config import load_config;"
        f"print(index_cache.key(load_config({str(path)!r}), {versions!r}))"
    )
    keys = {
        subprocess.run(
            [sys.executable, "-c", code],
            env={**os.environ, "PYTHONHASHSEED": seed},
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        for seed in ("1", "2")
    }
    assert keys == {index_cache.key(config, versions)}


def test_a_rebuild_lets_the_old_index_go_before_it_builds_the_new(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two indexes are never in memory together when `run` rebuilds for new rules or a new
    list version. Observed by a weak reference to the old index when the new build starts (the
    build itself is not replaced: the wrapper only looks, then calls it)."""
    _, _, state, config = imported(tmp_path)
    store = Store(state)
    fetcher = Fetcher(config.settings)
    try:
        monitor = Monitor.from_store(config, store, fetcher)
        old = weakref.ref(monitor.pipeline.matcher)
        build = Pipeline.from_store
        seen: list[bool] = []

        def watching(config: Config, store: Store) -> Pipeline:
            gc.collect()
            seen.append(old() is None)
            return build(config, store)

        monkeypatch.setattr(Pipeline, "from_store", watching)
        monitor.rebuild(config)
        assert seen == [True]
        assert found(monitor.pipeline, "NORTHWIND MARITIME HOLDINGS LTD. was named")
    finally:
        asyncio.run(fetcher.aclose())
        store.close()
