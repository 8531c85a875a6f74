"""Exception subjects on the Projects page read as names, not internal area codes."""

from __future__ import annotations

import pandas as pd

from presentation.overview import name_exception_subjects


def test_area_subjects_show_the_area_name_and_other_subjects_are_kept() -> None:
    frame = pd.DataFrame(
        {
            "project": ["P-001", "P-002", "P-003", "P-004"],
            "kind": ["missing_owner", "house_rule_breach", "unmixed_team", "late_goal"],
            "subject": ["data_processing", "campaign_use", "MKT", "G-7"],
        }
    )
    named = name_exception_subjects(
        frame, area_names={"data_processing": "Data processing", "campaign_use": "Campaign use", "MKT": "x"}
    )
    assert list(named["subject"]) == ["Data processing", "Campaign use", "MKT", "G-7"]
    assert list(frame["subject"])[0] == "data_processing"  # the input is not changed
