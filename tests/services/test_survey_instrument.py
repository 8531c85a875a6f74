"""The survey instrument as data (issue 18 point 6): an organisation with its own three
dimensions (respect, reliability, openness), imported through the importer, gets its index,
mirror, heatmap, Trust page and pack in those dimensions, and small groups stay hidden.

The fixture's scores are chosen so every index is known by hand: index = (mean − 1) / 4 × 100.
Six MKT respondents rate IT (respect 4, reliability 3, openness 2 → 75, 50, 25), six IT
respondents rate MKT (all 5 → 100), two FIN respondents rate IT (all 1: a group under the
threshold of 5, so never shown and never in a total).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine

from data_access.engine import create_db_engine, upgrade_schema
from data_access.importer.pipeline import issue_message, run_import
from data_access.survey import (
    load_item_distribution,
    load_respondent_scores,
    load_response_counts,
    load_survey_dimensions,
    load_waves,
)
from domain.filters import Filters
from kpis.perception import rows_for
from kpis.survey_stats import OVERALL
from kpis.trust import trust_report
from services.instrument import dimension_codes, dimension_labels, dimension_names
from tests.apptest_helpers import open_app, open_tab
from tests.conftest import BACKENDS, _drop_pg_database, make_database_url

FILTERS = Filters.year_to_date(dt.date(2026, 10, 1))
DIMENSIONS = ("respect", "reliability", "openness")
MKT_RATES_IT = {"respect": 4, "reliability": 3, "openness": 2}
RATERS = {"MKT": (6, "IT"), "IT": (6, "MKT"), "FIN": (2, "IT")}


def _csv(header: str, rows: list[str]) -> bytes:
    return ("\n".join([header, *rows]) + "\n").encode()


def _import(engine: Engine, kind: str, data: bytes) -> None:
    report = run_import(
        engine=engine, kind=kind, file_name=f"{kind}.csv", data=data, dry_run=False, user_name="t"
    )
    assert report.ok, [(i.row, i.column, i.value, issue_message(i, "en")) for i in report.errors]


def _score(rater: str, dimension: str) -> int:
    return {"MKT": MKT_RATES_IT[dimension], "IT": 5, "FIN": 1}[rater]


def fill_three_dimensions(engine: Engine) -> None:
    """The organisation of the module docstring, imported file by file as an analyst would."""
    _import(
        engine,
        "departments",
        _csv("code,name_nl,name_en", ["MKT,Marketing,Marketing", "IT,IT,IT", "FIN,Financiën,Finance"]),
    )
    _import(
        engine,
        "survey_dimensions",
        _csv(
            "code,name_nl,name_en,sort_order",
            [
                "respect,Respect,Respect,1",
                "reliability,Betrouwbaarheid,Reliability,2",
                "openness,Openheid,Openness,3",
            ],
        ),
    )
    _import(engine, "survey_waves", _csv("code,name,fielded_on", ["W1,Voorjaar,2026-03-15"]))
    _import(
        engine,
        "survey_invitations",
        _csv("wave,department,invited_count", ["W1,MKT,10", "W1,IT,10", "W1,FIN,4"]),
    )
    items = [
        f"{d[:3].upper()}-{rated}-{n},Vraag {d} {n},Item {d} {n},{d},{rated},{'true' if n == 2 else 'false'}"
        for rated in ("IT", "MKT")
        for d in DIMENSIONS
        for n in (1, 2)
    ]
    _import(
        engine, "survey_items", _csv("code,text_nl,text_en,dimension,rated_department,reverse_coded", items)
    )
    answers = []
    for rater, (count, rated) in RATERS.items():
        for person in range(count):
            for d in DIMENSIONS:
                score = _score(rater, d)
                # item 2 is reverse coded: answering 6 − score means the same trust
                answers += [
                    f"W1,{rater}-{person},{rater},{d[:3].upper()}-{rated}-1,{score}",
                    f"W1,{rater}-{person},{rater},{d[:3].upper()}-{rated}-2,{6 - score}",
                ]
    _import(engine, "survey_responses", _csv("wave,respondent_ref,department,item,score", answers))


@pytest.fixture(scope="module", params=BACKENDS)
def three(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Engine]:
    url = make_database_url(request.param, tmp_path_factory.mktemp("three"))
    engine = create_db_engine(url)
    upgrade_schema(engine)
    fill_three_dimensions(engine)
    yield engine
    engine.dispose()
    if request.param == "postgresql":
        _drop_pg_database(url)


def _report(engine: Engine):  # type: ignore[no-untyped-def]
    waves = load_waves(engine=engine, filters=FILTERS)
    ids = [int(i) for i in waves["id"]]
    return trust_report(
        waves=waves,
        respondent_scores=load_respondent_scores(engine=engine, filters=FILTERS, wave_ids=ids),
        item_distribution=load_item_distribution(engine=engine, filters=FILTERS, wave_ids=ids),
        response_counts=load_response_counts(engine=engine, filters=FILTERS, wave_ids=ids),
    )


def test_the_instrument_is_the_imported_one(three: Engine) -> None:
    dimensions = load_survey_dimensions(engine=three)
    assert dimension_codes(dimensions) == list(DIMENSIONS)
    assert list(dimension_names(dimensions, "nl").values()) == ["Respect", "Betrouwbaarheid", "Openheid"]
    assert dimension_labels(dimensions, "en") == {
        OVERALL: "Overall",
        "respect": "Respect",
        "reliability": "Reliability",
        "openness": "Openness",
    }


def test_index_mirror_and_heatmap_in_three_dimensions(three: Engine) -> None:
    report = _report(three)
    trend = report.trend.set_index("dimension")
    assert set(trend.index) == {OVERALL, *DIMENSIONS}
    # Only MKT (rates IT) and IT (rates MKT) are shown; each respondent's mean over the
    # dimension's items: MKT 4/3/2, IT 5 → pooled over 12 respondents.
    for dimension in DIMENSIONS:
        expected = ((MKT_RATES_IT[dimension] + 5) / 2 - 1) / 4 * 100
        assert trend.loc[dimension, "index"] == pytest.approx(expected), dimension
        assert trend.loc[dimension, "respondents"] == 12
    mkt_it = rows_for(report.mirror, rater="MKT", rated="IT").set_index("dimension")
    assert mkt_it.loc["respect", "index"] == pytest.approx(75)
    assert mkt_it.loc["reliability", "index"] == pytest.approx(50)
    assert mkt_it.loc["openness", "index"] == pytest.approx(25)
    assert mkt_it.loc[OVERALL, "index"] == pytest.approx(50)
    # FIN's two respondents: hidden everywhere, and their all-1 answers move no total.
    fin = rows_for(report.mirror, rater="FIN")
    assert not fin.empty and not fin["shown"].any() and fin["index"].isna().all()
    assert not rows_for(report.heatmap, department="FIN")["shown"].any()
    heat = rows_for(report.heatmap, department="MKT", rated_department="IT")
    assert set(heat["dimension"]) == set(DIMENSIONS) and len(heat) == 6
    openness = rows_for(heat, dimension="openness")
    assert openness["unfavourable_share"].tolist() == [1.0, 1.0]  # 2, and 6 − 4 reversed = 2


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_trust_page_shows_the_three_dimensions(monkeypatch, three: Engine, lang: str) -> None:
    if three.dialect.name != "sqlite":
        pytest.skip("the page is the same on both backends; data access is checked above")
    url = three.url.render_as_string(hide_password=False)
    at = open_app(monkeypatch, url, page="views/trust.py")
    if lang == "en":
        at.radio(key="lang").set_value("en").run()
    names = {
        "nl": ["Totaal", "Respect", "Betrouwbaarheid", "Openheid"],
        "en": ["Overall", "Respect", "Reliability", "Openness"],
    }[lang]
    chooser = next(s for s in at.selectbox if s.key == "trust_dimension")
    assert chooser.options == names
    open_tab(at, "trend")  # the tiles
    assert [m.label for m in at.metric][: len(names)] == names
    respect = next(m for m in at.metric if m.label == "Respect")
    assert respect.value == ("87,5" if lang == "nl" else "87.5")  # mean (4 + 5) / 2 = 4.5 → 87.5


def test_catalogue_lists_the_instrument(monkeypatch, three: Engine) -> None:
    if three.dialect.name != "sqlite":
        pytest.skip("the page is the same on both backends")
    at = open_app(monkeypatch, three.url.render_as_string(hide_password=False), page="views/catalogue.py")
    assert not at.exception
    table = next(
        d.value for d in at.dataframe if list(d.value.columns) == ["position", "code", "name", "items"]
    )
    assert table["name"].tolist() == ["Respect", "Betrouwbaarheid", "Openheid"]
    assert table["code"].tolist() == list(DIMENSIONS) and table["items"].tolist() == [4, 4, 4]
    assert table["position"].tolist() == [1, 2, 3]


def test_the_pack_names_the_imported_dimensions(three: Engine) -> None:
    from reports.pack import build_pack

    pack = build_pack(three, filters=FILTERS, lang="nl", render=False)
    trust = next(tile for tile in pack.kpis if tile.name == "Vertrouwensindex")
    # overall: MKT's respondents mean 3 (index 50), IT's 5 (100), pooled over 12 → 75
    assert trust.value_text == "75,0"


def _migrate(engine: Engine, direction: str, revision: str) -> None:
    from alembic import command

    from data_access.engine import _alembic_config

    config = _alembic_config()
    with engine.begin() as conn:
        config.attributes["connection"] = conn
        getattr(command, direction)(config, revision)


@pytest.mark.parametrize("backend", BACKENDS)
def test_migration_0018_seeds_refers_and_goes_back(backend: str, tmp_path: Path) -> None:
    from sqlalchemy import inspect, text
    from sqlalchemy.exc import IntegrityError

    url = make_database_url(backend, tmp_path)
    engine = create_db_engine(url)
    try:
        upgrade_schema(engine, "0016")
        with engine.begin() as conn:  # an item of an older database, on a dimension outside the five
            conn.execute(
                text("INSERT INTO department (id, code, name_nl, name_en) VALUES (1, 'IT', 'IT', 'IT')")
            )
            conn.execute(
                text(
                    "INSERT INTO survey_item (id, code, text_nl, text_en, dimension, rated_department_id, "
                    "reverse_coded) VALUES (1, 'X1', 'a', 'a', 'fairness', 1, false)"
                )
            )
        upgrade_schema(engine)
        seeded = load_survey_dimensions(engine=engine)
        assert dimension_codes(seeded) == [
            "ability", "benevolence", "integrity", "communication", "strategy", "fairness"
        ]  # fmt: skip
        assert dimension_names(seeded, "nl")["strategy"] == "Betrokkenheid bij strategie"
        with pytest.raises(IntegrityError), engine.begin() as conn:
            conn.execute(text("UPDATE survey_item SET dimension = 'nonsense' WHERE id = 1"))
        with pytest.raises(IntegrityError), engine.begin() as conn:
            conn.execute(text("DELETE FROM survey_dimensions WHERE code = 'fairness'"))
        with engine.begin() as conn:  # one nobody names may go
            conn.execute(text("DELETE FROM survey_dimensions WHERE code = 'strategy'"))
        _migrate(engine, "downgrade", "0016")
        assert "survey_dimensions" not in inspect(engine).get_table_names()
        with engine.begin() as conn:  # back to a free text column
            conn.execute(text("UPDATE survey_item SET dimension = 'anything' WHERE id = 1"))
        _migrate(engine, "upgrade", "head")
        assert "anything" in dimension_codes(load_survey_dimensions(engine=engine))
    finally:
        engine.dispose()
        if backend == "postgresql":
            _drop_pg_database(url)


def _report_of(engine: Engine, kind: str, data: bytes, *, dry_run: bool = False):  # type: ignore[no-untyped-def]
    return run_import(
        engine=engine, kind=kind, file_name=f"{kind}.csv", data=data, dry_run=dry_run, user_name="t"
    )


def _messages(report, lang: str = "en") -> list[tuple[int | None, str | None, str | None, str]]:  # type: ignore[no-untyped-def]
    return [(i.row, i.column, i.value, issue_message(i, lang)) for i in report.errors]


def test_import_refuses_unknown_and_in_use_dimensions(three: Engine) -> None:
    header = "code,text_nl,text_en,dimension,rated_department,reverse_coded"
    report = _report_of(
        three,
        "survey_items",
        _csv(header, ["N1,a,a,honesty,IT,false", "N2,a,a,Respect,IT,false", "N3,a,a,opennes,IT,false"]),
        dry_run=True,
    )
    found = _messages(report)
    assert found[0][:3] == (2, "dimension", "honesty")
    assert "Unknown dimension" in found[0][3] and "openness, reliability, respect" in found[0][3]
    assert found[1][:3] == (3, "dimension", "Respect") and "did you mean respect?" in found[1][3]
    assert found[2][:3] == (4, "dimension", "opennes") and "Did you mean openness?" in found[2][3]
    assert "Onbekende dimensie" in issue_message(report.errors[0], "nl")

    before = load_survey_dimensions(engine=three)
    dims = "code,name_nl,name_en,sort_order"
    report = _report_of(three, "survey_dimensions", _csv(dims, ["respect,Respect,Respect,1"]))
    assert not report.applied
    refused = _messages(report)
    assert [(r[1], r[2]) for r in refused] == [("code", "openness"), ("code", "reliability")]
    assert "still name it" in refused[0][3]
    report = _report_of(three, "survey_dimensions", _csv(dims, ["overall,Totaal,Overall,0"]), dry_run=True)
    assert any("reserved" in m[3] for m in _messages(report))
    assert load_survey_dimensions(engine=three).equals(before)  # nothing written


def test_an_unused_dimension_is_removed_and_order_follows_the_file(tmp_path: Path) -> None:
    engine = create_db_engine(make_database_url("sqlite", tmp_path))
    upgrade_schema(engine)
    try:
        dims = "code,name_nl,name_en,sort_order"
        report = _report_of(
            engine,
            "survey_dimensions",
            _csv(dims, ["openness,Openheid,Openness,2", "respect,Respect,Respect,1"]),
        )
        assert report.applied and report.total("removed") == 5 and report.total("inserted") == 2
        assert [w.key for w in report.warnings] == ["importer.warning.replaces_instrument"]
        assert dimension_codes(load_survey_dimensions(engine=engine)) == ["respect", "openness"]
    finally:
        engine.dispose()


def test_a_trust_drop_names_the_instruments_dimension() -> None:
    from kpis.exceptions import ExceptionItem, with_names
    from presentation.overview import exception_text

    drops = [
        ExceptionItem("trust_drop", None, "openness", {"change": -7.5, "p": 0.01, "dimension": "openness"}),
        ExceptionItem("trust_drop", None, OVERALL, {"change": -3.0, "p": 0.02, "dimension": OVERALL}),
    ]
    named = with_names(
        drops,
        project_names={},
        area_names={},
        dimension_names={"openness": {"nl": "Openheid", "en": "Openness"}},
    )
    assert "Openheid" in exception_text(named[0], "nl") and "−7,5" in exception_text(named[0], "nl")
    assert "Openness" in exception_text(named[0], "en")
    assert "Totaal" in exception_text(named[1], "nl")
    assert "openness" in exception_text(drops[0], "en")  # without the instrument: its code, never a crash
