"""serve.py: the app's modules and database are ready before the server accepts connections."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from bench.browser import server
from runtime.memory import POOL_VARIABLE

ROOT = Path(__file__).resolve().parents[2]


def test_serve_warms_up_before_it_listens(demo_sqlite_url: str, tmp_path: Path) -> None:
    # The benchmark's server: `python serve.py app.py ...`, as `make run` starts the app.
    with server("app.py", database_url=demo_sqlite_url, log_dir=tmp_path) as started:
        text = started.log_path.read_text()
        port = started.base_url.rsplit(":", 1)[1]
    warm = text.index("warm-up: imports")
    summary = text[warm:].splitlines()[0]
    assert "database ready in" in summary and "default view (" in summary
    assert summary.endswith("Arrow memory pool system")  # runtime.memory, before the warm-up
    assert warm < text.index(f":{port}")  # before Streamlit announces where it listens
    assert "No runtime found" not in text


def test_serve_passes_the_script_and_options_on() -> None:
    from runtime.server import _split

    assert _split(["--server.port=1"]) == ("app.py", ["--server.port=1"])
    assert _split(["bench/empty_app.py", "--server.port=1"]) == ("bench/empty_app.py", ["--server.port=1"])


def _pool_in_fresh_process(environ: dict[str, str], *, arrow_first: bool = False) -> tuple[bool, str]:
    """Whether use_system_allocator loaded pyarrow, and Arrow's pool once it is loaded."""
    code = (
        ("import pyarrow; " if arrow_first else "")
        + "import sys; from runtime.memory import use_system_allocator; use_system_allocator(); "
        "loaded = 'pyarrow' in sys.modules; import pyarrow as pa; "
        "print(loaded, pa.default_memory_pool().backend_name)"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=environ, capture_output=True, text=True, check=True
    )
    loaded, pool = done.stdout.split()
    return loaded == "True", pool


def _environ_without_a_pool() -> dict[str, str]:
    return {key: value for key, value in os.environ.items() if key != POOL_VARIABLE}


def test_the_server_gives_arrow_the_system_allocator_without_loading_it() -> None:
    environ = _environ_without_a_pool()
    code = "import pyarrow as pa; print(pa.default_memory_pool().backend_name)"
    wheel_default = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=environ, capture_output=True, text=True, check=True
    ).stdout.strip()
    assert wheel_default != "system"  # else there is nothing to change
    assert _pool_in_fresh_process(environ) == (False, "system")  # the empty app never loads it
    assert _pool_in_fresh_process(environ, arrow_first=True) == (True, "system")  # loaded before


@pytest.mark.parametrize("chosen", ["mimalloc", "jemalloc"])
def test_an_operators_choice_of_arrow_pool_is_kept(chosen: str) -> None:
    # Both pools are in the pinned pyarrow wheel (requirements.txt).
    environ = _environ_without_a_pool() | {POOL_VARIABLE: chosen}
    assert _pool_in_fresh_process(environ) == (False, chosen)
    assert _pool_in_fresh_process(environ, arrow_first=True) == (True, chosen)


def test_the_pool_in_use_is_told_without_loading_arrow() -> None:
    code = (
        "import sys; from runtime.memory import pool_in_use; print(pool_in_use(), 'pyarrow' in sys.modules)"
    )
    done = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=_environ_without_a_pool(),
        capture_output=True,
        text=True,
        check=True,
    )
    assert done.stdout.split() == ["not", "loaded", "False"]
