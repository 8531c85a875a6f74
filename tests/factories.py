"""A tiny hand-made portfolio for data-access tests, with figures one can check by hand."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Engine, insert, text

from data_access.engine import bump_data_version
from data_access.models import (
    BudgetLine,
    CostCategory,
    Department,
    Funding,
    InsightGoal,
    Project,
    SurveyItem,
    SurveyResponse,
    SurveyWave,
)

D = dt.date


def insert_tiny_portfolio(engine: Engine) -> None:
    """Departments MKT, IT, FIN; projects A (joint MKT+IT, 600 committed), B (MKT only, 400).

    Budget 2026 (category `people`): A plans 100/month per department Jan–Mar, actual
    110 per department-month (Mar IT: -20 correction, so IT actual = 200). B plans 50 in
    Jan and Feb for MKT, actual 50 in Jan only. Goals: A-G1 due 2026-02-28 reached
    2026-02-10, A-G2 due 2026-03-31 reached 2026-04-15, B-G1 due 2026-12-31 open.
    Survey wave W1 (2026-03-15): 5 MKT respondents scoring 4 on item T1, 2 FIN scoring 1,
    and item T2 (reverse coded) answered 2 by the MKT respondents (counts as 4).
    """
    with engine.begin() as conn:
        conn.execute(
            insert(Department),
            [
                {"id": 1, "code": "MKT", "name_nl": "Marketing", "name_en": "Marketing"},
                {"id": 2, "code": "IT", "name_nl": "IT", "name_en": "IT"},
                {"id": 3, "code": "FIN", "name_nl": "Financiën", "name_en": "Finance"},
            ],
        )
        conn.execute(
            insert(CostCategory), [{"id": 1, "code": "people", "name_nl": "Personeel", "name_en": "People"}]
        )
        conn.execute(
            insert(Project),
            [
                {
                    "id": 1,
                    "code": "A",
                    "name": "Alpha",
                    "status": "active",
                    "planned_start": D(2026, 1, 1),
                    "planned_end": D(2026, 12, 31),
                },
                {
                    "id": 2,
                    "code": "B",
                    "name": "Beta",
                    "status": "done",
                    "planned_start": D(2026, 1, 1),
                    "planned_end": D(2026, 2, 28),
                },
            ],
        )
        conn.execute(
            insert(Funding),
            [
                {"project_id": 1, "department_id": 1, "committed_amount": 300.0},
                {"project_id": 1, "department_id": 2, "committed_amount": 300.0},
                {"project_id": 2, "department_id": 1, "committed_amount": 400.0},
            ],
        )
        lines = []
        for month in (1, 2, 3):
            for dept in (1, 2):
                actual = -20.0 if (month == 3 and dept == 2) else 110.0
                lines.append(
                    {
                        "project_id": 1,
                        "month": D(2026, month, 1),
                        "department_id": dept,
                        "category_id": 1,
                        "planned": 100.0,
                        "actual": actual,
                    }
                )
        lines.append(
            {
                "project_id": 2,
                "month": D(2026, 1, 1),
                "department_id": 1,
                "category_id": 1,
                "planned": 50.0,
                "actual": 50.0,
            }
        )
        lines.append(
            {
                "project_id": 2,
                "month": D(2026, 2, 1),
                "department_id": 1,
                "category_id": 1,
                "planned": 50.0,
                "actual": None,
            }
        )
        conn.execute(insert(BudgetLine), lines)
        conn.execute(
            insert(InsightGoal),
            [
                {
                    "project_id": 1,
                    "code": "G1",
                    "goal": "Segments",
                    "measure": "count",
                    "target_value": 5,
                    "target_date": D(2026, 2, 28),
                    "achieved_value": 5,
                    "achieved_date": D(2026, 2, 10),
                },
                {
                    "project_id": 1,
                    "code": "G2",
                    "goal": "Churn model",
                    "measure": "AUC",
                    "target_value": 0.8,
                    "target_date": D(2026, 3, 31),
                    "achieved_value": 0.82,
                    "achieved_date": D(2026, 4, 15),
                },
                {
                    "project_id": 2,
                    "code": "G1",
                    "goal": "Dashboard",
                    "measure": "users",
                    "target_value": 50,
                    "target_date": D(2026, 12, 31),
                    "achieved_value": None,
                    "achieved_date": None,
                },
            ],
        )
        conn.execute(
            insert(SurveyWave), [{"id": 1, "code": "W1", "name": "Wave 1", "fielded_on": D(2026, 3, 15)}]
        )
        conn.execute(
            insert(SurveyItem),
            [
                {
                    "id": 1,
                    "code": "T1",
                    "text_nl": "IT levert",
                    "text_en": "IT delivers",
                    "dimension": "ability",
                    "rated_department_id": 2,
                    "reverse_coded": False,
                },
                {
                    "id": 2,
                    "code": "T2",
                    "text_nl": "IT is traag",
                    "text_en": "IT is slow",
                    "dimension": "ability",
                    "rated_department_id": 2,
                    "reverse_coded": True,
                },
            ],
        )
        answers = [
            {"wave_id": 1, "respondent_ref": f"M{i}", "department_id": 1, "item_id": 1, "score": 4}
            for i in range(5)
        ]
        answers += [
            {"wave_id": 1, "respondent_ref": f"M{i}", "department_id": 1, "item_id": 2, "score": 2}
            for i in range(5)
        ]
        answers += [
            {"wave_id": 1, "respondent_ref": f"F{i}", "department_id": 3, "item_id": 1, "score": 1}
            for i in range(2)
        ]
        conn.execute(insert(SurveyResponse), answers)
        if conn.dialect.name == "postgresql":
            # The rows above carry explicit ids: move the sequences past them for later inserts.
            for table in ("department", "cost_category", "project", "survey_wave", "survey_item"):
                conn.execute(
                    text(
                        f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT MAX(id) FROM {table}))"
                    )
                )
        bump_data_version(conn)
