"""Official lists as watchlists: real samples imported from 127.0.0.1 or a path, their quirks
survived, hostile or truncated downloads refused without losing the last good snapshot, and the
names news really writes found in text."""

from __future__ import annotations

import asyncio
import json
import shutil
from datetime import UTC, datetime, timedelta
from pathlib import Path

import yaml

from monitor.config.load import parse_config
from monitor.lists import snapshots
from monitor.lists.formats import read_ofac_csv, read_opensanctions_csv, read_un_xml
from monitor.lists.model import ListEntity
from monitor.lists.refresh import due, refresh
from monitor.models import AlertPayload, Article, ListChange
from monitor.notify.message import alert_message
from monitor.pipeline import Pipeline
from monitor.sources.fetch import Fetcher
from monitor.store import Store
from tests.conftest import run_cli
from tests.feedserver import FeedServer, billion_laughs, feed_server
from tests.shared import shared_path, un_list_excerpt

__all__ = ["feed_server"]


def real(relative: str) -> Path:
    """A real list file (or folder) of ../shared/fixtures/lists."""
    return shared_path(f"lists/{relative}")


OFAC_FILES = ("sdn.csv", "alt.csv", "add.csv", "sdn_comments.csv")


def ofac(folder: str) -> dict[str, bytes]:
    return {n: (real(folder) / n).read_bytes() for n in OFAC_FILES}


def test_ofac_csv_quirks() -> None:
    """-0- nulls, a.k.a. hidden in Remarks, programs joined as `A] [B`, schemas."""
    entities = {e.id: e for e in read_ofac_csv(ofac("ofac_sdn_csv_mini"))}
    iran = entities["11195"]
    assert iran.schema == "entity" and iran.programs == ("NPWMD", "IFSR", "IRAN-CON-ARMS-EO")
    names = {n.name for n in iran.names}
    assert {"HESA", "IAMI", "IRAN AIRCRAFT MANUFACTURING INDUSTRIES"} <= names  # alt.csv, Remarks
    assert entities["47371"].schema == "vessel" and entities["20540"].schema == "aircraft"
    assert all("-0-" not in n.name for e in entities.values() for n in e.names)


def test_ofac_csv_with_crlf_and_a_ctrl_z_byte() -> None:
    files = ofac("ofac_sdn_csv_mini")
    files["sdn.csv"] = files["sdn.csv"].replace(b"\n", b"\r\n") + b"\x1a"
    assert len(read_ofac_csv(files)) == len(read_ofac_csv(ofac("ofac_sdn_csv_mini")))


def test_un_xml_keeps_original_script_and_marks_low_quality_aliases_weak() -> None:
    entities = read_un_xml(
        un_list_excerpt(real("un_consolidated_xml/UN_consolidated.xml").read_bytes())
    )
    assert {e.schema for e in entities} == {"individual", "entity"}
    assert any(any("\u0600" <= ch <= "\u06ff" for n in e.names for ch in n.name) for e in entities)
    assert any(n.weak for e in entities for n in e.names)
    # each name with its script, kept in the snapshot
    scripts = {n.script for e in entities for n in e.names}
    assert {"latin", "arabic"} <= scripts
    entity = next(e for e in entities if any(n.script == "arabic" for n in e.names))
    assert ListEntity.from_json(entity.to_json()) == entity


def test_opensanctions_csv_splits_multiscript_aliases() -> None:
    entities = read_opensanctions_csv(
        (real("opensanctions_targets_simple_multiscript/targets.simple.csv")).read_bytes()
    )
    assert len(entities) == 20
    saud = next(e for e in entities if e.id == "Q270540")
    assert "سعود بن إبراهيم الشريم" in {n.name for n in saud.names}


def rules(tmp_path: Path, url: str, fmt: str = "ofac-csv", name: str = "ofac_sdn") -> Path:
    path = tmp_path / "rules.yaml"
    path.write_text(
        yaml.safe_dump(
            {
                "builtin": False,  # only this list and these terms
                "watchlists": {
                    name: {"import": {"format": fmt, "url": url}, "refresh": "1d"},
                    "terms": {
                        "fuzzy": False,
                        "entries": [{"name": "sanctions", "aliases": ["sanction*"]}],
                    },
                },
                "rules": [{"name": "listed", "all": [{"watchlist": name}, {"watchlist": "terms"}]}],
            }
        ),
        encoding="utf-8",
    )
    return path


def refresh_now(path: Path, state: Path, name: str = "ofac_sdn") -> str:
    config = parse_config(path.read_text(encoding="utf-8"), str(path), {})

    async def go() -> str:
        store, fetcher = Store(state), Fetcher(config.settings)
        try:
            spec = config.watchlists[name].imports
            assert spec is not None
            return (await refresh(name, spec, store, fetcher)).message
        finally:
            await fetcher.aclose()
            store.close()

    return asyncio.run(go())


def test_import_from_loopback_match_real_name_forms_and_keep_weak_names_quiet(
    feed_server: FeedServer, tmp_path: Path
) -> None:
    for n in OFAC_FILES:
        feed_server.route(
            f"/ofac/{n}", (real("ofac_sdn_csv_2019") / n).read_bytes(), content_type="text/csv"
        )
    path = rules(tmp_path, feed_server.url("/ofac/sdn.csv"))
    assert refresh_now(path, tmp_path / "state").startswith("version 1: 7379 entries")
    assert refresh_now(path, tmp_path / "state") == "unchanged"
    # a conditional GET: the server answered 304 and sent no body
    asked = [r for r in feed_server.requests if r.path == "/ofac/sdn.csv"]
    assert len(asked) == 2 and "if-none-match" in asked[1].headers
    pipeline = Pipeline.from_file(path, tmp_path / "state")

    def entries(text: str) -> set[str]:
        return {
            h.entry for h in pipeline.matcher.find(Article("a", text)) if h.watchlist == "ofac_sdn"
        }

    assert "MADURO MOROS, Nicolas [22790]" in entries(
        "New sanctions target Nicolás Maduro and his allies"
    )
    assert any(
        e.startswith("CABELLO RONDON, Diosdado") for e in entries("Diosdado Cabello was sanctioned")
    )
    # A mention of one person does not hit another entity that shares a word.
    assert not any(e.startswith("FELIX B. MADURO") for e in entries("Nicolás Maduro spoke"))
    # Single common words from the list never fire alone.
    assert entries("Dan and Let were there, said John.") == set()


def test_truncated_or_hostile_downloads_keep_the_last_good_snapshot(
    feed_server: FeedServer, tmp_path: Path
) -> None:
    full = (real("ofac_sdn_csv_2019") / "sdn.csv").read_bytes()
    feed_server.route("/o/sdn.csv", full, content_type="text/csv")
    path = rules(tmp_path, feed_server.url("/o/sdn.csv"))
    state = tmp_path / "state"
    assert refresh_now(path, state).startswith("version 1")
    feed_server.route("/o/sdn.csv", full[: len(full) // 3].rsplit(b"\n", 1)[0] + b"\n")
    assert "refused as truncated" in refresh_now(path, state)
    feed_server.route("/o/sdn.csv", b"")
    assert "no entries" in refresh_now(path, state)
    feed_server.huge("/o/sdn.csv", size=400 * 1024 * 1024)  # past the 300 MB cap
    assert "larger than" in refresh_now(path, state)
    store = Store(state)
    assert snapshots.latest_version(store, "ofac_sdn")["entities"] == 7379  # type: ignore[index]
    [row] = store.query("SELECT last_error FROM list_state")
    store.close()
    assert "larger than" in row["last_error"]

    un = rules(tmp_path, feed_server.url("/un.xml"), fmt="un-xml", name="un")
    feed_server.route("/un.xml", billion_laughs())
    assert "entity expansion" in refresh_now(un, state, "un")


def test_lists_commands_show_and_diff_between_two_versions(tmp_path: Path) -> None:
    folder = tmp_path / "ofac"
    shutil.copytree(real("ofac_sdn_csv_mini"), folder)
    path = rules(tmp_path, str(folder / "sdn.csv"))
    state = str(tmp_path / "state")
    first = run_cli("lists", "refresh", "--rules", str(path), "--state", state)
    assert first.returncode == 0 and "ofac_sdn: version 1: 17 entries" in first.stdout
    sdn = (folder / "sdn.csv").read_text(encoding="utf-8")
    lines = sdn.splitlines(keepends=True)
    changed = [line.replace("TASCA", "TASCA II") for line in lines if not line.startswith("10278,")]
    changed.append(
        '99999,"NEW LISTED TRADING LLC",-0- ,"RUSSIA-EO14024",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- \n'
    )
    (folder / "sdn.csv").write_text("".join(changed), encoding="utf-8")
    second = run_cli("lists", "refresh", "ofac_sdn", "--rules", str(path), "--state", state)
    assert "version 2: 17 entries" in second.stdout
    diff = run_cli("lists", "diff", "ofac_sdn", "--rules", str(path), "--state", state)
    assert "added    99999  NEW LISTED TRADING LLC  (RUSSIA-EO14024)" in diff.stdout
    assert "removed  10278  LOGAN MOREY, Elvis Angus" in diff.stdout
    assert "changed  52327  TASCA -> TASCA II" in diff.stdout
    show = run_cli("lists", "show", "ofac_sdn", "11195", "--rules", str(path), "--state", state)
    assert (
        show.returncode == 0 and '"IRAN AIRCRAFT MANUFACTURING INDUSTRIAL COMPANY"' in show.stdout
    )
    listed = run_cli("watchlists", "--rules", str(path), "--state", state)
    assert "NEW LISTED TRADING LLC [99999]" in listed.stdout
    # the aliases as compiled: the vessel IRIS MAKRAN is also "MAKRAN", a weak name
    records = {r["entry"]: r for r in map(json.loads, listed.stdout.splitlines())}
    assert {"alias": "MAKRAN", "normalized": "makran", "weak": True} in records[
        "IRIS MAKRAN [40716]"
    ]["compiled"]


def test_once_refreshes_due_lists_and_alerts_on_a_listed_name(
    feed_server: FeedServer, tmp_path: Path
) -> None:
    """`once` refreshes the list (never fetched by match/explain), then matches the news with it;
    `status` shows the list's version and size."""
    from tests.test_polling import rss

    folder = tmp_path / "ofac"
    shutil.copytree(real("ofac_sdn_csv_2019"), folder)
    path = rules(tmp_path, str(folder / "sdn.csv"))
    item = (
        "m1",
        "US widens sanctions on Nicolás Maduro's inner circle",
        "http://127.0.0.1/m1",
        "Treasury sanctioned officials close to Nicolás Maduro on Friday.",
    )
    feed = feed_server.route("/m.xml", rss(item))
    text = path.read_text(encoding="utf-8")
    path.write_text(
        text + yaml.safe_dump({"sources": [{"name": "wire", "url": feed, "fetch_body": False}]})
    )
    state = str(tmp_path / "state")
    before = run_cli(
        "match",
        "--rules",
        str(path),
        "--state",
        state,
        stdin='{"id": 1, "title": "Nicolás Maduro sanctions"}\n',
    )
    assert '"alert": false' in before.stdout  # no snapshot yet, and match never fetches
    once = run_cli("once", "--rules", str(path), "--state", state)
    assert once.returncode == 0, once.stderr
    assert "ALERT [medium] listed: US widens sanctions on Nicolás Maduro" in once.stdout
    assert "ofac_sdn: MADURO MOROS, Nicolas [22790] [VENEZUELA] (Nicolás Maduro)" in once.stdout
    after = run_cli(
        "match",
        "--rules",
        str(path),
        "--state",
        state,
        stdin='{"id": 1, "title": "Nicolás Maduro sanctions"}\n',
    )
    assert '"entry": "MADURO MOROS, Nicolas [22790]"' in after.stdout
    status = run_cli("status", "--state", state)
    assert "ofac_sdn" in status.stdout and "7379" in status.stdout


def test_a_list_change_raises_one_alert(tmp_path: Path) -> None:
    """A refresh that adds and removes entries raises one list-change alert per rule that
    asks for them (here: changes under RUSSIA-EO14024), with the names, and delivers it (here:
    printed, no target being configured); an unchanged list none, and a later `once` none."""
    folder = tmp_path / "ofac"
    shutil.copytree(real("ofac_sdn_csv_mini"), folder)
    path = rules(tmp_path, str(folder / "sdn.csv"))
    document = yaml.safe_load(path.read_text(encoding="utf-8"))
    document["rules"].append(
        {
            "name": "new-designations",
            "severity": "high",
            "list_changes": {"lists": ["ofac_sdn"], "programs": ["RUSSIA-EO14024"]},
        }
    )
    path.write_text(yaml.safe_dump(document), encoding="utf-8")
    state = str(tmp_path / "state")
    first = run_cli("lists", "refresh", "--rules", str(path), "--state", state)
    assert first.returncode == 0 and "raised" not in first.stdout  # a first version is no change
    with (folder / "sdn.csv").open("a", encoding="utf-8") as f:
        f.write(
            '99999,"NEW LISTED TRADING LLC",-0- ,"RUSSIA-EO14024",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- \n'
        )
        f.write('99998,"OTHER PROGRAM LLC",-0- ,"SDGT",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- \n')
    second = run_cli("lists", "refresh", "--rules", str(path), "--state", state)
    assert "ofac_sdn: 1 list-change alert raised" in second.stdout
    expected = "ALERT [high] new-designations: ofac_sdn: 1 entry added under RUSSIA-EO14024"
    assert second.stdout.count(expected) == 1
    store = Store(tmp_path / "state")
    [alert] = store.alerts()
    store.close()
    body = json.loads(alert["payload"])["article"]["body"]
    assert "added: NEW LISTED TRADING LLC (RUSSIA-EO14024)" in body
    assert "OTHER PROGRAM LLC" not in body  # another program: not this rule's business
    # the message names the entry, with its program and a link to it on the list
    payload = AlertPayload.from_json(alert["payload"])
    message = alert_message(alert["rule"], alert["severity"], payload, []).plain()
    link = "https://sanctionssearch.ofac.treas.gov/Details.aspx?id=99999"
    assert f"added: NEW LISTED TRADING LLC <{link}> (RUSSIA-EO14024)" in message
    third = run_cli("lists", "refresh", "--rules", str(path), "--state", state)
    assert "unchanged" in third.stdout
    again = run_cli("once", "--rules", str(path), "--state", state)
    assert "ALERT" not in again.stdout


def test_a_list_change_message_names_the_first_entries_and_counts_the_rest() -> None:
    from monitor.pipeline import SHOWN_CHANGES

    changes = tuple(ListChange("added", f"ENTRY {i}", ("IRAN",)) for i in range(SHOWN_CHANGES))
    payload = AlertPayload(Article("l", "l"), changes=changes, more_changes=190)
    text = alert_message("r", "high", payload, []).plain()
    assert "added: ENTRY 0 (IRAN)\nadded: ENTRY 1 (IRAN)" in text
    assert text.count("added: ") == SHOWN_CHANGES and "and 190 more" in text


def test_ofac_xml_reads_the_namespace_and_the_weak_category() -> None:
    from monitor.lists.formats import read_ofac_xml

    raw = (real("ofac_sdn_xml_2014_excerpt/big_xml.xml")).read_bytes()
    entities = {e.id: e for e in read_ofac_xml(raw)}
    assert entities["15"].caption == "ABDELNUR, Nury de Jesus"
    assert entities["15"].schema == "individual" and entities["15"].programs == ("CUBA",)
    assert "ANAINSA" in {n.name for n in entities["10"].names}
    # The same file with its a.k.a. marked weak, as the current list marks many.
    weak = read_ofac_xml(raw.replace(b"<category>strong</category>", b"<category>weak</category>"))
    assert any(n.weak for e in weak for n in e.names)
    assert "refused" in str(_error(read_ofac_xml, billion_laughs()))


def _error(read: object, raw: bytes) -> Exception:
    from monitor.lists.formats import ListFormatError

    try:
        read(raw)  # type: ignore[operator]
    except ListFormatError as e:
        return e
    raise AssertionError("no error")


def test_opensanctions_ftm_and_the_consolidated_screening_list() -> None:
    from monitor.lists.formats import read_csl_csv, read_opensanctions_ftm

    ftm = read_opensanctions_ftm((real("opensanctions_ftm_t1/entities.ftm.json")).read_bytes())
    assert len(ftm) == 6
    assert any(any("Интер Тобако" in n.name for n in e.names) for e in ftm)
    csl = read_csl_csv((real("us_trade_csl_2025/consolidated.csv")).read_bytes())
    assert csl[0].caption == "Sinobright Import and Export Company"  # "and any successor…" cut
    assert csl[0].programs == ("INKSNA",)


def test_a_list_that_cannot_be_refreshed_is_told_once_and_its_recovery(
    feed_server: FeedServer, tmp_path: Path
) -> None:
    from monitor.cycle import Cycle
    from tests.capture import CaptureServer

    capture = CaptureServer()
    try:
        feed_server.route("/o/sdn.csv", (real("ofac_sdn_csv_mini") / "sdn.csv").read_bytes())
        path = rules(tmp_path, feed_server.url("/o/sdn.csv"))
        text = path.read_text(encoding="utf-8") + yaml.safe_dump(
            {"notify": {"default": capture.url()}}
        )
        path.write_text(text, encoding="utf-8")
        config = parse_config(text, str(path), {})
        state = tmp_path / "state"

        def dispatch_now() -> None:
            async def go() -> None:
                store, fetcher = Store(state), Fetcher(config.settings)
                try:
                    await Cycle(config, store, fetcher).deliver()
                finally:
                    await fetcher.aclose()
                    store.close()

            asyncio.run(go())

        feed_server.status("/o/sdn.csv", 503)
        assert "HTTP 503" in refresh_now(path, state)
        dispatch_now()
        dispatch_now()
        feed_server.route("/o/sdn.csv", (real("ofac_sdn_csv_mini") / "sdn.csv").read_bytes())
        assert refresh_now(path, state).startswith("version 1")
        dispatch_now()
        titles = [m["title"] for m in capture.received]
        assert titles == [
            "OPS: list ofac_sdn cannot be refreshed: HTTP 503 Service Unavailable",
            "OPS: list ofac_sdn refreshes again",
        ]
    finally:
        capture.close()


def test_every_format_the_config_accepts_has_a_reader() -> None:
    from monitor.config.model import LIST_FORMATS
    from monitor.lists.formats import FORMATS

    assert set(FORMATS) == set(LIST_FORMATS)


def test_a_failed_refresh_is_tried_again_within_the_hour_not_the_next_day(
    tmp_path: Path,
) -> None:
    folder = tmp_path / "ofac"
    path = rules(tmp_path, str(folder / "sdn.csv"))  # refresh: 1d
    state = tmp_path / "state"
    imports = (
        parse_config(path.read_text(encoding="utf-8"), str(path), {}).watchlists["ofac_sdn"].imports
    )
    assert imports is not None

    def due_after(minutes: int) -> bool:
        store = Store(state)
        try:
            moment = datetime.now(UTC) - timedelta(minutes=minutes)
            store.db.execute("UPDATE list_state SET last_refresh = ?", [moment.isoformat()])
            return due(store, "ofac_sdn", imports)
        finally:
            store.close()

    assert refresh_now(path, state).startswith("refresh failed")  # the folder does not exist
    assert not due_after(5) and due_after(61)
    shutil.copytree(real("ofac_sdn_csv_mini"), folder)
    assert refresh_now(path, state).startswith("version 1")
    assert not due_after(61) and due_after(24 * 60 + 1)


def test_the_consolidated_list_and_the_list_service_names_in_capitals(
    feed_server: FeedServer, tmp_path: Path
) -> None:
    """OFAC's consolidated list is cons_prim.csv with cons_alt.csv, cons_add.csv and
    cons_comments.csv beside it; OFAC's list service writes file names in capitals."""
    for n in ("cons_prim.csv", "cons_alt.csv", "cons_add.csv", "cons_comments.csv"):
        body = (real("ofac_cons_csv") / n).read_bytes()
        feed_server.route(f"/exports/{n.upper()}", body, content_type="text/csv")
    path = rules(tmp_path, feed_server.url("/exports/CONS_PRIM.CSV"))
    assert refresh_now(path, tmp_path / "state").startswith("version 1: 442 entries")
    asked = {r.path for r in feed_server.requests}
    assert {"/exports/CONS_ALT.CSV", "/exports/CONS_ADD.CSV", "/exports/CONS_COMMENTS.CSV"} <= asked
    store = Store(tmp_path / "state")
    entities = snapshots.entities(store, "ofac_sdn")
    store.close()
    assert sum(len(e.names) > 1 for e in entities) > 100  # the aliases of cons_alt.csv were read


def test_explain_says_when_a_list_was_never_loaded(tmp_path: Path) -> None:
    """Before any refresh, explain says that the list's names cannot be found yet."""
    import shutil as sh

    from tests.conftest import FIXTURES

    folder = tmp_path / "ofac"
    sh.copytree(FIXTURES / "lists/ofac_sdn_sample", folder)
    path = rules(tmp_path, str(folder / "sdn.csv"))
    state = str(tmp_path / "state")
    args = ["--title", "Treasury sanctions NORTHWIND MARITIME HOLDINGS LTD.", "--rules", str(path)]
    before = run_cli("explain", *args, "--state", state)
    assert "note: the official list ofac_sdn has never been loaded" in before.stdout
    assert run_cli("lists", "refresh", "--rules", str(path), "--state", state).returncode == 0
    after = run_cli("explain", *args, "--state", state)
    assert "never been loaded" not in after.stdout and "NORTHWIND" in after.stdout
