"""Charts on a page with their text alternative: the one call the views use."""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from typing import Any

import altair as alt
import pandas as pd
import streamlit as st
from streamlit import dataframe_util

from charts.describe import describe_chart
from charts.theme import with_locale
from ui.i18n import currency, lang, t

_TRANSFORMER = "alignment_arrow_datasets"
# Altair's theme and data transformer are process-wide: one conversion at a time.
_ALTAIR_GLOBALS = threading.Lock()


def _arrow_dataset(data: Any, datasets: dict[str, bytes]) -> dict[str, str]:
    """Altair data transformer: the rows as Arrow bytes under their content hash, the spec
    naming them (as st.altair_chart's own transformer does; no row becomes JSON)."""
    payload = dataframe_util.convert_anything_to_arrow_bytes(data)
    name = hashlib.blake2b(payload, digest_size=16).hexdigest()
    datasets[name] = payload
    return {"name": name}


alt.data_transformers.register(_TRANSFORMER, _arrow_dataset)
# Altair's debug mode validates every schema object against the JSON schema as it is made:
# for the app a second validation of specs the chart builders' tests already validate
# (tests/charts convert each with `to_dict()`, which validates), and about 14 % of a Budget
# page's rerun with its figures cached. The app makes its charts without it.
alt.utils.schemapi.disable_debug_mode()


@contextmanager
def _streamlit_conversion(datasets: dict[str, bytes]) -> Iterator[None]:
    """Altair's globals as st.altair_chart sets them: no default theme (its fixed 300-pixel
    view would override the page's width) and the Arrow transformer."""
    with _ALTAIR_GLOBALS:
        theme = alt.theme.enable("none") if alt.theme.active == "default" else nullcontext()
        with theme, alt.data_transformers.enable(_TRANSFORMER, datasets=datasets):
            yield


def vega_lite_spec(chart: Any, *, description: str | None, lang: str, currency: str) -> dict[str, Any]:
    """The Vega-Lite spec st.altair_chart would send for `chart`, with its `description` (given,
    or derived from its title and axes) and `lang`'s number and month conventions (and the
    organisation's currency) in `config.locale`, which Vega-Lite applies to every axis, legend
    and tooltip format (st.altair_chart has no locale argument; the spec carries it).

    The chart is converted once, without Altair's JSON-schema validation, and the description
    and locale are set on the resulting dict. Every copy of a layered Altair chart deep-copies
    its layers (about 12 % of a Projects page rerun went to copies for `.properties()`, the
    locale and the description). Each chart builder's spec is validated by its tests
    (tests/charts call `to_dict()`, which validates)."""
    datasets: dict[str, bytes] = {}
    with _streamlit_conversion(datasets):
        spec = chart.to_dict(validate=False)
    spec["description"] = description or describe_chart(spec, lang=lang)
    spec = with_locale(spec, lang, currency=currency)
    if datasets:
        spec["datasets"] = {**spec.get("datasets", {}), **datasets}
    return spec


def show_chart(
    chart: Any, *, description: str | None = None, table: pd.DataFrame | None = None, **kwargs: Any
) -> None:
    """`chart` on the page (as st.altair_chart, `kwargs` its arguments) with a description for
    screen readers (given, or derived from the chart's title and axes), the reader's number
    conventions and, when `table` is given, the figures behind it in a collapsed expander right
    below."""
    st.vega_lite_chart(
        spec=vega_lite_spec(chart, description=description, lang=lang(), currency=currency()), **kwargs
    )
    if table is not None:
        with st.expander(t("chart.table"), icon=":material/table:"):
            st.dataframe(table, hide_index=True)
