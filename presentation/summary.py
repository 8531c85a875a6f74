""" "Since the last meeting": a few plain sentences, generated deterministically from the data.

One pure function, `meeting_summary`, used by the Overview (at the top of the page) and by
the meeting pack (its opening text), so both say the same thing. It compares the single view
of the as-of month with the single view of the month before (the previous meeting's
month) and reads the steering log:

1. What crossed a threshold: every tile whose status (green / amber / red) changed, worse
   first (then in tile order).
2. New exceptions: in this month's list and not in the previous month's (same kind,
   project and subject); then the resolved ones (in the previous list, not in this one).
   At most MAX_NAMED are named, the rest counted.
3. The biggest moves: up to MAX_MOVES tiles with a meaningful change (see
   presentation.overview.change_meaningful), largest first, measured against the width of
   the tile's target band so percentages and indices compare fairly. A tile measured per
   survey wave counts only when a new wave came in since the previous month.
4. Actions: how many actions were due in the as-of month (after the previous meeting's
   month end, up to this month's end) and how many of those were done on time; and how many
   actions are overdue (from the exceptions list).

Without a previous view (the first month of the data) only the overdue sentence and the
actions sentence can be made; when nothing changed one sentence says so.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd

from domain.months import month_end
from i18n import translate
from i18n.format import DEFAULT_CURRENCY
from kpis.exceptions import ExceptionItem
from kpis.steering import replay_actions
from presentation.overview import change_meaningful, change_text, exception_text

if TYPE_CHECKING:  # the Overview's model, read here, is built in services/
    from services.single_view_model import SingleView, Tile

MAX_NAMED = 3
MAX_MOVES = 2
_SEVERITY = {"green": 1, "amber": 2, "red": 3}


def _key(item: ExceptionItem) -> tuple[str, str, str]:
    return item.kind, item.project or "", item.subject


def _short(
    item: ExceptionItem, lang: str, department_names: dict[str, str] | None, currency: str = DEFAULT_CURRENCY
) -> str:
    """An exception in a few words: "P-004 Name (kind)", or the whole line without a project."""
    kind = translate(f"single.kind.{item.kind}", lang)
    if item.project:
        name = item.values.get("project_name")
        project = f"{item.project} {name}" if name else item.project
        return f"{project} ({kind[:1].lower()}{kind[1:]})"
    return exception_text(item, lang, department_names=department_names, currency=currency)


def _listed(
    items: list[ExceptionItem],
    lang: str,
    department_names: dict[str, str] | None,
    currency: str = DEFAULT_CURRENCY,
) -> str:
    named = "; ".join(_short(item, lang, department_names, currency) for item in items[:MAX_NAMED])
    if len(items) > MAX_NAMED:
        named += translate("since.and_more", lang, count=len(items) - MAX_NAMED)
    return named


def _crossings(current: SingleView, previous: SingleView, lang: str) -> list[str]:
    before = {tile.code: tile.rag for tile in previous.tiles}
    changed: list[tuple[int, int, Tile]] = []
    for order, tile in enumerate(current.tiles):
        old = before.get(tile.code)
        if tile.rag is None or old is None or old == tile.rag:
            continue
        changed.append((_SEVERITY[old] - _SEVERITY[tile.rag], order, tile))
    sentences = []
    for _, _, tile in sorted(changed, key=lambda entry: (entry[0], entry[1])):
        key = (
            "since.worse"
            if _SEVERITY[tile.rag or "green"] > _SEVERITY[before[tile.code] or "green"]
            else "since.better"
        )
        sentences.append(
            translate(
                key,
                lang,
                kpi=translate(f"single.tile.{tile.code}", lang),
                old=translate(f"rag.{before[tile.code]}", lang),
                new=translate(f"rag.{tile.rag}", lang),
            )
        )
    return sentences


def _moves(current: SingleView, previous: SingleView, lang: str) -> str | None:
    """The biggest meaningful moves since the previous month. A tile measured per survey wave
    moved only when a new wave came in between (its value differs from the previous view's);
    otherwise its change belongs to an earlier meeting."""
    before = {tile.code: tile for tile in previous.tiles}
    moves = []
    for order, tile in enumerate(current.tiles):
        old = before.get(tile.code)
        if tile.change_basis == "wave" and (old is None or old.value.value == tile.value.value):
            continue
        shown = change_text(tile, lang)
        if not change_meaningful(tile, shown) or tile.change.value is None or shown is None:
            continue
        target = current.targets.get(tile.code)
        band = (
            abs(target.green - target.amber) if target is not None and target.green != target.amber else 1.0
        )
        moves.append((-abs(tile.change.value) / band, order, tile, shown))
    if not moves:
        return None
    moves.sort(key=lambda move: (move[0], move[1]))
    listed = ", ".join(
        f"{translate(f'single.tile.{tile.code}', lang)} {shown}" for _, _, tile, shown in moves[:MAX_MOVES]
    )
    return translate("since.moves", lang, moves=listed)


def _actions(current: SingleView, actions: pd.DataFrame | None, lang: str) -> list[str]:
    sentences = []
    if actions is not None and not actions.empty:
        end = month_end(current.as_of)
        start = pd.Timestamp(current.as_of)
        replayed = replay_actions(actions, as_of_end=end)
        due_date = pd.to_datetime(replayed["due_date"]).dt.normalize()
        closed = pd.to_datetime(replayed["closed_on"]).dt.normalize()
        due_now = (
            (due_date >= start) & (due_date <= pd.Timestamp(end)) & (replayed["status_then"] != "cancelled")
        )
        done = due_now & (replayed["status_then"] == "done") & (closed <= due_date)
        if int(due_now.sum()):
            sentences.append(
                translate("since.actions_due", lang, due=int(due_now.sum()), done=int(done.sum()))
            )
    overdue = [item for item in current.exceptions if item.kind == "overdue_action"]
    if overdue:
        oldest = max(overdue, key=lambda item: int(item.values.get("days", 0)))  # type: ignore[call-overload]
        sentences.append(
            translate(
                "since.overdue",
                lang,
                count=len(overdue),
                title=oldest.subject,
                days=oldest.values.get("days", 0),
            )
        )
    return sentences


def meeting_summary(
    *,
    current: SingleView,
    previous: SingleView | None,
    actions: pd.DataFrame | None,
    lang: str,
    department_names: dict[str, str] | None = None,
    currency: str = DEFAULT_CURRENCY,
) -> list[str]:
    """The sentences "since the last meeting", in `lang` ("nl" or "en"), in a fixed order
    (amounts in `currency`, ISO 4217).

    `current` is the single view of the as-of month; `previous` the single view of the
    month before with the same other filters (None when there is no earlier month);
    `actions` the steering actions up to the as-of month as data_access.steering.load_actions
    gives them (None or empty: no action sentence); `department_names` (code → name in
    `lang`) names departments in exception lines. Deterministic: the same inputs give the
    same sentences. Plain text (never Markdown).
    """
    sentences: list[str] = []
    if previous is not None:
        sentences += _crossings(current, previous, lang)
        old = {_key(item) for item in previous.exceptions}
        new = {_key(item) for item in current.exceptions}
        added = [item for item in current.exceptions if _key(item) not in old]
        resolved = [item for item in previous.exceptions if _key(item) not in new]
        if added:
            sentences.append(
                translate(
                    "since.new",
                    lang,
                    count=len(added),
                    items=_listed(added, lang, department_names, currency),
                )
            )
        if resolved:
            sentences.append(
                translate(
                    "since.resolved",
                    lang,
                    count=len(resolved),
                    items=_listed(resolved, lang, department_names, currency),
                )
            )
        moves = _moves(current, previous, lang)
        if moves:
            sentences.append(moves)
        if not sentences:
            sentences.append(translate("since.no_change", lang))
    else:
        sentences.append(translate("since.no_previous", lang))
    sentences += _actions(current, actions, lang)
    return sentences
