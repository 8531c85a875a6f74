"""The import directions between our packages, read from the source (ast), not from sys.modules.

domain/ is the bottom layer: the standard library, pandas and numpy only. kpis/, charts/,
access/ and i18n/ are pure: no Streamlit, nothing from the layers above them (services/,
ui/, views/) nor from data_access/. data_access/ may use domain/ but not kpis/ or above.
Every import counts, also one inside a function (a lazy import is still a dependency).
"""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
OURS = frozenset(
    {path.parent.name for path in ROOT.glob("*/*.py") if not path.parent.name.startswith(".")}
    | {path.stem for path in ROOT.glob("*.py")}
)
THIRD_PARTY_FOR_DOMAIN = frozenset({"pandas", "numpy", "pyarrow"})
PURE_PACKAGES = ("kpis", "charts", "access", "i18n")
ABOVE_PURE = frozenset({"services", "ui", "views", "data_access", "streamlit"})
ABOVE_DATA_ACCESS = frozenset({"kpis", "services", "ui", "views"})


def imports_of(path: Path) -> list[tuple[int, str]]:
    """(line, absolute module name) of every import in `path`, relative ones resolved."""
    package = path.relative_to(ROOT).with_suffix("").parts[:-1]
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = ".".join(package[: len(package) - node.level + 1])
                found.append((node.lineno, f"{base}.{node.module}" if node.module else base))
            else:
                found.append((node.lineno, node.module or ""))
    return found


def violations(package: str, allowed: object) -> list[str]:
    """ "path:line module" for each import in `package` whose top-level name `allowed` refuses."""
    bad = []
    for path in sorted((ROOT / package).rglob("*.py")):
        for line, module in imports_of(path):
            top = module.split(".")[0]
            if not allowed(top):  # type: ignore[operator]
                bad.append(f"{path.relative_to(ROOT)}:{line} {module}")
    return bad


def domain_violations() -> list[str]:
    return violations(
        "domain",
        lambda top: top == "domain" or top in THIRD_PARTY_FOR_DOMAIN or top in sys.stdlib_module_names,
    )


def pure_violations(package: str) -> list[str]:
    return violations(package, lambda top: top not in ABOVE_PURE)


def data_access_violations() -> list[str]:
    return violations("data_access", lambda top: top not in ABOVE_DATA_ACCESS)


def test_the_packages_checked_exist() -> None:
    assert {"domain", "data_access", *PURE_PACKAGES} <= OURS
    assert {"services", "ui", "views"} <= OURS


def test_the_check_finds_an_import_it_refuses() -> None:
    assert violations("views", lambda top: top != "streamlit")  # every page imports Streamlit
    assert any(module == "streamlit" for _, module in imports_of(ROOT / "ui" / "data.py"))


def test_domain_imports_only_the_standard_library_pandas_numpy_and_pyarrow() -> None:
    assert domain_violations() == []


@pytest.mark.parametrize("package", PURE_PACKAGES)
def test_pure_packages_import_no_streamlit_and_nothing_above_them(package: str) -> None:
    assert pure_violations(package) == []


def test_data_access_imports_nothing_from_kpis_or_above() -> None:
    assert data_access_violations() == []


def _type_checking_lines(path: Path) -> set[int]:
    """Lines inside `if TYPE_CHECKING:` blocks (imports for annotations only)."""
    lines: set[int] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.If) and isinstance(node.test, ast.Name) and node.test.id == "TYPE_CHECKING":
            for child in node.body:
                lines.update(range(child.lineno, (child.end_lineno or child.lineno) + 1))
    return lines


def presentation_violations() -> list[str]:
    """presentation/ turns figures into words for the pages and the pack: no Streamlit, nothing
    from ui/, views/ or data_access/, and services/ (whose page models use it) only to name the
    Overview model's types in annotations."""
    bad = []
    for path in sorted((ROOT / "presentation").rglob("*.py")):
        typing_only = _type_checking_lines(path)
        for line, module in imports_of(path):
            top = module.split(".")[0]
            if top in {"streamlit", "ui", "views", "data_access"} or (
                top == "services" and line not in typing_only
            ):
                bad.append(f"{path.relative_to(ROOT)}:{line} {module}")
    return bad


def test_presentation_is_below_the_page_models() -> None:
    assert presentation_violations() == []


def test_type_checking_lines_are_found(tmp_path: Path) -> None:
    sample = tmp_path / "sample.py"
    sample.write_text(
        "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from services.x import Y\nimport os\n"
    )
    assert _type_checking_lines(sample) == {3}
