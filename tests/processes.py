"""Subprocesses that tests start are always stopped, with everything they started.

`run_group` runs a command in a process group of its own and, however the wait ends (done,
timeout, a failing assertion, Ctrl-C), terminates then kills the whole group: a server the
command started (serve.py, streamlit) cannot outlive the test.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
from collections.abc import Sequence
from pathlib import Path

BUSY_FACTOR = 4  # timeouts are sized for 2 busy cores: what takes 1 min idle may take 4


def stop_group(process: subprocess.Popen[bytes], *, grace_s: float = 10.0) -> None:
    """SIGTERM the process group, then SIGKILL whatever is left of it."""
    for sig in (signal.SIGTERM, signal.SIGKILL):
        try:
            os.killpg(process.pid, sig)
        except ProcessLookupError:
            break
        try:
            process.wait(timeout=grace_s)
        except subprocess.TimeoutExpired:
            continue
        if sig == signal.SIGTERM:
            with contextlib.suppress(ProcessLookupError):  # the leader exited; its children may not have
                os.killpg(process.pid, signal.SIGKILL)
        break
    if process.poll() is None:
        process.wait()


def run_group(
    command: Sequence[str], *, cwd: Path, timeout_s: float, log_path: Path, env: dict[str, str] | None = None
) -> int:
    """Run `command` to completion (its output into `log_path`); its return code.

    subprocess.TimeoutExpired after `timeout_s`, with the whole group stopped first.
    """
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            list(command), cwd=cwd, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )
    try:
        return process.wait(timeout=timeout_s)
    finally:
        stop_group(process)
