"""Hardening checks on the configuration and the source code (no server needed)."""

from __future__ import annotations

import ast
import re
import tomllib
from pathlib import Path

from tests.apptest_helpers import ROOT
from tests.source_tree import code_files, code_roots

# Calls whose first argument becomes SQL text: only a string literal may go there.
SQL_TEXT_CALLS = {"text", "literal_column", "exec_driver_sql", "execute", "TextClause"}


def test_the_scans_cover_every_package_and_entry_point() -> None:
    names = {path.name for path in code_roots()}
    for expected in ("app.py", "serve.py", "views", "ui", "services", "data_access", "kpis", "reports"):
        assert expected in names
    assert not names & {".venv", "tests"}


def _calls(path: Path) -> list[ast.Call]:
    tree = ast.parse(path.read_text(), filename=str(path))
    return [node for node in ast.walk(tree) if isinstance(node, ast.Call)]


def _name(call: ast.Call) -> str:
    func = call.func
    if isinstance(func, ast.Attribute):
        return func.attr
    return func.id if isinstance(func, ast.Name) else ""


def _is_literal_string(node: ast.AST) -> bool:
    return isinstance(node, ast.Constant) and isinstance(node.value, str)


def test_config_hides_errors_and_protects_against_xsrf() -> None:
    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text())
    # "none": generic messages only. The legacy `false` now means "stacktrace" (see
    # `streamlit config show`), which would still put tracebacks in the browser.
    assert config["client"]["showErrorDetails"] == "none"
    assert config["server"]["enableXsrfProtection"] is True
    assert config["server"].get("enableCORS", True) is True
    assert "cookieSecret" not in config["server"], "the cookie secret belongs in secrets.toml, never here"


def test_example_secrets_hold_only_placeholders() -> None:
    text = (ROOT / ".streamlit" / "secrets.toml.example").read_text()
    setting = re.compile(r'^# (\[[\w.]+\]|"?[\w-]+"? = .*)$')
    example = tomllib.loads("\n".join(line[2:] for line in text.splitlines() if setting.match(line)))
    auth = example["auth"]
    assert auth["cookie_secret"] == auth["client_secret"] == "CHANGE-ME"
    assert example["roles"]["mapping"]["alignment-cio"] == "cio"
    assert (ROOT / ".gitignore").read_text().count(".streamlit/secrets.toml") >= 1


def test_scanner_finds_what_it_looks_for(tmp_path) -> None:
    """The scans below would catch the patterns they forbid."""
    bad = tmp_path / "bad.py"
    bad.write_text(
        'st.markdown(name, unsafe_allow_html=True)\nst.html(f"<b>{name}</b>")\n'
        'conn.execute(text(f"SELECT * FROM t WHERE a = {a}"))\nconn.execute("DROP " + t)\n'
        'cur.execute("DROP TABLE {}".format(t))\ncur.execute(sql.SQL(template).format(t))\n'
        'cur.execute(sql.SQL("DROP TABLE {}").format(sql.Identifier(t)))\n'
    )
    calls = _calls(bad)
    assert _unsafe_html(calls, bad)
    lines = sorted(problem.split(":")[-1].split()[0] for problem in _dynamic_sql(calls, bad))
    assert lines == ["3", "4", "5", "6"]


def _unsafe_html(calls: list[ast.Call], path: Path) -> list[str]:
    found = []
    for call in calls:
        for keyword in call.keywords:
            if keyword.arg == "unsafe_allow_html" and not (
                isinstance(keyword.value, ast.Constant) and keyword.value.value is False
            ):
                found.append(f"{path}:{call.lineno} unsafe_allow_html")
        if _name(call) == "html" and not all(_is_literal_string(arg) for arg in call.args):
            found.append(f"{path}:{call.lineno} st.html with a non-literal argument")
    return found


def _is_psycopg_composition(node: ast.Call) -> bool:
    """psycopg's sql.SQL("… {} …").format(sql.Identifier(…)): the template is a literal and
    psycopg quotes every part it fills in (identifiers as identifiers, anything else as a
    literal), which is the driver's documented way to name a table in a statement."""
    template = node.func.value if isinstance(node.func, ast.Attribute) else None
    return (
        isinstance(template, ast.Call)
        and _name(template) == "SQL"
        and isinstance(template.func, ast.Attribute)
        and isinstance(template.func.value, ast.Name)
        and template.func.value.id == "sql"
        and len(template.args) == 1
        and _is_literal_string(template.args[0])
    )


def _is_built_string(node: ast.AST) -> bool:
    """An f-string, a concatenation, %-formatting or str.format(): text assembled at run time."""
    if isinstance(node, ast.JoinedStr | ast.BinOp):
        return True
    return isinstance(node, ast.Call) and _name(node) == "format" and not _is_psycopg_composition(node)


def _dynamic_sql(calls: list[ast.Call], path: Path) -> list[str]:
    found = []
    for call in calls:
        name, first = _name(call), call.args[0] if call.args else None
        if first is None:
            continue
        receiver = call.func.value if isinstance(call.func, ast.Attribute) else None
        # SQLAlchemy's text() is called bare or on the module (sa.text); a method of
        # another object that happens to be named text (st.text, pack.text) is not SQL.
        is_sqlalchemy = receiver is None or (
            isinstance(receiver, ast.Name) and receiver.id in {"sa", "sqlalchemy"}
        )
        if name in {"text", "literal_column"} and is_sqlalchemy and not _is_literal_string(first):
            found.append(f"{path}:{call.lineno} {name}() with SQL that is not a string literal")
        if name in {"execute", "exec_driver_sql", "executescript"} and _is_built_string(first):
            found.append(f"{path}:{call.lineno} {name}() with SQL built from strings")
    return found


# st.html with markup built by a vetted builder, by file and the variable passed: every text in
# it is escaped by the builder, and each value it draws is a number (its tests say so).
HTML_BUILDERS = {
    # The Overview's sparklines: coordinates, a colour from a fixed table and an escaped label
    # (tests/charts/test_charts_overview.py).
    ("views/overview.py", "sparkline"): "sparkline_html",
}


def _built_by_vetted_builder(call: ast.Call, path: Path, root: Path = ROOT) -> bool:
    """st.html(name) where `name` is in HTML_BUILDERS for this file and every assignment to it
    in the file is a call of that builder."""
    if len(call.args) != 1 or not isinstance(call.args[0], ast.Name):
        return False
    variable = call.args[0].id
    builder = HTML_BUILDERS.get((path.relative_to(root).as_posix(), variable))
    if builder is None:
        return False
    tree = ast.parse(path.read_text(), filename=str(path))
    values = [
        node.value
        for node in ast.walk(tree)
        if isinstance(node, ast.Assign | ast.NamedExpr | ast.AnnAssign)
        and any(
            isinstance(target, ast.Name) and target.id == variable
            for target in (node.targets if isinstance(node, ast.Assign) else [node.target])
        )
    ]
    return bool(values) and all(isinstance(value, ast.Call) and _name(value) == builder for value in values)


def test_no_html_from_data_or_users() -> None:
    problems = [
        problem
        for path in code_files()
        for problem in _unsafe_html(
            [call for call in _calls(path) if not _built_by_vetted_builder(call, path)], path
        )
    ]
    assert not problems, problems
    assert all((ROOT / path).exists() for path, _ in HTML_BUILDERS)


def test_a_vetted_builders_variable_fed_anything_else_is_found(tmp_path: Path) -> None:
    (tmp_path / "views").mkdir()
    page = tmp_path / "views" / "overview.py"
    page.write_text("sparkline = sparkline_html(x)\nst.html(sparkline)\nsparkline = name\n")
    assert _unsafe_html([c for c in _calls(page) if not _built_by_vetted_builder(c, page, tmp_path)], page)
    page.write_text("sparkline = sparkline_html(x)\nst.html(sparkline)\n")
    assert not _unsafe_html(
        [c for c in _calls(page) if not _built_by_vetted_builder(c, page, tmp_path)], page
    )


# The benchmark is a developer tool run by hand against databases it creates itself: it names
# them in CREATE/DROP DATABASE (an identifier cannot be a bound parameter) and EXPLAINs
# statements that SQLAlchemy compiled with bound parameters. The app itself has no such need.
SQL_SCAN_EXCLUDED = ("bench",)
# Migrations 0012, 0013 and 0018 write trigger DDL (CREATE TRIGGER/FUNCTION) assembled from
# constants of their file only: DDL cannot take bound parameters, and no value comes from input.
SQL_SCAN_EXCLUDED_FILES = (
    "data_access/migrations/versions/0012_budget_month_rollup.py",
    "data_access/migrations/versions/0013_history_and_dated_targets.py",
    "data_access/migrations/versions/0018_survey_dimensions.py",
)


def test_sql_only_with_bound_parameters() -> None:
    """No SQL text built from strings: text()/execute() take literals, values go in as parameters."""
    files = [
        path
        for path in code_files()
        if path.relative_to(ROOT).parts[0] not in SQL_SCAN_EXCLUDED
        and path.relative_to(ROOT).as_posix() not in SQL_SCAN_EXCLUDED_FILES
    ]
    assert len(files) < len(code_files()) - 1 and all(
        (ROOT / excluded).exists() for excluded in SQL_SCAN_EXCLUDED_FILES
    )
    assert any(path.parts[-2] == "data_access" for path in files)
    problems = [problem for path in files for problem in _dynamic_sql(_calls(path), path)]
    assert not problems, problems


def _is_log_call(call: ast.Call) -> bool:
    if isinstance(call.func, ast.Name):
        return call.func.id == "print"
    receiver = call.func.value if isinstance(call.func, ast.Attribute) else None
    return (
        isinstance(receiver, ast.Name)
        and receiver.id.lower().lstrip("_") in {"log", "logger", "logging"}
        and _name(call) in {"debug", "info", "warning", "error", "exception", "critical", "log"}
    )


RISKY_IN_LOGS = ("url", "secret", "token", "password", "auth_settings", "st.user", "claims", "secrets")


def _risky_log(call: ast.Call) -> bool:
    """A log or print call that passes a value naming a URL, a secret or the user's claims. A
    plain message text names no value; what is passed or formatted in is what counts."""
    values = [arg for arg in [*call.args, *(k.value for k in call.keywords)] if not _is_literal_string(arg)]
    source = " ".join(ast.unparse(value) for value in values).lower()
    return any(word in source for word in RISKY_IN_LOGS) and "describe_url" not in source


def test_no_secrets_or_urls_logged() -> None:
    """No logging or printing of a database URL, the auth section, the user's claims or a token."""
    problems = [
        f"{path}:{call.lineno} {ast.unparse(call)[:80]}"
        for path in code_files()
        for call in _calls(path)
        if _is_log_call(call) and _risky_log(call)
    ]
    assert not problems, problems


def test_log_scanner_finds_what_it_looks_for(tmp_path) -> None:
    bad = tmp_path / "bad.py"
    bad.write_text(
        'print(database_url)\n_LOGGER.info("claims %s", st.user)\nst.warning(t("x"))\n'
        'log.error("the DATABASE_URL is not valid")\nlog.error(f"bad {url}")\n'
        'log.info("backup of %s", describe_url(url))\n'
    )
    calls = _calls(bad)
    assert [_is_log_call(call) for call in calls if _name(call) in {"print", "info", "warning"}] == [
        True,
        True,
        False,
        True,
    ]
    assert [call.lineno for call in calls if _is_log_call(call) and _risky_log(call)] == [1, 2, 5]


def test_identifiers_from_a_whitelist(empty_engine) -> None:
    """A sort column typed into a URL can only select a whitelisted column, on both databases."""
    import pandas as pd
    import pytest
    from sqlalchemy import select

    from data_access.identifiers import whitelisted
    from data_access.models import Department

    allowed = {"code": Department.code, "name": Department.name_en}
    assert whitelisted("name", allowed, default="code") is Department.name_en
    for hostile in ("code; DROP TABLE department", "name_nl", None, ""):
        column = whitelisted(hostile, allowed, default="code")
        assert column is Department.code
        with empty_engine.connect() as conn:
            pd.DataFrame(conn.execute(select(Department.code).order_by(column)).all())
    with pytest.raises(ValueError):
        whitelisted("code", allowed, default="id")
