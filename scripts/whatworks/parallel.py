"""Loading many files on two processor cores at once.

Reading and parsing a card is most of validation's cost, and one Python process uses one core.
Above `MIN_FILES` files this process forks one worker; both take chunks of the file list from a pipe
of chunk numbers (as make's jobserver hands out jobs), so neither waits while the other is busy. The
worker only reads files and takes them through the parsing half of the fast YAML path
(`fastyaml.emit`); it sends back each file's text and rapidyaml's JSON of it, and this process reads
the JSON (`fastyaml.decode`) in about 20 µs a card, against about 130 µs to read and parse it. Every
file the worker could not take (refused by the fast path, unreadable, not UTF-8, empty), or whose JSON
this process refuses (a duplicate key), is loaded here in full, so every diagnostic still comes from
`load.load_file`, and the result is the same as loading serially, whatever the worker did or failed to do.
"""

from __future__ import annotations

import os
import pickle
import struct
import sys
import threading
from collections.abc import Iterator, Sequence
from pathlib import Path

from . import fastyaml
from .load import Document, LoadResult, load_file, read_file, yaml_ready

MIN_FILES = 200
"""Medians of 9 runs, in one process against with the worker: 50 cards 0.014 against 0.019 s, 100 cards
0.023 s either way, 200 cards 0.043 against 0.035 s, 500 cards 0.103 against 0.068 s."""

CHUNK = 32
"""Files per chunk: small enough to share the work evenly, large enough that taking one costs little."""

_TOKEN = struct.Struct("!H")
_MAX_CHUNKS = 2048
"""2-byte chunk numbers, at most 4,096 bytes of them: one atomic write that any pipe holds."""
_FRAME = struct.Struct("!I")
"""The length of each frame the worker sends, before it."""

Prepared = tuple[str, str, int] | None
"""A file's text and what `fastyaml.emit` made of it, or None when the file must be loaded here."""


class Loading:
    """Files as they are loaded: iterate for (index, result) pairs, in no fixed order, each file once."""

    def __init__(self, files: Sequence[tuple[Path, str]], *, min_files: int | None = None) -> None:
        self.files = files
        self.forked = len(files) >= (MIN_FILES if min_files is None else min_files) and can_fork()
        self.by_worker = 0
        """How many files the worker read and parsed, once iteration has ended."""
        self.worker_pid: int | None = None

    def __iter__(self) -> Iterator[tuple[int, LoadResult]]:
        if self.forked:
            yield from self._forked()
        else:
            for index, (path, shown) in enumerate(self.files):
                yield index, load_file(path, shown)

    def _forked(self) -> Iterator[tuple[int, LoadResult]]:
        files = self.files
        size = max(CHUNK, -(-len(files) // _MAX_CHUNKS))
        chunks = [range(start, min(start + size, len(files))) for start in range(0, len(files), size)]
        tokens_in, tokens_out = os.pipe()
        os.write(tokens_out, b"".join(_TOKEN.pack(number) for number in range(len(chunks))))
        os.close(tokens_out)  # once the chunk numbers run out, a read returns b"" in both processes
        results_in, results_out = os.pipe()
        _widen(results_out)
        try:
            pid = os.fork()
        except OSError:  # pragma: no cover - no processes left: load here alone
            pid = -1
        self.worker_pid = pid
        if pid == 0:  # pragma: no cover - the worker; the tests judge it by what it sends back
            status = 1
            try:
                os.close(results_in)
                _work(files, chunks, tokens_in, results_out)
                status = 0
            finally:
                os._exit(status)  # never return into the caller's code, whatever happened
        os.close(results_out)
        done: set[int] = set()
        inbox = _Inbox(results_in, [len(chunk) for chunk in chunks])
        try:
            # The worker's files first (finishing one costs this process a tenth of loading it); a chunk
            # of its own only when nothing has come back, so the two finish together.
            while True:
                for number, prepared in inbox.take():
                    done.add(number)
                    yield from self._finish(chunks[number], prepared)
                own = _next_chunk(tokens_in)
                if own is None:
                    break
                done.add(own)
                for index in chunks[own]:
                    yield index, load_file(*files[index])
            inbox.block = True
            for number, prepared in inbox.take():
                done.add(number)
                yield from self._finish(chunks[number], prepared)
        finally:
            os.close(tokens_in)
            inbox.close()
            if pid > 0:
                os.waitpid(pid, 0)
        for number, chunk in enumerate(chunks):
            if number not in done:  # the worker took it and stopped before sending it back
                for index in chunk:
                    yield index, load_file(*self.files[index])

    def _finish(self, chunk: range, prepared: list[Prepared]) -> Iterator[tuple[int, LoadResult]]:
        for index, item in zip(chunk, prepared, strict=True):
            self.by_worker += item is not None
            yield index, finish(*self.files[index], item)


def can_fork() -> bool:
    """Linux (where a fork that does not exec is safe, and tested), a second core for this process,
    and no other thread whose locks a forked child could inherit held (as under `mkdocs serve`)."""
    return sys.platform == "linux" and threading.active_count() == 1 and len(os.sched_getaffinity(0)) >= 2


def prepare(path: Path, shown: str) -> Prepared:
    """The worker's part for one file: its text and rapidyaml's JSON of it when the fast path takes it."""
    text, _ = read_file(path, shown)
    if text is None:
        return None
    text, _ = yaml_ready(text, shown)
    if text is None:
        return None
    emitted = fastyaml.emit(text)
    return None if emitted is None else (text, *emitted)


def finish(path: Path, shown: str, prepared: Prepared) -> LoadResult:
    """This process's part for a file the worker prepared (or could not)."""
    data = None if prepared is None else fastyaml.decode(prepared[1], prepared[2])
    if prepared is None or data is None:
        return load_file(path, shown)
    return LoadResult(Document(path, data, prepared[0], plain=True), [])


def _next_chunk(tokens: int) -> int | None:
    """The next chunk number from the shared pipe; every read asks for exactly one, so none is split."""
    token = os.read(tokens, _TOKEN.size)
    return _TOKEN.unpack(token)[0] if token else None


def _widen(fd: int) -> None:
    """A pipe of 1 MiB rather than 64 KiB, where Linux allows it, so the worker seldom waits to write."""
    try:
        import fcntl

        fcntl.fcntl(fd, getattr(fcntl, "F_SETPIPE_SZ", 1031), 1 << 20)
    except (ImportError, OSError):  # pragma: no cover - another system, or a lower limit: a narrower pipe
        pass


def _work(files: Sequence[tuple[Path, str]], chunks: list[range], tokens: int, out: int) -> None:  # pragma: no cover
    """Prepare chunk after chunk; send each as a length-prefixed pickle of (chunk number, prepared files)."""
    with os.fdopen(out, "wb", buffering=0) as stream:
        while (number := _next_chunk(tokens)) is not None:
            prepared = [prepare(*files[i]) for i in chunks[number]]
            frame = pickle.dumps((number, prepared), pickle.HIGHEST_PROTOCOL)
            stream.write(_FRAME.pack(len(frame)) + frame)


class _Inbox:
    """The worker's frames, read without waiting until `block` is set, then to the end of the pipe."""

    def __init__(self, fd: int, sizes: list[int]) -> None:
        self.fd = fd
        self.sizes = sizes
        """Files in each chunk: a frame that does not match is not used, and its chunk is loaded here."""
        self.block = False
        self.buffer = bytearray()
        self.ended = False
        os.set_blocking(fd, False)

    def take(self) -> Iterator[tuple[int, list[Prepared]]]:
        while True:
            frame = self._frame()
            if frame is not None:
                yield frame
                continue
            if self.ended or not self._fill():
                return

    def _fill(self) -> bool:
        """Read what there is (all of it, once blocking); False when nothing more is coming now."""
        if self.block:
            os.set_blocking(self.fd, True)
        try:
            data = os.read(self.fd, 1 << 20)
        except BlockingIOError:
            return False
        if not data:
            self.ended = True
            return False
        self.buffer += data
        return True

    def _frame(self) -> tuple[int, list[Prepared]] | None:
        if len(self.buffer) < _FRAME.size:
            return None
        (length,) = _FRAME.unpack_from(self.buffer)
        if len(self.buffer) < _FRAME.size + length:
            return None
        frame = bytes(self.buffer[_FRAME.size:_FRAME.size + length])
        del self.buffer[:_FRAME.size + length]
        try:
            # written by this process's own fork, on a pipe only the two of them hold
            number, prepared = pickle.loads(frame)  # noqa: S301
        except (pickle.UnpicklingError, ValueError, TypeError, EOFError):  # pragma: no cover - a torn frame
            self.ended = True
            return None
        if not (isinstance(number, int) and 0 <= number < len(self.sizes) and isinstance(prepared, list)
                and len(prepared) == self.sizes[number]):  # pragma: no cover - the worker sends only these
            self.ended = True
            return None
        return number, prepared

    def close(self) -> None:
        os.close(self.fd)
