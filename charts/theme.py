"""The organisation's colours, shared by the screen charts and the exported pack."""

from __future__ import annotations

PRIMARY = "#0F5C6E"  # deep teal, as in .streamlit/config.toml
TEXT = "#1F2933"
MUTED = "#6B7785"
GRID = "#E4E8EC"

RAG_COLORS = {"green": "#2E7D32", "amber": "#E0A100", "red": "#C62828"}

# Departments are data: colours are handed out in code order, the known ones kept stable.
KNOWN_DEPARTMENT_COLORS = {"MKT": "#D9731A", "IT": "#0F5C6E"}
DEPARTMENT_PALETTE = ["#7B5EA7", "#3C8D5A", "#B5485D", "#4F7CAC", "#8C6D46", "#5E6B75"]


def department_colors(codes: list[str]) -> dict[str, str]:
    """A stable colour per department code; unknown departments take palette colours in order."""
    colors: dict[str, str] = {}
    spare = iter(DEPARTMENT_PALETTE * (len(codes) // len(DEPARTMENT_PALETTE) + 1))
    for code in sorted(codes):
        colors[code] = KNOWN_DEPARTMENT_COLORS.get(code) or next(spare)
    return colors
