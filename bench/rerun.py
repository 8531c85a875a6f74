"""Rerun time after a filter change, measured with Streamlit's AppTest.

Every page of app.py's navigation, the empty app (the floor) and the naive app get the
same number of filter changes, interleaved change by change in one process so that each
sees the same warm or cold machine. Each page gets filter values no other target used
before: st.cache_data is process-wide, so a repeated value would measure a cache hit.
What is measured is therefore the cold-cache rerun after a filter change.
"""

from __future__ import annotations

import datetime as dt
import itertools
import os
import random
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from streamlit.testing.v1 import AppTest

from data_access.engine import create_db_engine
from data_access.reference import load_departments, load_month_bounds
from domain.months import add_months

ROOT = Path(__file__).resolve().parent.parent
APP = ROOT / "app.py"
EMPTY_APP = ROOT / "bench" / "empty_app.py"
NAIVE_APP = ROOT / "bench" / "naive_app.py"
FLOOR = "(empty app: floor)"
NAIVE = "(naive: whole tables)"
STATUS_SUBSETS: tuple[tuple[str, ...], ...] = ((), ("active",), ("active", "on_hold"), ("active", "done"))
TIMEOUT_S = 600


def page_url_path(page: str) -> str:
    """The URL path of a page: "" for the default page, else the registry's url_path (the file's stem unless set)."""
    from ui.navigation import PAGES

    for spec in PAGES:
        if spec.path == page:
            return spec.url_path
    return Path(page).stem


def discover_pages() -> list[str]:
    """Every page of the app's page registry (ui/navigation.PAGES) that the app in local mode
    (how the benchmark runs it) shows, the default page first. The respondents' questionnaire
    is left out: it is only there for a signed-in person invited to an open pulse wave."""
    from access.roles import LOCAL_USER
    from ui.navigation import PAGES

    shown = [spec for spec in PAGES if LOCAL_USER.may(spec.right)]
    return [spec.path for spec in sorted(shown, key=lambda spec: not spec.default)]


def filter_values(database_url: str, count: int, *, seed: int = 11) -> list[dict[str, object]]:
    """`count` distinct settings of the global filters' widget keys, in a fixed shuffled order.

    As-of months cycle over the last twelve months with actuals, departments over the empty set, each single department and the first two, statuses
    over a few subsets.
    """
    engine = create_db_engine(database_url)
    try:
        _, _, last_actual = load_month_bounds(engine=engine)
        codes = list(load_departments(engine=engine)["code"])
    finally:
        engine.dispose()
    last = last_actual or dt.date.today().replace(day=1)
    months = [add_months(last, -i) for i in range(12)]
    department_sets = [(), *[(c,) for c in codes], tuple(codes[:2])]
    combos = list(itertools.product(months, list(dict.fromkeys(department_sets)), STATUS_SUBSETS))
    random.Random(seed).shuffle(combos)
    if count > len(combos):
        raise ValueError(f"at most {len(combos)} distinct filter values")
    # The period start (f_from) is left to the app: its options depend on the as-of month
    # of the run before, so AppTest rejects a value that was not offered then.
    return [
        {
            "f_as_of": as_of,
            "f_departments": list(departments),
            "f_statuses": list(statuses),
        }
        for as_of, departments, statuses in combos[:count]
    ]


@dataclass
class Target:
    """One thing whose reruns are timed: a page of the app, the floor or the naive app."""

    name: str
    script: Path
    page: str | None = None
    times: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    app: AppTest | None = None

    def open(self) -> None:
        self.app = AppTest.from_file(str(self.script), default_timeout=TIMEOUT_S)
        self.app.run()
        if self.page is not None:
            self.app.switch_page(self.page).run()
        self._check()

    def rerun(self, values: dict[str, object]) -> float:
        assert self.app is not None
        for key, value in values.items():
            self.app.session_state[key] = value
        started = time.perf_counter()
        self.app.run()
        elapsed = time.perf_counter() - started
        self._check()
        self.times.append(elapsed)
        return elapsed

    def _check(self) -> None:
        assert self.app is not None
        if self.app.exception:
            self.errors.append("; ".join(str(e.value)[:200] for e in self.app.exception))


@contextmanager
def database(url: str) -> Iterator[None]:
    """Point the app (ui/data.py reads DATABASE_URL on every call) at `url` for a while."""
    before = os.environ.get("DATABASE_URL")
    os.environ["DATABASE_URL"] = url
    try:
        yield
    finally:
        if before is None:
            os.environ.pop("DATABASE_URL", None)
        else:
            os.environ["DATABASE_URL"] = before


def measure_reruns(
    database_url: str,
    *,
    pages: list[str],
    changes: int,
    include_floor: bool = True,
    include_naive: bool = True,
    seed: int = 11,
    log: Callable[[str], None] = print,
) -> list[Target]:
    """Time `changes` filter changes on every target, interleaved; the targets with their times."""
    targets: list[Target] = []
    if include_floor:
        targets.append(Target(FLOOR, EMPTY_APP))
    targets += [Target(page, APP, page=page) for page in pages]
    if include_naive:
        targets.append(Target(NAIVE, NAIVE_APP))
    values = filter_values(database_url, changes * len(targets), seed=seed)
    with database(database_url):
        for target in targets:
            target.open()
        for change in range(changes):
            for number, target in enumerate(targets):
                elapsed = target.rerun(values[number * changes + change])
                log(f"  change {change + 1:>2}/{changes} {target.name:<28} {elapsed * 1000:8.1f} ms")
    return targets
