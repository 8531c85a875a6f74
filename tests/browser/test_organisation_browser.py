"""Browser: the page "Organisation" takes a logo upload (what AppTest cannot do): a GIF named
.png is refused and nothing is saved; a PNG is saved, previewed and shown in the sidebar."""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path

import pytest

from data_access.engine import create_db_engine
from data_access.organisation import load_organisation_settings
from tests.browser.harness import streamlit_server, wait_for_app

pytestmark = pytest.mark.browser


@pytest.fixture
def own_app(tmp_path: Path, browser) -> Iterator[tuple[str, str]]:
    """A server of its own (the settings saved here must not reach the other browser tests)."""
    database_url = f"sqlite:///{tmp_path / 'org.db'}"
    with streamlit_server(database_url=database_url, log_dir=tmp_path, port=None) as url:
        yield url, database_url


def _image(kind: str) -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (120, 40), (0, 94, 184)).save(buffer, format=kind)
    return buffer.getvalue()


def _upload(page, path: Path) -> None:
    """Choose the file and wait until the uploader holds it (the upload's own rerun may not
    have started yet when the script state first reads "not running")."""
    page.locator("input[type=file]").set_input_files(str(path))
    page.locator("[data-testid='stFileUploader']").get_by_text(path.name, exact=True).wait_for()
    wait_for_app(page)


def _save(page) -> None:
    page.get_by_role("button", name="Save").click()
    wait_for_app(page)


def test_a_logo_upload_is_checked_saved_and_shown(page, own_app, tmp_path: Path, output_dir: Path) -> None:
    url, database_url = own_app
    page.goto(f"{url}/organisation?lang=en")
    wait_for_app(page)
    disguised = tmp_path / "logo.png"
    disguised.write_bytes(_image("GIF"))
    _upload(page, disguised)
    _save(page)
    error = page.locator("[data-testid='stAlertContentError']").first.inner_text()
    assert "Nothing was saved" in error and "The logo is not a PNG or JPEG file." in error
    engine = create_db_engine(database_url)
    try:
        assert load_organisation_settings(engine=engine) is None

        real = tmp_path / "real.png"
        real.write_bytes(_image("PNG"))
        _upload(page, real)
        _save(page)
        page.get_by_text("The organisation settings have been saved.").wait_for()
        stored = load_organisation_settings(engine=engine)
        assert stored is not None and stored.logo == real.read_bytes()
        assert stored.logo_media_type == "image/png"
    finally:
        engine.dispose()
    wait_for_app(page)
    page.locator("[data-testid='stImage']").first.wait_for()  # the preview
    page.locator("[data-testid='stSidebarLogo']").first.wait_for()  # on every page
    assert page.locator("[data-testid='stException']").count() == 0
    page.screenshot(path=str(output_dir / "organisation_logo_en.png"))
