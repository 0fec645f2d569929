# Copyright: contributors to veeam_em.core
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Log out of Enterprise Manager when ansible-rulebook is stopped with SIGINT (Ctrl-C) or SIGTERM.

ansible-rulebook's own handlers turn those signals into KeyboardInterrupt, which cancels its
sources, so that a source's `finally` logs out. But its rules engine runs in a JVM in the same
process, and the JVM, started after those handlers, puts its own over them: it ends the process
at once (exit status 130 or 143), no source is cancelled and every EM session stays open until
EM's idle timeout. So while a source runs, the event loop takes these signals first: every
running source logs out (each within its logout's own short limits), then the signal goes on
to the handler Python had for it (ansible-rulebook's, which stops the rulebook as it means to;
the default action when there was none).
"""
from __future__ import annotations

import asyncio
import os
import signal
import threading
from contextlib import contextmanager
from typing import Any, Callable, Iterator

STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM)
# The close() of every running source, and the Python handler each signal had before the loop took it.
_CLOSERS: dict[int, Callable[[], None]] = {}
_PREVIOUS: dict[int, Any] = {}


@contextmanager
def logged_out_on_stop_signals(close: Callable[[], None]) -> Iterator[None]:
    """Within the block, SIGINT or SIGTERM first calls `close` (which must not raise), then
    goes on as before. Only where the running loop can take signals (its main thread, on
    POSIX); elsewhere the block runs without it."""
    loop = asyncio.get_running_loop()
    token = object()
    _CLOSERS[id(token)] = close
    try:
        _take_signals(loop)
        yield
    finally:
        del _CLOSERS[id(token)]
        if not _CLOSERS:
            _give_signals_back(loop)


def _take_signals(loop: asyncio.AbstractEventLoop) -> None:
    if _PREVIOUS or threading.current_thread() is not threading.main_thread():
        return
    for number in STOP_SIGNALS:
        previous = signal.getsignal(number)
        try:
            loop.add_signal_handler(number, _on_stop_signal, loop, number)
        except (NotImplementedError, RuntimeError, ValueError):  # not POSIX, or not the main thread's loop
            continue
        _PREVIOUS[number] = previous


def _give_signals_back(loop: asyncio.AbstractEventLoop) -> None:
    for number, previous in list(_PREVIOUS.items()):
        loop.remove_signal_handler(number)
        # None: the handler was not set from Python; the default is what is left to give back.
        signal.signal(number, signal.SIG_DFL if previous is None else previous)
    _PREVIOUS.clear()


def _on_stop_signal(loop: asyncio.AbstractEventLoop, number: int) -> None:
    """Log every running source out, then let the signal do what it did before."""
    for close in list(_CLOSERS.values()):
        close()
    previous = _PREVIOUS.get(number)
    _give_signals_back(loop)
    if callable(previous):
        previous(number, None)  # ansible-rulebook's: raises KeyboardInterrupt out of the loop
    elif previous != signal.SIG_IGN:
        os.kill(os.getpid(), number)  # the default action, now that the default is back
