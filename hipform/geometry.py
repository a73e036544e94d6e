"""Vectorised 2D geometry on landmark tracks: angles in degrees, NaN in -> NaN out.

Image coordinates: x to the right, y down, in pixels. Every function takes arrays of
shape (..., 2) and returns arrays of the broadcast leading shape.
"""

from __future__ import annotations

import numpy as np


def _check2(*arrays: np.ndarray) -> None:
    for a in arrays:
        if np.shape(a)[-1] != 2:
            raise ValueError(f"expected points with 2 coordinates in the last axis, got shape {np.shape(a)}")


def angle_at(a: np.ndarray, b: np.ndarray, c: np.ndarray) -> np.ndarray:
    """Unsigned angle ABC at vertex B in degrees (0..180).

    Parameters
    ----------
    a, b, c : numpy.ndarray
        (..., 2) points in pixels.

    Returns
    -------
    numpy.ndarray
        Angle in degrees; NaN where any point is NaN or a segment has zero length.
    """
    _check2(a, b, c)
    u = np.asarray(a, float) - b
    v = np.asarray(c, float) - b
    nu = np.linalg.norm(u, axis=-1)
    nv = np.linalg.norm(v, axis=-1)
    with np.errstate(invalid="ignore", divide="ignore"):
        cos = np.sum(u * v, axis=-1) / (nu * nv)
    out = np.degrees(np.arccos(np.clip(cos, -1.0, 1.0)))
    return np.where((nu > 0) & (nv > 0), out, np.nan)


def signed_angle(u: np.ndarray, v: np.ndarray) -> np.ndarray:
    """Signed angle from vector u to vector v in degrees (-180..180).

    Positive is clockwise on screen (because image y points down), i.e.
    counter-clockwise in the usual maths orientation with y up.
    """
    _check2(u, v)
    u = np.asarray(u, float)
    v = np.asarray(v, float)
    cross = u[..., 0] * v[..., 1] - u[..., 1] * v[..., 0]
    dot = np.sum(u * v, axis=-1)
    return np.degrees(np.arctan2(cross, dot))


def angle_from_vertical(top: np.ndarray, bottom: np.ndarray) -> np.ndarray:
    """Unsigned angle in degrees between the segment top->bottom and straight down.

    0 when ``bottom`` is directly below ``top``.
    """
    _check2(top, bottom)
    d = np.asarray(bottom, float) - top
    return np.degrees(np.arctan2(np.abs(d[..., 0]), d[..., 1]))


def signed_angle_from_vertical(top: np.ndarray, bottom: np.ndarray) -> np.ndarray:
    """Signed angle in degrees of the segment top->bottom from straight down.

    Positive when ``bottom`` lies to the right (+x) of ``top``; -180..180.
    """
    _check2(top, bottom)
    d = np.asarray(bottom, float) - top
    return np.degrees(np.arctan2(d[..., 0], d[..., 1]))


def line_tilt(left: np.ndarray, right: np.ndarray) -> np.ndarray:
    """Tilt in degrees of the line between two points against the image horizontal.

    Returns the angle of the line ``left->right`` in -90..90, positive when the second
    point (``right``) is higher in the image (smaller y) than the first, whichever side
    of the image it is on.
    """
    _check2(left, right)
    d = np.asarray(right, float) - left
    ang = np.degrees(np.arctan2(-d[..., 1], np.abs(d[..., 0])))
    return ang


def point_line_offset(p: np.ndarray, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Signed perpendicular distance in pixels of point p from the line a->b.

    Positive when the cross product (b-a) x (p-a), computed in image coordinates
    (x right, y down), is negative: for a line pointing down the image (a above b),
    positive means p is to the right (+x) of the line.
    """
    _check2(p, a, b)
    d = np.asarray(b, float) - a
    w = np.asarray(p, float) - a
    n = np.linalg.norm(d, axis=-1)
    with np.errstate(invalid="ignore", divide="ignore"):
        return -(d[..., 0] * w[..., 1] - d[..., 1] * w[..., 0]) / n


def distance(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Euclidean distance between points (same unit as the input)."""
    return np.linalg.norm(np.asarray(a, float) - b, axis=-1)


def nanmedian_safe(x: np.ndarray) -> float:
    """Median ignoring NaN; NaN (without a warning) when there is no finite value."""
    x = np.asarray(x, float)
    x = x[np.isfinite(x)]
    return float(np.median(x)) if x.size else float("nan")
