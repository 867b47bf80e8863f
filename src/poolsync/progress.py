"""Progress of a long run: what the engine reports, and how a terminal shows it.

The engine reports to a ``Progress`` (``NO_PROGRESS``, which does nothing, unless the
CLI gives it another): a stage begins (``phase``: "Reading", 25 "pools"), units of it
are done (``advance``), something else happened (``step``). The engine never prints;
the CLI decides whether anyone is watching (cli._progress).

``TerminalProgress`` shows it on stderr: with ``bar``, one line redrawn in place
(stage, bar, done of total, elapsed and remaining time, AWS requests made, throttled
answers, and seconds during which some request waited for a quota: on the pacer or
between retries, ``pacing.waited_seconds``), erased when the stage ends so that the plan
text, a prompt or an error starts on a clean line; with ``verbose``, a line per stage
and per unit done, written above the bar.

Why click's progress bar and no other library: click is already the CLI's one library
for the terminal, and ``click.progressbar`` keeps the position and draws the bar (click
docs, "Showing Progress Bars"). tqdm would add a dependency for the same line; rich
would add several, and by default redirects stdout and stderr while it draws (rich docs,
``rich.live.Live``), streams the CLI already wraps (redaction, broken pipes). What click's bar does not do is done here: it
is not made for updates from many threads (the engine reads and applies pools on a
thread pool), so workers only count under a lock and one thread draws, at most
``1 / INTERVAL`` times a second; it leaves its last line on screen, so this module
writes the line itself (``format_progress_line``), cut to the terminal's width, and
erases it when the stage ends; and its estimate of the time left changes only when a
unit is done (a stage stuck on one slow pool would say "0:00 left"), so the estimate
here is the pace so far.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable
from types import TracebackType
from typing import TYPE_CHECKING, Final, TextIO

if TYPE_CHECKING:
    from click._termui_impl import ProgressBar

    from poolsync.aws import Activity


class Progress:
    """What a long run reports as it works. This one tells nobody: the default of every
    engine function, at no cost. The engine calls it from its worker threads; an
    implementation is thread-safe and never raises (a run must not fail because
    progress could not be shown)."""

    def phase(self, title: str, total: int, unit: str) -> None:
        """A stage begins: ``total`` units (``unit``, plural: "pools", "calls") to do,
        e.g. ``phase("Reading", 25, "pools")``. Ends the stage before it."""

    def advance(self, done: str = "", count: int = 1) -> None:
        """``count`` units of the stage are done; ``done`` says which, in words with no
        secret in them (a pool's name and region, a call's address and operation)."""

    def step(self, text: str) -> None:
        """Something worth a line with ``--verbose`` that is no unit of the stage (a call
        that failed, a pool read back); no secret in ``text``."""


NO_PROGRESS: Final = Progress()

# Seconds between two redraws of the bar: at most ten a second.
INTERVAL: Final = 0.1
_BAR_WIDTH: Final = 16  # characters of the bar itself
_KEPT: Final = 3  # pieces kept beside the bar: done of total, elapsed, time left
_ERASE: Final = "\r\033[K"  # back to the line's start, clear to its end (ANSI EL)


def _clock(seconds: float) -> str:
    """``75.3`` -> ``1:15``; ``3725`` -> ``1:02:05``."""
    minutes, secs = divmod(int(seconds), 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours}:{minutes:02}:{secs:02}" if hours else f"{minutes}:{secs:02}"


class TerminalProgress(Progress):
    """Progress on ``stream`` (stderr) while the with-block runs: a bar when ``bar`` (the
    stream is a terminal), lines when ``verbose``. ``activity`` counts the AWS requests
    (aws.AwsSession.activity), shown for the stage; ``clean`` makes a line safe to show (secrets redacted,
    control characters escaped): every line passes through it."""

    def __init__(self, stream: TextIO, activity: Callable[[], Activity] | None,
                 clean: Callable[[str], str], *, bar: bool, verbose: bool) -> None:
        self._stream, self._activity, self._clean = stream, activity, clean
        self._show_bar, self._verbose = bar, verbose
        self._lock = threading.RLock()  # RLock: a signal handler may write (``echo``)
        self._stopped = threading.Event()
        self._ticker: threading.Thread | None = None
        self._bar: ProgressBar[int] | None = None
        self._title, self._unit = "", ""
        self._done, self._total, self._started = 0, 0, 0.0
        self._before: Activity | None = None  # the requests before the stage began
        self._drawn = False  # a bar line is on screen
        self._last = ""  # the bar line drawn last
        self._broken = False  # the stream failed: show nothing more

    def __enter__(self) -> TerminalProgress:
        if self._show_bar:
            self._ticker = threading.Thread(target=self._tick, name="poolsync-progress",
                                            daemon=True)
            self._ticker.start()
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 traceback: TracebackType | None) -> None:
        self._stopped.set()
        if self._ticker is not None:
            self._ticker.join()
        with self._lock:
            self._erase()
            self._bar = None

    # --------------------------------------------------------------- what the engine says

    def phase(self, title: str, total: int, unit: str) -> None:
        with self._lock:
            self._erase()
            self._title, self._unit, self._done, self._total = title, unit, 0, total
            self._started = time.monotonic()
            self._before = self._activity() if self._activity is not None else None
            self._bar = self._new_bar(title, total) if self._show_bar else None
            if self._verbose:  # "Reading 25 pools...", "Applying 1 call..."
                self._line(f"{title} {total} {unit.removesuffix('s') if total == 1 else unit}...")
            self._draw()  # at once: a stage shows as soon as it begins

    def advance(self, done: str = "", count: int = 1) -> None:
        with self._lock:
            self._done += count
            if self._verbose and done:
                self._line(f"  {done}")

    def step(self, text: str) -> None:
        if self._verbose:
            with self._lock:
                self._line(f"  {text}")

    def echo(self, text: str) -> None:
        """A line of the CLI's own (e.g. "stopping after the call in flight") above the
        bar, never written into it."""
        with self._lock:
            self._line(text)

    # --------------------------------------------------------------- drawing

    def _new_bar(self, title: str, total: int) -> ProgressBar[int]:
        import click

        return click.progressbar(length=max(total, 1), label=title, file=self._stream,
                                 show_eta=False, show_percent=False, show_pos=False,
                                 bar_template="%(label)s [%(bar)s] %(info)s",
                                 item_show_func=lambda _: self._info, width=_BAR_WIDTH)

    _info = ""  # the text after the bar, made by _draw before click formats the line

    def _tick(self) -> None:
        while not self._stopped.wait(INTERVAL):
            with self._lock:
                self._draw()

    def _draw(self) -> None:
        """Redraw the bar (under the lock): click keeps the position and the estimate,
        this writes the line, cut to the terminal's width (a wrapped line could not be
        redrawn in place)."""
        bar = self._bar
        if bar is None or self._broken:
            return
        done = min(self._done, self._total)
        if done > bar.pos:
            bar.make_step(done - bar.pos)
        width = self._columns() - 1
        pieces = self._pieces(done)
        # A steady line: the bar keeps its width; the least telling pieces (last) go
        # first, down to done of total, elapsed and time left; only then the bar, on a
        # terminal too narrow for those three beside it.
        with_bar = len(self._title) + len(" [] ") + _BAR_WIDTH
        while len(pieces) > _KEPT and with_bar + len(", ".join(pieces)) > width:
            pieces.pop()
        if with_bar + len(", ".join(pieces)) <= width:
            self._info = ", ".join(pieces)
            bar.width = _BAR_WIDTH
            line = bar.format_progress_line()
        else:
            while len(pieces) > 1 and len(self._title) + 1 + len(", ".join(pieces)) > width:
                pieces.pop()
            line = f"{self._title} {', '.join(pieces)}"[:width]
        if not (self._drawn and line == self._last):  # unchanged: nothing to write
            self._write(_ERASE[:1] + line + _ERASE[1:])
        self._drawn, self._last = True, line

    def _pieces(self, done: int) -> list[str]:
        """What follows the bar, most telling first: done of total, elapsed, time left
        (the pace so far: a stage stuck on one slow pool is seen to take longer; click's
        own estimate changes only when a unit is done), then this stage's requests,
        throttled answers and time waited on quotas."""
        elapsed = time.monotonic() - self._started
        pieces = [f"{done}/{self._total} {self._unit}", _clock(elapsed)]
        if 0 < done < self._total:
            pieces.append(f"about {_clock(elapsed / done * (self._total - done))} left")
        if self._activity is not None and self._before is not None:
            now, before = self._activity(), self._before
            requests = now.requests - before.requests
            pieces.append(f"{requests} request{'' if requests == 1 else 's'}")
            if now.throttled > before.throttled:
                pieces.append(f"{now.throttled - before.throttled} throttled")
            if now.waited - before.waited >= 0.05:
                pieces.append(f"quota waits {now.waited - before.waited:.1f} s")
        return pieces

    def _columns(self) -> int:
        try:
            return os.get_terminal_size(self._stream.fileno()).columns or 80
        except (AttributeError, OSError, ValueError):
            return 80

    def _line(self, text: str) -> None:
        """A whole line above the bar (under the lock); the next tick draws the bar
        again below it."""
        self._erase()
        self._write(self._clean(text) + "\n")

    def _erase(self) -> None:
        if self._drawn:
            self._write(_ERASE)
            self._drawn = False

    def _write(self, text: str) -> None:
        if self._broken:
            return
        try:
            self._stream.write(text)
            self._stream.flush()
        except Exception:  # a closed or full stderr: the run goes on; its output says so
            self._broken = True
