"""Character encodings of text exports: detection, and conversion to UTF-8.

Exports arrive as UTF-8 with or without a BOM, or GB18030/GBK (Excel on Chinese
Windows): the encoding is detected on a sample, never assumed. Non-UTF-8 text is
converted in chunks so memory stays flat: Chinese encodings through ``iconv``, one
process per core on consecutive stretches of records (:func:`record_ranges`), either
to temporary files (:func:`transcode`) or through named pipes while DuckDB reads them
(:class:`Stream`). A stretch is cut only between records: a line feed is one when an
even number of quotes precede it.
"""

from __future__ import annotations

import codecs
import contextlib
import functools
import itertools
import os
import re
import shutil
import subprocess
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any, BinaryIO

from kefu.errors import KefuError

SAMPLE_BYTES = 1 << 20
CHUNK_BYTES = 8 << 20
CONVERT_BYTES = 64 << 20  # one iconv run at most (it holds all its input)
PIECES = os.cpu_count() or 1  # converted pieces read side by side
STREAM_BYTES = 64 << 20  # larger non-UTF-8 files are converted while read
_CHINESE = {"gb2312", "gbk", "gb18030", "hz", "cp936"}


class Unreadable(KefuError):
    """The file cannot be read at all; nothing of it is loaded."""


def detect_encoding(path: Path) -> str:
    """UTF-8 (with or without BOM) if the sample decodes as such, else what it looks like."""
    with path.open("rb") as f:
        sample = f.read(SAMPLE_BYTES)
    if sample.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if sample.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    try:
        codecs.getincrementaldecoder("utf-8")().decode(sample, final=False)
        return "utf-8"
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes

    matches = list(from_bytes(sample))
    if not matches:
        raise Unreadable(f"{path.name}: not a text file (no known character encoding fits)")
    # Exports here come from Chinese Windows: when a Chinese encoding fits at all it is the
    # one (short GBK samples can fit Korean cp949 equally well). GB18030 is a superset of
    # GB2312 and GBK, so decoding with it never loses a character.
    if any(plain_name(m.encoding) in _CHINESE for m in matches):
        return "gb18030"
    return matches[0].encoding


def plain_name(encoding: str) -> str:
    return encoding.lower().replace("-", "").replace("_", "")


# Encodings glibc's iconv converts (much faster than Python's codecs), by Python name.
ICONV_NAMES = {"gb18030": "GB18030", "gbk": "GBK", "gb2312": "GB2312", "cp936": "CP936"}


def transcode(path: Path, encoding: str, tmp_dir: Path) -> list[Path]:
    """UTF-8 copies of ``path``, in pieces that follow each other (constant memory).

    Chinese encodings go through ``iconv``, one process per core on consecutive
    stretches of lines (a line feed byte never occurs inside a GB18030 character),
    so a GBK export of millions of rows converts in seconds. Other encodings, or a
    system without iconv, take Python's codec in one piece.
    """
    name = ICONV_NAMES.get(plain_name(encoding))
    if name and shutil.which("iconv"):
        return _iconv(path, name, encoding, tmp_dir)
    target = tmp_dir / f"utf8-{path.stem}.csv"
    decoder = codecs.getincrementaldecoder(encoding)(errors="strict")
    done = 0
    try:
        with path.open("rb") as src, target.open("w", encoding="utf-8", newline="") as dst:
            while chunk := src.read(CHUNK_BYTES):
                dst.write(decoder.decode(chunk))
                done += len(chunk)
            dst.write(decoder.decode(b"", final=True))
    except UnicodeDecodeError as exc:
        raise not_encoded(path, done + exc.start, encoding) from None
    return [target]


def not_encoded(path: Path, at: int, encoding: str) -> Unreadable:
    return Unreadable(
        f"{path.name}: byte {at} is not valid {encoding}; save the file as "
        "UTF-8 or name the encoding in a mapping profile"
    )


def last_record_end(text: str | bytes) -> int:
    """The end of the last whole record: just after the last line feed outside quotes."""
    quote, feed = ('"', "\n") if isinstance(text, str) else (b'"', b"\n")
    before = text.count(quote)  # type: ignore[arg-type]
    end = len(text)
    while (at := text.rfind(feed, 0, end)) >= 0:  # type: ignore[arg-type]
        before -= text.count(quote, at, end)  # type: ignore[arg-type]
        if before % 2 == 0:
            return at + 1
        end = at
    return 0


def _quotes(data: Any, start: int, stop: int) -> int:
    """Quote bytes in ``data[start:stop]`` (numpy: the GIL is released while it counts)."""
    import numpy as np

    block = 64 << 20
    return sum(
        int(np.count_nonzero(data[a : min(a + block, stop)] == 0x22))
        for a in range(start, stop, block)
    )


def _next_record(data: Any, at: int, odd: bool) -> int:
    """The first record boundary at or after ``at``, given the quote parity before it."""
    import numpy as np

    size, window = len(data), 1 << 20
    while at < size:
        chunk = data[at : at + window]
        quotes = np.cumsum(chunk == 0x22, dtype=np.int64) + int(odd)
        feeds = np.flatnonzero((chunk == 0x0A) & (quotes % 2 == 0))
        if feeds.size:
            return at + int(feeds[0]) + 1
        odd = bool(quotes[-1] % 2)
        at += len(chunk)
    return size


def record_ranges(path: Path, pieces: int) -> list[tuple[int, int]]:
    """(start, length) of up to ``pieces`` consecutive byte ranges, each ending a record.

    A line feed ends a record when an even number of quote bytes precede it (RFC 4180:
    inside a quoted field quotes come in pairs). In UTF-8 and GB18030 neither byte
    occurs inside a multi-byte character. The quotes before each cut are counted in
    parallel, a block per core.
    """
    import mmap
    from concurrent.futures import ThreadPoolExecutor

    import numpy as np

    size = path.stat().st_size
    if pieces <= 1 or size == 0:
        return [(0, size)]
    with path.open("rb") as f, mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ) as mm:
        data = np.frombuffer(mm, dtype=np.uint8)
        try:
            marks = [size * i // pieces for i in range(1, pieces)]
            # Blocks for the threads, split at every mark, so each mark's count is a sum.
            cuts = sorted({0, *marks, *(marks[-1] * k // pieces for k in range(1, pieces))})
            with ThreadPoolExecutor(pieces) as pool:
                counts = list(pool.map(functools.partial(_quotes, data), cuts[:-1], cuts[1:]))
            before = {0: 0, **dict(zip(cuts[1:], itertools.accumulate(counts), strict=True))}
            starts = [0]
            for mark in marks:
                at = max(mark, starts[-1])
                odd = (before[mark] + _quotes(data, mark, at)) % 2 == 1
                cut = _next_record(data, at, odd)
                if cut >= size:
                    break
                if cut > starts[-1]:
                    starts.append(cut)
        finally:
            del data  # the mmap cannot close while numpy still looks at it
    ends = [*starts[1:], size]
    return [(a, b - a) for a, b in zip(starts, ends, strict=True)]


def _iconv(path: Path, name: str, encoding: str, tmp_dir: Path) -> list[Path]:
    ranges = record_ranges(path, PIECES)
    targets = [tmp_dir / f"utf8-{i}-{path.stem}.csv" for i in range(len(ranges))]
    feeders = [Feeder(path, start, length, name, target) for (start, length), target
               in zip(ranges, targets, strict=True)]  # fmt: skip
    for f in feeders:
        f.join(encoding)
    return targets


class Feeder:
    """Converts one stretch of lines with iconv into ``target`` (a file or a named pipe).

    iconv reads all of its input before converting, so it is given the stretch in
    pieces of at most :data:`CONVERT_BYTES` (cut after a line feed): memory stays flat.
    The work runs in a thread, which also waits for a pipe's reader to open it.
    """

    def __init__(self, path: Path, start: int, length: int, name: str, target: Path) -> None:
        self.path, self.start, self.length, self.name, self.target = (
            path, start, length, name, target,
        )  # fmt: skip
        self.bad_at: int | None = None
        self.failure: BaseException | None = None
        self.proc: subprocess.Popen[bytes] | None = None
        self.stopped = False
        self.thread = threading.Thread(target=self._run, name="kefu-iconv", daemon=True)
        self.thread.start()

    def _run(self) -> None:
        try:
            with self.path.open("rb") as src, self.target.open("wb") as out:
                done = 0
                while done < self.length and not self.stopped:
                    size = self._piece(src, self.start + done, self.length - done)
                    self.proc = subprocess.Popen(
                        ["iconv", "-f", self.name, "-t", "UTF-8"],
                        stdin=subprocess.PIPE, stdout=out, stderr=subprocess.PIPE,
                    )  # fmt: skip
                    assert self.proc.stdin is not None and self.proc.stderr is not None
                    # The kernel copies the bytes into the pipe: they never pass through Python.
                    at, left = self.start + done, size
                    while left:
                        sent = os.sendfile(self.proc.stdin.fileno(), src.fileno(), at, left)
                        at, left = at + sent, left - sent
                    self.proc.stdin.close()
                    err = self.proc.stderr.read()
                    if self.proc.wait() != 0:
                        found = re.search(rb"position (\d+)", err)
                        self.bad_at = self.start + done + (int(found.group(1)) if found else 0)
                        return
                    done += size
        except BrokenPipeError:  # the reader stopped (an error or an interrupt)
            pass
        except BaseException as exc:  # handed to join()
            self.failure = exc

    @staticmethod
    def _piece(src: BinaryIO, start: int, left: int) -> int:
        """Bytes of the next piece from ``start``: at most CONVERT_BYTES, whole lines."""
        if left <= CONVERT_BYTES:
            return left
        tail = min(1 << 20, CONVERT_BYTES)  # longer lines than this are not CSV rows
        src.seek(start + CONVERT_BYTES - tail)
        cut = src.read(tail).rfind(b"\n")
        return CONVERT_BYTES - tail + cut + 1 if cut >= 0 else CONVERT_BYTES

    def stop(self) -> None:
        self.stopped = True
        if self.proc is not None and self.proc.poll() is None:
            self.proc.kill()

    def join(self, encoding: str) -> None:
        self.thread.join()
        if self.bad_at is not None:
            raise not_encoded(self.path, self.bad_at, encoding)
        if self.failure is not None:
            raise self.failure


class Stream:
    """A non-UTF-8 CSV converted while DuckDB reads it, through named pipes: never on disk.

    Until :meth:`open`, the ``raw`` view reads a converted sample of the file's first
    lines (enough to find the header and plan the projection); :meth:`materialise`
    converts the whole file to disk when rows must be read by number.
    """

    def __init__(self, path: Path, name: str, encoding: str, tmp_dir: Path,
                 define: Callable[[list[Path], bool], None]) -> None:  # fmt: skip
        self.path, self.name, self.encoding, self.tmp_dir = path, name, encoding, tmp_dir
        self.define = define  # (files, positional) → creates the raw views
        self.feeders: list[Feeder] = []
        self.materialised = False

    def open(self) -> None:
        ranges = record_ranges(self.path, PIECES)
        pipes = []
        for i, (start, length) in enumerate(ranges):
            pipe = self.tmp_dir / f"pipe-{i}.csv"
            os.mkfifo(pipe)
            pipes.append(pipe)
            self.feeders.append(Feeder(self.path, start, length, self.name, pipe))
        self.define(pipes, True)

    def close(self, *, failed: bool) -> None:
        """Wait for the converters; an invalid byte makes the file unreadable."""
        if failed:
            for f in self.feeders:
                f.stop()
            for pipe in (f.target for f in self.feeders):
                # A converter still waiting for a reader is released by opening its pipe.
                with contextlib.suppress(OSError):
                    os.close(os.open(pipe, os.O_RDONLY | os.O_NONBLOCK))
        try:
            for f in self.feeders:
                f.join(self.encoding)
        finally:
            self.feeders = []

    def materialise(self) -> None:
        if not self.materialised:
            self.define(transcode(self.path, self.encoding, self.tmp_dir), False)
            self.materialised = True


def sample_utf8(path: Path, encoding: str, target: Path) -> Path:
    """The first whole records of ``path`` (about :data:`SAMPLE_BYTES`) as UTF-8."""
    with path.open("rb") as f:
        head = f.read(SAMPLE_BYTES)
        more = bool(f.read(1))
    if more:
        head = head[: last_record_end(head)] or head
    try:
        target.write_text(head.decode(encoding), encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise not_encoded(path, exc.start, encoding) from None
    return target
