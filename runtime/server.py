"""Serve a Streamlit script after warming up, so the first visitor does not pay for it.

    python serve.py [SCRIPT] [streamlit run options ...]      (SCRIPT defaults to app.py)

`streamlit run app.py` starts accepting connections at once and leaves the imports (pandas,
SQLAlchemy, Alembic, SciPy, Altair, our modules: about 1.5 s) and the database preparation
(connect, migration check) to the first session. This entry does both BEFORE it hands over
to Streamlit's own command line, in the same process, so they are done when the server
reports healthy. `make run` and the benchmark (bench/browser.py, for every app it measures,
the empty app included) start servers this way; the benchmark also records the time from
process start to healthy, so the warm-up is reported, not hidden.

The warm-up is runtime.warmup.warm_imports (the script's own top-level imports; for app.py also
the default page's, while every other page's come at its first run) and, for app.py, ui.data.get_engine() and what a new session's Overview
asks for, computed into the app's result cache (ui.data.cached): the default views
(services.single_view.default_view_filters, which also load the base aggregates that every
later filter change reuses), the sidebar's lists and the meeting summary's actions. A
database that cannot be reached does not stop the server: the first session shows the
app's own "database unavailable" page.
"""

from __future__ import annotations

import logging
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
APP = ROOT / "app.py"


def _split(argv: list[str]) -> tuple[str, list[str]]:
    if argv and not argv[0].startswith("-"):
        return argv[0], argv[1:]
    return "app.py", argv


def _no_runtime_warning(record: logging.LogRecord) -> bool:
    return "No runtime found" not in record.getMessage()


def warm_up(script: str) -> str:
    """Import what `script` needs (and prepare the database for app.py); a one-line summary."""
    started = time.perf_counter()
    # Decorating st.cache_data functions before the runtime exists logs a harmless warning.
    caching_log = logging.getLogger("streamlit.runtime.caching.cache_data_api")
    caching_log.addFilter(_no_runtime_warning)
    try:
        from runtime.warmup import app_with_default_page, warm_imports

        path = (ROOT / script).resolve()
        warm_imports(app_with_default_page() if path == APP else [path])
    finally:
        caching_log.removeFilter(_no_runtime_warning)
    # Streamlit asks once per process, at the first element, whether it runs in a REPL:
    # inspect.stack() then indexes every loaded module's file (~175 ms with ours loaded).
    # Indexed here, the first session's check takes a few ms.
    from streamlit import env_util

    from i18n import load_catalog

    load_catalog()  # the message catalogues, read once per process

    env_util.is_repl()
    imported = time.perf_counter()
    database = "not needed"
    if (ROOT / script).resolve() == APP:
        try:
            from ui.data import get_engine

            engine = get_engine()  # st.cache_resource: the sessions reuse this engine
            database = f"ready in {time.perf_counter() - imported:.2f} s"
            database += _warm_default_view(engine)
        except Exception as exc:  # noqa: BLE001 - the app reports it to the first visitor
            database = f"not ready ({type(exc).__name__}); the app will retry"
        from runtime.warmup import freeze_now

        freeze_now()  # what the warm-up made (cached views, base aggregates) too, not at the first visit
    return f"warm-up: imports {imported - started:.2f} s, database {database}"


def _warm_default_view(engine: object) -> str:
    """Compute the Overview a new session opens with (and with it the base aggregates every
    filter change reuses) into the app's result cache (ui.data.cached, st.cache_data), so
    the first visitor does not wait for it."""
    started = time.perf_counter()
    # st.cache_data before the runtime exists logs a harmless warning (it keeps the cache).
    caching_log = logging.getLogger("streamlit.runtime.caching.cache_data_api")
    caching_log.addFilter(_no_runtime_warning)
    try:
        from data_access.reference import (
            load_categories,
            load_departments,
            load_month_bounds,
            load_projects_list,
        )
        from data_access.role_settings import load_role_emails
        from data_access.steering import load_actions
        from i18n import LANGUAGES
        from i18n.format import format_month
        from services.single_view import compute_meeting_views, default_view_filters
        from ui.data import cached
        from ui.organisation import organisation
        from ui.survey import survey_min_group

        min_group = survey_min_group().value
        wanted = default_view_filters(
            engine=engine, fiscal_year_start_month=organisation().fiscal_year_start_month
        )
        # The default view and the month before it, as the Overview asks for them.
        cached(compute_meeting_views, filters=wanted[0], min_group=min_group)
        # The rest of a first Overview run, the same calls as ui.filters, ui.auth and the page:
        for loader in (
            load_month_bounds,
            load_departments,
            load_projects_list,
            load_categories,
            load_role_emails,
        ):
            cached(loader)
        cached(load_actions, up_to_month=wanted[0].as_of)
        for language in LANGUAGES:  # Babel reads a locale's data at its first use (~70 ms)
            format_month(wanted[0].as_of, language)
    except Exception as exc:  # noqa: BLE001 - the first session computes it and reports errors
        return f", default view not computed ({type(exc).__name__})"
    finally:
        caching_log.removeFilter(_no_runtime_warning)
    return f", default view ({wanted[0].as_of:%Y-%m}) in {time.perf_counter() - started:.2f} s"


def _secrets_files(options: list[str]) -> list[Path]:
    """The secrets files Streamlit will read: --secrets.files=A[,B] if given, else the default."""
    for option in options:
        if option.startswith("--secrets.files="):
            return [Path(part) for part in option.split("=", 1)[1].strip("[]").split(",") if part.strip()]
    from services.settings import SECRETS_PATH

    return [SECRETS_PATH]


def check_settings(options: list[str]) -> list[str]:
    """Refuse to start on a bad or missing setting (exit 2, the setting named, never its value);
    with sign-in from the environment, the options that give Streamlit its secrets file."""
    import os

    from services.settings import EXIT_CONFIG, problems, read_secrets, runtime_secrets_file

    files = _secrets_files(options)
    found = problems(os.environ, read_secrets(files))
    if found:
        for line in found:
            print(f"configuration error: {line}", file=sys.stderr, flush=True)
        raise SystemExit(EXIT_CONFIG)
    runtime = runtime_secrets_file(os.environ, files)
    if runtime is None:
        return options
    import atexit
    import shutil

    atexit.register(shutil.rmtree, runtime.parent, True)  # it holds secrets: gone with the process
    kept = [option for option in options if not option.startswith("--secrets.files=")]
    return [*kept, f"--secrets.files={runtime}"]


def main(argv: list[str] | None = None) -> None:
    script, options = _split(list(sys.argv[1:] if argv is None else argv))
    options = check_settings(options)
    from runtime.memory import pool_in_use, use_system_allocator

    use_system_allocator()  # before the warm-up allocates: see runtime/memory.py
    summary = warm_up(script)
    print(f"{summary}, Arrow memory pool {pool_in_use()}", file=sys.stderr, flush=True)
    from streamlit.web import cli

    cli.main(args=["run", script, *options], prog_name="streamlit")


if __name__ == "__main__":
    main()
