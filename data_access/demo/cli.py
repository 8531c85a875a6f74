"""The command line of the demo generator.

python -m data_access.demo [--scale demo|large] [--database-url URL] [--n-projects N]
"""

from __future__ import annotations

import argparse
import sys
import time

from sqlalchemy.exc import SQLAlchemyError

from data_access.demo.timeline import DEFAULT_SEED, SCALES
from data_access.demo.writer import seed_demo
from data_access.engine import (
    DatabaseUnavailable,
    create_db_engine,
    describe_url,
    resolve_database_url,
    upgrade_schema,
)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m data_access.demo",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--scale", choices=SCALES, default="demo", help="demo (25 projects) or large")
    parser.add_argument(
        "--database-url", help="SQLAlchemy URL; default from DATABASE_URL, secrets, or embedded"
    )
    parser.add_argument("--n-projects", type=int, help="projects of the large scale (default 2000)")
    parser.add_argument("--budget-lines", type=int, help="about this many budget lines (large scale)")
    parser.add_argument(
        "--seed", type=int, default=DEFAULT_SEED, help=f"random seed (default {DEFAULT_SEED})"
    )
    args = parser.parse_args(argv)
    if (args.n_projects is not None or args.budget_lines is not None) and args.scale == "demo":
        args.scale = "large"
    url = args.database_url or resolve_database_url().url
    started = time.perf_counter()
    try:
        engine = create_db_engine(url)
        upgrade_schema(engine)
        counts = seed_demo(
            engine,
            scale=args.scale,
            seed=args.seed,
            n_projects=args.n_projects,
            budget_lines_target=args.budget_lines,
        )
        engine.dispose()
    except (DatabaseUnavailable, ValueError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except SQLAlchemyError as exc:
        print(f"error: seeding {describe_url(url)} failed: {type(exc).__name__}", file=sys.stderr)
        return 1
    elapsed = time.perf_counter() - started
    if not counts:
        print(f"{describe_url(url)} already holds data; nothing seeded ({elapsed:.1f} s)")
        return 0
    width = max(len(name) for name in counts)
    for name, count in counts.items():
        print(f"{name:<{width}}  {count:>10,}")
    print(f"seeded {args.scale} data into {describe_url(url)} in {elapsed:.1f} s")
    return 0
