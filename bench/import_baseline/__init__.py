"""A frozen copy of the importer's validate, store and pipeline modules as they were before
issue #23's bulk path (commit 3ff60b5): the baseline that `python -m bench --only import`
measures the current importer against, in the same run. Reading and the schema are shared.

Never used by the app; do not fix or restyle it (it must stay what was measured).
"""

from bench.import_baseline.pipeline import run_import

__all__ = ["run_import"]
