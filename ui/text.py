"""Text from data shown as text in Markdown places, in the session's language (see
presentation.markdown, where `md` lives: the page models escape with it too)."""

from __future__ import annotations

from presentation.markdown import md, translate_md
from ui.i18n import lang

__all__ = ["md", "tm"]


def tm(key: str, /, **params: object) -> str:
    """`t(key, **params)` for a Markdown place: every text parameter escaped with `md`."""
    return translate_md(key, lang(), **params)
