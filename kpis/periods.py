"""Compatibility re-exports; import from domain.months and domain.filters."""

from domain.filters import Filters  # noqa: F401
from domain.months import (  # noqa: F401
    add_months,
    as_of_options,
    first_of_month,
    fiscal_year_days,
    fiscal_year_end,
    fiscal_year_start,
    last_closed_month,
    month_end,
    months_between,
)
