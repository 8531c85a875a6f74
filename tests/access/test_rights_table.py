"""Rights match the README (issue 17.7): its table of writes equals the code's registry, and a
viewer cannot save a scenario."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select

from access.roles import ROLES, WRITES, NotAllowed, User, roles_for
from data_access.models import SavedScenario
from data_access.scenarios import save_scenario
from domain.scenario import Scenario

README = Path(__file__).resolve().parents[2] / "README.md"
HEADING = "**Writes and who may do them**"


def _readme_table() -> dict[str, dict[str, str]]:
    text = README.read_text(encoding="utf-8").split(HEADING, 1)[1]
    lines = [line for line in text.splitlines() if line.startswith("|")]
    block: list[str] = []
    for line in text.splitlines()[1:]:
        if line.startswith("|"):
            block.append(line)
        elif block:
            break
    assert block and block[0] == lines[0]
    header = [c.strip() for c in block[0].strip("|").split("|")]
    assert header == ["Write", *ROLES]
    return {
        cells[0]: dict(zip(ROLES, cells[1:], strict=True))
        for cells in ([c.strip() for c in line.strip("|").split("|")] for line in block[2:])
    }


def test_the_readme_table_lists_every_write_with_exactly_the_roles_the_code_allows() -> None:
    table = _readme_table()
    assert list(table) == [w.name for w in WRITES]
    for write in WRITES:
        allowed = set(roles_for(write.right))
        expected = {r: "yes" if r in allowed else ("own" if write.author_too else "–") for r in ROLES}
        assert table[write.name] == expected, write.name


@pytest.mark.parametrize("role", ROLES)
def test_saving_a_scenario_needs_the_right_the_table_gives(empty_engine: Engine, role: str) -> None:
    user = User(name=f"{role}@example.com", email=f"{role}@example.com", role=role)
    may = role in roles_for(next(w for w in WRITES if w.name == "Save a what-if scenario").right)
    scenario = Scenario(trust_targets={"competence": 70.0})
    if may:
        assert save_scenario(engine=empty_engine, user=user, name=f"s {role}", scenario=scenario) > 0
    else:
        with pytest.raises(NotAllowed):
            save_scenario(engine=empty_engine, user=user, name=f"s {role}", scenario=scenario)
        with empty_engine.connect() as conn:
            assert conn.scalar(select(func.count()).select_from(SavedScenario)) == 0
    assert role != "viewer" or not may
