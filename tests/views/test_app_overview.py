"""AppTest: the Overview shows the pure functions' figures for the demo data, in both languages."""

import base64

import pandas as pd
import pytest

from charts.overview import sparkline_svg
from data_access.budget import load_budget_totals
from data_access.demo import DEMO_LAST_ACTUAL_MONTH
from data_access.projects import load_funding_by_project, load_insight_goals
from data_access.reference import load_projects_list
from data_access.survey import load_trust_groups, load_waves
from domain.filters import Filters
from i18n.format import format_number, format_pct
from kpis.budget import realisation
from kpis.exceptions import without_cancelled
from kpis.portfolio import goals_on_time, joint_share
from kpis.trust_index import latest_wave_trust
from presentation.markdown import md
from presentation.overview import (
    exception_group_key,
    exception_groups,
    exception_rest_key,
    exception_text,
    tile_texts,
)
from services.single_view import compute_single_view
from services.single_view_tiles import HISTORY_TILES
from tests.apptest_helpers import metric_values, open_app, open_exception_groups

DEPARTMENTS_NL = {"MKT": "Marketing", "IT": "IT", "FIN": "Financiën"}


def expected_tiles(engine, filters: Filters, lang: str) -> dict[str, str]:
    totals = load_budget_totals(engine=engine, filters=filters)
    waves = load_waves(engine=engine, filters=filters)
    trust = latest_wave_trust(
        waves, load_trust_groups(engine=engine, filters=filters, wave_ids=list(waves["id"]))
    )
    projects = load_projects_list(engine=engine)
    statuses = dict(zip(projects["code"], projects["status"], strict=True))
    labels = {
        "nl": ("Budgetrealisatie", "Gezamenlijk aandeel", "Vertrouwensindex", "Inzichtdoelen op tijd"),
        "en": ("Budget realisation", "Joint share", "Trust index", "Insight goals on time"),
    }[lang]
    return {
        labels[0]: format_pct(realisation(**totals).value, lang, decimals=1),
        labels[1]: format_pct(
            joint_share(load_funding_by_project(engine=engine, filters=filters)).value, lang
        ),
        labels[2]: format_number(trust.current.index.value, lang, decimals=1),
        # A cancelled project's goals do not count (kpis.exceptions.without_cancelled).
        labels[3]: format_pct(
            goals_on_time(
                without_cancelled(load_insight_goals(engine=engine, filters=filters), statuses),
                as_of_end=filters.as_of_end,
            ).value,
            lang,
        ),
    }


def test_overview_shows_the_demo_kpis(monkeypatch, demo_sqlite_engine, demo_sqlite_url) -> None:
    at = open_app(monkeypatch, demo_sqlite_url)
    filters = at.session_state["filters"]
    assert filters.as_of == DEMO_LAST_ACTUAL_MONTH
    assert filters.period_start.month == 1 and filters.period_start.year == filters.as_of.year
    shown = metric_values(at)
    view = compute_single_view(engine=demo_sqlite_engine, filters=filters, min_group=5)
    assert shown == {text.name: text.value for text in tile_texts(view, "nl")}
    assert len(shown) == 10
    # The four headline KPIs also agree with their own pure functions, computed independently.
    for label, value in expected_tiles(demo_sqlite_engine, filters, "nl").items():
        assert shown[label] == value
    assert all(any(ch.isdigit() for ch in value) for value in shown.values())
    assert at.title[0].value == "Overzicht"


def test_overview_in_english_from_the_url(monkeypatch, demo_sqlite_engine, demo_sqlite_url) -> None:
    at = open_app(monkeypatch, demo_sqlite_url, query={"lang": "en"})
    assert at.title[0].value == "Overview"
    shown = metric_values(at)
    for label, value in expected_tiles(demo_sqlite_engine, at.session_state["filters"], "en").items():
        assert shown[label] == value


def test_filters_change_the_figures(monkeypatch, demo_sqlite_engine, demo_sqlite_url) -> None:
    at = open_app(monkeypatch, demo_sqlite_url)
    before = metric_values(at)
    at.multiselect(key="f_departments").set_value(["IT"]).run()
    assert not at.exception
    filters = at.session_state["filters"]
    assert filters.departments == ("IT",)
    after = metric_values(at)
    for label, value in expected_tiles(demo_sqlite_engine, filters, "nl").items():
        assert after[label] == value
    assert after["Budgetrealisatie"] != before["Budgetrealisatie"]
    assert at.query_params["dept"] == ["IT"] or at.query_params["dept"] == "IT"


def test_small_department_alone_shows_no_trust_score(monkeypatch, demo_sqlite_url) -> None:
    at = open_app(monkeypatch, demo_sqlite_url, query={"dept": "FIN"})
    assert metric_values(at)["Vertrouwensindex"] == "n.v.t."
    assert any("Te weinig respondenten" in c.value for c in at.caption)


def test_invalid_link_values_fall_back_with_a_notice(monkeypatch, demo_sqlite_url) -> None:
    at = open_app(monkeypatch, demo_sqlite_url, query={"asof": "1999-13", "dept": "NOPE", "lang": "xx"})
    assert at.warning and "asof" in at.warning[0].value and "dept" in at.warning[0].value
    assert at.session_state["filters"].departments == ()
    assert at.session_state["filters"].as_of == DEMO_LAST_ACTUAL_MONTH


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_wrong_database_url_gives_a_clear_message(monkeypatch, lang) -> None:
    from streamlit.testing.v1 import AppTest

    from tests.apptest_helpers import ROOT

    monkeypatch.setenv("DATABASE_URL", "postgresql+psycopg://alice:s3cret-pw@127.0.0.1:1/align")
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.query_params["lang"] = lang
    at.run()
    assert not at.exception
    assert at.error, "no error shown"
    page_text = " ".join([e.value for e in at.error] + [c.value for c in at.caption])
    assert "s3cret-pw" not in page_text
    assert "127.0.0.1:1" in page_text


def test_as_of_month_replays_every_tile_and_the_exceptions(
    monkeypatch, demo_sqlite_engine, demo_sqlite_url
) -> None:
    at = open_app(monkeypatch, demo_sqlite_url, query={"asof": "2026-06"})
    filters = at.session_state["filters"]
    assert filters.as_of.month == 6 and filters.period_start.month == 1
    view = compute_single_view(engine=demo_sqlite_engine, filters=filters, min_group=5)
    assert metric_values(at) == {text.name: text.value for text in tile_texts(view, "nl")}
    october = compute_single_view(
        engine=demo_sqlite_engine, filters=Filters.year_to_date(DEMO_LAST_ACTUAL_MONTH), min_group=5
    )
    changed = [
        tile.code for tile, now in zip(view.tiles, october.tiles, strict=True) if tile.value != now.value
    ]
    assert {"budget_realisation", "cpi", "goals_on_time", "follow_through"} <= set(changed)
    assert_exceptions_shown(at, view.exceptions)


def assert_exceptions_shown(at, exceptions) -> None:
    """One group per kind, the first two open; a closed group sends nothing until it is opened.
    Then each kind's first lines as text with a link, the rest as rows of one table, in list order."""
    text = [exception_text(item, "nl", department_names=DEPARTMENTS_NL) for item in exceptions]
    groups = exception_groups(exceptions)
    boxes = [box for box in at.expander if box.key and box.key.startswith(exception_group_key(""))]
    assert [box.key for box in boxes] == [exception_group_key(group.kind) for group in groups]
    assert [box.proto.expanded for box in boxes] == [number < 2 for number in range(len(groups))]
    first_two = sum(len(group.lines) for group in groups[:2])
    assert len(at.get("page_link")) == len(at.metric) + first_two
    # The rest of a long list is a table drawn when its switch is on (off at first).
    with_rest = [group for group in groups[:2] if group.rest]
    assert [toggle.key for toggle in at.toggle] == [exception_rest_key(group.kind) for group in with_rest]
    assert not at.dataframe
    open_exception_groups(at)
    for toggle in at.toggle:
        toggle.set_value(True)
    at.run()
    assert not at.exception
    lines = [
        exception_text(item, "nl", department_names=DEPARTMENTS_NL)
        for group in groups
        for item in group.lines
    ]
    tables = [
        [exception_text(item, "nl", department_names=DEPARTMENTS_NL) for item in group.rest]
        for group in groups
        if group.rest
    ]
    # Each exception line is itself the link to its detail, its text escaped for Markdown; the
    # tiles' links come first (services.links.tile_link: every tile has one).
    links = at.get("page_link")
    assert len(links) == len(lines) + len(at.metric)
    assert [link.proto.label for link in links[len(at.metric) :]] == [md(line) for line in lines]
    shown_tables = [
        list(frame.value["exception"]) for frame in at.dataframe if "exception" in frame.value.columns
    ]
    assert shown_tables == tables
    assert sorted([*lines, *[row for table in tables for row in table]]) == sorted(text)
    for frame in at.dataframe:
        if "link" in frame.value.columns:
            assert all(url.startswith("./") and "asof=" in url for url in frame.value["link"])


def test_exceptions_list_holds_the_planted_problems_with_links(
    monkeypatch, demo_sqlite_engine, demo_sqlite_url
) -> None:
    from data_access.demo import DEMO_PLANTED

    at = open_app(monkeypatch, demo_sqlite_url)
    view = compute_single_view(engine=demo_sqlite_engine, filters=at.session_state["filters"], min_group=5)
    by_kind: dict[str, set] = {}
    for item in view.exceptions:
        by_kind.setdefault(item.kind, set()).add(item.project)
    assert by_kind["funding_drift"] == set(DEMO_PLANTED["funding_drift"])
    assert {"P-007", "P-013"} <= by_kind["house_rule_breach"]
    assert by_kind["missing_owner"] == {"P-015"} and by_kind["double_owner"] == {"P-016"}
    assert by_kind["unmixed_team"] == {"P-011", "P-015", "P-019"}
    assert set(DEMO_PLANTED["late"]) <= by_kind["behind_schedule"]
    assert set(DEMO_PLANTED["over_budget"]) <= by_kind["over_budget"]
    assert len([i for i in view.exceptions if i.kind == "overdue_action"]) == 3
    assert any(i.kind == "trust_drop" for i in view.exceptions)
    assert_exceptions_shown(at, view.exceptions)


def test_trend_and_change_are_the_previous_months(demo_sqlite_engine) -> None:
    from services.single_view_model import period_for

    filters = Filters.year_to_date(DEMO_LAST_ACTUAL_MONTH)
    view = compute_single_view(engine=demo_sqlite_engine, filters=filters, min_group=5)
    september = compute_single_view(
        engine=demo_sqlite_engine, filters=period_for(filters, view.trend_months[-2]), min_group=5
    )
    for tile, before in zip(view.tiles, september.tiles, strict=True):
        assert len(tile.trend) == 6 and tile.trend[-1] == tile.value.value
        if tile.change_basis == "month" and tile.code != "ownership_clarity":
            assert tile.trend[-2] == pytest.approx(before.value.value), tile.code
            assert tile.change.value == pytest.approx(tile.value.value - before.value.value), tile.code


def test_vectorised_portfolio_cpi_equals_the_earned_value_table(demo_sqlite_engine) -> None:
    from data_access.budget import load_budget_by_month, load_progress_history, load_project_progress
    from kpis.budget import earned_value_table, portfolio_cpi, portfolio_earned_value
    from services.single_view_model import trend_months
    from tests.straight import straight_progress_at

    filters = Filters.year_to_date(DEMO_LAST_ACTUAL_MONTH)
    lines = load_budget_by_month(engine=demo_sqlite_engine, filters=filters, by=("project",), span="all")
    projects = load_project_progress(engine=demo_sqlite_engine, filters=filters)
    history = load_progress_history(engine=demo_sqlite_engine, filters=filters)
    for month in trend_months(filters.as_of):
        at = straight_progress_at(projects, history, month)
        slow = portfolio_earned_value(earned_value_table(lines, at, as_of=month)).cpi
        fast = portfolio_cpi(
            lines, pd.Series(at["pct_complete"].to_numpy(dtype="float64"), index=at["project"]), as_of=month
        )
        assert fast.value == pytest.approx(slow.value, rel=1e-12), month


def test_trust_core_gives_the_trust_reports_frames(demo_sqlite_engine) -> None:
    from data_access.survey import (
        load_item_distribution,
        load_respondent_scores,
        load_response_counts,
        load_trust_groups,
        load_waves,
    )
    from kpis.trust import trust_core, trust_report

    for departments in ((), ("IT", "FIN"), ("FIN",)):
        filters = Filters.year_to_date(DEMO_LAST_ACTUAL_MONTH, departments=departments)
        waves = load_waves(engine=demo_sqlite_engine, filters=filters)
        ids = [int(i) for i in waves["id"]]
        scores = load_respondent_scores(engine=demo_sqlite_engine, filters=filters, wave_ids=ids)
        full = trust_report(
            waves=waves,
            respondent_scores=scores,
            item_distribution=load_item_distribution(
                engine=demo_sqlite_engine, filters=filters, wave_ids=ids
            ),
            response_counts=load_response_counts(engine=demo_sqlite_engine, filters=filters, wave_ids=ids),
        )
        core = trust_core(
            waves=waves,
            respondent_scores=scores,
            groups=load_trust_groups(engine=demo_sqlite_engine, filters=filters, wave_ids=ids),
        )
        for name in ("trend", "mirror", "gaps"):
            pd.testing.assert_frame_equal(getattr(core, name), getattr(full, name))


def test_long_exception_lists_move_to_one_table_with_links(
    monkeypatch, demo_sqlite_engine, demo_sqlite_url
) -> None:
    import presentation.overview

    monkeypatch.setattr(presentation.overview, "EXCEPTION_LINES_PER_KIND", 2)
    at = open_app(monkeypatch, demo_sqlite_url)
    view = compute_single_view(engine=demo_sqlite_engine, filters=at.session_state["filters"], min_group=5)
    groups = exception_groups(view.exceptions)
    assert any(group.rest for group in groups) and all(len(group.lines) <= 2 for group in groups)
    assert sum(group.count for group in groups) == len(view.exceptions)
    assert_exceptions_shown(at, view.exceptions)
    focused = [url for frame in at.dataframe if "link" in frame.value.columns for url in frame.value["link"]]
    assert any("focus=P-" in url for url in focused)


def test_exception_groups_split_each_kind_in_order() -> None:
    from kpis.exceptions import ExceptionItem

    items = [ExceptionItem("over_budget", f"P-{n}", "x") for n in range(5)] + [
        ExceptionItem("funding_drift", "P-9", "y")
    ]
    groups = exception_groups(items, per_kind=3)
    assert [(g.kind, [i.project for i in g.lines], [i.project for i in g.rest]) for g in groups] == [
        ("over_budget", ["P-0", "P-1", "P-2"], ["P-3", "P-4"]),
        ("funding_drift", ["P-9"], []),
    ]


def test_the_warm_up_computes_into_the_cache_what_a_new_session_opens_with(
    monkeypatch, demo_sqlite_engine, demo_sqlite_url
) -> None:
    import functools

    import data_access.reference as reference
    import data_access.role_settings as role_settings
    import data_access.steering as steering
    import runtime.server as serve
    import services.single_view as single_view
    from domain.months import add_months
    from services.single_view_model import period_for
    from ui.data import clear_caches

    monkeypatch.setenv("DATABASE_URL", demo_sqlite_url)
    clear_caches()
    wanted = single_view.default_view_filters(engine=demo_sqlite_engine)
    # The default view and the month before it (for "since the last meeting").
    assert len(wanted) == 2
    assert wanted[1] == period_for(wanted[0], add_months(wanted[0].as_of, -1))
    assert "default view (" in serve._warm_default_view(demo_sqlite_engine)  # before the server listens

    computed: list[str] = []  # every cached function the session had to run (a cache miss)

    def counting(module, name: str) -> None:
        real = getattr(module, name)

        @functools.wraps(real)  # same module and name: the same cache key as the real one
        def wrapper(**kwargs):
            computed.append(name)
            return real(**kwargs)

        monkeypatch.setattr(module, name, wrapper)

    counting(single_view, "compute_meeting_views")
    counting(steering, "load_actions")
    counting(role_settings, "load_role_emails")
    for name in ("load_month_bounds", "load_departments", "load_projects_list", "load_categories"):
        counting(reference, name)
    at = open_app(monkeypatch, demo_sqlite_url)
    assert at.session_state["filters"] == wanted[0]
    assert len(at.metric) > 0
    assert computed == []  # the first session's Overview found everything in the app's cache
    clear_caches()
    at.run()
    # Without the warm-up it computes the view and the month before it, in one call.
    assert computed.count("compute_meeting_views") == 1
    assert "load_departments" in computed


def test_overview_opens_with_the_meeting_summary_and_status_colours(
    monkeypatch, demo_sqlite_engine, demo_sqlite_url
) -> None:
    from streamlit.proto.Metric_pb2 import Metric

    from data_access.steering import load_actions
    from presentation.summary import meeting_summary
    from services.single_view_model import period_for

    at = open_app(monkeypatch, demo_sqlite_url, query={"asof": "2026-09", "lang": "en"})
    filters = at.session_state["filters"]
    assert filters.as_of.month == 9
    view = compute_single_view(engine=demo_sqlite_engine, filters=filters, min_group=5)
    previous = compute_single_view(
        engine=demo_sqlite_engine, filters=period_for(filters, view.trend_months[-2]), min_group=5
    )
    sentences = meeting_summary(
        current=view,
        previous=previous,
        actions=load_actions(engine=demo_sqlite_engine, up_to_month=filters.as_of),
        lang="en",
        department_names={"MKT": "Marketing", "IT": "IT", "FIN": "Finance"},
    )
    assert at.text[0].value == "\n".join(f"• {sentence}" for sentence in sentences)
    assert "Perception gap went from On track to Action needed." in sentences
    # The change on each tile is drawn in the colour the pure function chose.
    colours = {text.name: text.colours.change for text in tile_texts(view, "en")}
    for metric in at.metric:
        assert (
            Metric.MetricColor.Name(metric.proto.color).lower() == colours[metric.label.replace("\u00ad", "")]
        )
    # Each sparkline is an image of the tile's trend, in its line colour, named for screen readers.
    lines = {text.name: text for text in tile_texts(view, "en")}
    sparklines = [element.proto.body for element in at.get("html") if "tile-sparkline" in element.proto.body]
    drawn = [name for name, text in lines.items() if sum(value is not None for value in text.trend) >= 2]
    assert len(sparklines) == len(drawn) >= 5
    for name, body in zip(drawn, sparklines, strict=True):
        text = lines[name]
        assert f'alt="{name} over the last {len(text.trend)} months"' in body
        svg = sparkline_svg(text.trend, domain=text.domain, colour=text.colours.line)
        assert svg is not None and base64.b64encode(svg.encode()).decode() in body


def test_a_note_several_tiles_share_is_said_once(monkeypatch, demo_sqlite_engine, demo_sqlite_url) -> None:
    """The history's start is the same note on each history tile: it is one caption below the
    tiles, naming them, not a caption under each."""
    at = open_app(monkeypatch, demo_sqlite_url)
    view = compute_single_view(engine=demo_sqlite_engine, filters=at.session_state["filters"], min_group=5)
    texts = {text.code: text for text in tile_texts(view, "nl")}
    note = texts["joint_share"].note
    assert note and note.startswith("Historie vastgelegd vanaf")
    sharing = [text.name for text in texts.values() if text.note == note]
    assert len(sharing) == len(HISTORY_TILES)
    captions = [caption.value for caption in at.caption]
    with_note = [caption for caption in captions if md(note) in caption]
    assert with_note == [md(f"{note} Geldt voor: {', '.join(sharing)}.")]
    # A note of one tile stays under it: the budget tile's forecast.
    assert texts["budget_realisation"].note and md(texts["budget_realisation"].note) in captions


def test_a_late_goal_is_named_by_its_text(demo_sqlite_engine) -> None:
    """An exception line names the late insight goal by its text, never by its code (G1)."""
    filters = Filters(as_of=DEMO_LAST_ACTUAL_MONTH, period_start=DEMO_LAST_ACTUAL_MONTH.replace(month=1))
    view = compute_single_view(engine=demo_sqlite_engine, filters=filters, min_group=5)
    late = [item for item in view.exceptions if item.kind == "late_goal"]
    assert late
    texts = {
        (project, code): goal
        for project, code, goal in zip(
            view.timeline["project"], view.timeline["code"], view.timeline["goal"], strict=True
        )
    }
    for item in late:
        goal = texts[(item.project, item.subject)]
        line = exception_text(item, "nl")
        assert f"inzichtdoel ‘{goal}’ niet op tijd gehaald" in line, line
        assert f" {item.subject} " not in f"{line} "
