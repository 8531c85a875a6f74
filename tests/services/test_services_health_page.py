"""The Alignment health page model on the demo data; confidentiality; the rules' dated versions."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pandas as pd
import pytest
from sqlalchemy import case, select, update

from access.roles import NotAllowed, User
from charts.health import radar_chart
from data_access.audit import load_audit_trail
from data_access.engine import bump_data_version
from data_access.maturity_rules import RuleError, load_maturity_rule_versions, save_maturity_rules
from data_access.models import Department, SurveyResponse
from data_access.survey import (
    load_item_distribution,
    load_respondent_scores,
    load_response_counts,
    load_trust_groups,
    load_waves,
)
from domain.filters import Filters
from domain.maturity import CRITERIA
from kpis.maturity import profile_table
from kpis.trust import trust_report
from kpis.trust_delivery import TABLE_COLUMNS
from presentation.health import overall_text, reading_texts
from services.health_page import compute_health, criterion_rows
from services.single_view import compute_single_view, default_view_filters

EDITOR = User("e@x.nl", "e@x.nl", "editor")
VIEWER = User("v@x.nl", "v@x.nl", "viewer")


@pytest.fixture(scope="module")
def demo_health(demo_sqlite_engine):
    filters = default_view_filters(engine=demo_sqlite_engine, today=dt.date(2026, 10, 20))[0]
    return filters, compute_health(engine=demo_sqlite_engine, filters=filters, min_group=5)


def test_demo_profile_shows_six_levels_with_the_figures_behind_them(demo_health, demo_sqlite_engine) -> None:
    filters, view = demo_health
    assert view.as_of == filters.as_of and view.year_earlier == dt.date(
        filters.as_of.year - 1, filters.as_of.month, 1
    )
    levels = [view.profile.criterion(code).level for code in CRITERIA]
    assert all(level in (1, 2, 3, 4, 5) for level in levels), levels
    assert view.profile.level == min(levels)
    rows = criterion_rows(view.profile)
    assert set(rows["criterion"]) == set(CRITERIA)
    # The figures behind a criterion are the Overview's for the same month.
    single = compute_single_view(engine=demo_sqlite_engine, filters=filters, min_group=5)
    mixed = rows.set_index("measure").loc["mixed_teams", "value"]
    assert mixed == pytest.approx(single.tile("mixed_teams").value.value)
    # The returners measure has no data: skills is scored with lower confidence, never lower.
    skills = view.profile.criterion("skills")
    assert skills.confidence == "medium" and skills.measured == 2
    assert len(view.trend) == 13 and view.trend["month"].iloc[-1] == filters.as_of
    assert view.trend["level"].iloc[-1] == view.profile.level
    assert "Totaal: niveau" in overall_text(view.profile, "nl")


def test_demo_trust_beside_delivery_has_every_wave(demo_health, demo_sqlite_engine) -> None:
    filters, view = demo_health
    waves = load_waves(engine=demo_sqlite_engine, filters=filters)
    table = view.trust_delivery
    assert list(table.columns) == TABLE_COLUMNS
    assert list(table["wave_code"]) == list(waves["code"])
    assert table["trust"].notna().all() and table["cpi"].notna().all()
    # Four waves: no correlation, and the reading says so and that it is not causation.
    assert len(table) < 5 and all(value is None for value in view.correlations.values())
    texts = reading_texts(view, "en")
    assert any("not cause and effect" in text for text in texts)
    assert any("5 waves" in text for text in texts)
    assert set(view.directions["wave_code"]) == set(waves["code"])


def _trust_figures(view) -> tuple:
    rows = criterion_rows(view.profile).set_index("measure")
    return (
        view.trust_delivery[["wave_code", "trust"]].to_json(),
        view.directions.to_json(),
        tuple(
            rows.loc[code, "value"]
            for code in ("trust_communication", "trust_benevolence", "trust_integrity")
        ),
        rows.loc["perception_gap", "value"],
    )


@pytest.mark.parametrize("demo_copy", ["sqlite"], indirect=True)
def test_a_hidden_group_does_not_change_the_trust_figures(demo_copy) -> None:
    filters = default_view_filters(engine=demo_copy, today=dt.date(2026, 10, 20))[0]
    waves = load_waves(engine=demo_copy, filters=filters)
    groups = load_trust_groups(engine=demo_copy, filters=filters, wave_ids=[int(i) for i in waves["id"]])
    small = groups[groups["respondents"] < 5]
    assert not small.empty, "the demo data has a rating group below the threshold"
    before = compute_health(engine=demo_copy, filters=filters, min_group=5)
    assert before.hidden_survey_groups >= 1
    with demo_copy.begin() as conn:
        for department in set(small["department"]):
            department_id = conn.scalar(select(Department.id).where(Department.code == department))
            conn.execute(
                update(SurveyResponse)
                .where(SurveyResponse.department_id == department_id)
                .where(SurveyResponse.wave_id.in_([int(w) for w in small["wave_id"]]))
                .values(score=case((SurveyResponse.score == 3, 1), else_=6 - SurveyResponse.score))
            )
        bump_data_version(conn)
    after = compute_health(engine=demo_copy, filters=filters, min_group=5)
    assert _trust_figures(after) == _trust_figures(before)
    # The same change to a shown group does move them (the comparison can fail).
    with demo_copy.begin() as conn:
        conn.execute(update(SurveyResponse).values(score=case((SurveyResponse.score == 3, 1), else_=3)))
        bump_data_version(conn)
    moved = compute_health(engine=demo_copy, filters=filters, min_group=5)
    assert _trust_figures(moved) != _trust_figures(before)


def test_a_rule_edit_writes_a_dated_version_and_an_audit_row(empty_engine) -> None:
    assert load_maturity_rule_versions(engine=empty_engine) == []
    save_maturity_rules(
        engine=empty_engine,
        thresholds={"mixed_teams": [0.1, 0.2, 0.3, 0.4]},
        user=EDITOR,
        effective_from=dt.date(2026, 9, 17),
    )
    [version] = load_maturity_rule_versions(engine=empty_engine)
    assert version.effective_from == dt.date(2026, 9, 1)
    assert version.thresholds == {"mixed_teams": (0.1, 0.2, 0.3, 0.4)}
    assert version.updated_by == "e@x.nl"
    trail = load_audit_trail(engine=empty_engine, entity="maturity_rule")
    assert len(trail) == 1 and trail["user_name"].iloc[0] == "e@x.nl"
    assert "0.65" in trail["old_values"].iloc[0] and "0.3" in trail["new_values"].iloc[0]
    save_maturity_rules(engine=empty_engine, thresholds={"mixed_teams": [0.2, 0.3, 0.4, 0.5]}, user=EDITOR)
    assert len(load_maturity_rule_versions(engine=empty_engine)) == 2
    assert len(load_audit_trail(engine=empty_engine, entity="maturity_rule")) == 2


def test_a_rule_edit_is_refused_for_a_viewer_and_for_bad_thresholds(empty_engine) -> None:
    with pytest.raises(NotAllowed):
        save_maturity_rules(
            engine=empty_engine, thresholds={"mixed_teams": [0.1, 0.2, 0.3, 0.4]}, user=VIEWER
        )
    with pytest.raises(RuleError) as refused:
        save_maturity_rules(
            engine=empty_engine, thresholds={"mixed_teams": [0.4, 0.3, 0.2, 0.1]}, user=EDITOR
        )
    assert refused.value.problems == {"mixed_teams": ["maturity.error.ascending"]}
    with pytest.raises(RuleError):
        save_maturity_rules(engine=empty_engine, thresholds={"nonsense": [1, 2, 3, 4]}, user=EDITOR)
    assert load_maturity_rule_versions(engine=empty_engine) == []
    assert load_audit_trail(engine=empty_engine, entity="maturity_rule").empty


@pytest.mark.parametrize("demo_copy", ["sqlite"], indirect=True)
def test_a_saved_rule_changes_the_level_from_its_month_only(demo_copy) -> None:
    filters = default_view_filters(engine=demo_copy, today=dt.date(2026, 10, 20))[0]
    before = compute_health(engine=demo_copy, filters=filters, min_group=5)
    # Demand near-perfect scores for every governance measure from the as-of month on.
    save_maturity_rules(
        engine=demo_copy,
        thresholds={
            "ownership_clarity": [0.99, 0.995, 0.998, 1.0],
            "follow_through": [0.99, 0.995, 0.998, 1.0],
            "house_rule_breaches": [0.0, 0.0, 0.0, 0.0],
        },
        user=EDITOR,
        effective_from=filters.as_of,
    )
    after = compute_health(engine=demo_copy, filters=filters, min_group=5)
    assert after.profile.criterion("governance").level == 1
    assert before.profile.criterion("governance").level > 1
    previous = pd.DataFrame(before.trend).set_index("month")["level"]
    replayed = pd.DataFrame(after.trend).set_index("month")["level"]
    assert (previous.iloc[:-1] == replayed.iloc[:-1]).all()


def test_the_page_model_is_the_same_on_both_databases(demo_engine, demo_health) -> None:
    filters, on_sqlite = demo_health
    view = compute_health(engine=demo_engine, filters=filters, min_group=5)
    assert [view.profile.criterion(c).level for c in CRITERIA] == [
        on_sqlite.profile.criterion(c).level for c in CRITERIA
    ]
    assert view.trend["level"].tolist() == on_sqlite.trend["level"].tolist()
    pd.testing.assert_frame_equal(view.trust_delivery, on_sqlite.trust_delivery, check_exact=False, rtol=1e-9)
    pd.testing.assert_frame_equal(
        criterion_rows(view.profile), criterion_rows(on_sqlite.profile), check_exact=False, rtol=1e-9
    )


def test_the_global_filters_reach_every_figure(demo_sqlite_engine, demo_health) -> None:
    """With a department filter the trust per wave is the Trust page's and the tile-based
    measures are the Overview's, for the same filters."""
    filters = dataclasses.replace(demo_health[0], departments=("IT",))
    view = compute_health(engine=demo_sqlite_engine, filters=filters, min_group=5)
    waves = load_waves(engine=demo_sqlite_engine, filters=filters)
    ids = [int(i) for i in waves["id"]]
    report = trust_report(
        waves=waves,
        respondent_scores=load_respondent_scores(engine=demo_sqlite_engine, filters=filters, wave_ids=ids),
        item_distribution=load_item_distribution(engine=demo_sqlite_engine, filters=filters, wave_ids=ids),
        response_counts=load_response_counts(engine=demo_sqlite_engine, filters=filters, wave_ids=ids),
        min_group=5,
    )
    overall = report.trend[report.trend["dimension"] == "overall"].set_index("wave_id")["index"]
    assert view.trust_delivery.set_index("wave_id")["trust"].tolist() == pytest.approx(overall.tolist())
    assert view.trust_delivery["trust"].tolist() != pytest.approx(
        demo_health[1].trust_delivery["trust"].tolist()
    )
    single = compute_single_view(engine=demo_sqlite_engine, filters=filters, min_group=5)
    rows = criterion_rows(view.profile).set_index("measure")["value"]
    for measure in ("joint_share", "mixed_teams", "ownership_clarity", "goals_on_time", "funding_balance"):
        tile = single.tile(measure).value.value
        assert (rows[measure] == pytest.approx(tile)) if tile is not None else pd.isna(rows[measure]), measure


def test_the_as_of_month_replays_the_page(demo_sqlite_engine, demo_health) -> None:
    march = Filters(as_of=dt.date(2026, 3, 1), period_start=dt.date(2026, 1, 1))
    view = compute_health(engine=demo_sqlite_engine, filters=march, min_group=5)
    assert view.trend["month"].iloc[-1] == march.as_of and view.year_earlier == dt.date(2025, 3, 1)
    assert len(view.trust_delivery) == len(demo_health[1].trust_delivery) - 1  # September's wave not yet
    assert view.trust_delivery["month"].max() <= march.as_of
    # The March profile is the October page's trend point for March, when the trend reaches it.
    october = demo_health[1].trend.set_index("month")["level"]
    if march.as_of in october.index:
        assert october[march.as_of] == view.profile.level


def test_an_empty_database_gives_no_levels_and_says_so(empty_engine) -> None:
    filters = Filters(as_of=dt.date(2026, 10, 1), period_start=dt.date(2026, 1, 1))
    view = compute_health(engine=empty_engine, filters=filters, min_group=5)
    assert view.profile.level is None and view.profile.confidence == "none"
    assert all(view.profile.criterion(code).level is None for code in CRITERIA)
    assert view.trust_delivery.empty
    assert overall_text(view.profile, "en") == "Overall: cannot be scored, there is no data."
    radar_chart(
        profile_table(view.profile, view.earlier),
        names={code: code for code in CRITERIA},
        series={"now": "now", "earlier": "then"},
        texts={"title": "T", "level": "L", "legend": "M", "criterion": "C"},
    ).to_dict()
