"""How the chart builders build: Altair rebuilds its table of every schema class (about 570,
5 ms on these machines) for each encoding given as a text shorthand (`detail="ring:N"`), so
every encoding is a channel object (`alt.Detail("ring:N")`), which Altair takes as it is."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _shorthands(path: Path) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "encode":
            for keyword in node.keywords:
                values = (
                    keyword.value.elts if isinstance(keyword.value, ast.List | ast.Tuple) else [keyword.value]
                )
                if any(isinstance(value, ast.Constant) and isinstance(value.value, str) for value in values):
                    found.append(f"{path.name}:{node.lineno} {keyword.arg}")
    return found


def test_no_encoding_is_a_text_shorthand() -> None:
    files = sorted((ROOT / "charts").glob("*.py"))
    assert len(files) >= 5
    assert [found for path in files for found in _shorthands(path)] == []


def test_the_check_finds_a_shorthand(tmp_path: Path) -> None:
    sample = tmp_path / "sample.py"
    sample.write_text(
        'chart = alt.Chart(frame).encode(x=x, detail="ring:N", tooltip=["a:N"])\n', encoding="utf-8"
    )
    assert _shorthands(sample) == ["sample.py:1 detail", "sample.py:1 tooltip"]
