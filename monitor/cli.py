"""The command line. The only place that turns errors into messages and exit codes.

Exit codes: 0 success; 1 some input records were invalid (the rest were processed), or the
state folder is in use; 2 the rules file, a setting (MONITOR_HTTP) or the command line is wrong.
"""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import json
import os
import sys
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import IO, Any

from monitor import __version__
from monitor.articles import article_from_record, read_jsonl
from monitor.config import Config, load_config
from monitor.config.builtin import (
    FILES,
    STARTER,
    builtin_path,
    language_codes,
    shown,
    written_aliases,
)
from monitor.config.check import seconds_of
from monitor.config.schema import rules_schema
from monitor.cycle import Cycle
from monitor.daemon import Daemon, run_once
from monitor.errors import ConfigError, InputError, MonitorError, SettingError
from monitor.lists import snapshots as list_snapshots
from monitor.logs import setup_logging
from monitor.models import Article, MatchResult
from monitor.notify.console import alert_record, format_alert
from monitor.notify.deliver import apprise_send
from monitor.notify.render import Message
from monitor.pipeline import Pipeline, PollReport
from monitor.rules.explain import ansi_mark, explain, plain_mark
from monitor.sources.fetch import Fetcher
from monitor.store import StateLock, Store, set_aside
from monitor.text.lang import detect, profiles

EXIT_INPUT, EXIT_CONFIG = 1, 2


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        return int(args.handler(args))
    except ConfigError as e:
        print(e, file=sys.stderr)
        n = len(e.problems)
        print(f"{n} problem{'s' if n != 1 else ''} in the rules file.", file=sys.stderr)
        return EXIT_CONFIG
    except InputError as e:
        print(f"error: {e}", file=sys.stderr)
        return EXIT_INPUT
    except SettingError as e:
        print(f"error: {e}", file=sys.stderr)
        return EXIT_CONFIG
    except MonitorError as e:
        print(f"error: {e}", file=sys.stderr)
        return EXIT_INPUT
    except BrokenPipeError:  # `sanctions-monitor match | head`: the reader has gone
        sys.stderr.close()
        return 0
    except KeyboardInterrupt:
        return 130


def _parser() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--rules",
        default=argparse.SUPPRESS,
        help="rules file (env MONITOR_RULES, default ./rules.yaml)",
    )
    common.add_argument(
        "--state",
        default=argparse.SUPPRESS,
        help="state directory (env MONITOR_STATE, default ./state)",
    )
    parser = argparse.ArgumentParser(
        prog="sanctions-monitor",
        description="Watch the news for sanctions events and alert the people who must know.",
        parents=[common],
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def command(name: str, help: str, example: str) -> argparse.ArgumentParser:
        return commands.add_parser(
            name,
            parents=[common],
            help=help,
            description=f"{help}\n\nexample:\n  {example}",
            formatter_class=argparse.RawDescriptionHelpFormatter,
        )

    check = command(
        "check", "validate the rules file", "sanctions-monitor check --rules rules.yaml"
    )
    check.set_defaults(handler=cmd_check)

    match = command(
        "match",
        "match JSON Lines articles; one JSON line out per article",
        "sanctions-monitor match articles.jsonl > results.jsonl",
    )
    match.add_argument("file", nargs="?", help="JSON Lines file of articles (default: stdin)")
    match.set_defaults(handler=cmd_match)

    exp = command(
        "explain",
        "show for one article which rules fire and why",
        'sanctions-monitor explain --title "EU extends sanctions on Russia"',
    )
    exp.add_argument(
        "file", nargs="?", help="a JSON article (or JSON Lines: the first), or text: title, body"
    )
    exp.add_argument("--title", help="the article's headline")
    exp.add_argument("--body", help="the article's text")
    exp.add_argument("--lang", help="the article's language (ISO 639-1); detected if not given")
    exp.set_defaults(handler=cmd_explain)

    once = command(
        "once",
        "poll every source once, match, store, show alerts; then exit",
        "sanctions-monitor once --rules rules.yaml --state state",
    )
    once.set_defaults(handler=cmd_once)

    run = command(
        "run",
        "watch the sources until stopped (SIGTERM or Ctrl-C)",
        "sanctions-monitor run --rules rules.yaml --state state",
    )
    run.set_defaults(handler=cmd_run)

    status = command(
        "status",
        "show each source's health and the pending alerts",
        "sanctions-monitor status --state state",
    )
    status.set_defaults(handler=cmd_status)

    alerts = command(
        "alerts", "show recent alerts with their stories", "sanctions-monitor alerts --limit 50"
    )
    alerts.add_argument("--limit", type=int, default=20, help="how many (default 20)")
    alerts.add_argument(
        "--since",
        type=_since,
        help="only those raised since: a time (2026-12-01, 2026-12-01T08:00Z) or an age (6h, 2d)",
    )
    alerts.add_argument("--json", action="store_true", help="one JSON object per line, for scripts")
    alerts.set_defaults(handler=cmd_alerts)

    test = command(
        "notify-test",
        "send a test message to a notify target and say whether it arrived",
        "sanctions-monitor notify-test slack",
    )
    test.add_argument("target", nargs="?", help="a target in rules.yaml's notify (default: all)")
    test.set_defaults(handler=cmd_notify_test)

    lists = command(
        "lists",
        "official lists: refresh now, show an entity, diff the last two versions",
        "sanctions-monitor lists refresh ofac_sdn",
    )
    lists.add_argument("action", choices=["refresh", "show", "diff"])
    lists.add_argument("name", nargs="?", help="the watchlist (refresh: all when left out)")
    lists.add_argument("entity", nargs="?", help="show: the entity id on the list")
    lists.set_defaults(handler=cmd_lists)

    schema = command(
        "schema",
        "print the JSON Schema of rules.yaml (for editors)",
        "sanctions-monitor schema > docs/rules.schema.json",
    )
    schema.set_defaults(handler=cmd_schema)

    wl = command(
        "watchlists",
        "list every watchlist entry with its aliases as compiled (JSON Lines)",
        "sanctions-monitor watchlists | grep Russia",
    )
    wl.set_defaults(handler=cmd_watchlists)

    over = command(
        "start-over",
        "set the state folder's store aside (kept, in a dated folder) so that the next start"
        " makes a new one: every current item will alert again",
        "sanctions-monitor start-over --state state",
    )
    over.set_defaults(handler=cmd_start_over)

    init = command(
        "init",
        "write a starter rules.yaml to edit (the built-in defaults, commented)",
        "sanctions-monitor init && $EDITOR rules.yaml",
    )
    init.add_argument("--force", action="store_true", help="replace an existing file")
    init.set_defaults(handler=cmd_init)

    builtin = command(
        "builtin",
        "list the built-in data (languages, watchlists, sources, lists) or print one file",
        "sanctions-monitor builtin show pl",
    )
    builtin.add_argument("action", choices=["list", "show"])
    builtin.add_argument("name", nargs="?", help="show: a language code, or " + ", ".join(FILES))
    builtin.set_defaults(handler=cmd_builtin)
    return parser


def asked_rules(args: argparse.Namespace) -> Path:
    """The rules file the command line or the environment names, else ./rules.yaml."""
    return Path(getattr(args, "rules", None) or os.environ.get("MONITOR_RULES") or "rules.yaml")


def rules_path(args: argparse.Namespace) -> Path:
    """The rules file asked for; with none asked for and no ./rules.yaml, the built-in starter
    rules, said in one line (a first `sanctions-monitor match` needs no file)."""
    path = asked_rules(args)
    if path.exists() or getattr(args, "rules", None) or os.environ.get("MONITOR_RULES"):
        return path  # one asked for by name is used, or its absence reported
    if not getattr(args, "told_defaults", False):
        args.told_defaults = True
        print(
            "no rules.yaml here: using the built-in defaults"
            " (`sanctions-monitor init` writes one to edit)",
            file=sys.stderr,
        )
    return STARTER


def state_dir(args: argparse.Namespace) -> Path:
    return Path(getattr(args, "state", None) or os.environ.get("MONITOR_STATE") or "state")


def cmd_check(args: argparse.Namespace) -> int:
    pipeline = Pipeline.from_file(rules_path(args), state_dir(args))
    config = pipeline.config
    entries = sum(len(w.entries) for w in config.watchlists.values())
    aliases = sum(1 for a in pipeline.matcher.aliases if not a.exclude)
    print(
        f"{config.path}: OK: {len(config.watchlists)} watchlists ({entries} entries, "
        f"{aliases} aliases in {len(config.languages)} built-in languages and yours), "
        f"{len(config.rules)} rules, {len(config.sources)} sources, "
        f"{len(config.notify)} notify targets"
    )
    return 0


def cmd_match(args: argparse.Namespace) -> int:
    pipeline = Pipeline.from_file(rules_path(args), state_dir(args))
    errors = 0
    out = sys.stdout
    if args.file:
        try:
            stream: IO[bytes] = open(args.file, "rb")  # noqa: SIM115 (closed below)
        except OSError as e:
            raise InputError(f"cannot read {args.file}: {e.strerror}") from e
    else:
        stream = sys.stdin.buffer
    name = args.file or "<stdin>"
    try:
        for number, item in read_jsonl(stream, name):
            if isinstance(item, InputError):
                errors += 1
                print(f"error: {item}", file=sys.stderr)
                out.write(json.dumps({"id": None, "line": number, "error": str(item)}) + "\n")
                continue
            out.write(json.dumps(_result_record(pipeline.match(item)), ensure_ascii=False) + "\n")
            if out.isatty():
                out.flush()
    finally:
        if stream is not sys.stdin.buffer:
            stream.close()
    out.flush()
    return EXIT_INPUT if errors else 0


def _result_record(result: MatchResult) -> dict[str, object]:
    return {
        "id": result.article.id,
        "alert": bool(result.fired),
        "rules": list(result.fired),
        "events": [e.as_dict() for e in result.events],
        "hits": [h.as_dict() for h in result.hits],
    }


def cmd_explain(args: argparse.Namespace) -> int:
    article = _explain_article(args)
    pipeline = Pipeline.from_file(rules_path(args), state_dir(args))
    result = pipeline.match(article)
    lang = article.lang or detect(f"{article.title}\n{article.body[:2000]}")
    mark = ansi_mark if sys.stdout.isatty() and not os.environ.get("NO_COLOR") else plain_mark
    print(explain(result, lang, mark))
    for name in pipeline.unloaded:
        print(
            f"note: the official list {name} has never been loaded into {state_dir(args)}, so"
            " none of its names can be found: `sanctions-monitor lists refresh` loads it"
        )
    return 0


def _explain_article(args: argparse.Namespace) -> Article:
    if args.file is None:
        if args.title is None and args.body is None:
            raise InputError("give an article: a FILE, or --title and/or --body")
        return Article("cli", args.title or "", args.body or "", lang=args.lang)
    try:
        text = Path(args.file).read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as e:
        raise InputError(f"cannot read {args.file}: {getattr(e, 'strerror', None) or e}") from e
    if text.lstrip().startswith("{"):
        try:
            record = json.loads(text.strip().splitlines()[0] if text.count("\n{") else text)
        except json.JSONDecodeError as e:
            raise InputError(f"{args.file}: not valid JSON ({e.msg} at line {e.lineno})") from e
        article = article_from_record(record, args.file)
    else:  # a plain text file: the first non-blank line is the title, the rest the body
        lines = [line for line in text.splitlines()]
        first = next((i for i, line in enumerate(lines) if line.strip()), 0)
        title = lines[first].strip() if lines else ""
        article = Article(Path(args.file).name, title, "\n".join(lines[first + 1 :]))
    if args.lang:
        article = Article(**{**article.__dict__, "lang": args.lang})
    return article


def cmd_once(args: argparse.Namespace) -> int:
    config = load_config(rules_path(args))
    setup_logging()
    if not config.sources and not any(wl.imports for wl in config.watchlists.values()):
        print(
            f"{config.path} lists no sources and imports no list: nothing to do.", file=sys.stderr
        )
        return 0
    total = len(config.sources)
    done = 0

    def report(result: PollReport) -> None:
        nonlocal done
        done += 1
        prefix = f"[{done}/{total}] " if sys.stderr.isatty() else ""
        print(prefix + result.line(), file=sys.stderr)

    alerts = asyncio.run(run_once(config, state_dir(args), report))
    print(f"{total} sources polled, {alerts} new alerts.", file=sys.stderr)
    return 0


def cmd_run(args: argparse.Namespace) -> int:
    path = rules_path(args)
    config = load_config(path)
    setup_logging()
    daemon = Daemon(path, state_dir(args), config, http=os.environ.get("MONITOR_HTTP") or None)
    asyncio.run(daemon.run())
    return 0


def cmd_status(args: argparse.Namespace) -> int:
    store = Store(state_dir(args))
    rows = store.sources()
    intervals = _intervals(rules_path(args))
    header = ("source", "last success", "last error", "next poll", "articles", "alerts")
    table = [
        (
            r["name"],
            r.get("last_success") or "never",
            (r.get("last_error") or "")[:60],
            _next_poll(r, intervals.get(r["name"])),
            str(r.get("articles") or 0),
            str(r.get("alerts") or 0),
        )
        for r in rows
    ]
    widths = [max(len(str(x)) for x in column) for column in zip(header, *table, strict=False)]
    for row in (header, *table):
        print("  ".join(str(x).ljust(w) for x, w in zip(row, widths, strict=True)).rstrip())
    pending = store.alerts(limit=1000, status="pending")
    failed = store.alerts(limit=1000, status="failed")
    print(f"\n{len(rows)} sources; {len(pending)} alerts pending, {len(failed)} failed")
    lists = store.list_states()
    if lists:
        print("\nlist         version  entities  last refresh               last error")
        for r in lists:
            print(
                f"{r['list']:<12} {r['version'] or '-':>7}  {r['entities'] or 0:>8}  "
                f"{r['last_refresh'] or 'never':<25}  {(r['last_error'] or '')[:60]}"
            )
    targets = store.delivery_states()
    if targets:
        print("\ntarget     delivered  pending  held  failed  last error")
        for t in targets:
            name = t["target"] + (f" #{t['url_index'] + 1}" if t["url_index"] else "")
            print(
                f"{name:<10} {t['delivered']:>9}  {t['pending']:>7}  {t['held']:>4}  "
                f"{t['failed']:>6}  {(t['last_error'] or '')[:60]}"
            )
    store.close()
    return 0


def _intervals(path: Path) -> dict[str, float]:
    """Each source's poll interval, when the rules can be read (status works without them)."""
    try:
        config = load_config(path)
    except (ConfigError, OSError):
        return {}
    return {s.name: s.interval or config.settings.interval for s in config.sources}


def _next_poll(source: dict[str, Any], interval: float | None) -> str:
    """When `run` polls the source next: its interval after the last poll, or later when it
    backs off; a daemon that starts polls every source at once."""
    backoff = source.get("backoff_until")
    due = [datetime.fromisoformat(backoff)] if backoff else []
    if interval is not None and source.get("last_poll"):
        due.append(datetime.fromisoformat(source["last_poll"]) + timedelta(seconds=interval))
    if not due:
        return ""
    when = max(due).isoformat(timespec="seconds")
    return f"{when} (backoff)" if backoff and max(due) == due[0] else when


def cmd_alerts(args: argparse.Namespace) -> int:
    store = Store(state_dir(args))
    try:
        for alert in store.alerts(limit=args.limit, since=args.since):
            copies = store.story_copies(alert["story_id"])
            if args.json:
                print(json.dumps(alert_record(alert, copies), ensure_ascii=False))
                continue
            print(format_alert(alert))
            outlets = sorted({c["source"] for c in copies})
            languages = {c["lang"] for c in copies if c["lang"]}
            copied = f"{len(copies)} cop{'y' if len(copies) == 1 else 'ies'}"
            also = (
                f"; also reported by {len(outlets) - 1} outlet{'s' * (len(outlets) > 2)}"
                f" in {len(languages)} language{'s' * (len(languages) > 1)}"
                if len(outlets) > 1
                else ""
            )
            print(
                f"    {alert['created_at']}  {alert['status']}  story #{alert['story_id']}: "
                f"{copied} ({', '.join(outlets)}){also}"
            )
    finally:
        store.close()
    return 0


def _since(value: str) -> datetime:
    """A time (ISO 8601, UTC unless it says) or an age (30m, 6h, 2d) before now."""
    seconds = seconds_of(value)
    if seconds is not None:
        return datetime.now(UTC) - timedelta(seconds=seconds)
    try:
        moment = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"expected a time such as 2026-12-01T08:00Z or an age such as 6h, got {value!r}"
        ) from None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def cmd_notify_test(args: argparse.Namespace) -> int:
    config = load_config(rules_path(args))
    names = [args.target] if args.target else sorted(config.notify)
    if args.target and args.target not in config.notify:
        known = ", ".join(sorted(config.notify)) or "none"
        raise InputError(f"no notify target '{args.target}' in {config.path} (targets: {known})")
    message = Message.of_text(
        "sanctions-monitor test message", "If you can read this, alerts will reach this channel."
    )
    failures = 0
    for name in names:
        if not config.notify[name]:
            print(f"{name}: not configured (its URL is empty): alerts print to the terminal")
            continue
        for i, url in enumerate(config.notify[name], 1):
            error = apprise_send(url, message)
            where = f"{name} #{i}" if len(config.notify[name]) > 1 else name
            print(f"{where}: {'arrived' if error is None else 'FAILED: ' + error}")
            failures += error is not None
    return EXIT_INPUT if failures else 0


def cmd_lists(args: argparse.Namespace) -> int:
    config = load_config(rules_path(args))
    imported = {n: wl.imports for n, wl in config.watchlists.items() if wl.imports}
    if args.name and args.name not in imported:
        raise InputError(
            f"no watchlist '{args.name}' imports a list (imported: {', '.join(imported) or 'none'})"
        )
    if args.action != "refresh" and not args.name:
        raise InputError(f"lists {args.action} needs a watchlist name")
    if args.action == "refresh":
        return asyncio.run(
            _refresh_lists(config, state_dir(args), [args.name] if args.name else list(imported))
        )
    store = Store(state_dir(args))
    try:
        if args.action == "show":
            found = [e for e in list_snapshots.entities(store, args.name) if e.id == args.entity]
            if not found:
                raise InputError(f"no entity '{args.entity}' in the last version of {args.name}")
            print(json.dumps(dataclasses.asdict(found[0]), ensure_ascii=False, indent=2))
            return 0
        change = list_snapshots.diff(store, args.name)
        for label, group in (("added", change.added), ("removed", change.removed)):
            for e in group:
                print(f"{label:<8} {e.id}  {e.caption}  ({', '.join(e.programs)})")
        for old, new in change.changed:
            print(f"changed  {new.id}  {old.caption} -> {new.caption}")
        print(
            f"{len(change.added)} added, {len(change.removed)} removed, "
            f"{len(change.changed)} changed"
        )
        return 0
    finally:
        store.close()


async def _refresh_lists(config: Config, state: Path, names: list[str]) -> int:
    """Refresh now, under the state folder's lock; a new version raises its list-change alerts,
    which are delivered before the command ends."""
    with StateLock(state, "lists refresh"):
        store = Store(state)
        fetcher = Fetcher(config.settings)
        try:
            cycle = Cycle(config, store, fetcher)
            raised = await cycle.refresh_lists(names)
            for result in cycle.refreshed:
                print(f"{result.name}: {result.message}")
            for name, count in sorted(raised.items()):
                if count:
                    print(f"{name}: {count} list-change alert{'s' if count > 1 else ''} raised")
            if any(raised.values()):
                await cycle.deliver()
        finally:
            await fetcher.aclose()
            store.close()
    failed = [r for r in cycle.refreshed if r.message.startswith("refresh failed")]
    return EXIT_INPUT if failed else 0


def cmd_schema(args: argparse.Namespace) -> int:
    print(json.dumps(rules_schema(), indent=2, ensure_ascii=False))
    return 0


def cmd_watchlists(args: argparse.Namespace) -> int:
    pipeline = Pipeline.from_file(rules_path(args), state_dir(args))
    by_entry: dict[tuple[str, str], list[dict[str, object]]] = {}
    for alias in pipeline.matcher.aliases:  # as compiled: imported lists included
        compiled: dict[str, object] = {"alias": alias.written, "normalized": alias.norm}
        options = {
            "case": alias.case,
            "fuzzy": alias.fuzzy,
            "exclude": alias.exclude,
            "regex": alias.regex is not None,
            "open_start": alias.open_start,
            "open_end": alias.open_end,
            "weak": alias.weak,
        }
        compiled.update({k: v for k, v in options.items() if v})
        if alias.langs:
            compiled["langs"] = sorted(alias.langs)
        if alias.origin:
            compiled["origin"] = alias.origin
        by_entry.setdefault((alias.watchlist, alias.entry), []).append(compiled)
    for (watchlist, name), compiled_aliases in by_entry.items():
        record = {
            "watchlist": watchlist,
            "entry": name,
            "aliases": [c["alias"] for c in compiled_aliases if not c.get("exclude")],
            "exclude": [c["alias"] for c in compiled_aliases if c.get("exclude")],
            "compiled": compiled_aliases,
        }
        sys.stdout.write(json.dumps(record, ensure_ascii=False) + "\n")
    return 0


def cmd_start_over(args: argparse.Namespace) -> int:
    state = state_dir(args)
    with StateLock(state, "start-over"):  # never under a running daemon
        aside = set_aside(state)
    if aside is None:
        print(f"{state} holds no store: the next start makes one")
    else:
        print(f"the old store is in {aside}; the next start makes a new one")
    return 0


def cmd_init(args: argparse.Namespace) -> int:
    path = asked_rules(args)
    if path.exists() and not args.force:
        raise InputError(f"{path} exists: edit it, or give --force to replace it")
    path.write_text(STARTER.read_text(encoding="utf-8"), encoding="utf-8")
    print(f"wrote {path}: check it with `sanctions-monitor check --rules {path}`")
    return 0


def cmd_builtin(args: argparse.Namespace) -> int:
    if args.action == "show":
        path = builtin_path(args.name or "")
        if path is None:
            known = ", ".join((*FILES, *language_codes()))
            raise InputError(f"no built-in file {args.name!r} (one of: {known})")
        sys.stdout.write(path.read_text(encoding="utf-8"))
        return 0
    config = load_config(STARTER)  # everything built in, no user choice applied
    per_language = written_aliases()
    print("languages (sanctions-monitor builtin show CODE):")
    for language in profiles():
        code = language.code
        print(f"  {code:<8} {language.name:<24} {per_language[code]:>5} aliases")
    print("files (sanctions-monitor builtin show NAME):")
    for name in FILES:
        path = builtin_path(name)
        assert path is not None
        print(f"  {name:<12} {shown(path)}")
    print(f"{len(config.sources)} sources, {len(config.watchlists)} watchlists")
    return 0
