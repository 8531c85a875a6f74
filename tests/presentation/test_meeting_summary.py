"""'Since the last meeting': sentences from two single views and the steering log."""

import datetime as dt

import pandas as pd

from domain.targets import DEFAULT_TARGETS
from kpis.common import KpiValue
from kpis.exceptions import ExceptionItem
from presentation.summary import meeting_summary
from services.single_view_model import SingleView, Tile

OCT = dt.date(2026, 10, 1)
SEP = dt.date(2026, 9, 1)


def _tile(code, value, change, rag, basis="month", note=None):
    return Tile(
        code, KpiValue(value), rag, "ratio", (value - change, value), KpiValue(change), basis, note=note
    )


def _view(as_of, tiles, exceptions=()):
    return SingleView(as_of, (as_of,), tuple(tiles), tuple(exceptions), targets=dict(DEFAULT_TARGETS))


LATE = ExceptionItem("late_goal", "P-006", "G1", {"project_name": "Consentcentrum"})
BREACH = ExceptionItem("house_rule_breach", "P-007", "data_processing")
OVERDUE = ExceptionItem(
    "overdue_action",
    None,
    "Plan datakwaliteit",
    {"days": 77, "owner": "R. Visser", "due": dt.date(2026, 8, 15)},
)


def _actions():
    return pd.DataFrame(
        {
            "id": [1, 2, 3],
            "meeting_month": [SEP, SEP, SEP],
            "title": ["a", "b", "c"],
            "due_date": [dt.date(2026, 10, 31), dt.date(2026, 10, 15), dt.date(2026, 11, 30)],
            "status": ["done", "open", "open"],
            "closed_on": [dt.date(2026, 10, 20), None, None],
        }
    )


def test_crossings_new_and_resolved_moves_and_actions_in_both_languages() -> None:
    previous = _view(
        SEP,
        [_tile("joint_share", 0.72, 0.0, "green"), _tile("goals_on_time", 0.50, 0.0, "red")],
        [BREACH],
    )
    current = _view(
        OCT,
        [_tile("joint_share", 0.65, -0.07, "amber"), _tile("goals_on_time", 0.52, 0.02, "red")],
        [LATE, OVERDUE],
    )
    nl = meeting_summary(current=current, previous=previous, actions=_actions(), lang="nl")
    assert nl == [
        "Gezamenlijk aandeel ging van Op koers naar Aandacht.",
        "Nieuwe uitzonderingen (2): P-006 Consentcentrum (inzichtdoel te laat); "
        "Plan datakwaliteit (R. Visser): 77 dagen over de vervaldatum 15-08-2026.",
        "Opgelost (1): P-007 (huisregel geschonden).",
        "Grootste bewegingen: Gezamenlijk aandeel -7,0 pp, Inzichtdoelen op tijd +2,0 pp.",
        "Op tijd afgerond: 1 van de 2 acties die deze maand klaar moesten zijn.",
        "1 acties zijn over datum; de oudste: Plan datakwaliteit (77 dagen).",
    ]
    en = meeting_summary(current=current, previous=previous, actions=_actions(), lang="en")
    assert en[0] == "Joint share went from On track to Attention."
    assert len(en) == len(nl)
    # Deterministic: the same inputs give the same sentences.
    assert meeting_summary(current=current, previous=previous, actions=_actions(), lang="nl") == nl


def test_nothing_changed_and_no_previous_month() -> None:
    tiles = [_tile("joint_share", 0.72, 0.0, "green")]
    same = meeting_summary(current=_view(OCT, tiles), previous=_view(SEP, tiles), actions=None, lang="en")
    assert same == ["No status changes, new or resolved exceptions since the previous month."]
    first = meeting_summary(current=_view(OCT, tiles), previous=None, actions=pd.DataFrame(), lang="en")
    assert first == ["There is no previous month to compare with."]


def test_a_survey_change_counts_only_when_a_new_wave_came_in() -> None:
    significant = ("single.note.trust_significant", {"p": 0.01})
    trust = _tile("trust_index", 60.0, -5.0, "amber", basis="wave", note=significant)
    unchanged = meeting_summary(
        current=_view(OCT, [trust]), previous=_view(SEP, [trust]), actions=None, lang="en"
    )
    assert not any("Biggest moves" in sentence for sentence in unchanged)
    before = _tile("trust_index", 65.0, 0.0, "amber", basis="wave")
    moved = meeting_summary(
        current=_view(OCT, [trust]), previous=_view(SEP, [before]), actions=None, lang="en"
    )
    assert "Biggest moves: Trust index -5.0 points." in moved
