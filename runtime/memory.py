"""Which allocator Arrow uses in the server.

Since pandas 3 every text column is an Arrow array, and Arrow allocates its buffers from its
own memory pool; the pyarrow wheel's default pool is mimalloc. mimalloc gives each thread its
own heap and keeps the pages a thread freed for that thread. Streamlit runs every rerun in a
new script thread, so the pages of earlier reruns stay with threads that no longer allocate.
The C library's allocator (the "system" pool) hands freed memory to whichever thread asks
next.

Measured (bench data, 2,000 projects and 1.2 million budget lines; one server; Chromium
changes the Overview's as-of month ten times; bench/NOTES.md, stop 35): the server's peak
resident memory 331-334 MB with mimalloc, 273-275 MB with the system pool; with 99,000
budget lines 215 and 206 MB.

An operator who sets ARROW_DEFAULT_MEMORY_POOL (Arrow's own variable, read when pyarrow
loads) keeps that choice. The choice is made through that variable, before pyarrow loads, so a
server whose script never needs Arrow (the benchmark's empty app) does not load it for this:
pyarrow alone is about 36 MB of resident memory.
"""

from __future__ import annotations

import os
import sys
from collections.abc import MutableMapping

POOL_VARIABLE = "ARROW_DEFAULT_MEMORY_POOL"


def use_system_allocator(environ: MutableMapping[str, str] | None = None) -> str:
    """Make the C library's allocator Arrow's default pool, unless the environment names a
    pool; the name of the pool chosen. Arrow reads the variable when it loads; when it is
    loaded already, its pool is set directly."""
    environ = os.environ if environ is None else environ
    chosen = environ.get(POOL_VARIABLE)
    if chosen:
        return chosen
    if "pyarrow" in sys.modules:  # too late for the variable
        import pyarrow as pa

        pa.set_memory_pool(pa.system_memory_pool())
        return pa.default_memory_pool().backend_name
    environ[POOL_VARIABLE] = "system"
    return "system"


def pool_in_use() -> str:
    """Arrow's default pool now, or "not loaded" when nothing has loaded pyarrow."""
    if "pyarrow" not in sys.modules:
        return "not loaded"
    import pyarrow as pa

    return pa.default_memory_pool().backend_name
