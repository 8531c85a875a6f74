"""Command line: import, export and templates; exit 0 (ok), 1 (file rejected), 2 (usage or database)."""

from __future__ import annotations

import argparse
import getpass
import sys
from pathlib import Path

from data_access.engine import DatabaseUnavailable, create_db_engine, resolve_database_url, upgrade_schema
from data_access.importer import (
    IMPORT_KINDS,
    WORKBOOK,
    ImportReport,
    export_all_xlsx,
    export_rows,
    import_file,
    issue_message,
    template_csv,
    template_xlsx,
    to_csv,
    to_xlsx,
)
from data_access.importer import __doc__ as module_doc
from data_access.importer.mapping import first_sheet, matches_template
from data_access.importer.reading import limits_from_env
from data_access.importer.schema import KINDS
from i18n import translate

EXIT_OK, EXIT_REJECTED, EXIT_USAGE = 0, 1, 2


def print_report(report: ImportReport, lang: str) -> None:
    say = lambda key, **p: translate(key, lang, **p)  # noqa: E731
    print(say("importer.cli.file", name=report.file_name, size=report.file_size, kind=report.kind))
    if report.encoding:
        print(say("importer.cli.format", encoding=report.encoding, separator=report.separator))
    if report.mapping_name:
        print(say("importer.mapping.used", name=report.mapping_name))
    for result in report.results:
        print(
            say(
                "importer.cli.counts",
                kind=result.kind,
                rows=result.rows,
                inserted=result.inserted,
                updated=result.updated,
                unchanged=result.unchanged,
                removed=result.removed,
            )
        )
    for issue in report.issues:
        where = ", ".join(
            part
            for part in (
                f"{say('importer.col.sheet')} {issue.sheet}" if issue.sheet else "",
                f"{say('importer.col.row')} {issue.row}" if issue.row else "",
                f"{say('importer.col.column')} {issue.column}" if issue.column else "",
                f"{say('importer.col.value')} {issue.value!r}" if issue.value else "",
            )
            if part
        )
        label = say(f"importer.severity.{issue.severity}")
        print(f"{label}: {report.file_name}{': ' + where if where else ''}: {issue_message(issue, lang)}")
    outcome = "rejected" if report.errors else ("applied" if report.applied else "dry_run")
    print(say(f"importer.cli.{outcome}", errors=report.error_count))


def _engine(url: str | None):
    engine = create_db_engine(url or resolve_database_url().url)
    upgrade_schema(engine)
    return engine


def _chosen_mapping(engine, kind: str, path: Path, name: str | None, lang: str):
    """The saved mapping to apply: the one named, else the one recognised from the file's header
    when the header is not the template's; None for none; False (after saying why) for a bad name."""
    from data_access.import_mappings import load_import_mapping, recognise_import_mapping

    if kind == WORKBOOK:
        return None
    if name is not None:
        saved = load_import_mapping(engine=engine, name=name)
        if saved is None:
            print(f"error: {translate('importer.mapping.cli_unknown', lang, name=name)}", file=sys.stderr)
            return False
        if saved.kind != kind:
            other = translate(f"importer.kind.{saved.kind}", lang)
            message = translate("importer.mapping.cli_other_kind", lang, name=saved.name, kind=other)
            print(f"error: {message}", file=sys.stderr)
            return False
        return saved
    limits = limits_from_env()
    if path.stat().st_size > limits.max_bytes:
        return None
    sheet = first_sheet(path.read_bytes(), path.name, limits, kind)
    if sheet is None or matches_template(KINDS[kind], sheet.header):
        return None
    return recognise_import_mapping(engine=engine, kind=kind, header=sheet.header)


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    parser = argparse.ArgumentParser(
        prog="python -m data_access.importer",
        description=module_doc,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("kind", help=f"export | template | {' | '.join(IMPORT_KINDS)}")
    parser.add_argument("args", nargs="+", help="FILE to import, or KIND OUT for export/template")
    parser.add_argument(
        "--dry-run", action="store_true", help="validate and show what would change; write nothing"
    )
    parser.add_argument("--database-url", help="SQLAlchemy URL; default DATABASE_URL, secrets, or embedded")
    parser.add_argument("--user", default=None, help="name recorded in the import log (default: OS user)")
    parser.add_argument("--lang", choices=("nl", "en"), default="en", help="language of the report")
    parser.add_argument(
        "--mapping",
        metavar="NAME",
        help="apply the saved column mapping NAME (default: the one saved for this file's columns, if any)",
    )
    args = parser.parse_args(argv)
    try:
        if args.kind in ("export", "template"):
            if len(args.args) != 2:
                parser.error(f"{args.kind} needs KIND OUT")
            kind, out = args.args
            if kind not in IMPORT_KINDS:
                parser.error(f"unknown kind {kind!r}")
            path = Path(out)
            if args.kind == "template":
                if kind == WORKBOOK:
                    parser.error("templates exist per kind")
                data = template_xlsx(kind, lang=args.lang) if path.suffix == ".xlsx" else template_csv(kind)
            else:
                engine = _engine(args.database_url)
                if kind == WORKBOOK:
                    data = export_all_xlsx(engine=engine)
                elif path.suffix == ".xlsx":
                    data = to_xlsx({kind: export_rows(engine=engine, kind=kind)})
                else:
                    data = to_csv(kind, export_rows(engine=engine, kind=kind))
                engine.dispose()
            path.write_bytes(data)
            print(f"{path} ({len(data):,} bytes)")
            return EXIT_OK
        if args.kind not in IMPORT_KINDS:
            parser.error(f"unknown kind {args.kind!r}; choose one of {', '.join(IMPORT_KINDS)}")
        if len(args.args) != 1:
            parser.error("give exactly one FILE")
        path = Path(args.args[0])
        if not path.is_file():
            print(f"error: no such file: {path}", file=sys.stderr)
            return EXIT_USAGE
        engine = _engine(args.database_url)
        chosen = _chosen_mapping(engine, args.kind, path, args.mapping, args.lang)
        if chosen is False:
            engine.dispose()
            return EXIT_USAGE
        report = import_file(
            engine=engine,
            kind=args.kind,
            path=str(path),
            dry_run=args.dry_run,
            user_name=args.user or f"cli:{getpass.getuser()}",
            progress=lambda step, done, total: print(
                translate(f"importer.progress.{step}", args.lang, done=done, total=total), file=sys.stderr
            ),
            mapping=chosen.mapping if chosen else None,
            mapping_name=chosen.name if chosen else None,
        )
        engine.dispose()
    except DatabaseUnavailable as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    print_report(report, args.lang)
    return EXIT_REJECTED if report.errors else EXIT_OK


if __name__ == "__main__":
    raise SystemExit(main())
