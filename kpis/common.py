"""A KPI value that is either a number or "n/a" with the reason why."""

from __future__ import annotations

import math
from dataclasses import dataclass


@dataclass(frozen=True)
class KpiValue:
    """`value` is a finite number, or None with `reason` (an i18n key) saying why not."""

    value: float | None
    reason: str | None = None

    @property
    def available(self) -> bool:
        return self.value is not None


def not_available(reason: str) -> KpiValue:
    return KpiValue(None, reason)


def ratio(numerator: float | None, denominator: float | None, *, reason_if_zero: str) -> KpiValue:
    """numerator / denominator, or n/a with `reason_if_zero` when the denominator is 0 or missing."""
    if numerator is None or denominator is None:
        return not_available(reason_if_zero)
    if not (math.isfinite(numerator) and math.isfinite(denominator)) or denominator == 0:
        return not_available(reason_if_zero)
    return KpiValue(numerator / denominator)
