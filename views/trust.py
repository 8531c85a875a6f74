"""Trust: the survey's trust index per wave and dimension, the mirror between departments,
items, reliability, response and comments; everything past the confidentiality gate."""

import streamlit as st

from access.roles import READ, READ_COMMENTS
from charts.trust import heatmap_chart, mirror_chart, trend_chart
from data_access.reference import load_departments
from data_access.survey import (
    load_comments,
    load_item_distribution,
    load_respondent_scores,
    load_response_counts,
    load_survey_dimensions,
    load_trust_groups,
    load_waves,
)
from domain.confidentiality import DEFAULT_MIN_GROUP, comment_groups
from i18n import names_by_code
from kpis.perception import mirror_matrix, rows_for
from kpis.survey_stats import OVERALL
from kpis.trust import trust_report
from kpis.trust_index import latest_wave_trust
from services.instrument import dimension_codes, dimension_labels
from services.links import DIMENSION_PARAM, RATED_PARAM, RATER_PARAM, TRUST, TRUST_TABS
from services.reliability import load_reliability
from ui.auth import require
from ui.charts import show_chart
from ui.data import cached
from ui.filters import current_filters
from ui.i18n import lang, month, number, pct, signed, t
from ui.links import apply_selection, bound_tabs
from ui.number_display import DECIMAL_1, DECIMAL_2, PERCENT_1, SIGNED_1, localised
from ui.survey import survey_min_group, with_reason_text
from ui.text import md, tm

FOCUS_KEY = "trust_focus"

user = require(READ)
filters = current_filters()
setting = survey_min_group()

st.title(t("trust.title"))
st.caption(t("trust.caption", as_of=month(filters.as_of), min_group=setting.value))
if setting.refused:
    st.error(t(setting.refused, value=setting.configured, default=DEFAULT_MIN_GROUP))

waves = cached(load_waves, filters=filters)
if waves.empty:
    st.info(t("kpi.na.no_survey"))
    st.stop()
wave_ids = [int(i) for i in waves["id"]]
report = trust_report(
    waves=waves,
    respondent_scores=cached(load_respondent_scores, filters=filters, wave_ids=wave_ids),
    item_distribution=cached(load_item_distribution, filters=filters, wave_ids=wave_ids),
    response_counts=cached(load_response_counts, filters=filters, wave_ids=wave_ids),
    min_group=setting.value,
)
headline = latest_wave_trust(
    waves, cached(load_trust_groups, filters=filters, wave_ids=wave_ids), min_group=setting.value
)
departments = cached(load_departments)
department_labels = names_by_code(departments, lang())
instrument = cached(load_survey_dimensions)
dimensions = dimension_codes(instrument)
dimension_labels = dimension_labels(instrument, lang())
wave_labels = dict(zip(waves["id"], waves["code"], strict=True))
latest_id = wave_ids[-1]


def _index(value):
    return number(float(value), decimals=1)


def _significance(row) -> str:
    if not row["has_previous"]:
        return t("trust.change.first_wave")
    if not row["shown"] or row["change"] != row["change"]:
        return t("trust.change.not_comparable")
    if row["significant"]:
        return t(
            "trust.change.significant",
            change=signed(float(row["change"])),
            p=number(float(row["p_value"]), decimals=3),
        )
    return t("trust.change.none", p=number(float(row["p_value"]), decimals=2))


def _significance_short(row) -> str:
    """The tile's plain words; the test and its p-value are in the tile's help."""
    if not row["has_previous"]:
        return t("trust.change.first_wave")
    if not row["shown"] or row["change"] != row["change"]:
        return t("trust.change.not_comparable")
    return t("trust.change.significant_short" if row["significant"] else "trust.change.none_short")


apply_selection(DIMENSION_PARAM, "trust_dimension", [OVERALL, *dimensions])
focus_rater = st.query_params.get(RATER_PARAM)
focus_rated = st.query_params.get(RATED_PARAM)
for param in (RATER_PARAM, RATED_PARAM):
    if param in st.query_params:
        del st.query_params[param]
if focus_rater in department_labels and focus_rated in department_labels:
    st.session_state[FOCUS_KEY] = (focus_rater, focus_rated)
    st.session_state["trust_wave"] = latest_id
wave_col, dimension_col = st.columns(2)
wave_id = wave_col.selectbox(
    t("trust.wave"),
    options=wave_ids[::-1],
    format_func=lambda i: wave_labels[i],
    key="trust_wave",
)
dimension = dimension_col.selectbox(
    t("trust.dimension"),
    options=[OVERALL, *dimensions],
    format_func=lambda code: dimension_labels.get(code, code),
    key="trust_dimension",
    on_change=lambda: st.session_state.pop(FOCUS_KEY, None),
)
focus = st.session_state.get(FOCUS_KEY)

tabs = bound_tabs(TRUST, {code: t(f"trust.tab.{code}") for code in TRUST_TABS}, key="trust_tab")
mirror_tab, trend_tab, items_tab, reliability_tab, response_tab, comments_tab = (
    tabs[code] for code in TRUST_TABS
)
chart_texts = {
    "wave": t("trust.col.wave"),
    "index": t("trust.col.index"),
    "dimension": t("trust.col.dimension"),
    "ci_low": t("trust.col.ci_low"),
    "ci_high": t("trust.col.ci_high"),
    "respondents": t("trust.col.respondents"),
    "rater": t("trust.col.rater"),
    "rated": t("trust.col.rated"),
    "item": t("trust.col.item"),
    "favourable": t("trust.col.favourable"),
    "neutral": t("trust.col.neutral"),
    "unfavourable": t("trust.col.unfavourable"),
}
index_column = st.column_config.NumberColumn(t("trust.col.index"))
INDEX_COLUMNS = {"index": DECIMAL_1, "ci_low": DECIMAL_1, "ci_high": DECIMAL_1}

with trend_tab:
    latest = rows_for(report.trend, wave_id=latest_id).set_index("dimension")
    st.subheader(t("trust.latest", wave=headline.wave_code))
    tile_dimensions = [OVERALL, *dimensions]
    # Three to a row: six tiles side by side cut their titles on a 1280-pixel projector.
    # Any number of dimensions: the last row has only as many bordered tiles as it needs.
    columns = [column for _ in range(0, len(tile_dimensions), 3) for column in st.columns(3)]
    for column, tile_dimension in zip(columns, tile_dimensions, strict=False):
        with column.container(border=True, height="stretch"):
            if tile_dimension == OVERALL:
                value = headline.current.index
                shown_value = _index(value.value) if value.available else t("kpi.na")
            else:
                tile_row = latest.loc[tile_dimension] if tile_dimension in latest.index else None
                shown_value = (
                    _index(tile_row["index"]) if tile_row is not None and tile_row["shown"] else t("kpi.na")
                )
            tile_row = latest.loc[tile_dimension] if tile_dimension in latest.index else None
            significant = tile_row is not None and bool(tile_row["significant"])
            st.metric(
                dimension_labels[tile_dimension],
                shown_value,
                delta=signed(float(tile_row["change"]), suffix=" " + t("unit.points"))
                if significant
                else None,
                help=t("trust.metric.help")
                + ("\n\n" + _significance(tile_row) if tile_row is not None else ""),
            )
            if tile_row is not None:
                st.caption(_significance_short(tile_row))
    if headline.current.hidden_groups:
        st.caption(t("survey.hidden_groups", count=headline.current.hidden_groups))
    st.caption(t("trust.trend.caption"))
    show_chart(
        trend_chart(report.trend, dimension_labels=dimension_labels, texts=chart_texts), width="stretch"
    )
    trend_rows = with_reason_text(rows_for(report.trend, dimension=dimension))
    st.dataframe(
        localised(
            trend_rows.assign(significance=[_significance(r) for _, r in trend_rows.iterrows()]),
            lang(),
            INDEX_COLUMNS,
        ),
        column_order=["wave_code", "respondents", "index", "ci_low", "ci_high", "significance", "reason"],
        column_config={
            "wave_code": t("trust.col.wave"),
            "respondents": t("trust.col.respondents"),
            "index": index_column,
            "ci_low": st.column_config.NumberColumn(t("trust.col.ci_low")),
            "ci_high": st.column_config.NumberColumn(t("trust.col.ci_high")),
            "significance": t("trust.col.change"),
            "reason": t("trust.col.note"),
        },
        hide_index=True,
        key="trust_trend_table",
        placeholder="–",
    )

with mirror_tab:
    mirror_cells = rows_for(report.mirror, wave_id=wave_id, dimension=dimension)
    if focus is not None:
        focus_row = rows_for(mirror_cells, rater=focus[0], rated=focus[1])
        if not focus_row.empty and bool(focus_row["shown"].iloc[0]):
            cell = focus_row.iloc[0]
            changed = cell["change"] == cell["change"]
            st.info(
                tm(
                    "trust.focus.cell",
                    rater=department_labels[focus[0]],
                    rated=department_labels[focus[1]],
                    dimension=dimension_labels[dimension],
                    wave=wave_labels[wave_id],
                    index=_index(cell["index"]),
                )
                + (" " + _significance(cell) if changed else ""),
                icon=":material/my_location:",
            )
    st.caption(tm("trust.mirror.caption", wave=wave_labels[wave_id], dimension=dimension_labels[dimension]))
    chart_col, gap_col = st.columns(2, gap="medium")
    with chart_col:
        show_chart(
            mirror_chart(
                mirror_cells,
                department_labels=department_labels,
                texts=chart_texts,
                highlight=focus,
                width="container",
            ),
            width="stretch",
            key="trust_mirror_chart",
        )
    with gap_col:
        # The perception gaps of this wave beside the mirror: the story in one view.
        wave_gaps = rows_for(report.gaps, dimension=dimension, wave_id=wave_id)
        wave_gaps = wave_gaps[wave_gaps["shown"].astype(bool)]
        st.markdown(f"**{t('trust.gaps.title')}**", help=t("trust.gaps.caption"))
        st.dataframe(
            localised(
                wave_gaps.assign(
                    kind=[t(f"trust.gap.{k}") for k in wave_gaps["kind"]],
                    pair=[
                        f"{department_labels.get(a, a)} / {department_labels.get(b, b)}"
                        for a, b in zip(wave_gaps["department_a"], wave_gaps["department_b"], strict=True)
                    ],
                    significant=wave_gaps["significant"].astype(bool),
                ),
                lang(),
                {"gap": SIGNED_1},
            ),
            column_order=["kind", "pair", "gap", "significant"],
            column_config={
                "kind": st.column_config.TextColumn(t("trust.col.kind"), width=90),
                "pair": st.column_config.TextColumn(t("trust.col.pair"), width=130),
                "gap": st.column_config.NumberColumn(t("trust.col.gap"), width=60),
                "significant": st.column_config.CheckboxColumn(t("trust.col.significant"), width=60),
            },
            hide_index=True,
            key="trust_wave_gaps",
            placeholder="–",
        )
    hidden = with_reason_text(mirror_cells[~mirror_cells["shown"]])
    for rater in sorted(set(hidden["rater"])):
        st.caption(tm("trust.mirror.hidden", department=department_labels.get(rater, rater)))
    st.markdown(f"**{t('trust.gaps.history')}**")
    st.caption(t("trust.gaps.caption"))
    gaps = with_reason_text(rows_for(report.gaps, dimension=dimension))
    st.dataframe(
        localised(
            gaps.assign(
                kind=[t(f"trust.gap.{k}") for k in gaps["kind"]],
                department_a=[department_labels.get(code, code) for code in gaps["department_a"]],
                department_b=[department_labels.get(code, code) for code in gaps["department_b"]],
                significance=[
                    (t("trust.gap.significant") if s else t("trust.gap.not_significant")) if shown else ""
                    for s, shown in zip(gaps["significant"], gaps["shown"], strict=True)
                ],
            ),
            lang(),
            {"index_a": DECIMAL_1, "index_b": DECIMAL_1, "gap": SIGNED_1},
        ),
        column_order=[
            "wave_code",
            "kind",
            "department_a",
            "department_b",
            "index_a",
            "index_b",
            "gap",
            "significance",
            "reason",
        ],
        column_config={
            "wave_code": t("trust.col.wave"),
            "kind": t("trust.col.kind"),
            "department_a": t("trust.col.department_a"),
            "department_b": t("trust.col.department_b"),
            "index_a": st.column_config.NumberColumn(t("trust.col.index_a")),
            "index_b": st.column_config.NumberColumn(t("trust.col.index_b")),
            "gap": st.column_config.NumberColumn(t("trust.col.gap")),
            "significance": t("trust.col.change"),
            "reason": t("trust.col.note"),
        },
        hide_index=True,
        key="trust_gaps_table",
        placeholder="–",
    )
    st.markdown(f"**{t('trust.mirror.matrix')}**")
    matrix = mirror_matrix(report.mirror, wave_id=wave_id, dimension=dimension)
    st.dataframe(
        localised(matrix, lang(), dict.fromkeys(matrix.columns, DECIMAL_1)),
        column_config={code: st.column_config.NumberColumn(code) for code in department_labels},
        key="trust_mirror_matrix",
        placeholder="–",
    )

with items_tab:
    st.caption(t("trust.items.caption"))
    heat = rows_for(report.heatmap, wave_id=wave_id)
    if dimension != OVERALL:
        heat = rows_for(heat, dimension=dimension)
    show_chart(heatmap_chart(heat, lang=lang(), texts=chart_texts), width="stretch")
    st.dataframe(
        localised(
            with_reason_text(heat),
            lang(),
            dict.fromkeys(["favourable_share", "neutral_share", "unfavourable_share"], PERCENT_1),
        ),
        column_order=[
            "item_code",
            f"text_{lang()}",
            "department",
            "respondents",
            "favourable_share",
            "neutral_share",
            "unfavourable_share",
            "reason",
        ],
        column_config={
            "item_code": t("trust.col.code"),
            f"text_{lang()}": t("trust.col.item"),
            "department": t("trust.col.rater"),
            "respondents": t("trust.col.respondents"),
            "favourable_share": st.column_config.NumberColumn(t("trust.col.favourable")),
            "neutral_share": st.column_config.NumberColumn(t("trust.col.neutral")),
            "unfavourable_share": st.column_config.NumberColumn(t("trust.col.unfavourable")),
            "reason": t("trust.col.note"),
        },
        hide_index=True,
        key="trust_items_table",
        placeholder="–",
    )

with reliability_tab:
    st.caption(t("trust.alpha.caption"))
    alpha = cached(load_reliability, filters=filters, wave_ids=wave_ids, min_group=setting.value)
    low = alpha[alpha["low"]]
    for row in low.itertuples():
        st.warning(
            t(
                "trust.alpha.low",
                wave=row.wave_code,
                dimension=dimension_labels.get(row.dimension, row.dimension),
                department=department_labels.get(row.rated_department, row.rated_department),
                alpha=number(float(row.alpha), decimals=2),
            )
        )
    st.dataframe(
        localised(with_reason_text(alpha), lang(), {"alpha": DECIMAL_2}),
        column_order=[
            "wave_code",
            "dimension",
            "rated_department",
            "items",
            "respondents",
            "alpha",
            "reason",
        ],
        column_config={
            "wave_code": t("trust.col.wave"),
            "dimension": t("trust.col.dimension"),
            "rated_department": t("trust.col.rated"),
            "items": t("trust.col.items"),
            "respondents": t("trust.col.respondents"),
            "alpha": st.column_config.NumberColumn(t("trust.col.alpha")),
            "reason": t("trust.col.note"),
        },
        hide_index=True,
        key="trust_alpha_table",
        placeholder="–",
    )

with response_tab:
    st.caption(t("trust.response.caption"))
    st.dataframe(
        localised(report.rates, lang(), {"response_rate": PERCENT_1}),
        column_order=["wave_code", "department", "invited", "respondents", "response_rate"],
        column_config={
            "wave_code": t("trust.col.wave"),
            "department": t("trust.col.department"),
            "invited": t("trust.col.invited"),
            "respondents": t("trust.col.respondents"),
            "response_rate": st.column_config.NumberColumn(t("trust.col.response_rate")),
        },
        hide_index=True,
        key="trust_response_table",
        placeholder="–",
    )

with comments_tab:
    if not user.may(READ_COMMENTS):
        st.info(t("trust.comments.not_allowed"))
    else:
        allowed = rows_for(comment_groups(report.groups, min_group=setting.value), wave_id=wave_id)
        st.caption(t("trust.comments.caption", wave=wave_labels[wave_id]))
        comments = cached(load_comments, wave_id=wave_id, departments=tuple(sorted(allowed["department"])))
        if comments.empty:
            st.info(t("trust.comments.none"))
        for row in comments.itertuples():
            topic = dimension_labels.get(row.dimension, "") if row.dimension else ""
            st.caption(f"{md(department_labels.get(row.department, row.department))} · {md(topic)}")
            st.text(row.text)

st.caption(t("trust.footer", pct=pct(0.95), min_group=setting.value))
