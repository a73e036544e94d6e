"""Read and write the landmark CSV format (see ``docs/landmarks.md``), and atomic writes.

One row per frame: ``frame``, ``time_s``, then for each landmark ``<name>_x``,
``<name>_y``, ``<name>_z`` (pixels), ``<name>_visibility`` (0..1), optionally
``<name>_wx``, ``<name>_wy``, ``<name>_wz`` (metres), and ``width``, ``height``
(pixels). An empty cell is a missing value.
"""

from __future__ import annotations

import contextlib
import csv
import io
import math
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

import numpy as np

from hipform.errors import InputError, OutputError, output_error
from hipform.landmarks import LANDMARK_NAMES, N_LANDMARKS
from hipform.sequence import PoseSequence

MAX_IMAGE_SIDE = 8192
"""Largest image width or height accepted, in pixels (an 8K frame is 7680 wide; the report draws
on a canvas of the frame size, so a bigger one would only allocate memory)."""
MAX_COORD_FACTOR = 10.0
"""Pixel coordinates must lie within this many image sizes of the image (MediaPipe's reach
beyond the frame is a fraction of it); anything further is a corrupt value."""
MAX_WORLD_M = 100.0
"""World coordinates (metres from the hips) larger than this are corrupt."""
MAX_FPS = 2000.0
"""Timestamps closer than ``1 / MAX_FPS`` s are refused: no pose camera is that fast."""
_PIXEL = ("x", "y", "z")
_WORLD = ("wx", "wy", "wz")


def csv_columns(with_world: bool) -> list[str]:
    """Column names the writer uses, in order."""
    cols = ["frame", "time_s"]
    for name in LANDMARK_NAMES:
        cols += [f"{name}_{c}" for c in _PIXEL] + [f"{name}_visibility"]
        if with_world:
            cols += [f"{name}_{c}" for c in _WORLD]
    return cols + ["width", "height"]


@contextlib.contextmanager
def atomic_path(path: str | Path, suffix: str = "") -> Iterator[Path]:
    """Yield a temporary path beside ``path``; rename it onto ``path`` if the block succeeds.

    Nothing is left at ``path`` (and any earlier file there is untouched) if the block
    raises.

    Raises
    ------
    OutputError
        If the folder cannot be written.
    """
    path = Path(path)
    if path.is_dir():
        raise OutputError(f"cannot write {path}: it is a folder (give a file name, or remove the folder)")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        prefix = f".{path.name[:100]}."  # a long name must not make the temporary name too long
        fd, tmp = tempfile.mkstemp(prefix=prefix, suffix=suffix or ".tmp", dir=path.parent)
    except OSError as e:
        raise output_error(e, path.parent) from None
    os.close(fd)
    tmp_path = Path(tmp)
    try:
        try:
            yield tmp_path
            # mkstemp makes 0600 files; give the result the usual permissions of a new file
            umask = os.umask(0)
            os.umask(umask)
            with contextlib.suppress(OSError):
                os.chmod(tmp_path, 0o666 & ~umask)
            os.replace(tmp_path, path)
        except OSError as e:
            # name the file asked for, not the temporary one
            raise output_error(OSError(e.errno, e.strerror or str(e)), path) from None
    except BaseException:
        with contextlib.suppress(OSError):
            tmp_path.unlink()
        raise


def write_text_atomic(path: str | Path, text: str) -> None:
    """Write text to ``path`` via a temporary file and a rename."""
    with atomic_path(path) as tmp:
        tmp.write_text(text, encoding="utf-8")


def _fmt(v: float, digits: int) -> str:
    return "" if not math.isfinite(v) else f"{v:.{digits}f}"


def write_landmarks_csv(seq: PoseSequence, path: str | Path) -> None:
    """Write a sequence to the landmark CSV format, atomically.

    Parameters
    ----------
    seq : PoseSequence
    path : str or Path
    """
    with_world = seq.world is not None
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(csv_columns(with_world))
    width, height = seq.image_size
    for i in range(len(seq)):
        row = [str(i), f"{seq.t[i]:.6f}"]
        for j in range(N_LANDMARKS):
            row += [_fmt(seq.xyz[i, j, k], 3) for k in range(3)]
            row.append(_fmt(seq.visibility[i, j], 4))
            if with_world:
                row += [_fmt(seq.world[i, j, k], 5) for k in range(3)]  # type: ignore[index]
        row += [str(width), str(height)]
        w.writerow(row)
    write_text_atomic(path, buf.getvalue())


def read_landmarks_csv(path: str | Path, fps: float = float("nan")) -> PoseSequence:
    """Read a landmark CSV, written by hipform or by another tool.

    Columns may come in any order and extra columns are ignored. Required: ``time_s``,
    ``width``, ``height`` and the ``_x``/``_y`` columns of at least one landmark.
    Missing ``_z``, ``_visibility`` or world columns are treated as not given (z and
    world NaN, visibility 1 where x/y are present).

    Parameters
    ----------
    path : str or Path
    fps : float, optional
        Nominal frame rate; by default derived from ``time_s``.

    Raises
    ------
    InputError
        One line naming the row and column of the first problem.
    """
    p = Path(path)
    if not p.is_file():
        raise InputError(f"landmark file not found: {p}")
    try:
        text = p.read_text(encoding="utf-8-sig")
    except (UnicodeDecodeError, OSError) as e:
        raise InputError(f"{p}: not a readable text CSV ({e.__class__.__name__})") from None
    return parse_landmarks_csv(text, source=p.name, fps=fps)


def parse_landmarks_csv(  # noqa: C901 - one flat loop over rows and columns, kept together for clarity
    text: str, source: str = "<csv>", fps: float = float("nan")
) -> PoseSequence:
    """Parse landmark CSV text (see :func:`read_landmarks_csv`)."""
    try:
        rows = list(csv.reader(io.StringIO(text, newline="")))
    except csv.Error as e:
        raise InputError(f"{source}: not a valid CSV file ({e})") from None
    if not rows or not any(c.strip() for c in rows[0]):
        raise InputError(f"{source}: empty file, expected a header row")
    header = [h.strip() for h in rows[0]]
    col = {name: i for i, name in enumerate(header)}
    for need in ("time_s", "width", "height"):
        if need not in col:
            raise InputError(f"{source}: missing required column {need!r}")
    present = [n for n in LANDMARK_NAMES if f"{n}_x" in col and f"{n}_y" in col]
    if not present:
        raise InputError(f"{source}: no landmark columns found (expected e.g. 'left_hip_x', 'left_hip_y')")
    data = rows[1:]
    while data and not any(c.strip() for c in data[-1]):
        data.pop()
    if not data:
        raise InputError(f"{source}: no data rows")
    n = len(data)
    xyz = np.full((n, N_LANDMARKS, 3), np.nan)
    vis = np.full((n, N_LANDMARKS), np.nan)
    has_world = any(f"{name}_wx" in col for name in LANDMARK_NAMES)
    world = np.full((n, N_LANDMARKS, 3), np.nan) if has_world else None
    t = np.empty(n)
    size = None
    for r, row in enumerate(data):
        line = r + 2  # 1-based, after the header
        if len(row) < len(header):
            row = row + [""] * (len(header) - len(row))

        def num(name: str, *, required: bool = False, row=row, line=line) -> float:
            cell = row[col[name]].strip()
            if cell == "":
                if required:
                    raise InputError(f"{source}: row {line}, column {name!r} is empty")
                return np.nan
            try:
                v = float(cell)
            except ValueError:
                raise InputError(f"{source}: row {line}, column {name!r}: {cell!r} is not a number") from None
            if not math.isfinite(v):
                raise InputError(f"{source}: row {line}, column {name!r}: {cell!r} is not a finite number")
            return v

        t[r] = num("time_s", required=True)
        if r and t[r] <= t[r - 1]:
            raise InputError(f"{source}: row {line}, column 'time_s': time {t[r]} does not increase")
        if r and t[r] - t[r - 1] < 1.0 / MAX_FPS:
            raise InputError(
                f"{source}: row {line}, column 'time_s': {1e3 * (t[r] - t[r - 1]):.3g} ms after the previous row "
                f"(more than {MAX_FPS:g} frames/s; time_s must be in seconds)"
            )
        wh = (num("width", required=True), num("height", required=True))
        if wh[0] <= 0 or wh[1] <= 0:
            raise InputError(f"{source}: row {line}: width and height must be positive")
        if max(wh) > MAX_IMAGE_SIDE:
            raise InputError(
                f"{source}: row {line}: image size {wh[0]:g}x{wh[1]:g} px is beyond {MAX_IMAGE_SIDE} px a side"
            )
        if size is None:
            size = wh
        elif wh != size:
            raise InputError(f"{source}: row {line}: image size {wh} differs from the first row's {size}")
        for name in present:
            j = LANDMARK_NAMES.index(name)
            for k, c in enumerate(_PIXEL):
                key = f"{name}_{c}"
                if key in col:
                    xyz[r, j, k] = v = num(key)
                    lim = MAX_COORD_FACTOR * max(wh)
                    if math.isfinite(v) and not -lim <= v <= lim + wh[k % 2]:
                        raise InputError(
                            f"{source}: row {line}, column {key!r}: {v:g} px is far outside the "
                            f"{wh[0]:g}x{wh[1]:g} image (more than {MAX_COORD_FACTOR:g} image sizes away)"
                        )
            vkey = f"{name}_visibility"
            if vkey in col:
                vis[r, j] = num(vkey)
            elif np.isfinite(xyz[r, j, :2]).all():
                vis[r, j] = 1.0
            if world is not None:
                for k, c in enumerate(_WORLD):
                    key = f"{name}_{c}"
                    if key in col:
                        world[r, j, k] = v = num(key)
                        if abs(v) > MAX_WORLD_M:
                            raise InputError(
                                f"{source}: row {line}, column {key!r}: {v:g} m is beyond {MAX_WORLD_M:g} m"
                            )
    assert size is not None
    try:
        return PoseSequence(
            xyz, vis, t, (int(size[0]), int(size[1])), world, fps, source=source, backend="replay"
        )
    except ValueError as e:
        raise InputError(f"{source}: {e}") from None
