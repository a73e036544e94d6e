"""Locate the shipped MediaPipe pose bundles and check their digests.

The bundles live in ``models/`` beside the package (the project is installed editable)
or in the folder named by the environment variable ``HIPFORM_MODELS_DIR``. Each bundle's
SHA-256 is checked against ``SHA256SUMS`` in the same folder the first time it is asked
for in a process; the result is cached per resolved path and file state.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

from hipform.errors import ModelError

MODEL_NAMES: tuple[str, ...] = ("lite", "full", "heavy")
"""Model variants, fastest first."""

MODELS_DIR_ENV = "HIPFORM_MODELS_DIR"
"""Environment variable that overrides the models folder."""

SUMS_FILE = "SHA256SUMS"

_VERIFIED: dict[tuple[Path, int, int], str] = {}
"""Cache of verified bundles: (path, size in bytes, mtime in ns) -> digest."""


def models_dir() -> Path:
    """Return the folder that holds the pose bundles.

    Returns
    -------
    pathlib.Path
        ``$HIPFORM_MODELS_DIR`` when set, else ``models/`` at the project root.
    """
    env = os.environ.get(MODELS_DIR_ENV)
    if env:
        return Path(env).expanduser()
    return Path(__file__).resolve().parents[1] / "models"


def bundle_file_name(name: str) -> str:
    """Return the file name of a bundle, e.g. ``pose_landmarker_full.task``.

    Raises
    ------
    ModelError
        If ``name`` is not one of :data:`MODEL_NAMES`.
    """
    if name not in MODEL_NAMES:
        raise ModelError(f"unknown pose model {name!r}: expected one of {', '.join(MODEL_NAMES)}")
    return f"pose_landmarker_{name}.task"


def read_sums(path: Path) -> dict[str, str]:
    """Parse a ``sha256sum``-style file into ``{file name: hex digest}``.

    Raises
    ------
    ModelError
        If the file is missing or unreadable.
    """
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as e:
        raise ModelError(f"cannot read model digest list {path}: {e.strerror or e}") from None
    sums: dict[str, str] = {}
    for line in text.splitlines():
        parts = line.strip().split(maxsplit=1)
        if len(parts) == 2:
            sums[parts[1].lstrip("*")] = parts[0].lower()
    return sums


def sha256_file(path: Path, chunk_bytes: int = 1 << 20) -> str:
    """Return the lower-case hex SHA-256 of a file, read in chunks of ``chunk_bytes``."""
    h = hashlib.sha256()
    with path.open("rb") as f:
        while block := f.read(chunk_bytes):
            h.update(block)
    return h.hexdigest()


def model_path(name: str = "full") -> Path:
    """Return the verified path of a pose bundle.

    Parameters
    ----------
    name : str
        ``"lite"``, ``"full"`` or ``"heavy"``.

    Returns
    -------
    pathlib.Path
        Absolute path of the ``.task`` bundle whose SHA-256 matches ``SHA256SUMS``.

    Raises
    ------
    ModelError
        Unknown name, missing bundle, missing digest entry or digest mismatch.
    """
    folder = models_dir()
    file_name = bundle_file_name(name)
    path = (folder / file_name).resolve()
    try:
        st = path.stat()
    except OSError:
        raise ModelError(f"pose model {name!r} not found: expected {path}") from None
    key = (path, st.st_size, st.st_mtime_ns)
    if key in _VERIFIED:
        return path
    expected = read_sums(folder / SUMS_FILE).get(file_name)
    if expected is None:
        raise ModelError(f"no digest for {file_name} in {folder / SUMS_FILE}")
    actual = sha256_file(path)
    if actual != expected:
        raise ModelError(
            f"pose model {file_name} is corrupt or replaced: sha256 {actual[:12]}…, expected {expected[:12]}…"
        )
    _VERIFIED[key] = actual
    return path


def clear_cache() -> None:
    """Forget which bundles were verified (tests use this)."""
    _VERIFIED.clear()
