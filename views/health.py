"""Alignment health: the maturity profile after Luftman scored from the KPIs (as-of month beside a
year earlier, with the figures behind each criterion), its trend, and trust beside delivery."""

import streamlit as st

from access.roles import READ
from charts.health import level_trend_chart, radar_chart, trust_delivery_chart
from data_access.reference import load_departments
from domain.maturity import CRITERIA
from kpis.maturity import CONFIDENCES, profile_table
from kpis.trust_delivery import MIN_WAVES
from presentation.health import (
    confidence_line,
    criterion_label,
    levels_table,
    measure_table,
    overall_text,
    reading_texts,
    trust_delivery_frames,
)
from services.health_page import compute_health
from ui.auth import require
from ui.charts import show_chart
from ui.data import cached
from ui.filters import current_filters
from ui.i18n import lang, month, t
from ui.survey import survey_min_group

require(READ)
filters = current_filters()
setting = survey_min_group()
language = lang()

st.title(t("health.title"))
if setting.refused:
    st.error(t(setting.refused, value=setting.configured, default=setting.value))
view = cached(compute_health, filters=filters, min_group=setting.value)
now_label, earlier_label = month(view.as_of), month(view.year_earlier)
st.caption(t("health.caption", as_of=now_label, earlier=earlier_label))
st.text(overall_text(view.profile, language))

criterion_names = {code: t(f"health.criterion.{code}") for code in CRITERIA}
confidence_names = {key: t(f"health.confidence.{key}") for key in CONFIDENCES}
profile = profile_table(view.profile, view.earlier)

radar_column, figures_column = st.columns([3, 2], gap="large")
with radar_column:
    show_chart(
        radar_chart(
            profile,
            names=criterion_names,
            series={"now": now_label, "earlier": earlier_label},
            texts={
                "title": t("health.radar.title"),
                "level": t("health.col.level"),
                "legend": t("health.radar.series"),
                "criterion": t("health.col.criterion"),
            },
        ),
        table=levels_table(view, language),
        width="content",
    )

with figures_column:
    for code in CRITERIA:
        with st.expander(criterion_label(view, code, language)):
            st.caption(confidence_line(view, code, language))
            st.dataframe(
                measure_table(view.profile.criterion(code), language), hide_index=True, width="stretch"
            )

show_chart(
    level_trend_chart(
        view.trend,
        confidence=confidence_names,
        texts={
            "title": t("health.trend.title"),
            "month": t("health.trend.month"),
            "level": t("health.trend.level"),
            "confidence": t("health.col.confidence"),
        },
    ),
    width="stretch",
)

st.subheader(t("health.td.title"))
st.caption(t("health.td.caption", needed=MIN_WAVES))
departments = cached(load_departments)
department_names = dict(zip(departments["code"], departments[f"name_{language}"], strict=True))
frames = trust_delivery_frames(view, language, department_names)
if view.trust_delivery.empty:
    st.info(t("kpi.na.no_survey"))
else:
    show_chart(
        trust_delivery_chart(
            frames.trust,
            frames.delivery,
            texts={
                "title": t("health.td.title"),
                "wave": t("health.td.wave"),
                "index": t("health.td.index"),
                "delivery": t("health.td.delivery"),
                "series": t("health.td.series"),
                "waves": frames.waves,
            },
        ),
        table=frames.figures,
        width="stretch",
    )
st.text("\n".join(f"• {sentence}" for sentence in reading_texts(view, language)))
if view.hidden_survey_groups:
    st.caption(t("survey.hidden_groups", count=view.hidden_survey_groups))
st.caption(t("health.rules.caption"))
