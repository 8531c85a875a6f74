"""The one-pass KPI paths (issue #23) give exactly the figures of the straightforward,
month-by-month computation (tests/straight.py), on hand-made data and on the demo data with
several filter sets, on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from data_access.demo import DEMO_AS_OF
from data_access.projects import load_funding_split, load_team_by_months
from domain.filters import Filters
from domain.months import first_of_month
from kpis.teams import team_mix, team_mix_by_month
from services.single_view_model import trend_months
from tests.straight import straight_team_mix

NAN = float("nan")
AS_OF = first_of_month(DEMO_AS_OF)
FILTER_SETS = [
    Filters(as_of=AS_OF, period_start=dt.date(AS_OF.year, 1, 1)),
    Filters(as_of=AS_OF, period_start=dt.date(AS_OF.year, 1, 1), departments=("IT",)),
    Filters(as_of=AS_OF, period_start=dt.date(AS_OF.year, 1, 1), departments=("MKT",), statuses=("active",)),
    Filters(
        as_of=dt.date(AS_OF.year, 3, 1),
        period_start=dt.date(AS_OF.year, 1, 1),
        statuses=("active", "on_hold"),
    ),
]


def _team(rows: list[tuple]) -> pd.DataFrame:
    return pd.DataFrame.from_records(rows, columns=["project", "department", "members", "fte"]).astype(
        {"members": "int64", "fte": "float64"}
    )


def _funding(rows: list[tuple]) -> pd.DataFrame:
    return pd.DataFrame.from_records(
        rows, columns=["project", "department", "committed", "agreed_share"]
    ).astype({"committed": "float64", "agreed_share": "float64"})


FUNDING = _funding(
    [
        ("A", "IT", 100, 0.5),
        ("A", "MKT", 100, NAN),
        ("B", "FIN", 50, 0.2),
        ("B", "IT", 100, 0.3),
        ("B", "MKT", 100, NAN),
        ("C", "IT", 100, NAN),
        ("D", "MKT", 10, 0.7),
        ("D", "IT", 10, 0.3),
    ]
)
TEAMS = {
    "jan": _team([("A", "IT", 1, 0.1), ("A", "MKT", 2, 0.2), ("B", "FIN", 1, 0.3), ("B", "IT", 3, 0.7)]),
    "feb": _team([]),
    "mar": _team(
        [
            ("A", "IT", 1, 0.1),
            ("A", "MKT", 1, 0.7),
            ("A", "SAL", 1, 0.3),  # a team department that does not fund the project
            ("B", "FIN", 2, 1.1),
            ("B", "IT", 1, 0.2),
            ("B", "MKT", 4, 2.3),
            ("C", "IT", 2, 1.5),
            ("X", "IT", 1, 1.0),  # a team without funding: not a row of the mix
        ]
    ),
}


def test_team_mix_by_month_equals_each_month_on_its_own() -> None:
    mixes = team_mix_by_month(TEAMS, FUNDING)
    assert list(mixes) == list(TEAMS)
    for month, team in TEAMS.items():
        pd.testing.assert_frame_equal(mixes[month], straight_team_mix(team, FUNDING), check_exact=True)
        pd.testing.assert_frame_equal(
            team_mix(team, FUNDING), straight_team_mix(team, FUNDING), check_exact=True
        )
    march = mixes["mar"].set_index("project")
    assert bool(march.loc["B", "mixed"]) is True and march.loc["A", "missing_departments"] == ""
    assert march.loc["D", "missing_departments"] == "IT,MKT" and not bool(march.loc["D", "has_team"])
    assert list(mixes["feb"]["members"]) == [0, 0, 0, 0]


def test_team_mix_by_month_without_funding() -> None:
    empty = _funding([])
    mixes = team_mix_by_month(TEAMS, empty)
    assert all(frame.empty for frame in mixes.values())
    assert list(mixes["jan"].columns) == list(straight_team_mix(TEAMS["jan"], empty).columns)


@pytest.mark.parametrize("filters", FILTER_SETS, ids=["all", "IT", "MKT-active", "march"])
def test_team_mix_by_month_on_demo_data(demo_engine, filters: Filters) -> None:
    months = trend_months(filters.as_of)
    funding = load_funding_split(engine=demo_engine, filters=filters, as_of=filters.as_of)
    teams = load_team_by_months(engine=demo_engine, filters=filters, months=months, replay=True)
    mixes = team_mix_by_month(teams, funding)
    assert sum(len(mix) for mix in mixes.values()) > 0
    for month in months:
        pd.testing.assert_frame_equal(
            mixes[month], straight_team_mix(teams[month], funding), check_exact=True
        )


def _same_view(left, right) -> None:
    """Two SingleViews hold the same figures (their frames compared exactly)."""
    assert left.as_of == right.as_of and left.trend_months == right.trend_months
    assert left.tiles == right.tiles
    assert left.exceptions == right.exceptions
    assert left.hidden_survey_groups == right.hidden_survey_groups
    assert left.targets == right.targets
    assert (left.history_start, left.months_without_history) == (
        right.history_start,
        right.months_without_history,
    )
    for name in ("mirror", "timeline"):
        a, b = getattr(left, name), getattr(right, name)
        assert (a is None) == (b is None)
        if a is not None:
            pd.testing.assert_frame_equal(a, b, check_exact=True)


@pytest.mark.parametrize(
    "filters",
    [
        *FILTER_SETS,
        # A wave fielded in the as-of month: the month before has one wave less (no sharing).
        Filters(as_of=dt.date(2026, 9, 1), period_start=dt.date(2026, 1, 1)),
        Filters(as_of=dt.date(2026, 9, 1), period_start=dt.date(2026, 1, 1), departments=("IT",)),
    ],
    ids=["all", "IT", "MKT-active", "march", "wave-month", "wave-month-IT"],
)
def test_meeting_views_equal_two_single_views(demo_engine, filters: Filters) -> None:
    from services.single_view import compute_meeting_views, compute_single_view
    from services.single_view_model import period_for

    views = compute_meeting_views(engine=demo_engine, filters=filters, min_group=5)
    _same_view(views.current, compute_single_view(engine=demo_engine, filters=filters, min_group=5))
    previous = period_for(filters, views.current.trend_months[-2])
    assert views.previous is not None
    _same_at_close(views.previous, compute_single_view(engine=demo_engine, filters=previous, min_group=5))


def _same_at_close(short, full) -> None:
    """The previous meeting's view (no trends) holds the full view's figures at its close."""
    assert short.as_of == full.as_of and short.trend_months == (full.as_of,)
    for tile, whole in zip(short.tiles, full.tiles, strict=True):
        assert (tile.code, tile.value, tile.rag, tile.unit, tile.change_basis, tile.detail) == (
            whole.code,
            whole.value,
            whole.rag,
            whole.unit,
            whole.change_basis,
            whole.detail,
        )
        assert tile.trend == (whole.trend[-1],)
        if tile.change_basis == "wave":
            assert tile.change == whole.change  # measured per wave, not per month
        else:
            assert not tile.change.available
        # A note other than "history starts on ..." (which only a trend needs) is the same.
        if whole.note is None or whole.note[0] != "single.note.history_starts":
            assert tile.note == whole.note
    assert short.exceptions == full.exceptions
    assert short.hidden_survey_groups == full.hidden_survey_groups and short.targets == full.targets
    # The frames of the pack's charts stay with the current view (compute_meeting_views).
    assert short.mirror is None and short.timeline is None


def test_meeting_views_without_a_month_before(demo_engine) -> None:
    from data_access.reference import load_month_bounds
    from services.single_view import compute_meeting_views

    first = load_month_bounds(engine=demo_engine)[0]
    views = compute_meeting_views(
        engine=demo_engine, filters=Filters(as_of=first, period_start=first), min_group=5
    )
    assert views.previous is None and views.current.as_of == first


def test_meeting_views_compute_the_survey_core_once_for_every_month(demo_sqlite_engine, monkeypatch) -> None:
    import services.single_view as single_view
    import services.survey_core as survey_core
    from data_access.memo import clear_memo
    from data_access.survey import load_all_waves

    calls: list[int] = []
    real = survey_core.trust_core

    def counting(**kwargs):
        calls.append(len(kwargs["waves"]))
        return real(**kwargs)

    monkeypatch.setattr(survey_core, "trust_core", counting)
    clear_memo()
    every_wave = len(load_all_waves(engine=demo_sqlite_engine))
    single_view.compute_meeting_views(engine=demo_sqlite_engine, filters=FILTER_SETS[0], min_group=5)
    assert calls == [every_wave]  # October and September: one core over every wave, sliced
    september = Filters(as_of=dt.date(2026, 9, 1), period_start=dt.date(2026, 1, 1))
    views = single_view.compute_meeting_views(engine=demo_sqlite_engine, filters=september, min_group=5)
    assert calls == [every_wave]  # August and September, which see fewer waves: the same core
    assert views.current.tile("trust_index").value.available
    single_view.compute_meeting_views(engine=demo_sqlite_engine, filters=september, min_group=7)
    assert calls == [every_wave, every_wave]  # another threshold: its own core
    clear_memo()


@pytest.mark.parametrize("filters", FILTER_SETS[:2], ids=["all", "IT"])
def test_the_meeting_summary_reads_the_same_from_the_short_previous_view(
    demo_engine, filters: Filters
) -> None:
    from data_access.steering import load_actions
    from presentation.summary import meeting_summary
    from services.single_view import compute_meeting_views, compute_single_view
    from services.single_view_model import period_for

    views = compute_meeting_views(engine=demo_engine, filters=filters, min_group=5)
    full = compute_single_view(
        engine=demo_engine, filters=period_for(filters, views.current.trend_months[-2]), min_group=5
    )
    actions = load_actions(engine=demo_engine, up_to_month=filters.as_of)
    for lang in ("nl", "en"):
        short = meeting_summary(
            current=views.current, previous=views.previous, actions=actions, lang=lang, department_names=None
        )
        assert short == meeting_summary(
            current=views.current, previous=full, actions=actions, lang=lang, department_names=None
        )
        assert len(short) >= 2
