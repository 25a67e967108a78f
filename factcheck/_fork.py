"""Forked worker processes that send one result back through a pipe (the reader's parts of a big file,
factcheck._reference; half of a big claims file's claims, factcheck._run).

A worker does its part, writes its result to the pipe and leaves with ``os._exit`` (no clean-up of the
state it shares with its parent). The parent reads the pipe to its end, then reaps the worker: the
result counts only when the worker exited with status 0.
"""

from __future__ import annotations

import os


def cores() -> int:
    """The cores this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        return os.cpu_count() or 1


def collect(pid: int, fd: int) -> bytes | None:
    """All a worker wrote to the pipe ``fd``, once it has exited; None when it failed or wrote nothing."""
    status = -1
    try:
        with os.fdopen(fd, "rb") as inp:
            data = inp.read()
    except OSError:
        data = b""
    finally:
        try:
            _, status = os.waitpid(pid, 0)
        except OSError:  # reaped elsewhere (SIGCHLD ignored): the data, if whole, tells
            status = 0
    return data if status == 0 and data else None


def stop(pid: int, fd: int) -> None:
    """Kill a worker whose result is not wanted, and reap it."""
    import signal

    try:
        os.kill(pid, signal.SIGKILL)
    except OSError:
        pass
    try:
        os.close(fd)
    except OSError:
        pass
    try:
        os.waitpid(pid, 0)
    except OSError:
        pass
