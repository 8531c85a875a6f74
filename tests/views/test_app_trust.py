"""AppTest: the Trust page shows the pure functions' figures and never the small department's score."""

from __future__ import annotations

import json

import pytest

from access.roles import User
from data_access.survey import (
    load_item_distribution,
    load_respondent_scores,
    load_response_counts,
    load_trust_groups,
    load_waves,
)
from i18n.format import format_number
from kpis.trust import trust_report
from kpis.trust_index import latest_wave_trust
from services.links import TRUST_TABS
from tests.apptest_helpers import metric_values, open_app, open_tab

PAGE = "views/trust.py"


def _report(engine, filters, min_group=5):
    waves = load_waves(engine=engine, filters=filters)
    ids = [int(i) for i in waves["id"]]
    return waves, trust_report(
        waves=waves,
        respondent_scores=load_respondent_scores(engine=engine, filters=filters, wave_ids=ids),
        item_distribution=load_item_distribution(engine=engine, filters=filters, wave_ids=ids),
        response_counts=load_response_counts(engine=engine, filters=filters, wave_ids=ids),
        min_group=min_group,
    )


def _all_shown_text(at) -> str:
    """Everything the page rendered as data: tables, chart specs (with their data), metrics, captions."""
    parts = [df.value.to_json() for df in at.dataframe]
    parts += [
        json.dumps(el.proto.spec if hasattr(el.proto, "spec") else str(el.proto))
        for el in at.get("vega_lite_chart")
    ]
    parts += [str(el.proto) for el in at.get("vega_lite_chart")]
    parts += [m.value for m in at.metric] + [c.value for c in at.caption]
    return "\n".join(parts)


def test_trust_page_shows_the_report(monkeypatch, demo_sqlite_url) -> None:
    """The demo's latest wave (W2026-2) as the tiles show it."""
    at = open_app(monkeypatch, demo_sqlite_url, page=PAGE)
    assert not at.metric  # the mirror tab opens first; the tiles are on the trend tab
    open_tab(at, "trend")
    shown = metric_values(at)
    assert shown == {
        "Totaal": "64,3",
        "Bekwaamheid": "67,2",
        "Welwillendheid": "65,3",
        "Integriteit": "68,3",
        "Communicatie": "61,8",
        "Betrokkenheid bij strategie": "58,9",
    }
    assert at.subheader[0].value == "Laatste ronde: W2026-2"
    # The page's overall index for the latest wave equals the Overview tile (same function, same filters).
    overview = open_app(monkeypatch, demo_sqlite_url)
    assert metric_values(overview)["Vertrouwensindex"] == shown["Totaal"]
    # No change in the demo's overall index is significant: the page says so instead of a delta.
    assert any("Geen significante verandering" in c.value for c in at.caption)
    assert all(m.proto.delta == "" for m in at.metric)
    charts = tables = 0
    for tab in TRUST_TABS:
        open_tab(at, tab)
        charts += len(at.get("vega_lite_chart"))
        tables += len(at.dataframe)
        assert not at.error
    assert charts >= 3
    assert tables == 7


def test_mirror_matrix_and_gap_match_the_report(monkeypatch, demo_sqlite_engine, demo_sqlite_url) -> None:
    at = open_app(monkeypatch, demo_sqlite_url, page=PAGE)
    at.radio(key="lang").set_value("en").run()
    assert not at.exception and at.title[0].value == "Trust"
    filters = at.session_state["filters"]
    waves, report = _report(demo_sqlite_engine, filters)
    latest = int(waves["id"].iloc[-1])
    matrix = next(df.value for df in at.dataframe if "IT" in df.value.columns and "MKT" in df.value.index)
    cell = report.mirror.set_index(["wave_id", "rater", "rated", "dimension"])
    assert matrix.loc["MKT", "IT"] == pytest.approx(cell.loc[(latest, "MKT", "IT", "overall"), "index"])
    assert matrix.loc["IT", "MKT"] == pytest.approx(cell.loc[(latest, "IT", "MKT", "overall"), "index"])
    assert matrix.loc["FIN"].isna().all()  # the small department: no score
    # In the demo, marketing's view of IT jumped in the last wave: significant in the gap table.
    gaps = next(df.value for df in at.dataframe if "significance" in df.value.columns)
    row = gaps[(gaps["wave_code"] == waves["code"].iloc[-1]) & (gaps["kind"] == "Mutual")].iloc[0]
    assert row["gap"] == pytest.approx(
        cell.loc[(latest, "IT", "MKT", "overall"), "index"]
        - cell.loc[(latest, "MKT", "IT", "overall"), "index"]
    )
    assert row["significance"] == "Significant difference"
    assert "MKT" not in set(gaps["department_a"]) | set(gaps["department_b"])  # names, not codes
    # Beside the mirror: the gaps of the chosen (latest) wave only, the same figures.
    beside = next(df.value for df in at.dataframe if "pair" in df.value.columns)
    latest_gaps = gaps[(gaps["wave_code"] == waves["code"].iloc[-1]) & gaps["gap"].notna()]
    assert [(r["kind"], r["pair"], r["gap"]) for r in beside.to_dict("records")] == [
        (r["kind"], f"{r['department_a']} / {r['department_b']}", r["gap"])
        for r in latest_gaps.to_dict("records")
    ]
    mutual = beside[beside["kind"] == "Mutual"].iloc[0]
    assert mutual["gap"] == pytest.approx(row["gap"]) and bool(mutual["significant"])
    assert mutual["pair"] == "IT / Marketing"


@pytest.mark.parametrize("departments", [None, "FIN", "FIN,MKT", "FIN,IT", "FIN,IT,MKT"])
def test_small_department_never_shows_a_score(monkeypatch, demo_sqlite_url, departments) -> None:
    query = {"dept": departments} if departments else None
    at = open_app(monkeypatch, demo_sqlite_url, page=PAGE, query=query)
    checked = 0
    # The mirror, trend and items tabs show the chosen wave and dimension; the reliability
    # and response tabs every wave.
    for tab in ("mirror", "trend", "items"):
        open_tab(at, tab)
        for wave in at.selectbox(key="trust_wave").options:
            for dimension in ("Totaal", "Bekwaamheid"):
                at.selectbox(key="trust_wave").set_value(
                    next(w for w in at.selectbox(key="trust_wave").options if w == wave)
                )
                at.selectbox(key="trust_dimension").set_value(
                    "overall" if dimension == "Totaal" else "ability"
                ).run()
                assert not at.exception
                checked += _small_department_rows(at)
    for tab in ("reliability", "response"):
        open_tab(at, tab)
        checked += _small_department_rows(at)
    assert checked > 0  # the small department's rows were there, without a score
    if departments == "FIN":
        open_tab(at, "trend")
        assert metric_values(at)["Totaal"] == "n.v.t."


def _small_department_rows(at) -> int:
    """Assert that no table or chart shown gives the small department (FIN) a score; -> its rows seen."""
    checked = 0
    for frame in (df.value for df in at.dataframe):
        for column in ("department", "rater", "department_b"):
            if column in frame.columns:
                # The code or the name (the gap and item tables show names).
                fin = frame[frame[column].astype(str).str.startswith(("FIN", "Financ"))]
                for value_column in ("index", "favourable_share", "gap", "index_a", "index_b"):
                    if value_column in fin.columns:
                        assert fin[value_column].isna().all(), (column, value_column)
                        checked += len(fin)
        if "FIN" in frame.index:
            assert frame.loc["FIN"].isna().all()
    for chart in at.get("vega_lite_chart"):
        assert "FIN" not in str(chart.proto) and "Financi" not in str(chart.proto)
    return checked


def test_min_group_below_three_is_refused_on_the_page(monkeypatch, demo_sqlite_url) -> None:
    monkeypatch.setenv("SURVEY_MIN_GROUP", "2")
    at = open_app(monkeypatch, demo_sqlite_url, page=PAGE)
    assert at.error and "lager dan 3" in at.error[0].value
    assert "minder dan 5 respondenten" in at.caption[0].value
    matrix = next(df.value for df in at.dataframe if "FIN" in df.value.index)
    assert matrix.loc["FIN"].isna().all()


def test_a_stricter_threshold_hides_marketing(monkeypatch, demo_sqlite_engine, demo_sqlite_url) -> None:
    monkeypatch.setenv("SURVEY_MIN_GROUP", "40")  # MKT has 30–38 respondents per wave, IT 40–50
    at = open_app(monkeypatch, demo_sqlite_url, page=PAGE)
    assert not at.error
    matrix = next(df.value for df in at.dataframe if "MKT" in df.value.index)
    assert matrix.loc["MKT"].isna().all() and matrix.loc["IT"].notna().all()
    waves, report = _report(demo_sqlite_engine, at.session_state["filters"], min_group=40)
    tile = latest_wave_trust(
        waves,
        load_trust_groups(
            engine=demo_sqlite_engine, filters=at.session_state["filters"], wave_ids=list(waves["id"])
        ),
        min_group=40,
    )
    open_tab(at, "trend")
    assert metric_values(at)["Totaal"] == format_number(tile.current.index.value, "nl", decimals=1)


def test_comments_need_the_right_and_ten_respondents(monkeypatch, demo_sqlite_url) -> None:
    at = open_app(monkeypatch, demo_sqlite_url, page=PAGE, query={"tab": "comments"})
    texts = [t.value for t in at.text]
    assert texts, "the admin in local mode should read the demo comments"
    monkeypatch.setattr("ui.auth.LOCAL_USER", User(name="v", email=None, role="viewer", local_mode=True))
    calls = []
    import services.trust_page

    monkeypatch.setattr(services.trust_page, "load_comments", lambda **kw: calls.append(kw))
    viewer = open_app(monkeypatch, demo_sqlite_url, page=PAGE, query={"tab": "comments"})
    assert not viewer.text
    assert any("geen toegang tot opmerkingen" in i.value for i in viewer.info)
    assert calls == []


def test_tables_send_only_the_columns_they_show(monkeypatch, demo_sqlite_url) -> None:
    """Each table's data holds the columns of its column order and no more: ids, p-values,
    flags and the other language's item texts stay on the server."""
    at = open_app(monkeypatch, demo_sqlite_url, page=PAGE)
    ordered, charts = [], []
    for tab in TRUST_TABS:
        open_tab(at, tab)
        ordered += [df for df in at.dataframe if list(df.proto.column_order)]
        charts += at.get("vega_lite_chart")
    assert len(ordered) >= 6
    for df in ordered:
        columns = set(df.value.columns)
        assert columns <= set(df.proto.column_order), columns - set(df.proto.column_order)
        assert not columns & {"wave_id", "p_value", "shown", "text_en", "previous_wave_id"}
    items = next(df.value for df in ordered if "item_code" in df.value.columns)
    assert "text_nl" in items.columns and len(items) > 10
    # Rating departments by name, in the table and in the heatmap beside it.
    assert "Marketing" in set(items["department"]) and not set(items["department"]) & {"MKT", "FIN"}
    import pyarrow as pa

    heatmap = next(el for el in charts if "favourable_share" in el.proto.spec)
    raters = {
        value
        for dataset in heatmap.proto.datasets
        for value in pa.ipc.open_stream(dataset.data.data).read_all().column("department").to_pylist()
    }
    assert "Marketing" in raters and not raters & {"MKT", "FIN"}
