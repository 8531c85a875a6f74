"""Text from data shown as text in the places Streamlit renders as Markdown (pure).

Streamlit renders Markdown (with KaTeX `$…$`, colour directives `:red[…]`, emoji shortcodes,
images and links) in widget labels, radio options, captions, subheaders, alerts and
`st.markdown`/`st.write`. Text from data (project names, goals, RAG reasons, department,
category and wave names, scenario names) goes into those places only through `md`, or
through `tm` for a message whose parameters come from data. Free text of any length is
better shown with `st.text` or in a dataframe, which never interpret it.
"""

from __future__ import annotations

import re

from i18n import translate

MARKDOWN_SPECIALS = frozenset("\\`*_[]<>#~$")  # meaningful anywhere in a line (links need "[")
DIRECTIVE = re.compile(r":(?=[A-Za-z/])")  # :red[…], :emoji:, :material/icon: (not "Name: text")
LINE_START = re.compile(r"^(\s*)([-+=>]|\d+[.)])")  # a list, heading rule or quote only at the start


def md(value: object) -> str:
    """`value` as Markdown source that shows exactly its characters (on one line).

    Plain names ("P-015 · Social listening") stay as they are, so they read the same in the
    page source; every construct that Markdown, KaTeX or Streamlit's directives would
    interpret is escaped with a backslash.
    """
    text = " ".join(str(value).splitlines())
    escaped = "".join(f"\\{char}" if char in MARKDOWN_SPECIALS else char for char in text)
    escaped = DIRECTIVE.sub(r"\\:", escaped)
    return LINE_START.sub(
        lambda m: m.group(1) + "".join(f"\\{c}" if not c.isdigit() else c for c in m.group(2)), escaped
    )


def translate_md(key: str, lang: str, /, **params: object) -> str:
    """`translate(key, lang, **params)` for a Markdown place: every text parameter escaped with `md`."""
    return translate(
        key, lang, **{name: md(value) if isinstance(value, str) else value for name, value in params.items()}
    )
