"""python -m data_access.demo: seed demo data (see data_access.demo.cli)."""

from data_access.demo import main

raise SystemExit(main())
