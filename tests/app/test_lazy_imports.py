"""The export libraries stay out of memory until someone downloads a file (issue #11).

Runs in a subprocess so the test session's own imports (the report tests load openpyxl,
python-pptx, fpdf2) cannot hide a page that imports them at its top.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
# scipy.stats: kpis.trust needs only scipy.special (about 46 MB less per server).
EXPORT_LIBRARIES = ("vl_convert", "pptx", "fpdf", "openpyxl", "scipy.stats")
# Only to change a schema: a server whose database is at the code's head never loads it (issue #23).
MIGRATION_LIBRARIES = ("alembic", "mako")

_PROBE = """
import json, sys
from streamlit.testing.v1 import AppTest
from runtime.warmup import warm_imports
warm_imports()
after_warmup = sorted(m for m in {libs} if m in sys.modules)
at = AppTest.from_file("app.py", default_timeout=120)
at.secrets = {{"tests": {{"secrets_file": "none"}}}}
at.run()
errors = [str(e.value) for e in at.exception]
metrics = len(at.metric)
after_overview = sorted(m for m in {libs} if m in sys.modules)
print(json.dumps({{"warmup": after_warmup, "overview": after_overview, "errors": errors, "metrics": metrics}}))
"""


def _probe(database_url: str, code: str | None = None) -> dict:
    """Run `code` (default: the export libraries' probe) in a fresh interpreter on the
    database; the JSON it prints last."""
    code = code or _PROBE.format(libs=repr(EXPORT_LIBRARIES + MIGRATION_LIBRARIES))
    env = os.environ | {"DATABASE_URL": database_url}
    env.pop("SEED_DEMO", None)
    done = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_the_overview_renders_without_the_export_libraries(demo_sqlite_url: str) -> None:
    result = _probe(demo_sqlite_url)
    assert result["errors"] == []
    assert result["metrics"] > 0  # the Overview really rendered its tiles
    assert result["warmup"] == []
    assert result["overview"] == []


def test_a_download_imports_its_library_on_demand() -> None:
    code = (
        "import sys, pandas as pd\n"
        "from runtime.warmup import import_locked\n"
        "before = 'openpyxl' in sys.modules\n"
        "data = import_locked('reports.tables').to_xlsx_bytes({'t': pd.DataFrame({'a': [1]})}, lang='en')\n"
        "print(before, 'openpyxl' in sys.modules, data[:2] == b'PK')\n"
    )
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert done.stdout.split() == ["False", "True", "True"]


def test_lazy_imports_from_many_threads_at_once_get_complete_modules() -> None:
    code = (
        "import threading\n"
        "from runtime.warmup import import_locked\n"
        "names = ['reports.tables', 'reports.pptx_pack', 'reports.pdf_pack'] * 4\n"
        "got, errors = [], []\n"
        "def run(name):\n"
        "    try:\n"
        "        module = import_locked(name)\n"
        "        got.append(callable(getattr(module, 'to_xlsx_bytes', None) or getattr(module, 'build_pptx', None)\n"
        "                   or getattr(module, 'build_pdf', None)))\n"
        "    except Exception as exc:\n"
        "        errors.append(repr(exc))\n"
        "threads = [threading.Thread(target=run, args=(n,)) for n in names]\n"
        "[t.start() for t in threads]; [t.join() for t in threads]\n"
        "print(len(got), all(got), errors)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "12 True []"


def test_warm_up_takes_the_imported_modules_out_of_the_collectors_view() -> None:
    """Streamlit's full collection after every run must not walk the imported libraries."""
    code = (
        "import gc\n"
        "from runtime.warmup import warm_imports\n"
        "before = gc.get_freeze_count()\n"
        "warm_imports()\n"
        "print(before, gc.get_freeze_count() > 100_000)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert done.stdout.split() == ["0", "True"]  # about 200,000 objects: a 100–250 ms walk each run


def test_the_first_session_on_a_warmed_up_server_freezes_what_the_server_made() -> None:
    code = (
        "import gc\n"
        "import runtime.warmup as w\n"
        "w.warm_imports()\n"  # serve.py: before the server exists
        "after_warmup = gc.get_freeze_count()\n"
        "made_by_server = [[i] for i in range(5000)]\n"
        "w.warm_imports()\n"  # AppTest or a script: no server, no second freeze
        "unchanged = gc.get_freeze_count() == after_warmup\n"
        "w._server_running = lambda: True\n"
        "w.warm_imports(); once = gc.get_freeze_count()\n"  # the first session's run
        "w.warm_imports()\n"
        "print(unchanged, once >= after_warmup + 5000, gc.get_freeze_count() == once)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert done.stdout.split() == ["True", "True", "True"]


_PAGE_PROBE = """
import json, sys
from streamlit.testing.v1 import AppTest
from runtime.warmup import app_with_default_page, warm_imports
warm_imports(app_with_default_page())  # what serve.py does for app.py
at = AppTest.from_file("app.py", default_timeout=120)
at.secrets = {"tests": {"secrets_file": "none"}}
at.run()
overview = {"errors": [str(e.value) for e in at.exception], "metrics": len(at.metric),
            "altair": "altair" in sys.modules, "title": at.title[0].value}
at.switch_page("views/budget.py").run()
budget = {"errors": [str(e.value) for e in at.exception], "metrics": len(at.metric), "title": at.title[0].value,
          "altair": "altair" in sys.modules}
print(json.dumps({"overview": overview, "budget": budget}))
"""


def test_the_overview_server_leaves_the_chart_library_to_the_pages_that_draw_charts(
    demo_sqlite_url: str,
) -> None:
    """A server of app.py imports the frame and the Overview before its first session; the
    Overview runs without Altair (issue #23: a lean server), and the Budget page, at its first
    run, imports what it needs itself (under the warm-up lock) and draws its charts."""
    result = _probe(demo_sqlite_url, _PAGE_PROBE)
    assert result["overview"]["errors"] == []
    assert result["overview"]["altair"] is False
    assert result["overview"]["metrics"] >= 10
    assert result["budget"]["errors"] == []
    assert result["budget"]["altair"] is True
    assert result["budget"]["metrics"] > 0
    assert result["budget"]["title"] != result["overview"].get("title")


def test_every_registry_page_is_found_from_its_navigation_entry() -> None:
    """app.py warms a page's imports from st.navigation's choice (ui.navigation.page_file),
    matched on the URL path, which st.navigation gives the default page as ""."""
    from types import SimpleNamespace

    from ui.navigation import PAGES, page_file
    from ui.navigation import ROOT as APP_ROOT

    for spec in PAGES:
        assert page_file(SimpleNamespace(url_path=spec.url_path)) == APP_ROOT / spec.path, spec.path
    assert page_file(SimpleNamespace(url_path="no-such-page")) is None
