"""Where the CLI's output goes: files named by ``--out`` (checked before any AWS call,
written whole or not at all) and stdout and stderr (a write that fails is an error, a
character the encoding cannot hold is escaped). No click: cli.py uses these."""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Iterator
from typing import Any

from poolsync.errors import OutputError, UsageError
from poolsync.model import as_given


def check_out_path(path: str, option: str = "--out") -> None:
    """Before any AWS call: UsageError when ``path`` cannot become the output file (its
    directory is missing, or it is a directory)."""
    from pathlib import Path

    try:
        target = Path(path)
        if target.is_dir():
            raise UsageError(f"{option} '{as_given(path)}' is a directory; give a file name")
        if not target.parent.is_dir():
            raise UsageError(f"{option} '{as_given(path)}': the directory "
                             f"'{as_given(str(target.parent))}' does not exist")
    except (OSError, ValueError) as exc:  # a name too long, a NUL byte, no permission
        raise UsageError(f"{option} '{as_given(path)}' cannot be written: "
                         f"{getattr(exc, 'strerror', None) or exc}") from exc


@contextlib.contextmanager
def writing(path: str, option: str = "--out") -> Iterator[None]:
    """Write ``path`` in the with-block: an OSError becomes a UsageError naming the
    file, and a partly written regular file is removed (a truncated plan must not be
    taken for one). A FIFO must have a reader: opening one for writing would
    otherwise wait forever (``O_NONBLOCK`` fails with ENXIO instead); the probe stays
    open during the write so the reader does not see the end of the data too early."""
    import errno
    import stat

    probe = None
    try:
        if stat.S_ISFIFO(os.stat(path).st_mode):
            probe = os.open(path, os.O_WRONLY | os.O_NONBLOCK)
    except FileNotFoundError:
        pass
    except OSError as exc:
        reason = "nothing reads it" if exc.errno == errno.ENXIO else exc.strerror
        raise UsageError(f"cannot write {option} '{as_given(path)}': {reason}") from exc
    try:
        yield
    except OSError as exc:
        with contextlib.suppress(OSError):
            if stat.S_ISREG(os.stat(path).st_mode):
                os.unlink(path)
        raise UsageError(f"cannot write {option} '{as_given(path)}': "
                         f"{exc.strerror or exc}") from exc
    finally:
        if probe is not None:
            os.close(probe)


class GuardedStream:
    """``sys.stdout`` or ``sys.stderr`` during a run. A write that fails (``> /dev/full``,
    a closed pipe) raises OutputError, reported as an error (exit 1) instead of a
    traceback; a character the stream's encoding cannot hold (PYTHONIOENCODING=cp1252
    and a plan's arrows or a non-ASCII name) is written escaped (backslashreplace)
    instead of raising UnicodeEncodeError. Everything else is the stream's own."""

    def __init__(self, stream: Any, name: str) -> None:
        self._stream, self._name = stream, name

    def write(self, text: str) -> int:
        try:
            try:
                return int(self._stream.write(text))
            except UnicodeEncodeError:
                encoding = getattr(self._stream, "encoding", None) or "ascii"
                safe = text.encode(encoding, "backslashreplace").decode(encoding)
                return int(self._stream.write(safe))
        except OSError as exc:
            raise OutputError(f"cannot write to {self._name}: {exc.strerror or exc}"
                              ) from exc

    def flush(self) -> None:
        try:
            self._stream.flush()
        except OSError as exc:
            raise OutputError(f"cannot write to {self._name}: {exc.strerror or exc}"
                              ) from exc

    def __getattr__(self, name: str) -> Any:
        return getattr(self._stream, name)


@contextlib.contextmanager
def guarded_output() -> Iterator[None]:
    """``sys.stdout`` and ``sys.stderr`` as ``GuardedStream`` for the with-block, then
    the originals again (unless something else replaced them meanwhile)."""
    saved = sys.stdout, sys.stderr
    guards = (None if sys.stdout is None else GuardedStream(sys.stdout, "stdout"),
              None if sys.stderr is None else GuardedStream(sys.stderr, "stderr"))
    sys.stdout, sys.stderr = guards
    try:
        yield
    finally:
        if sys.stdout is guards[0]:
            sys.stdout = saved[0]
        if sys.stderr is guards[1]:
            sys.stderr = saved[1]
