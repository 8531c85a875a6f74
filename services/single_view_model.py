"""The single view's model: the Overview's tiles, the view of a month's close, the two views of
a meeting, and the month arithmetic they are built on (the trend months, a filter set
replayed at an earlier close).

The builders are in services.single_view (the views), services.single_view_tiles (the budget,
portfolio, collaboration and steering tiles) and services.single_view_trust (the survey tiles).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace

import pandas as pd

from domain.filters import Filters
from domain.months import add_months, fiscal_year_start
from domain.targets import Rag, Target
from kpis.common import KpiValue
from kpis.exceptions import ExceptionItem

TREND_MONTHS = 6
_SEVERITY = {None: 0, "green": 1, "amber": 2, "red": 3}


def worst(*rags: Rag | None) -> Rag | None:
    """The most severe of `rags` (red > amber > green); None when none is known."""
    return max(rags, key=lambda value: _SEVERITY[value])


@dataclass(frozen=True)
class Tile:
    """One KPI group on the Overview.

    `code` is the KPI's catalogue code (name, definition and target come from there);
    `trend` holds the value at each of the last months' close, oldest first, ending with
    the as-of month (None where n/a); `change` is the value minus the previous month's
    (for the trust index: minus the previous wave's, see `change_basis`). `detail` is an
    i18n key with its parameters for the caption under the value.
    """

    code: str
    value: KpiValue
    rag: Rag | None
    unit: str
    trend: tuple[float | None, ...]
    change: KpiValue
    change_basis: str = "month"
    detail: tuple[str, dict] | None = None
    note: tuple[str, dict] | None = None


@dataclass(frozen=True)
class SingleView:
    as_of: dt.date
    trend_months: tuple[dt.date, ...]
    tiles: tuple[Tile, ...]
    exceptions: tuple[ExceptionItem, ...]
    hidden_survey_groups: int = 0
    targets: dict[str, Target] = field(default_factory=dict)
    # For charts of the pack: the trust mirror (already past the confidentiality gate) and
    # the insight-goal timeline at the as-of month.
    mirror: pd.DataFrame | None = None
    timeline: pd.DataFrame | None = None
    # History (data_access.history): the first day with recorded ownership, funding, team and
    # status history (None: nothing recorded), and the trend months that closed before it,
    # whose state is assumed rather than recorded (their trend points are left out).
    history_start: dt.date | None = None
    months_without_history: tuple[dt.date, ...] = ()

    def tile(self, code: str) -> Tile:
        return next(tile for tile in self.tiles if tile.code == code)


def trend_months(as_of: dt.date, count: int = TREND_MONTHS) -> list[dt.date]:
    """The `count` month closes ending with `as_of`, oldest first."""
    return [add_months(as_of, offset) for offset in range(-(count - 1), 1)]


def period_for(filters: Filters, month: dt.date) -> Filters:
    """The filters replayed at an earlier month close: same choices, as-of `month`.

    A year-to-date period stays year to date (from the first month of that month's fiscal
    year); another period keeps its start, or starts at `month` when it began later.
    """
    year_to_date = filters.period_start == filters.year_start
    start = (
        fiscal_year_start(month, filters.fiscal_year_start_month)
        if year_to_date
        else min(filters.period_start, month)
    )
    return replace(filters, as_of=month, period_start=start)


@dataclass(frozen=True)
class MeetingViews:
    """The single view of the as-of month and of the month before it (the previous meeting's;
    None when the data starts in the as-of month): what "since the last meeting" compares.

    `previous` is the month before's view at its close only: its tiles' values, statuses and
    details and its exceptions, without trends (its `trend_months` is that month alone, so a
    tile's trend is its value and its month-on-month change is n/a). The meeting summary
    compares no more than that.
    """

    current: SingleView
    previous: SingleView | None
