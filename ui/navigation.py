"""The page registry: every page with the right it needs; navigation shows only what the role may use.

Add a page with one PageSpec line. Hiding is not protection: each page also calls
`require(right)` itself (tests/views/test_auth_pages.py checks both for every entry).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import streamlit as st
from streamlit.navigation.page import StreamlitPage

from access.roles import EDIT_DATA, MANAGE_ROLES, READ, RESPOND, RUN_PULSE, User
from ui.i18n import t


@dataclass(frozen=True)
class PageSpec:
    path: str
    title_key: str
    icon: str
    right: str
    default: bool = False
    heading_key: str | None = None  # the page's own title when it differs from the menu entry
    url: str | None = None  # the URL path when it differs from the file's stem

    @property
    def heading(self) -> str:
        return self.heading_key or self.title_key

    @property
    def url_path(self) -> str:
        """The page's URL path: "" for the default page, else `url` or the file's stem."""
        if self.default:
            return ""
        return self.url or Path(self.path).stem


PAGES: tuple[PageSpec, ...] = (
    PageSpec("views/overview.py", "nav.overview", ":material/dashboard:", READ, default=True),
    PageSpec("views/budget.py", "nav.budget", ":material/payments:", READ, heading_key="budget.title"),
    PageSpec("views/projects.py", "nav.projects", ":material/groups:", READ, heading_key="projects.title"),
    PageSpec("views/trust.py", "nav.trust", ":material/handshake:", READ, heading_key="trust.title"),
    PageSpec("views/health.py", "nav.health", ":material/hub:", READ, heading_key="health.title"),
    PageSpec("views/whatif.py", "nav.whatif", ":material/science:", READ, heading_key="whatif.title"),
    PageSpec("views/steering.py", "nav.steering", ":material/gavel:", READ, heading_key="steering.title"),
    PageSpec(
        "views/catalogue.py", "nav.catalogue", ":material/menu_book:", READ, heading_key="catalogue.title"
    ),
    PageSpec("views/pulse.py", "nav.pulse", ":material/ecg_heart:", RUN_PULSE, heading_key="pulse.title"),
    PageSpec(
        "views/pulse_answer.py",
        "nav.pulse_answer",
        ":material/rate_review:",
        RESPOND,
        heading_key="pulse_answer.title",
    ),
    PageSpec(
        "views/import_data.py",
        "nav.import",
        ":material/upload_file:",
        EDIT_DATA,
        heading_key="importer.title",
        url="import",
    ),
    PageSpec("views/role_settings.py", "nav.role_settings", ":material/admin_panel_settings:", MANAGE_ROLES),
    PageSpec(
        "views/organisation.py",
        "nav.organisation",
        ":material/corporate_fare:",
        MANAGE_ROLES,
        heading_key="orgsettings.title",
    ),
)


def visible_pages(user: User, pages: tuple[PageSpec, ...] = PAGES) -> list[PageSpec]:
    """The pages `user` may open, in registry order."""
    return [page for page in pages if user.may(page.right)]


ROOT = Path(__file__).resolve().parent.parent


def page_file(page: StreamlitPage) -> Path | None:
    """The file of the registry's page that st.navigation chose (None for a page not in it);
    both give the default page the URL path ""."""
    return next((ROOT / spec.path for spec in PAGES if spec.url_path == page.url_path), None)


def build_navigation(user: User) -> StreamlitPage:
    """st.navigation over the pages the user may open (only those can be reached by URL)."""
    return st.navigation(
        [
            st.Page(
                page.path,
                title=t(page.title_key),
                icon=page.icon,
                default=page.default,
                url_path=None if page.default else page.url_path,
            )
            for page in visible_pages(user)
        ]
    )


def scroll_to_top_on_page_change() -> None:
    """Open every page at its top.

    Streamlit keeps the main area's scroll offset when another page opens: the new page's
    elements replace the old ones in place, so a link followed from far down the Overview
    could land on its detail scrolled out of view (tests/browser/test_meeting_browser.py, 1 in
    5 runs with the Overview's sparklines as images). Streamlit puts each page's address in the
    browser's history when it opens; this script, a constant, wraps that once per browser tab
    and scrolls the main area to the top when the path changes (a filter change only changes
    the query, so the place on the page is kept)."""
    with st.sidebar:
        st.html(
            """<script>
(() => {
  if (window.alignmentScrollsToTop) return;
  window.alignmentScrollsToTop = true;
  let shown = location.pathname;
  const onChange = () => {
    if (location.pathname === shown) return;
    shown = location.pathname;
    document.querySelector('[data-testid="stMain"]')?.scrollTo({top: 0, left: 0, behavior: "instant"});
  };
  for (const name of ["pushState", "replaceState"]) {
    const original = history[name];
    history[name] = function (...args) {
      const result = original.apply(this, args);
      onChange();
      return result;
    };
  }
})();
</script>""",
            unsafe_allow_javascript=True,
        )
