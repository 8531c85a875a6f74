"""Moved to presentation.summary; this alias keeps the old import path until the branches that use it are merged."""

import sys

import presentation.summary as _moved

sys.modules[__name__] = _moved
