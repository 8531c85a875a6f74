"""A chart's input as a page model holds it: the rows and the builder's text arguments."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import pandas as pd


@dataclass(frozen=True)
class ChartInput:
    """`builder(data, **texts)` draws the chart (a charts/ function); `limited` is the caption
    saying which projects it shows when it cannot show them all (None when it shows all)."""

    data: pd.DataFrame
    texts: Mapping[str, object] = field(default_factory=dict)
    limited: str | None = None
