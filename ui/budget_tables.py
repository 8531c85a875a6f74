"""Moved to presentation.budget; this alias keeps the old import path until the branches that use it are merged."""

import sys

import presentation.budget as _moved

sys.modules[__name__] = _moved
