"""The Trust page's model: the survey's trust index per wave and dimension, the mirror between
departments, items, reliability and response, all past the confidentiality gate.

`trust_page` composes the data_access loaders with kpis.trust; the parts that depend on the
wave and dimension picked on the page come from `TrustPage.selection` (pure, on the frames
already computed), and the comments of one wave from `trust_comments`. No Streamlit here.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import pandas as pd
from sqlalchemy import Engine

from data_access.reference import load_departments
from data_access.survey import (
    load_comments,
    load_survey_dimensions,
    load_trust_groups,
    load_waves,
)
from domain.confidentiality import comment_groups
from domain.filters import Filters
from i18n import names_by_code
from kpis.perception import mirror_matrix, rows_for
from kpis.survey_stats import OVERALL
from kpis.trust import TrustReport
from kpis.trust_index import latest_wave_trust
from presentation.markdown import md, translate_md
from presentation.metrics import Metric
from presentation.words import Words
from services.instrument import dimension_codes, dimension_labels
from services.survey_core import trust_report_of_waves
from services.survey_reliability import load_reliability

CHART_TEXT_KEYS = (
    "wave",
    "index",
    "dimension",
    "ci_low",
    "ci_high",
    "respondents",
    "rater",
    "rated",
    "item",
    "favourable",
    "neutral",
    "unfavourable",
)


def with_reason_text(frame: pd.DataFrame, words: Words) -> pd.DataFrame:
    """The frame with `reason` (an i18n key or empty) replaced by its text in the language."""
    return frame.assign(
        reason=[words.t(key) if isinstance(key, str) and key else "" for key in frame["reason"]]
    )


def _index(words: Words, value) -> str:
    return words.number(float(value), decimals=1)


def significance(row, words: Words) -> str:
    """A change against the previous wave in words: significant (with p), none, or not comparable."""
    if not row["has_previous"]:
        return words.t("trust.change.first_wave")
    if not row["shown"] or row["change"] != row["change"]:
        return words.t("trust.change.not_comparable")
    if row["significant"]:
        return words.t(
            "trust.change.significant",
            change=words.signed(float(row["change"])),
            p=words.number(float(row["p_value"]), decimals=3),
        )
    return words.t("trust.change.none", p=words.number(float(row["p_value"]), decimals=2))


def _significance_short(row, words: Words) -> str:
    """The tile's plain words; the test and its p-value are in the tile's help."""
    if not row["has_previous"]:
        return words.t("trust.change.first_wave")
    if not row["shown"] or row["change"] != row["change"]:
        return words.t("trust.change.not_comparable")
    return words.t("trust.change.significant_short" if row["significant"] else "trust.change.none_short")


@dataclass(frozen=True)
class TrustSelection:
    """What the picked wave and dimension show: mirror, gaps, matrix, items and the trend table."""

    focus_text: str | None  # the linked mirror cell in words, when a link pointed at one
    mirror_caption: str
    mirror_cells: pd.DataFrame
    wave_gaps: pd.DataFrame
    hidden_raters: tuple[str, ...]  # captions: raters whose groups are too small this wave
    gaps: pd.DataFrame
    matrix: pd.DataFrame
    heat: pd.DataFrame
    heat_rows: pd.DataFrame
    trend_rows: pd.DataFrame
    comments_caption: str
    comment_departments: tuple[str, ...]  # whose comments of the wave may be read


@dataclass(frozen=True)
class TrustPage:
    caption: str
    has_survey: bool
    wave_ids: tuple[int, ...]  # newest first, for the picker
    wave_labels: Mapping[int, str]
    dimensions: tuple[str, ...]  # OVERALL first
    dimension_labels: Mapping[str, str]
    department_labels: Mapping[str, str]
    latest_heading: str
    tiles: tuple[Metric, ...]
    hidden_groups: str | None
    chart_texts: Mapping[str, str]
    report: TrustReport | None
    alpha_warnings: tuple[str, ...]
    alpha: pd.DataFrame
    rates: pd.DataFrame
    footer: str
    lang: str

    def selection(self, *, wave_id: int, dimension: str, focus: tuple[str, str] | None) -> TrustSelection:
        """The frames and texts for wave `wave_id` and `dimension`, `focus` a (rater, rated) cell."""
        words = Words(self.lang)
        report = self.report
        labels = self.department_labels
        mirror_cells = rows_for(report.mirror, wave_id=wave_id, dimension=dimension)
        focus_text = None
        if focus is not None:
            focus_row = rows_for(mirror_cells, rater=focus[0], rated=focus[1])
            if not focus_row.empty and bool(focus_row["shown"].iloc[0]):
                cell = focus_row.iloc[0]
                changed = cell["change"] == cell["change"]
                focus_text = translate_md(
                    "trust.focus.cell",
                    self.lang,
                    rater=labels[focus[0]],
                    rated=labels[focus[1]],
                    dimension=self.dimension_labels[dimension],
                    wave=self.wave_labels[wave_id],
                    index=_index(words, cell["index"]),
                ) + (" " + significance(cell, words) if changed else "")
        wave_gaps = rows_for(report.gaps, dimension=dimension, wave_id=wave_id)
        wave_gaps = wave_gaps[wave_gaps["shown"].astype(bool)]
        hidden = with_reason_text(mirror_cells[~mirror_cells["shown"]], words)
        gaps = with_reason_text(rows_for(report.gaps, dimension=dimension), words)
        heat = rows_for(report.heatmap, wave_id=wave_id)
        if dimension != OVERALL:
            heat = rows_for(heat, dimension=dimension)
        # The rating department by its name, as in the mirror and the gap tables.
        heat = heat.assign(department=[labels.get(code, code) for code in heat["department"]])
        trend_rows = with_reason_text(rows_for(report.trend, dimension=dimension), words)
        allowed = rows_for(comment_groups(report.groups, min_group=report.min_group), wave_id=wave_id)
        return TrustSelection(
            focus_text=focus_text,
            mirror_caption=translate_md(
                "trust.mirror.caption",
                self.lang,
                wave=self.wave_labels[wave_id],
                dimension=self.dimension_labels[dimension],
            ),
            mirror_cells=mirror_cells,
            wave_gaps=wave_gaps.assign(
                kind=[words.t(f"trust.gap.{k}") for k in wave_gaps["kind"]],
                pair=[
                    f"{labels.get(a, a)} / {labels.get(b, b)}"
                    for a, b in zip(wave_gaps["department_a"], wave_gaps["department_b"], strict=True)
                ],
                significant=wave_gaps["significant"].astype(bool),
            ),
            hidden_raters=tuple(
                translate_md("trust.mirror.hidden", self.lang, department=labels.get(rater, rater))
                for rater in sorted(set(hidden["rater"]))
            ),
            gaps=gaps.assign(
                kind=[words.t(f"trust.gap.{k}") for k in gaps["kind"]],
                department_a=[labels.get(code, code) for code in gaps["department_a"]],
                department_b=[labels.get(code, code) for code in gaps["department_b"]],
                significance=[
                    (words.t("trust.gap.significant") if s else words.t("trust.gap.not_significant"))
                    if shown
                    else ""
                    for s, shown in zip(gaps["significant"], gaps["shown"], strict=True)
                ],
            ),
            matrix=mirror_matrix(report.mirror, wave_id=wave_id, dimension=dimension),
            heat=heat,
            heat_rows=with_reason_text(heat, words),
            trend_rows=trend_rows.assign(
                significance=[significance(r, words) for _, r in trend_rows.iterrows()]
            ),
            comments_caption=words.t("trust.comments.caption", wave=self.wave_labels[wave_id]),
            comment_departments=tuple(sorted(allowed["department"])),
        )


def trust_page(*, engine: Engine, filters: Filters, lang: str, min_group: int) -> TrustPage:
    """The Trust page for `filters` in `lang`, survey groups under `min_group` respondents hidden."""
    words = Words(lang)
    caption = words.t("trust.caption", as_of=words.month(filters.as_of), min_group=min_group)
    footer = words.t("trust.footer", pct=words.pct(0.95), min_group=min_group)
    departments = load_departments(engine=engine)
    department_labels = names_by_code(departments, lang)
    instrument = load_survey_dimensions(engine=engine)
    dimensions = dimension_codes(instrument)
    labels = dimension_labels(instrument, lang)
    chart_texts = {key: words.t(f"trust.col.{key}") for key in CHART_TEXT_KEYS}
    waves = load_waves(engine=engine, filters=filters)
    if waves.empty:
        return TrustPage(
            caption=caption,
            has_survey=False,
            wave_ids=(),
            wave_labels={},
            dimensions=(OVERALL, *dimensions),
            dimension_labels=labels,
            department_labels=department_labels,
            latest_heading="",
            tiles=(),
            hidden_groups=None,
            chart_texts=chart_texts,
            report=None,
            alpha_warnings=(),
            alpha=pd.DataFrame(),
            rates=pd.DataFrame(),
            footer=footer,
            lang=lang,
        )
    wave_ids = [int(i) for i in waves["id"]]
    report = trust_report_of_waves(engine=engine, filters=filters, waves=waves, min_group=min_group)
    headline = latest_wave_trust(
        waves, load_trust_groups(engine=engine, filters=filters, wave_ids=wave_ids), min_group=min_group
    )
    latest = rows_for(report.trend, wave_id=wave_ids[-1]).set_index("dimension")
    tiles = []
    for tile_dimension in (OVERALL, *dimensions):
        tile_row = latest.loc[tile_dimension] if tile_dimension in latest.index else None
        if tile_dimension == OVERALL:
            value = headline.current.index
            shown_value = _index(words, value.value) if value.available else words.t("kpi.na")
        else:
            shown = tile_row is not None and tile_row["shown"]
            shown_value = _index(words, tile_row["index"]) if shown else words.t("kpi.na")
        significant = tile_row is not None and bool(tile_row["significant"])
        tiles.append(
            Metric(
                labels[tile_dimension],
                shown_value,
                delta=words.signed(float(tile_row["change"]), suffix=" " + words.t("unit.points"))
                if significant
                else None,
                help=words.t("trust.metric.help")
                + ("\n\n" + significance(tile_row, words) if tile_row is not None else ""),
                caption=_significance_short(tile_row, words) if tile_row is not None else None,
            )
        )
    alpha = load_reliability(engine=engine, filters=filters, wave_ids=wave_ids, min_group=min_group)
    alpha_warnings = tuple(
        words.t(
            "trust.alpha.low",
            wave=row.wave_code,
            dimension=labels.get(row.dimension, row.dimension),
            department=department_labels.get(row.rated_department, row.rated_department),
            alpha=words.number(float(row.alpha), decimals=2),
        )
        for row in alpha[alpha["low"]].itertuples()
    )
    return TrustPage(
        caption=caption,
        has_survey=True,
        wave_ids=tuple(wave_ids[::-1]),
        wave_labels=dict(zip(waves["id"], waves["code"], strict=True)),
        dimensions=(OVERALL, *dimensions),
        dimension_labels=labels,
        department_labels=department_labels,
        latest_heading=words.t("trust.latest", wave=headline.wave_code),
        tiles=tuple(tiles),
        hidden_groups=words.t("survey.hidden_groups", count=headline.current.hidden_groups)
        if headline.current.hidden_groups
        else None,
        chart_texts=chart_texts,
        report=report,
        alpha_warnings=alpha_warnings,
        alpha=with_reason_text(alpha, words),
        rates=report.rates,
        footer=footer,
        lang=lang,
    )


def trust_comments(
    *, engine: Engine, wave_id: int, departments: tuple[str, ...], lang: str
) -> tuple[tuple[str, str], ...]:
    """The comments of wave `wave_id` by `departments` (those the gate lets be read) as
    (Markdown-safe heading "department · topic", text) pairs."""
    comments = load_comments(engine=engine, wave_id=wave_id, departments=departments)
    instrument = load_survey_dimensions(engine=engine)
    labels = dimension_labels(instrument, lang)
    names = load_departments(engine=engine)
    department_labels = names_by_code(names, lang)
    return tuple(
        (
            f"{md(department_labels.get(row.department, row.department))} · "
            f"{md(labels.get(row.dimension, '') if row.dimension else '')}",
            row.text,
        )
        for row in comments.itertuples()
    )
