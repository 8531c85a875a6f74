"""Overview: the single view for the steering meeting — what changed since the last meeting,
every KPI group with its status, trend and change, the exceptions that need a decision, and
the meeting pack."""

import streamlit as st

from access.roles import READ
from charts.overview import sparkline_html
from data_access.reference import load_departments
from data_access.steering import load_actions
from i18n import names_by_code
from presentation.overview import (
    exception_group_key,
    exception_groups,
    exception_rest_key,
    exception_text,
    screen_title,
    shared_notes,
    tile_texts,
)
from presentation.summary import meeting_summary
from services.links import exception_link, tile_link
from services.single_view import compute_meeting_views
from services.single_view_model import TREND_MONTHS
from ui.auth import require
from ui.components import detail_link, detail_url, rag_badge
from ui.data import cached
from ui.downloads import download_pack
from ui.filters import current_filters
from ui.i18n import currency, lang, month, t
from ui.links import link_params, link_queries
from ui.survey import survey_min_group
from ui.text import md

require(READ)
filters = current_filters()
setting = survey_min_group()

st.title(t("overview.title"))
st.caption(
    t(
        "single.caption",
        as_of=month(filters.as_of),
        start=month(filters.period_start, short=True),
        months=TREND_MONTHS,
    )
)
if setting.refused:
    st.error(t(setting.refused, value=setting.configured, default=setting.value))

views = cached(compute_meeting_views, filters=filters, min_group=setting.value)
view, previous = views.current, views.previous
language = lang()
departments = cached(load_departments)
department_names = names_by_code(departments, language)

sentences = meeting_summary(
    current=view,
    previous=previous,
    actions=cached(load_actions, up_to_month=filters.as_of),
    lang=language,
    department_names=department_names,
    currency=currency(),
)
with st.container(border=True):
    st.markdown(f"**{t('since.header')}**")
    st.text("\n".join(f"• {sentence}" for sentence in sentences))

# Tile titles wrap between words on a narrow screen (a 1280×720 projector) instead of being
# cut off with an ellipsis; words are never broken (Dutch compounds carry soft hyphens). So do
# the exception lines, each a link to its detail.
st.html(
    """<style>
[data-testid="stMetricLabel"], [data-testid="stMetricLabel"] * {
  white-space: normal !important; overflow: visible !important; text-overflow: clip !important;
  overflow-wrap: normal !important; word-break: normal !important; hyphens: manual !important;
}
[data-testid="stMainBlockContainer"] { padding-top: 2.5rem; }
[data-testid="stExpander"] [data-testid="stPageLink"] a { height: auto !important; align-items: baseline; }
[data-testid="stExpander"] [data-testid="stPageLink"] a * {
  white-space: normal !important; overflow: visible !important; text-overflow: clip !important;
}
@media (max-width: 1366px) { [data-testid="stMetricLabel"] { min-height: 2.6em; } }
</style>"""
)

texts, notes = shared_notes(
    tile_texts(view, language, department_names=department_names, currency=currency()), language
)
for start in range(0, len(texts), 5):
    for column, tile in zip(st.columns(5, border=True), texts[start : start + 5], strict=False):
        with column:
            st.metric(
                screen_title(tile.name),
                tile.value,
                delta=tile.change,
                delta_color=tile.colours.change,
                delta_arrow="off" if tile.change_is_zero else "auto",
                help=tile.help,
            )
            sparkline = sparkline_html(
                tile.trend,
                domain=tile.domain,
                colour=tile.colours.line,
                label=t("single.sparkline", name=tile.name, months=len(tile.trend)),
            )
            if sparkline is not None:
                st.html(sparkline)
            rag_badge(tile.rag)
            if (link := tile_link(tile.code)) is not None:
                detail_link(
                    link.page, label=t("single.exceptions.open"), query_params=link_params(link, filters)
                )
            if tile.detail:
                st.caption(md(tile.detail))
            if tile.note:
                st.caption(md(tile.note))
for note in notes:
    st.caption(md(note))
if view.hidden_survey_groups:
    st.caption(t("survey.hidden_groups", count=view.hidden_survey_groups))

st.subheader(t("single.exceptions", count=len(view.exceptions)))
if not view.exceptions:
    st.success(t("single.exceptions.none"))
groups = exception_groups(view.exceptions)
for number, group in enumerate(groups):
    # A closed group sends nothing: its lines and table are drawn when it is opened (a rerun
    # from the cached view). At 2,000 projects the groups hold 84 links and 8 tables, most of
    # the browser's work for the page (bench/NOTES.md, stop 36).
    box = st.expander(
        f"{t(f'single.kind.{group.kind}')} ({group.count})",
        expanded=number < 2,
        key=exception_group_key(group.kind),
        on_change="rerun",
    )
    if not box.open:
        continue
    with box:
        # One element per line: the line itself is the link to its detail (a row of columns
        # with a text and a separate link cost five elements a line, a quarter of the rerun).
        for item in group.lines:
            link = exception_link(item)
            detail_link(
                link.page,
                label=md(
                    exception_text(item, language, department_names=department_names, currency=currency())
                ),
                query_params=link_params(link, filters),
                width="stretch",
            )
        # The rest of a long list as a table, drawn when asked for: a table on the opening
        # screen made the browser load and start its data-grid code (about 1.2 MB of
        # JavaScript), a third of a second of the Overview's first render (bench/NOTES.md, stop 38).
        if group.rest and st.toggle(
            t("single.exceptions.more_show", count=len(group.rest)), key=exception_rest_key(group.kind)
        ):
            rest_links = [exception_link(item) for item in group.rest]
            st.caption(t("single.exceptions.more"))
            st.dataframe(
                {
                    "exception": [
                        exception_text(item, language, department_names=department_names, currency=currency())
                        for item in group.rest
                    ],
                    "link": [
                        detail_url(link.page, query=query)
                        for link, query in zip(rest_links, link_queries(rest_links, filters), strict=True)
                    ],
                },
                column_config={
                    "exception": st.column_config.TextColumn(t("single.exceptions.column"), width="large"),
                    "link": st.column_config.LinkColumn(
                        t("single.exceptions.open"), display_text=t("single.exceptions.open")
                    ),
                },
                hide_index=True,
                width="stretch",
            )

st.divider()
download_pack(filters=filters)
