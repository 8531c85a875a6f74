"""Adversarial tests of the survey confidentiality rule, on SQLite and PostgreSQL.

The strongest form of "no hidden group can be recomputed": change every answer of the
small group in the database and recompute everything the Trust page shows, for every
combination of department filters and as-of months (which decides the waves); not one
shown number may move. Comparing filter sets with and without the small group must give
the same shown numbers too (nothing to subtract).
"""

from __future__ import annotations

import datetime as dt
import itertools

import numpy as np
import pandas as pd
from sqlalchemy import Engine, case, func, insert, select, update

from data_access.engine import bump_data_version
from data_access.models import (
    Department,
    SurveyInvitation,
    SurveyItem,
    SurveyResponse,
    SurveyWave,
)
from data_access.survey import (
    load_item_distribution,
    load_item_scores,
    load_respondent_scores,
    load_response_counts,
    load_trust_groups,
    load_waves,
)
from domain.confidentiality import COMPLEMENTARY, SMALL_GROUP
from domain.filters import Filters
from kpis.survey_stats import reliability_table
from kpis.trust import trust_report
from kpis.trust_index import latest_wave_trust

DEPARTMENTS = ("MKT", "IT", "FIN", "SAL")
GROUP_SIZES = {"MKT": 6, "IT": 7, "FIN": 3, "SAL": 5}
DIMENSIONS = ("ability", "integrity", "strategy")
AS_OF = (dt.date(2026, 3, 1), dt.date(2026, 10, 1))


def insert_survey(engine: Engine) -> None:
    """Two waves; 4 rating departments (FIN has 3 respondents); items about MKT and IT on three
    dimensions, two items each (the second reverse coded). In wave 2 one SAL respondent skips
    the strategy items, so SAL·strategy has 4 respondents while SAL itself has 5."""
    rng = np.random.default_rng(7)
    with engine.begin() as conn:
        conn.execute(
            insert(Department),
            [{"id": i + 1, "code": c, "name_nl": c, "name_en": c} for i, c in enumerate(DEPARTMENTS)],
        )
        conn.execute(
            insert(SurveyWave),
            [
                {"id": 1, "code": "W1", "name": "W1", "fielded_on": dt.date(2026, 3, 15)},
                {"id": 2, "code": "W2", "name": "W2", "fielded_on": dt.date(2026, 9, 15)},
            ],
        )
        conn.execute(
            insert(SurveyInvitation),
            [
                {"wave_id": w, "department_id": i + 1, "invited_count": GROUP_SIZES[c] + 2}
                for w in (1, 2)
                for i, c in enumerate(DEPARTMENTS)
            ],
        )
        items = []
        for rated_id, rated in ((1, "MKT"), (2, "IT")):
            for dim in DIMENSIONS:
                for n in (1, 2):
                    items.append(
                        {
                            "id": len(items) + 1,
                            "code": f"{dim[:3].upper()}-{rated}-{n}",
                            "text_nl": f"{rated} {dim} {n}",
                            "text_en": f"{rated} {dim} {n}",
                            "dimension": dim,
                            "rated_department_id": rated_id,
                            "reverse_coded": n == 2,
                        }
                    )
        conn.execute(insert(SurveyItem), items)
        answers = []
        for wave in (1, 2):
            for dept_id, code in enumerate(DEPARTMENTS, start=1):
                for person in range(GROUP_SIZES[code]):
                    for item in items:
                        if wave == 2 and code == "SAL" and person == 0 and item["dimension"] == "strategy":
                            continue
                        answers.append(
                            {
                                "wave_id": wave,
                                "respondent_ref": f"{code}-{wave}-{person}",
                                "department_id": dept_id,
                                "item_id": item["id"],
                                "score": int(rng.integers(1, 6)),
                            }
                        )
        conn.execute(insert(SurveyResponse), answers)
        bump_data_version(conn)


def perturb_small_group(engine: Engine) -> None:
    """Give every answer of the FIN respondents another score (reverse it; 3 becomes 1)."""
    with engine.begin() as conn:
        fin = conn.scalar(select(Department.id).where(Department.code == "FIN"))
        conn.execute(
            update(SurveyResponse)
            .where(SurveyResponse.department_id == fin)
            .values(score=case((SurveyResponse.score == 3, 1), else_=6 - SurveyResponse.score))
        )


def fin_score_sum(engine: Engine) -> int:
    with engine.connect() as conn:
        fin = conn.scalar(select(Department.id).where(Department.code == "FIN"))
        return int(
            conn.scalar(select(func.sum(SurveyResponse.score)).where(SurveyResponse.department_id == fin))
        )


def everything_shown(engine: Engine, filters: Filters, min_group: int) -> dict[str, pd.DataFrame]:
    """Every frame the Trust page renders (values and respondent counts), computed from the database."""
    waves = load_waves(engine=engine, filters=filters)
    ids = [int(i) for i in waves["id"]]
    report = trust_report(
        waves=waves,
        respondent_scores=load_respondent_scores(engine=engine, filters=filters, wave_ids=ids),
        item_distribution=load_item_distribution(engine=engine, filters=filters, wave_ids=ids),
        response_counts=load_response_counts(engine=engine, filters=filters, wave_ids=ids),
        min_group=min_group,
    )
    item_scores = load_item_scores(engine=engine, filters=filters, wave_ids=ids)
    headline = latest_wave_trust(
        waves, load_trust_groups(engine=engine, filters=filters, wave_ids=ids), min_group=min_group
    )
    return {
        "trend": report.trend,
        "mirror": report.mirror,
        "gaps": report.gaps,
        "heatmap": report.heatmap,
        "groups": report.groups,
        "alpha": reliability_table(item_scores, waves, report.groups, min_group=min_group),
        "headline": pd.DataFrame(
            {
                "index": [headline.current.index.value],
                "respondents": [headline.current.respondents],
                "change": [headline.change.value],
            }
        ),
    }


def _filter_sets() -> list[tuple[str, ...]]:
    return [combo for r in range(len(DEPARTMENTS) + 1) for combo in itertools.combinations(DEPARTMENTS, r)]


def _shown(frame: pd.DataFrame) -> pd.DataFrame:
    if "shown" not in frame:
        return frame.reset_index(drop=True)
    return frame[frame["shown"].astype(bool)].reset_index(drop=True)


def test_changing_the_small_groups_answers_moves_no_shown_number(empty_engine: Engine) -> None:
    insert_survey(empty_engine)
    # Every department filter at the latest month, plus earlier months (fewer waves) and a
    # stricter threshold (6: SAL hidden too) on a few combinations.
    cases = [(deps, AS_OF[1], 5) for deps in _filter_sets()] + [
        ((), AS_OF[0], 5),
        (("FIN", "MKT"), AS_OF[0], 5),
        ((), AS_OF[1], 6),
        (("FIN", "IT", "SAL"), AS_OF[1], 6),
    ]
    before = {
        case: everything_shown(empty_engine, Filters.year_to_date(case[1], departments=case[0]), case[2])
        for case in cases
    }
    fin_before = fin_score_sum(empty_engine)
    perturb_small_group(empty_engine)
    for key in cases:
        after = everything_shown(empty_engine, Filters.year_to_date(key[1], departments=key[0]), key[2])
        for name, frame in before[key].items():
            pd.testing.assert_frame_equal(frame, after[name], obj=f"{name} for {key}")
    assert fin_score_sum(empty_engine) != fin_before  # the perturbation was real


def test_small_group_is_hidden_in_every_frame_and_adds_nothing_to_totals(empty_engine: Engine) -> None:
    insert_survey(empty_engine)
    for deps in _filter_sets():
        filters = Filters.year_to_date(AS_OF[1], departments=deps)
        shown = everything_shown(empty_engine, filters, 5)
        for name in ("mirror", "heatmap", "groups"):
            frame = shown[name]
            column = "rater" if name == "mirror" else "department"
            fin = frame[frame[column] == "FIN"]
            assert not fin["shown"].any(), (name, deps)
            assert fin["reason"].eq(SMALL_GROUP).all()
        assert "FIN" not in set(_shown(shown["gaps"])["department_b"])
        if "FIN" in deps and len(deps) > 1:
            # With and without FIN in the filter, every shown number is the same.
            without = everything_shown(
                empty_engine,
                Filters.year_to_date(AS_OF[1], departments=tuple(d for d in deps if d != "FIN")),
                5,
            )
            for name in ("trend", "alpha", "headline", "mirror", "heatmap", "gaps"):
                with_fin, without_fin = _shown(shown[name]), _shown(without[name])
                if with_fin.empty and without_fin.empty:
                    continue
                pd.testing.assert_frame_equal(with_fin, without_fin, obj=f"{name} {deps}")


def test_a_dimension_below_the_threshold_hides_a_second_dimension(empty_engine: Engine) -> None:
    insert_survey(empty_engine)
    shown = everything_shown(empty_engine, Filters.year_to_date(AS_OF[1]), 5)
    mirror = shown["mirror"]
    sal = mirror[(mirror["wave_id"] == 2) & (mirror["rater"] == "SAL")]
    for rated in ("MKT", "IT"):
        cells = sal[sal["rated"] == rated].set_index("dimension")
        assert cells.loc["strategy", "reason"] == SMALL_GROUP
        assert (cells["reason"] == COMPLEMENTARY).sum() == 1  # the next-smallest dimension
        assert cells.loc["overall", "shown"]
        hidden_dims = cells[~cells["shown"]].index
        assert len(hidden_dims) == 2  # total minus the shown dimension gives only their mix
    wave1 = mirror[(mirror["wave_id"] == 1) & (mirror["rater"] == "SAL")]
    assert wave1["shown"].all()
