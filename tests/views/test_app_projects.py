"""AppTest: the Projects page shows the pure functions' figures on the demo data, in both
languages, lists the planted problems, and lets an editor change the house rule."""

import datetime as dt
import json

import pytest

import ui.auth
from access.roles import User
from data_access.audit import load_audit_trail
from data_access.demo import DEMO_PLANTED, seed_demo
from data_access.engine import create_db_engine, upgrade_schema
from data_access.projects import (
    load_ownership,
    load_responsibility_areas,
)
from domain.filters import Filters
from kpis.ownership import ownership_issues, ownership_status
from tests.apptest_helpers import metric_values, open_app, open_tab

PAGE = "views/projects.py"
LABELS = {
    "nl": {
        "joint": "Gezamenlijk aandeel",
        "mixed": "Gemengde teams",
        "balance": "FTE-balans (mediaan)",
        "clarity": "Eigenaarschap helder",
        "on_time": "Inzichtdoelen op tijd",
        "value": "Waarde geleverd",
        "first": "Tijd tot eerste inzicht",
        "per_million": "Doelen per € mln",
        "days": "{} dagen",
    },
    "en": {
        "joint": "Joint share",
        "mixed": "Mixed teams",
        "balance": "FTE balance (median)",
        "clarity": "Ownership clarity",
        "on_time": "Insight goals on time",
        "value": "Value delivered",
        "first": "Time to first insight",
        "per_million": "Goals per € million",
        "days": "{} days",
    },
}


# The demo's tiles at its last month with actuals (October 2026, all departments, from January).
DEMO_TILES = {
    "nl": ("82%", "82%", "82%", "83%", "44%", "69%", "403 dagen", "1,09"),
    "en": ("82%", "82%", "82%", "83%", "44%", "69%", "403 days", "1.09"),
}
FIN_TILES = ("100%", "100%", "29%", "100%", "100%", "100%", "389 dagen", "6,28")


def expected_tiles(lang: str, values: tuple[str, ...] | None = None) -> dict[str, str]:
    names = [label for key, label in LABELS[lang].items() if key != "days"]
    return dict(zip(names, values or DEMO_TILES[lang], strict=True))


def frame_with(at, *columns: str):
    """The first dataframe shown with all of `columns` among its columns."""
    return next(df.value for df in at.dataframe if set(columns) <= set(df.value.columns))


def test_projects_page_shows_the_kpis_in_dutch(monkeypatch, demo_sqlite_url) -> None:
    at = open_app(monkeypatch, demo_sqlite_url, page=PAGE)
    shown = metric_values(at)
    assert shown == expected_tiles("nl")
    assert all(any(ch.isdigit() for ch in value) for value in shown.values())
    assert at.title[0].value == "Projecten, teams en eigenaarschap"
    table = frame_with(at, "split")
    assert len(table) == 23  # P-024 and P-025 start in 2027, after the as-of month
    row = table.set_index("code").loc["P-009"]
    assert row["split"] == "Financiën 20% · IT 40% · Marketing 40%" and bool(row["joint"])
    assert table.set_index("code").loc["P-015", "ownership"] == "Eigenaar ontbreekt"
    assert table.set_index("code").loc["P-011", "mixed"] == "Nee"


def open_in_english(monkeypatch, url):
    """Open the page in Dutch, then switch the language once. (A page switch after opening in
    English fails under AppTest: the sidebar's month format_func reads the language from the
    session, which AppTest's own re-formatting of the widget state cannot see.)"""
    at = open_app(monkeypatch, url, page=PAGE)
    at.radio(key="lang").set_value("en").run()
    assert not at.exception
    return at


def test_projects_page_in_english(monkeypatch, demo_sqlite_url) -> None:
    at = open_in_english(monkeypatch, demo_sqlite_url)
    assert at.title[0].value == "Projects, teams and ownership"
    assert metric_values(at) == expected_tiles("en")
    assert frame_with(at, "split").set_index("code").loc["P-016", "ownership"] == "Double owner"


def project_codes(labels) -> set[str]:
    """The project codes of labels "code · name" (each must have a name after its code)."""
    parts = [str(label).split(" · ", 1) for label in labels]
    assert all(len(part) == 2 and part[1] for part in parts), labels
    return {code for code, _ in parts}


def test_planted_problems_are_listed(monkeypatch, demo_sqlite_url) -> None:
    at = open_in_english(monkeypatch, demo_sqlite_url)
    exceptions = frame_with(at, "kind")
    by_kind = exceptions.groupby("kind")["project"].apply(project_codes).to_dict()
    assert by_kind["House-rule breach"] == set(DEMO_PLANTED["house_rule_breach"])
    assert by_kind["Missing owner"] == set(DEMO_PLANTED["missing_owner"])
    assert by_kind["Double owner"] == set(DEMO_PLANTED["double_owner"])
    assert by_kind["Team not mixed"] == set(DEMO_PLANTED["unmixed_team"])
    assert by_kind["Late goal"] == set(DEMO_PLANTED["goals_overdue_open"]) | set(
        DEMO_PLANTED["goals_reached_late"]
    )
    open_tab(at, "goals")
    late = frame_with(at, "project", "slippage_days")
    assert project_codes(late["project"]) == by_kind["Late goal"]
    # A goal is named by its text: the table leaves its code out, the timeline's rows read it.
    table = next(df for df in at.dataframe if "slippage_days" in df.value.columns)
    assert list(table.proto.column_order) == ["project", "goal", "status", "target_date", "slippage_days"]
    specs = [json.loads(chart.proto.spec) for chart in at.get("vega_lite_chart")]
    y = [
        layer["encoding"]["y"]
        for spec in specs
        for layer in spec.get("layer", [])
        if "y" in layer.get("encoding", {})
    ]
    assert y and all(axis["sort"] == {"field": "order", "op": "min"} for axis in y)  # named goals
    open_tab(at, "ownership")
    issues = frame_with(at, "project", "owner_codes")
    assert project_codes(issues["project"]) == {"P-007", "P-013", "P-015", "P-016"}


def _legends(at) -> set[str]:
    """Every value of a colour scale's domain in the page's charts."""
    specs = [json.loads(chart.proto.spec) for chart in at.get("vega_lite_chart")]
    assert specs, "the tab shows a chart"
    found: set[str] = set()

    def walk(node) -> None:
        if isinstance(node, dict):
            color = node.get("color")
            domain = color.get("scale", {}).get("domain") if isinstance(color, dict) else None
            if isinstance(domain, list):
                found.update(str(value) for value in domain)
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    for spec in specs:
        walk(spec)
    return found


def test_departments_and_projects_are_named_not_coded(monkeypatch, demo_sqlite_url) -> None:
    """Tables and legends name departments (Financiën, Marketing) and projects ("P-011 · name"),
    never a bare department code; the ownership matrix's legend gives the code its cells use."""
    at = open_app(monkeypatch, demo_sqlite_url, page=PAGE)
    names = dict(zip(frame_with(at, "split")["code"], frame_with(at, "split")["name"], strict=True))
    open_tab(at, "teams")
    unmixed = frame_with(at, "missing_departments")
    assert dict(zip(unmixed["project"], unmixed["missing_departments"], strict=True)) == {
        f"P-011 · {names['P-011']}": "Marketing",
        f"P-015 · {names['P-015']}": "IT",
        f"P-019 · {names['P-019']}": "IT",
    }
    assert _legends(at) == {"Financiën", "IT", "Marketing"}

    open_tab(at, "funding")
    assert _legends(at) == {"Financiën", "IT", "Marketing"}

    open_tab(at, "ownership")
    assert {"Marketing (MKT)", "IT"} <= _legends(at) and "MKT" not in _legends(at)
    issues = frame_with(at, "project", "owner_codes").set_index("project")
    assert issues.loc[f"P-007 · {names['P-007']}", ["owner_codes", "expected"]].tolist() == [
        "Marketing",
        "IT",
    ]
    assert issues.loc[f"P-016 · {names['P-016']}", "owner_codes"] == "IT, Marketing"

    exceptions = frame_with(at, "kind", "subject")
    unmixed_rows = exceptions[exceptions["kind"] == "Team niet gemengd"]
    assert dict(zip(unmixed_rows["project"], unmixed_rows["subject"], strict=True)) == {
        f"P-011 · {names['P-011']}": "Marketing",
        f"P-015 · {names['P-015']}": "IT",
        f"P-019 · {names['P-019']}": "IT",
    }

    late = exceptions[exceptions["kind"] == "Doel te laat"]
    assert len(late) and not late["subject"].str.fullmatch(r"G\d+").any()  # the goal's text, not G1

    open_tab(at, "project")
    at.selectbox(key="projects_detail").set_value("P-009").run()
    funding = frame_with(at, "committed")
    assert list(funding["department"]) == ["Financiën", "IT", "Marketing"]
    assert _legends(at) and not _legends(at) & {"FIN", "MKT"}  # the project's FTE chart


def test_filters_and_project_detail(monkeypatch, demo_sqlite_url) -> None:
    at = open_app(monkeypatch, demo_sqlite_url, page=PAGE)
    at.toggle(key="projects_issues_only").set_value(True).run()
    assert not at.exception
    codes = set(frame_with(at, "split")["code"])
    assert {"P-007", "P-011", "P-015", "P-016", "P-019"} <= codes
    assert "P-005" not in codes and "P-009" not in codes  # no late goal, mixed team, ownership in order
    at.text_input(key="projects_search").set_value("social").run()
    assert list(frame_with(at, "split")["code"]) == ["P-015"]

    open_tab(at, "project")
    at.selectbox(key="projects_detail").set_value("P-015").run()
    assert not at.exception
    assert any(h.value == "P-015 · Social listening" for h in at.subheader)
    ownership = frame_with(at, "area")
    assert ownership.set_index("area").loc["Campagnegebruik", "status"] == "Eigenaar ontbreekt"
    team = frame_with(at, "members")
    assert list(team["department"]) == ["Marketing"]
    # The portfolio tab's search and toggle kept their values while the card was open.
    open_tab(at, "portfolio")
    assert at.text_input(key="projects_search").value == "social"
    assert at.toggle(key="projects_issues_only").value is True
    assert list(frame_with(at, "split")["code"]) == ["P-015"]


def test_editor_changes_the_house_rule(monkeypatch, tmp_path) -> None:
    url = f"sqlite:///{tmp_path / 'rule.db'}"
    engine = create_db_engine(url)
    upgrade_schema(engine)
    seed_demo(engine)
    at = open_app(monkeypatch, url, page=PAGE)
    before = metric_values(at)["Eigenaarschap helder"]
    open_tab(at, "ownership")
    at.selectbox(key="house_rule_customer_database").set_value("IT")
    next(b for b in at.button if b.label == "Huisregel opslaan").click().run()
    assert not at.exception
    assert [s.value for s in at.success if "Huisregel opgeslagen" in s.value] == [
        "Huisregel opgeslagen: 1 gebied(en) gewijzigd. De regel geldt vanaf vandaag; eerdere maanden"
        " (en hun terugblik) houden de oude regel."
    ]
    areas = load_responsibility_areas(engine=engine).set_index("code")
    assert areas.loc["customer_database", "expected_department"] == "IT"
    trail = load_audit_trail(engine=engine, entity="responsibility_area")
    assert list(trail["entity_id"]) == ["customer_database"] and list(trail["user_name"]) == ["local"]
    # The as-of month (before today) is replayed with the rule in force at its close ...
    open_tab(at, "portfolio")
    assert metric_values(at)["Eigenaarschap helder"] == before
    # ... while today's state applies the new rule: every project with a marketing customer
    # database now breaks it; only P-013 follows it.
    TODAY_MONTH = dt.date.today().replace(day=1)  # noqa: N806
    issues = ownership_issues(
        ownership_status(
            load_ownership(engine=engine, filters=Filters(as_of=TODAY_MONTH, period_start=TODAY_MONTH))
        )
    )
    breaches = issues[(issues["area"] == "customer_database") & (issues["status"] == "breach")]
    assert "P-013" not in set(breaches["project"])
    assert len(breaches) == 22
    engine.dispose()


def test_viewer_sees_no_house_rule_editor(monkeypatch, demo_sqlite_url) -> None:
    viewer = User(name="vera", email=None, role="viewer")
    monkeypatch.setattr(ui.auth, "current_user", lambda: viewer)
    at = open_app(monkeypatch, demo_sqlite_url, page=PAGE)
    assert metric_values(at)  # a viewer still reads the page
    open_tab(at, "ownership")
    assert not [b for b in at.button if b.label == "Huisregel opslaan"]
    assert any("Alleen redacteuren" in i.value for i in at.info)


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_page_texts_exist_in_both_languages(lang) -> None:
    import re
    from pathlib import Path

    from i18n import load_catalog

    root = Path(__file__).resolve().parents[2]
    source = "".join(
        (root / p).read_text()
        for p in (
            "views/projects.py",
            "services/projects_page.py",
            "ui/projects_tables.py",
            "ui/house_rule_form.py",
            "charts/projects.py",
            "kpis/projects.py",
        )
    )
    keys = set(re.findall(r"""\bt\(\s*["']([a-z0-9_.]+)["']""", source))
    assert keys, "no t('...') calls found"
    catalog = load_catalog()
    assert sorted(k for k in keys if not catalog.get(k, {}).get(lang)) == []


def test_filters_without_projects_or_with_one_department(monkeypatch, demo_sqlite_url) -> None:
    at = open_app(monkeypatch, demo_sqlite_url, query={"status": "proposed"}, page=PAGE)
    # Both proposed projects start in 2027: nothing to show, every KPI n/a with its reason.
    assert set(metric_values(at).values()) == {"n.v.t."}
    assert any(i.value == "Geen projecten bij deze filters." for i in at.info)
    for tab in ("project", "goals"):  # no project to pick or chart on any tab
        open_tab(at, tab)
        assert [i.value for i in at.info] == ["Geen projecten bij deze filters."]
    at = open_app(monkeypatch, demo_sqlite_url, query={"dept": "FIN"}, page=PAGE)
    filters = at.session_state["filters"]
    assert filters.departments == ("FIN",)
    assert metric_values(at) == expected_tiles("nl", FIN_TILES)
    assert list(frame_with(at, "split")["code"]) == ["P-009"]


@pytest.fixture
def five_chart_projects(monkeypatch):
    """Charts hold five projects; the cached page models (keyed by their arguments, which do
    not include the limit) are dropped before and after."""
    import kpis.projects
    from ui.data import clear_caches

    monkeypatch.setattr(kpis.projects, "CHART_PROJECTS", 5)
    clear_caches()
    yield
    clear_caches()


def test_per_project_charts_show_the_projects_needing_attention_first(
    monkeypatch, demo_sqlite_url, five_chart_projects
) -> None:
    """With more projects than a chart holds, each chart says which ones it shows."""
    at = open_app(monkeypatch, demo_sqlite_url, page=PAGE)
    captions, charts = {}, []
    for tab in ("funding", "ownership", "goals"):
        open_tab(at, tab)
        captions[tab] = " ".join(c.value for c in at.caption)
        charts += [str(chart.proto) for chart in at.get("vega_lite_chart")]
    assert "De grafiek toont 5 van" in captions["funding"]
    assert "De grafiek toont 5 van" in captions["ownership"]
    assert "De tijdlijn toont de doelen van 5 van" in captions["goals"]
    import re

    from i18n import translate

    titles = [translate(key, "nl") for key in ("projects.chart.funding", "projects.chart.goals")]
    for title in titles:
        (chart,) = [proto for proto in charts if title in proto]
        assert 1 <= len(set(re.findall(r"P-\d{3}", chart))) <= 5


def test_chart_selection_ranks_by_need() -> None:
    import pandas as pd

    from kpis.projects import funding_chart_projects, goal_chart_projects, ownership_chart_projects

    split = pd.DataFrame(
        {
            "project": ["A", "A", "B", "B", "C", "C", "D"],
            "department": ["IT", "MKT"] * 3 + ["MKT"],
            "committed_share": [0.5, 0.5, 0.9, 0.1, 0.3, 0.7, 1.0],
            "agreed": [0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 1.0],
        }
    )
    chosen = funding_chart_projects(split, limit=2)
    assert chosen.shown == ["B", "C"] and chosen.total == 4 and chosen.limited
    assert funding_chart_projects(split, limit=10).shown == ["B", "C", "A", "D"]
    status = pd.DataFrame(
        {"project": ["A", "A", "B", "B", "C"], "status": ["ok", "missing", "double", "breach", "ok"]}
    )
    assert ownership_chart_projects(status, limit=2).shown == ["B", "A"]
    timeline = pd.DataFrame(
        {
            "project": ["A", "A", "B", "C", "D"],
            "slippage_days": [10.0, 40.0, None, 5.0, -3.0],
            "late": [True, True, False, True, False],
        }
    )
    assert goal_chart_projects(timeline, limit=3).shown == ["A", "C", "B"]
    assert not goal_chart_projects(timeline).limited
