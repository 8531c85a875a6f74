"""serve.py: the app's modules and database are ready before the server accepts connections."""

from __future__ import annotations

from pathlib import Path

from bench.browser import server


def test_serve_warms_up_before_it_listens(demo_sqlite_url: str, tmp_path: Path) -> None:
    # The benchmark's server: `python serve.py app.py ...`, as `make run` starts the app.
    with server("app.py", database_url=demo_sqlite_url, log_dir=tmp_path) as started:
        text = started.log_path.read_text()
        port = started.base_url.rsplit(":", 1)[1]
    warm = text.index("warm-up: imports")
    summary = text[warm:].splitlines()[0]
    assert "database ready in" in summary and "default view (" in summary
    assert warm < text.index(f":{port}")  # before Streamlit announces where it listens
    assert "No runtime found" not in text


def test_serve_passes_the_script_and_options_on() -> None:
    from runtime.server import _split

    assert _split(["--server.port=1"]) == ("app.py", ["--server.port=1"])
    assert _split(["bench/empty_app.py", "--server.port=1"]) == ("bench/empty_app.py", ["--server.port=1"])
