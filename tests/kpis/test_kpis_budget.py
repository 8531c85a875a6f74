"""Budget KPIs on tiny hand-made frames with hand-computed answers."""

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from domain.targets import DEFAULT_TARGETS
from kpis.budget import (
    cumulative_series,
    eac_year_forecast,
    earned_value,
    earned_value_table,
    forecast_year_end,
    month_range,
    monthly_trend,
    portfolio_earned_value,
    portfolio_earned_value_of,
    run_rate_forecast,
    variance_pct,
    variance_table,
    year_summary,
)
from kpis.funding import (
    agreed_shares,
    count_drifting,
    funding_balance,
    funding_drift,
    max_funding_drift,
    portfolio_funding_drift,
)

D = dt.date
REALISATION = DEFAULT_TARGETS["budget_realisation"]


def frame(
    rows: list[tuple], columns: tuple[str, ...] = ("month", "project", "planned", "actual")
) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=list(columns))


def test_variance_pct_and_zero_plan() -> None:
    assert variance_pct(actual=110.0, planned=100.0).value == pytest.approx(0.10)
    assert variance_pct(actual=-20.0, planned=100.0).value == pytest.approx(-1.2)  # a net credit
    zero = variance_pct(actual=50.0, planned=0.0)
    assert not zero.available and zero.reason == "kpi.na.no_plan"


def test_variance_table_with_actual_but_no_plan_and_negative_correction() -> None:
    data = frame(
        [
            (D(2026, 1, 1), "A", 100.0, 120.0),
            (D(2026, 2, 1), "A", 100.0, -10.0),  # credit note
            (D(2026, 1, 1), "B", 0.0, 30.0),  # actual without plan
            (D(2026, 2, 1), "C", 200.0, 0.0),  # no actuals yet
        ]
    )
    table = variance_table(data, by="project", target=REALISATION).set_index("project")
    # A: planned 200, actual 110 -> variance -90, -45%, realisation 0.55 (green: underspend)
    assert table.loc["A", "planned"] == 200.0 and table.loc["A", "actual"] == 110.0
    assert table.loc["A", "variance"] == pytest.approx(-90.0)
    assert table.loc["A", "variance_pct"].value == pytest.approx(-0.45)
    assert table.loc["A", "realisation"].value == pytest.approx(0.55)
    assert table.loc["A", "rag"] == "red"
    # B: nothing planned -> n/a with the reason, no RAG
    assert table.loc["B", "variance"] == 30.0
    assert table.loc["B", "realisation"].reason == "kpi.na.no_plan"
    assert table.loc["B", "variance_pct"].reason == "kpi.na.no_plan"
    assert table.loc["B", "rag"] is None
    # C: realisation 0
    assert table.loc["C", "realisation"].value == 0.0


def test_variance_table_rag_follows_target() -> None:
    data = frame(
        [(D(2026, 1, 1), "A", 100.0, 110.0), (D(2026, 1, 1), "B", 100.0, 120.0)],
    )
    table = variance_table(data, by="project", target=REALISATION).set_index("project")
    assert table.loc["A", "rag"] == "amber"  # 1.10: above 1.05, within 1.15
    assert table.loc["B", "rag"] == "red"


def test_cumulative_series_stops_actuals_at_as_of() -> None:
    data = frame(
        [
            (D(2026, 1, 1), "A", 100.0, 90.0),
            (D(2026, 1, 1), "B", 50.0, 60.0),
            (D(2026, 2, 1), "A", 100.0, 120.0),
            (D(2026, 3, 1), "A", 100.0, 0.0),
        ]
    )
    series = cumulative_series(data, as_of=D(2026, 2, 1))
    planned = series[series["series"] == "planned"]
    actual = series[series["series"] == "actual"]
    assert list(planned["cumulative"]) == [150.0, 250.0, 350.0]
    assert list(actual["month"]) == [D(2026, 1, 1), D(2026, 2, 1)]
    assert list(actual["cumulative"]) == [150.0, 270.0]


def test_monthly_trend_month_with_actual_but_no_plan() -> None:
    data = frame([(D(2026, 1, 1), "A", 100.0, 95.0), (D(2026, 2, 1), "A", 0.0, 40.0)])
    trend = monthly_trend(data, as_of=D(2026, 2, 1))
    assert trend.loc[0, "realisation"].value == pytest.approx(0.95)
    assert trend.loc[1, "realisation"].reason == "kpi.na.no_plan"


def test_earned_value_formulas() -> None:
    # BAC 1000, PV 600, AC 500, 40% complete: EV 400, CPI 0.8, SPI 2/3, EAC 1250, VAC -250
    ev = earned_value(bac=1000.0, pv=600.0, ac=500.0, pct_complete=40.0)
    assert ev.ev.value == pytest.approx(400.0)
    assert ev.cpi.value == pytest.approx(0.8)
    assert ev.spi.value == pytest.approx(400 / 600)
    assert ev.eac.value == pytest.approx(1250.0)
    assert ev.vac.value == pytest.approx(-250.0)


def test_earned_value_without_progress_actuals_or_plan() -> None:
    none = earned_value(bac=1000.0, pv=600.0, ac=500.0, pct_complete=None)
    assert {v.reason for v in (none.ev, none.cpi, none.spi, none.eac, none.vac)} == {"budget.na.no_progress"}
    no_actuals = earned_value(bac=1000.0, pv=600.0, ac=0.0, pct_complete=10.0)
    assert no_actuals.ev.value == pytest.approx(100.0)
    assert no_actuals.cpi.reason == "budget.na.no_actuals" and no_actuals.eac.reason == "budget.na.no_actuals"
    assert no_actuals.spi.value == pytest.approx(100 / 600)
    no_pv = earned_value(bac=1000.0, pv=0.0, ac=10.0, pct_complete=1.0)
    assert no_pv.spi.reason == "budget.na.no_pv"
    nothing_earned = earned_value(bac=1000.0, pv=100.0, ac=50.0, pct_complete=0.0)
    assert nothing_earned.cpi.value == 0.0 and nothing_earned.eac.reason == "budget.na.nothing_earned"
    credit = earned_value(bac=1000.0, pv=100.0, ac=-5.0, pct_complete=10.0)
    assert credit.cpi.reason == "budget.na.net_credit"


PROJECTS = pd.DataFrame(
    {
        "project": ["A", "B", "C"],
        "status": ["active", "active", "cancelled"],
        "pct_complete": [50.0, None, 30.0],
    }
)
ALL = frame(
    [
        (D(2026, 1, 1), "A", 100.0, 120.0),
        (D(2026, 2, 1), "A", 100.0, 80.0),
        (D(2026, 3, 1), "A", 200.0, 0.0),  # after as-of: plan only
        (D(2026, 1, 1), "B", 50.0, 0.0),  # no actuals yet, no progress
        (D(2026, 1, 1), "C", 100.0, 100.0),
        (D(2026, 2, 1), "C", 100.0, -20.0),  # cancelled; credit note
        (D(2026, 3, 1), "C", 100.0, 0.0),
    ]
)
AS_OF = D(2026, 2, 1)


def test_earned_value_table_per_project() -> None:
    table = earned_value_table(ALL, PROJECTS, as_of=AS_OF).set_index("project")
    # A: BAC 400, PV 200, AC 200, EV 200 -> CPI 1, SPI 1, EAC 400
    assert (table.loc["A", "bac"], table.loc["A", "pv"], table.loc["A", "ac"]) == (400.0, 200.0, 200.0)
    assert table.loc["A", "cpi"].value == pytest.approx(1.0) and table.loc["A", "eac"].value == pytest.approx(
        400
    )
    # B: no progress -> no EV figures, but its realisation figures are there
    assert not table.loc["B", "has_progress"] and table.loc["B", "ev"].reason == "budget.na.no_progress"
    assert table.loc["B", "pv"] == 50.0 and table.loc["B", "ac"] == 0.0
    # C (cancelled): BAC 300, PV 200, AC 80, EV 90 -> CPI 1.125, SPI 0.45, EAC 266.67
    assert table.loc["C", "ev"].value == pytest.approx(90.0)
    assert table.loc["C", "cpi"].value == pytest.approx(1.125)
    assert table.loc["C", "spi"].value == pytest.approx(0.45)
    assert table.loc["C", "vac"].value == pytest.approx(300 - 300 / 1.125)


def test_portfolio_earned_value_sums_tracked_projects_only() -> None:
    table = earned_value_table(ALL, PROJECTS, as_of=AS_OF)
    total = portfolio_earned_value(table)
    # A + C: BAC 700, PV 400, AC 280, EV 290
    assert (total.bac, total.pv, total.ac) == (700.0, 400.0, 280.0)
    assert total.ev.value == pytest.approx(290.0)
    assert total.cpi.value == pytest.approx(290 / 280)
    assert total.spi.value == pytest.approx(290 / 400)
    assert total.pct_complete == pytest.approx(290 / 700 * 100)
    nothing = portfolio_earned_value(table[~table["has_progress"]])
    assert nothing.cpi.reason == "budget.na.no_progress"


def test_year_summary_and_run_rate() -> None:
    year = frame(
        [
            (D(2026, 1, 1), "A", 100.0, 90.0),
            (D(2026, 2, 1), "A", 100.0, 130.0),
            (D(2026, 3, 1), "A", 100.0, 0.0),
            (D(2026, 12, 1), "A", 300.0, 0.0),
        ]
    )
    summary = year_summary(year, as_of=AS_OF)
    assert (summary.planned_ytd, summary.actual_ytd, summary.planned_full_year) == (200.0, 220.0, 600.0)
    assert summary.realisation_ytd.value == pytest.approx(1.1)
    assert (summary.months_elapsed, summary.months_remaining) == (2, 10)
    # 220 + 220 / 2 × 10 = 1320
    assert run_rate_forecast(actual_ytd=220.0, months_elapsed=2, months_remaining=10).value == 1320.0
    assert (
        run_rate_forecast(actual_ytd=0.0, months_elapsed=0, months_remaining=12).reason
        == "budget.na.no_months"
    )


def test_eac_based_forecast_scales_remaining_plan_by_cpi() -> None:
    ev_table = pd.DataFrame(
        {
            "project": ["A", "B", "C"],
            "status": ["active", "active", "cancelled"],
            "cpi": [earned_value(bac=1, pv=1, ac=1, pct_complete=80).cpi, None, None],
        }
    )
    year = frame(
        [
            (D(2026, 1, 1), "A", 100.0, 125.0),
            (D(2026, 3, 1), "A", 200.0, 0.0),  # remaining plan 200 at CPI 0.8 -> 250
            (D(2026, 1, 1), "B", 50.0, 40.0),
            (D(2026, 4, 1), "B", 60.0, 0.0),  # no CPI: remaining plan as is
            (D(2026, 1, 1), "C", 30.0, 30.0),
            (D(2026, 5, 1), "C", 70.0, 0.0),  # cancelled: spends nothing more
        ]
    )
    assert eac_year_forecast(year, ev_table, as_of=AS_OF) == pytest.approx(125 + 250 + 40 + 60 + 30)
    forecast = forecast_year_end(year, ev_table, as_of=AS_OF)
    assert forecast.planned_full_year == 510.0
    assert forecast.eac_variance == pytest.approx(505 - 510)
    assert forecast.run_rate.value == pytest.approx(195 + 195 / 2 * 10)
    assert forecast.run_rate_variance.value == pytest.approx(975 + 195 - 510)


FUNDING = pd.DataFrame(
    {
        "project": ["J", "J", "K", "K", "K", "S", "N", "N"],
        "department": ["IT", "MKT", "FIN", "IT", "MKT", "MKT", "IT", "MKT"],
        "committed": [500.0, 500.0, 200.0, 400.0, 400.0, 300.0, 100.0, 100.0],
        "agreed_share": [None, None, 0.2, None, None, None, None, None],
    }
)
SPEND = pd.DataFrame(
    {
        "month": [D(2026, 1, 1)] * 7 + [D(2026, 2, 1)],
        "project": ["J", "J", "K", "K", "K", "S", "J", "K"],
        "department": ["IT", "MKT", "FIN", "IT", "MKT", "MKT", "SAL", "IT"],
        "planned": [0.0] * 8,
        "actual": [300.0, 700.0, 100.0, 200.0, 700.0, 50.0, 0.0, -100.0],
    }
)


def test_agreed_shares_resolve_unrecorded_as_equal_split_of_the_rest() -> None:
    shares = agreed_shares(FUNDING).set_index(["project", "department"])["share"]
    assert shares["J", "IT"] == 0.5 and shares["J", "MKT"] == 0.5
    assert shares["K", "FIN"] == 0.2 and shares["K", "IT"] == pytest.approx(0.4)
    assert shares["S", "MKT"] == 1.0


def test_funding_drift_any_number_of_departments() -> None:
    drift = funding_drift(SPEND, FUNDING, tolerance=10.0)
    assert sorted(drift["project"].unique()) == ["J", "K", "N"]  # S is single-funded
    rows = drift.set_index(["project", "department"])
    # J: IT 300 / 1000 = 30% against 50% -> -20 pp, flagged; SAL booked 0 without funding: 0 pp
    assert rows.loc[("J", "IT"), "drift_pp"].value == pytest.approx(-20.0)
    assert rows.loc[("J", "MKT"), "drift_pp"].value == pytest.approx(20.0)
    assert rows.loc[("J", "SAL"), "agreed_share"] == 0.0 and rows.loc[("J", "SAL"), "drift_pp"].value == 0.0
    assert bool(rows.loc[("J", "IT"), "flagged"])
    # K with a -100 correction: IT 100, FIN 100, MKT 700 of 900
    assert rows.loc[("K", "MKT"), "actual_share"].value == pytest.approx(700 / 900)
    assert rows.loc[("K", "MKT"), "drift_pp"].value == pytest.approx((700 / 900 - 0.4) * 100)
    assert rows.loc[("K", "FIN"), "drift_pp"].value == pytest.approx((100 / 900 - 0.2) * 100)
    assert not bool(rows.loc[("K", "FIN"), "flagged"])  # -8.9 pp: within 10
    # N: no actuals yet -> n/a, not flagged
    assert rows.loc[("N", "IT"), "drift_pp"].reason == "budget.na.no_actuals"
    assert not bool(rows.loc[("N", "IT"), "flagged"])
    assert max_funding_drift(drift).value == pytest.approx((700 / 900 - 0.4) * 100)
    assert count_drifting(drift) == (2, 2)
    assert funding_balance(drift).value == 0.0
    assert funding_balance(drift[drift["project"] == "N"]).reason == "budget.na.no_joint_actuals"


def test_portfolio_funding_drift_uses_committed_weighted_agreed_shares() -> None:
    drift = portfolio_funding_drift(SPEND, FUNDING, tolerance=10.0).set_index("department")
    # Joint projects J (1000 committed), K (1000), N (200): total 2200.
    # Agreed IT = (1000×0.5 + 1000×0.4 + 200×0.5) / 2200 = 1000/2200
    assert drift.loc["IT", "agreed_share"] == pytest.approx(1000 / 2200)
    assert drift.loc["FIN", "agreed_share"] == pytest.approx(200 / 2200)
    # Actual over J, K, N: IT 300 + 100 = 400, MKT 1400, FIN 100, SAL 0 of 1900
    assert drift.loc["IT", "actual_share"].value == pytest.approx(400 / 1900)
    assert drift.loc["IT", "drift_pp"].value == pytest.approx((400 / 1900 - 1000 / 2200) * 100)
    assert bool(drift.loc["MKT", "flagged"]) and bool(drift.loc["IT", "flagged"])


def test_empty_inputs_give_empty_results() -> None:
    empty_spend = SPEND.iloc[0:0]
    assert funding_drift(empty_spend, FUNDING.iloc[0:0], tolerance=10).empty
    assert max_funding_drift(funding_drift(empty_spend, FUNDING.iloc[0:0], tolerance=10)).reason
    assert variance_table(ALL.iloc[0:0], by="project", target=REALISATION).empty
    assert cumulative_series(ALL.iloc[0:0], as_of=AS_OF).empty


def test_project_helpers_pick_one_project() -> None:
    from kpis.budget import for_project, project_earned_value, up_to

    table = earned_value_table(ALL, PROJECTS, as_of=AS_OF)
    assert project_earned_value(table, "A").cpi.value == pytest.approx(1.0)
    assert project_earned_value(table, "Z") is None
    assert list(for_project(table, "C")["project"]) == ["C"]
    assert set(up_to(ALL, AS_OF)["month"]) == {D(2026, 1, 1), D(2026, 2, 1)}


def test_funding_drift_numbers_give_the_same_balance_and_drift() -> None:
    from kpis.funding import funding_balance, funding_balance_numbers, funding_drift, funding_drift_numbers

    funding = pd.DataFrame(
        {
            "project": ["A", "A", "B", "B", "B", "C", "C", "D"],
            "department": ["MKT", "IT", "MKT", "IT", "FIN", "MKT", "IT", "MKT"],
            "committed": [1.0] * 8,
            "agreed_share": [0.5, 0.5, None, None, 0.2, 0.6, None, None],
        }
    )
    spend = pd.DataFrame(
        {
            "project": ["A", "A", "B", "B", "B", "C", "D"],
            "department": ["MKT", "IT", "MKT", "IT", "FIN", "MKT", "MKT"],
            "actual": [70.0, 30.0, 40.0, 40.0, 20.0, 0.0, 5.0],
        }
    )
    for tolerance in (5.0, 20.0, 30.0):
        drift = funding_drift(spend, funding, tolerance=tolerance)
        numbers = funding_drift_numbers(spend, funding, tolerance=tolerance)
        assert funding_balance_numbers(numbers) == funding_balance(drift)
        assert list(numbers["flagged"]) == list(drift["flagged"])
        assert [None if pd.isna(v) else v for v in numbers["drift_pp"]] == [
            d.value for d in drift["drift_pp"]
        ]
    # A (70/30 against 50/50: 20 pp) is flagged at 5 pp; C has no actuals (n/a, not measured).
    drift = funding_drift(spend, funding, tolerance=5.0)
    assert funding_balance(drift).value == pytest.approx(1 / 2)
    assert not drift.loc[drift["project"] == "C", "drift_pp"].iloc[0].available


def test_funding_balance_trend_equals_one_drift_table_per_month() -> None:
    from kpis.funding import funding_balance, funding_balance_trend, funding_drift

    d = dt.date
    funding = pd.DataFrame(
        {
            "project": ["A", "A", "B", "B", "C"],
            "department": ["MKT", "IT", "MKT", "IT", "MKT"],
            "committed": [1.0] * 5,
            "agreed_share": [0.5, 0.5, 0.7, None, None],
        }
    )
    spend = pd.DataFrame(
        {
            "month": [
                d(2026, 1, 1),
                d(2026, 1, 1),
                d(2026, 2, 1),
                d(2026, 2, 1),
                d(2026, 3, 1),
                d(2026, 3, 1),
            ],
            "project": ["A", "A", "A", "B", "B", "C"],
            "department": ["MKT", "IT", "IT", "MKT", "IT", "MKT"],
            "actual": [50.0, 50.0, 60.0, 70.0, 30.0, 9.0],
        }
    )
    months = [d(2025, 12, 1), d(2026, 1, 1), d(2026, 2, 1), d(2026, 3, 1)]
    for tolerance in (5.0, 25.0):
        expected = [
            funding_balance(funding_drift(spend[spend["month"] <= m], funding, tolerance=tolerance))
            for m in months
        ]
        assert funding_balance_trend(spend, funding, months=months, tolerance=tolerance) == expected
    # December: no actuals (n/a); January: A on 50/50 (balanced); February: A at 50/110 and
    # B at 70/0 against 70/30 both drift; March: B's IT booking brings B to 70/30.
    values = [v.value for v in funding_balance_trend(spend, funding, months=months, tolerance=5.0)]
    assert values == [None, 1.0, 0.0, 0.5]


def test_month_range_is_the_masked_rows_of_a_month_ordered_frame() -> None:
    months = [
        dt.date(2025, 11, 1),
        dt.date(2026, 1, 1),
        dt.date(2026, 1, 1),
        dt.date(2026, 2, 1),
        dt.date(2026, 4, 1),
    ]
    frame = pd.DataFrame(
        {
            "month": pd.Series(months, dtype=object),
            "project": list("ABCDE"),
            "planned": [1.0, 2.0, 3.0, 4.0, 5.0],
        }
    )
    bounds = [
        None,
        *(dt.date(y, m, 1) for y, m in [(2025, 10), (2025, 11), (2026, 1), (2026, 3), (2026, 4), (2026, 6)]),
    ]
    for start in bounds:
        for end in bounds:
            mask = pd.Series(True, index=frame.index)
            if start is not None:
                mask &= frame["month"] >= start
            if end is not None:
                mask &= frame["month"] <= end
            pd.testing.assert_frame_equal(month_range(frame, start, end), frame[mask])
    assert month_range(frame.iloc[0:0], dt.date(2026, 1, 1), None).empty


def _earned_value_rows(all_frame: pd.DataFrame, projects: pd.DataFrame, as_of: dt.date) -> pd.DataFrame:
    """earned_value_table the straightforward way: one grouped sum by project code per
    figure, one dict per project."""
    plan = all_frame.groupby("project")["planned"].sum()
    to_date = all_frame[all_frame["month"] <= as_of]
    pv = to_date.groupby("project")["planned"].sum()
    ac = to_date.groupby("project")["actual"].sum()
    rows = []
    for code, status, pct in zip(
        projects["project"], projects["status"], projects["pct_complete"], strict=True
    ):
        pct_value = None if pct is None or pd.isna(pct) else float(pct)
        figures = earned_value(
            bac=float(plan.get(code, 0.0)),
            pv=float(pv.get(code, 0.0)),
            ac=float(ac.get(code, 0.0)),
            pct_complete=pct_value,
        )
        rows.append(
            {
                "project": code,
                "status": status,
                "has_progress": pct_value is not None,
                "ev_figures": figures,
                "bac": figures.bac,
                "pv": figures.pv,
                "ac": figures.ac,
                "pct_complete": pct_value,
                **{name: getattr(figures, name) for name in ("ev", "cpi", "spi", "eac", "vac")},
            }
        )
    return pd.DataFrame(rows)


def test_earned_value_table_is_the_per_project_computation_on_random_frames() -> None:
    rng = np.random.default_rng(23)
    months = [dt.date(2025, m, 1) for m in range(1, 13)] + [dt.date(2026, m, 1) for m in range(1, 7)]
    for round_ in range(25):
        codes = [f"P-{n:03d}" for n in range(int(rng.integers(1, 30)))]
        size = int(rng.integers(0, 200))
        frame = pd.DataFrame(
            {
                "month": pd.Series([months[i] for i in rng.integers(0, len(months), size)], dtype=object),
                "project": pd.Series([f"P-{n:03d}" for n in rng.integers(0, 35, size)], dtype=object),
                "planned": rng.choice([0.0, 1.5, 1000.25, 333.3, -20.0], size),
                "actual": rng.choice([0.0, 0.1, 999.9, -50.0, 1e6 / 3], size),
            }
        )
        projects = pd.DataFrame(
            {
                "project": pd.Series(codes, dtype=object),
                "status": pd.Series(rng.choice(["active", "done", "on_hold"], len(codes)), dtype=object),
                "pct_complete": pd.Series(
                    [
                        None if rng.random() < 0.25 else float(rng.choice([0.0, 12.5, 50.0, 100.0]))
                        for _ in codes
                    ],
                    dtype=object,
                ),
            }
        )
        as_of = months[int(rng.integers(0, len(months)))]
        table = earned_value_table(frame, projects, as_of=as_of)
        pd.testing.assert_frame_equal(
            table, _earned_value_rows(frame, projects, as_of), check_exact=True, obj=f"round {round_}"
        )
        # The portfolio's figures without the table: equal to the last bit.
        assert portfolio_earned_value_of(frame, projects, as_of=as_of) == portfolio_earned_value(table), (
            round_
        )
