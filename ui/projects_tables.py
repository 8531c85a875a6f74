"""The Projects page's table layouts: column order, headers, formats and widths (Streamlit)."""

from __future__ import annotations

import streamlit as st

from kpis.projects import PORTFOLIO_COLUMNS
from ui.i18n import currency_symbol, lang, t


def date_format() -> str:
    return "DD-MM-YYYY" if lang() == "nl" else "D MMM YYYY"


# Every column of the portfolio table but the "issues only" flag.
PORTFOLIO_ORDER = [column for column in PORTFOLIO_COLUMNS if column != "has_issue"]


def _text(key: str, **kwargs) -> st.column_config.Column:
    return st.column_config.TextColumn(t(key), **kwargs)


def _progress(key: str, help_key: str) -> st.column_config.Column:
    return st.column_config.ProgressColumn(
        t(key), help=t(help_key), format="percent", min_value=0.0, max_value=1.0
    )


def portfolio_columns() -> dict:
    return {
        "code": st.column_config.TextColumn(t("projects.col.code"), pinned=True),
        "name": _text("projects.col.name"),
        "status": _text("projects.col.status"),
        "rag": _text("projects.col.rag"),
        "rag_reason": _text("projects.col.rag_reason", width="medium"),
        "split": _text("projects.col.split", help=t("projects.col.split.help")),
        "joint": st.column_config.CheckboxColumn(t("projects.col.joint"), help=t("projects.col.joint.help")),
        "team": _text("projects.col.team", help=t("projects.col.team.help")),
        "mixed": _text("projects.col.mixed", help=t("projects.kpi.mixed_teams.help")),
        "fte_balance": _progress("projects.col.fte_balance", "projects.kpi.fte_balance.help"),
        "ownership": _text("projects.col.ownership", help=t("projects.kpi.ownership_clarity.help")),
        "next_goal": _text("projects.col.next_goal", width="medium"),
        "next_goal_date": st.column_config.DateColumn(t("projects.col.next_goal_date"), format=date_format()),
        "late_goals": st.column_config.NumberColumn(t("projects.col.late_goals"), format="%d"),
    }


def funding_columns() -> dict:
    return {
        "department": _text("projects.col.department"),
        "committed": st.column_config.NumberColumn(
            t("projects.col.committed_eur", currency=currency_symbol())
        ),
        "committed_share": st.column_config.NumberColumn(t("projects.col.committed_share")),
        "agreed": st.column_config.NumberColumn(t("projects.col.agreed")),
    }


def team_columns() -> dict:
    return {
        "department": _text("projects.col.department"),
        "members": st.column_config.NumberColumn(t("projects.col.members"), format="%d"),
        "fte": st.column_config.NumberColumn(t("projects.col.fte")),
    }


def ownership_columns() -> dict:
    return {
        "area": _text("projects.col.area"),
        "owner_codes": _text("projects.col.owners"),
        "expected": _text("projects.col.expected"),
        "status": _text("projects.col.issue"),
    }


def goals_columns() -> dict:
    return {
        "code": _text("projects.col.code"),
        "goal": _text("projects.col.goal", width="medium"),
        "measure": _text("projects.col.measure"),
        "target_value": st.column_config.NumberColumn(t("projects.col.target_value")),
        "target_date": st.column_config.DateColumn(t("projects.col.next_goal_date"), format=date_format()),
        "achieved_value": st.column_config.NumberColumn(t("projects.col.achieved_value")),
        "achieved_date": st.column_config.DateColumn(t("projects.col.achieved_date"), format=date_format()),
        "progress_display": _progress("projects.col.progress", "projects.kpi.value_progress.help"),
        "status": _text("projects.col.status"),
        "slippage_days": st.column_config.NumberColumn(t("projects.col.slippage"), format="%d"),
    }


def unmixed_columns() -> dict:
    return {
        "project": _text("projects.col.name"),
        "members": st.column_config.NumberColumn(t("projects.col.members"), format="%d"),
        "fte": st.column_config.NumberColumn(t("projects.col.fte")),
        "missing_departments": _text("projects.teams.missing"),
        "fte_balance": st.column_config.NumberColumn(t("projects.col.fte_balance")),
    }


def ownership_issue_columns() -> dict:
    return {
        "project": _text("projects.col.name"),
        "area": _text("projects.col.area"),
        "status": _text("projects.col.issue"),
        "owner_codes": _text("projects.col.owners"),
        "expected": _text("projects.col.expected"),
    }


def late_goal_columns() -> dict:
    """The late goals' columns, also their order: a goal is named by its text, so its code
    (G1, G2 ...) is left out."""
    return {
        "project": _text("projects.col.name"),
        "goal": _text("projects.col.goal", width="large"),
        "status": _text("projects.col.status"),
        "target_date": st.column_config.DateColumn(t("projects.col.next_goal_date"), format=date_format()),
        "slippage_days": st.column_config.NumberColumn(t("projects.col.slippage"), format="%d"),
    }


def exception_columns() -> dict:
    return {
        "project": _text("projects.col.name"),
        "kind": _text("projects.col.kind"),
        "subject": _text("projects.col.subject"),
    }
