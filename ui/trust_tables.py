"""The Trust page's table layouts: column order, headers and number formats (Streamlit)."""

from __future__ import annotations

import streamlit as st

from ui.i18n import lang, t
from ui.number_display import DECIMAL_1, DECIMAL_2, PERCENT_1, SIGNED_1, localised

INDEX_COLUMNS = {"index": DECIMAL_1, "ci_low": DECIMAL_1, "ci_high": DECIMAL_1}


def _number(key: str, **kwargs) -> st.column_config.Column:
    return st.column_config.NumberColumn(t(key), **kwargs)


def _table(rows, formats, *, column_order: list[str], **kwargs) -> None:
    """`rows` as a table of `column_order`'s columns, numbers in the reader's language
    (`localised`). Only those columns go to the page: the rest (wave ids, p-values, flags,
    the other language's texts) were styled and sent for nothing, about half of each table."""
    shown = rows[[name for name in column_order if name in rows.columns]]
    st.dataframe(localised(shown, lang(), formats), column_order=column_order, **kwargs)


def trend_table(rows) -> None:
    _table(
        rows,
        INDEX_COLUMNS,
        column_order=["wave_code", "respondents", "index", "ci_low", "ci_high", "significance", "reason"],
        column_config={
            "wave_code": t("trust.col.wave"),
            "respondents": t("trust.col.respondents"),
            "index": _number("trust.col.index"),
            "ci_low": _number("trust.col.ci_low"),
            "ci_high": _number("trust.col.ci_high"),
            "significance": t("trust.col.change"),
            "reason": t("trust.col.note"),
        },
        hide_index=True,
        key="trust_trend_table",
        placeholder="–",
    )


def wave_gaps_table(rows) -> None:
    _table(
        rows,
        {"gap": SIGNED_1},
        column_order=["kind", "pair", "gap", "significant"],
        column_config={
            "kind": st.column_config.TextColumn(t("trust.col.kind"), width=90),
            "pair": st.column_config.TextColumn(t("trust.col.pair"), width=130),
            "gap": _number("trust.col.gap", width=60),
            "significant": st.column_config.CheckboxColumn(t("trust.col.significant"), width=60),
        },
        hide_index=True,
        key="trust_wave_gaps",
        placeholder="–",
    )


def gaps_table(rows) -> None:
    _table(
        rows,
        {"index_a": DECIMAL_1, "index_b": DECIMAL_1, "gap": SIGNED_1},
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
            "index_a": _number("trust.col.index_a"),
            "index_b": _number("trust.col.index_b"),
            "gap": _number("trust.col.gap"),
            "significance": t("trust.col.change"),
            "reason": t("trust.col.note"),
        },
        hide_index=True,
        key="trust_gaps_table",
        placeholder="–",
    )


def matrix_table(matrix, department_codes) -> None:
    st.dataframe(
        localised(matrix, lang(), dict.fromkeys(matrix.columns, DECIMAL_1)),
        column_config={code: st.column_config.NumberColumn(code) for code in department_codes},
        key="trust_mirror_matrix",
        placeholder="–",
    )


def items_table(rows) -> None:
    text = f"text_{lang()}"
    _table(
        rows,
        dict.fromkeys(["favourable_share", "neutral_share", "unfavourable_share"], PERCENT_1),
        column_order=[
            "item_code",
            text,
            "department",
            "respondents",
            "favourable_share",
            "neutral_share",
            "unfavourable_share",
            "reason",
        ],
        column_config={
            "item_code": t("trust.col.code"),
            text: t("trust.col.item"),
            "department": t("trust.col.rater"),
            "respondents": t("trust.col.respondents"),
            "favourable_share": _number("trust.col.favourable"),
            "neutral_share": _number("trust.col.neutral"),
            "unfavourable_share": _number("trust.col.unfavourable"),
            "reason": t("trust.col.note"),
        },
        hide_index=True,
        key="trust_items_table",
        placeholder="–",
    )


def alpha_table(rows) -> None:
    _table(
        rows,
        {"alpha": DECIMAL_2},
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
            "alpha": _number("trust.col.alpha"),
            "reason": t("trust.col.note"),
        },
        hide_index=True,
        key="trust_alpha_table",
        placeholder="–",
    )


def response_table(rates) -> None:
    _table(
        rates,
        {"response_rate": PERCENT_1},
        column_order=["wave_code", "department", "invited", "respondents", "response_rate"],
        column_config={
            "wave_code": t("trust.col.wave"),
            "department": t("trust.col.department"),
            "invited": t("trust.col.invited"),
            "respondents": t("trust.col.respondents"),
            "response_rate": _number("trust.col.response_rate"),
        },
        hide_index=True,
        key="trust_response_table",
        placeholder="–",
    )
