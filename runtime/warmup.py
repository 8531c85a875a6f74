"""Import the app's modules once per process, one thread at a time, before any session runs.

A cold server that many users open at once runs app.py in many threads at the same moment;
their first imports of SQLAlchemy, pandas and our own modules then race, and some sessions
fail with "partially initialized module" ImportErrors. This module uses the standard library
only; it reads the import statements of app.py and every page file and imports those
modules under one lock, so later runs find them complete in sys.modules.

Heavy libraries that no page needs for its first render (the export libraries behind the
download buttons) are not imported by a page at its top: the code that needs them calls
`import_locked`, which imports under the same lock, so a lazy import made by a session
thread cannot race another session's.
"""

from __future__ import annotations

import ast
import gc
import importlib
import sys
import threading
from collections.abc import Iterable
from pathlib import Path
from types import ModuleType

ROOT = Path(__file__).resolve().parent.parent
_lock = threading.RLock()
_warm: set[Path] = set()
_server_frozen = False


def imported_modules(path: Path) -> list[str]:
    """The absolute module names a Python file imports at its top level, in file order."""
    names: list[str] = []
    for node in ast.parse(path.read_text(encoding="utf-8")).body:
        if isinstance(node, ast.Import):
            names += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.append(node.module)
    return names


APP = ROOT / "app.py"
DEFAULT_PAGE = ROOT / "views" / "overview.py"  # ui.navigation.PAGES' default page


def app_with_default_page() -> list[Path]:
    """What a server of app.py imports before its first session: the frame and the default
    page. Every other page's imports come at that page's first run (app.py calls
    `warm_imports([page])` before it runs the page), under the same lock: a server whose
    users stay on the Overview never loads Altair (about 30 MB), the charts' library."""
    return [APP, DEFAULT_PAGE]


def warm_imports(files: Iterable[Path] | None = None) -> None:
    """Import every module that `files` (default: app.py and views/*.py) import, once."""
    global _server_frozen  # noqa: PLW0603
    paths = list(files) if files is not None else [APP, *sorted((ROOT / "views").glob("*.py"))]
    if all(path in _warm for path in paths):
        if not _server_frozen:
            _freeze_server_once()
        return
    with _lock:
        collecting = gc.isenabled()
        gc.disable()  # a burst of long-lived objects: collecting during it is wasted (~0.3 s)
        try:
            for path in paths:
                if path in _warm:
                    continue
                for name in imported_modules(path):
                    try:
                        importlib.import_module(name)
                    except Exception:  # noqa: BLE001, S112 - the page's own import reports it properly
                        continue
                _warm.add(path)
        finally:
            if collecting:
                gc.enable()
        _freeze_imported()
        _server_frozen = _server_running()


def _freeze_imported() -> None:
    """Move the objects alive now (mostly the imported modules) out of the garbage collector's view.

    Streamlit runs a full collection after every script run (`runner.postScriptGC`); with
    pandas, SQLAlchemy, SciPy and Altair loaded it walked a few hundred MB of module objects
    each time: 150–250 ms per rerun under load, the bulk of a light page's rerun in a browser.
    Module-level objects live as long as the process, so the collector gains nothing by
    visiting them; what a run creates afterwards is still collected as before.
    """
    gc.collect()
    gc.freeze()


def freeze_now() -> None:
    """`_freeze_imported` now (serve.py, after its warm-up computed the default views): the
    first session's own freeze then has only what the server made since to look at."""
    with _lock:
        _freeze_imported()


def _freeze_server_once() -> None:
    """Freeze once more at the first session when the imports were done before the server started.

    serve.py warms up (and freezes) before Streamlit starts its web server; the server's own
    long-lived objects come after. Left in view they cost about 6 ms of collection per rerun.
    """
    global _server_frozen  # noqa: PLW0603
    if not _server_running():
        return  # not a server run (AppTest, a script): nothing started after the warm-up
    with _lock:
        if not _server_frozen:
            _server_frozen = True
            _freeze_imported()


def _server_running() -> bool:
    runtime = sys.modules.get("streamlit.runtime")
    return bool(runtime is not None and runtime.exists())


def import_locked(name: str) -> ModuleType:
    """`importlib.import_module(name)` under the warm-up lock (a lazy import from a session thread)."""
    module = sys.modules.get(name)
    if module is not None and not _initializing(module):
        return module
    with _lock:
        return importlib.import_module(name)


def _initializing(module: ModuleType) -> bool:
    spec = getattr(module, "__spec__", None)
    return bool(getattr(spec, "_initializing", False))
