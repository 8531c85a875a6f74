"""Trust: the survey's trust index per wave and dimension, the mirror between departments,
items, reliability, response and comments; everything past the confidentiality gate.

Layout only: the figures, tables and chart inputs come from services.trust_page.
"""

import streamlit as st

from access.roles import READ, READ_COMMENTS
from charts.trust import heatmap_chart, mirror_chart, trend_chart
from domain.confidentiality import DEFAULT_MIN_GROUP
from services.links import DIMENSION_PARAM, RATED_PARAM, RATER_PARAM, TRUST, TRUST_TABS
from services.trust_page import trust_comments, trust_page
from ui import trust_tables as tables
from ui.auth import require
from ui.charts import show_chart
from ui.data import cached
from ui.filters import current_filters
from ui.i18n import lang, t
from ui.links import apply_selection, bound_tabs
from ui.metrics import kpi_metric
from ui.survey import survey_min_group

FOCUS_KEY = "trust_focus"

user = require(READ)
filters = current_filters()
setting = survey_min_group()
page = cached(trust_page, filters=filters, lang=lang(), min_group=setting.value)

st.title(t("trust.title"))
st.caption(page.caption)
if setting.refused:
    st.error(t(setting.refused, value=setting.configured, default=DEFAULT_MIN_GROUP))
if not page.has_survey:
    st.info(t("kpi.na.no_survey"))
    st.stop()

apply_selection(DIMENSION_PARAM, "trust_dimension", list(page.dimensions))
focus_rater = st.query_params.get(RATER_PARAM)
focus_rated = st.query_params.get(RATED_PARAM)
for param in (RATER_PARAM, RATED_PARAM):
    if param in st.query_params:
        del st.query_params[param]
if focus_rater in page.department_labels and focus_rated in page.department_labels:
    st.session_state[FOCUS_KEY] = (focus_rater, focus_rated)
    st.session_state["trust_wave"] = page.wave_ids[0]
wave_col, dimension_col = st.columns(2)
wave_id = wave_col.selectbox(
    t("trust.wave"),
    options=list(page.wave_ids),
    format_func=lambda i: page.wave_labels[i],
    key="trust_wave",
)
dimension = dimension_col.selectbox(
    t("trust.dimension"),
    options=list(page.dimensions),
    format_func=lambda code: page.dimension_labels.get(code, code),
    key="trust_dimension",
    on_change=lambda: st.session_state.pop(FOCUS_KEY, None),
)
focus = st.session_state.get(FOCUS_KEY)
chosen = page.selection(wave_id=wave_id, dimension=dimension, focus=focus)
report = page.report
chart_texts = dict(page.chart_texts)

tabs = bound_tabs(TRUST, {code: t(f"trust.tab.{code}") for code in TRUST_TABS}, key="trust_tab")

with tabs.panel:
    match tabs.open:
        case "trend":
            st.subheader(page.latest_heading)
            # Three to a row: six tiles side by side cut their titles on a 1280-pixel projector.
            # Any number of dimensions: the last row has only as many bordered tiles as it needs.
            columns = [column for _ in range(0, len(page.tiles), 3) for column in st.columns(3)]
            for column, tile in zip(columns, page.tiles, strict=False):
                with column.container(border=True, height="stretch"):
                    kpi_metric(tile)
            if page.hidden_groups:
                st.caption(page.hidden_groups)
            st.caption(t("trust.trend.caption"))
            show_chart(
                trend_chart(report.trend, dimension_labels=dict(page.dimension_labels), texts=chart_texts),
                width="stretch",
            )
            tables.trend_table(chosen.trend_rows)
        case "mirror":
            if chosen.focus_text is not None:
                st.info(chosen.focus_text, icon=":material/my_location:")
            st.caption(chosen.mirror_caption)
            chart_col, gap_col = st.columns(2, gap="medium")
            with chart_col:
                show_chart(
                    mirror_chart(
                        chosen.mirror_cells,
                        department_labels=dict(page.department_labels),
                        texts=chart_texts,
                        highlight=focus,
                        width="container",
                    ),
                    width="stretch",
                    key="trust_mirror_chart",
                )
            with gap_col:
                # The perception gaps of this wave beside the mirror: the story in one view.
                st.markdown(f"**{t('trust.gaps.title')}**", help=t("trust.gaps.caption"))
                tables.wave_gaps_table(chosen.wave_gaps)
            for hidden in chosen.hidden_raters:
                st.caption(hidden)
            st.markdown(f"**{t('trust.gaps.history')}**")
            st.caption(t("trust.gaps.caption"))
            tables.gaps_table(chosen.gaps)
            st.markdown(f"**{t('trust.mirror.matrix')}**")
            tables.matrix_table(chosen.matrix, page.department_labels)
        case "items":
            st.caption(t("trust.items.caption"))
            show_chart(heatmap_chart(chosen.heat, lang=lang(), texts=chart_texts), width="stretch")
            tables.items_table(chosen.heat_rows)
        case "reliability":
            st.caption(t("trust.alpha.caption"))
            for warning in page.alpha_warnings:
                st.warning(warning)
            tables.alpha_table(page.alpha)
        case "response":
            st.caption(t("trust.response.caption"))
            tables.response_table(page.rates)
        case "comments":
            if not user.may(READ_COMMENTS):
                st.info(t("trust.comments.not_allowed"))
            else:
                st.caption(chosen.comments_caption)
                comments = cached(
                    trust_comments, wave_id=wave_id, departments=chosen.comment_departments, lang=lang()
                )
                if not comments:
                    st.info(t("trust.comments.none"))
                for heading, text in comments:
                    st.caption(heading)
                    st.text(text)

st.caption(page.footer)
