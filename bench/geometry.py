"""Small geometry helpers: rotations, a pinhole camera and 2D form measures.

Only numpy is needed here, so the measure definitions can be read (and reused)
without the rendering dependencies.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

#: World axes used by the bench (those of the ``anny`` model): +X is the
#: person's left, -Y the direction the person faces, +Z up.
LEFT = np.array([1.0, 0.0, 0.0])
FORWARD = np.array([0.0, -1.0, 0.0])
UP = np.array([0.0, 0.0, 1.0])
FORWARD_AXIS_Y = np.array([0.0, 1.0, 0.0])


def unit(v: np.ndarray) -> np.ndarray:
    """Return ``v`` scaled to unit length.

    Parameters
    ----------
    v : numpy.ndarray
        Vector of shape (3,).

    Returns
    -------
    numpy.ndarray
        The unit vector.
    """
    return np.asarray(v, dtype=float) / float(np.linalg.norm(v))


def rot(axis: np.ndarray, deg: float) -> np.ndarray:
    """Rotation matrix about ``axis`` by ``deg`` degrees (right-hand rule).

    Parameters
    ----------
    axis : numpy.ndarray
        Rotation axis, any length > 0.
    deg : float
        Angle in degrees.

    Returns
    -------
    numpy.ndarray
        A 3x3 rotation matrix.
    """
    a = unit(axis)
    t = np.radians(deg)
    k = np.array([[0, -a[2], a[1]], [a[2], 0, -a[0]], [-a[1], a[0], 0]])
    return np.eye(3) + np.sin(t) * k + (1 - np.cos(t)) * (k @ k)


def align(src: np.ndarray, dst: np.ndarray) -> np.ndarray:
    """Smallest rotation taking direction ``src`` onto direction ``dst``.

    Parameters
    ----------
    src, dst : numpy.ndarray
        Directions of shape (3,).

    Returns
    -------
    numpy.ndarray
        A 3x3 rotation matrix ``R`` with ``R @ unit(src) == unit(dst)``.
    """
    a, b = unit(src), unit(dst)
    c = float(np.clip(a @ b, -1.0, 1.0))
    axis = np.cross(a, b)
    if np.linalg.norm(axis) < 1e-9:
        if c > 0:
            return np.eye(3)
        perp = np.cross(a, LEFT if abs(a[0]) < 0.9 else UP)
        return rot(perp, 180.0)
    return rot(axis, np.degrees(np.arccos(c)))


def sag_dir(from_down_deg: float, lateral_deg: float = 0.0) -> np.ndarray:
    """Unit direction given by angles from straight down.

    Parameters
    ----------
    from_down_deg : float
        Sagittal angle from straight down; positive tilts toward the person's
        front (-Y).
    lateral_deg : float, optional
        Frontal angle; positive tilts toward the person's left (+X).

    Returns
    -------
    numpy.ndarray
        Unit direction vector.
    """
    down = np.array([0.0, 0.0, -1.0])
    return rot(FORWARD_AXIS_Y, -lateral_deg) @ rot(LEFT, -from_down_deg) @ down


def angle_deg(a: np.ndarray, b: np.ndarray, c: np.ndarray) -> float:
    """Angle ABC (at ``b``) in degrees, for 2D or 3D points.

    Parameters
    ----------
    a, b, c : numpy.ndarray
        Points.

    Returns
    -------
    float
        The angle in degrees, in [0, 180].
    """
    u = np.asarray(a, float) - np.asarray(b, float)
    v = np.asarray(c, float) - np.asarray(b, float)
    cos = u @ v / (np.linalg.norm(u) * np.linalg.norm(v))
    return float(np.degrees(np.arccos(np.clip(cos, -1.0, 1.0))))


@dataclass
class Camera:
    """Pinhole camera looking at ``target`` from ``eye``.

    Parameters
    ----------
    eye : numpy.ndarray
        Camera centre in world metres.
    target : numpy.ndarray
        Point the optical axis passes through.
    width, height : int
        Image size in pixels.
    fov_y_deg : float
        Vertical field of view.
    """

    eye: np.ndarray
    target: np.ndarray
    width: int
    height: int
    fov_y_deg: float = 40.0
    near: float = 0.1
    far: float = 30.0
    view: np.ndarray = field(init=False)
    proj: np.ndarray = field(init=False)

    def __post_init__(self) -> None:
        f = unit(self.target - self.eye)
        s = unit(np.cross(f, UP))
        u = np.cross(s, f)
        view = np.eye(4)
        view[0, :3], view[1, :3], view[2, :3] = s, u, -f
        view[:3, 3] = -view[:3, :3] @ self.eye
        self.view = view
        t = 1.0 / np.tan(np.radians(self.fov_y_deg) / 2)
        aspect = self.width / self.height
        n, fa = self.near, self.far
        self.proj = np.array(
            [
                [t / aspect, 0, 0, 0],
                [0, t, 0, 0],
                [0, 0, (fa + n) / (n - fa), 2 * fa * n / (n - fa)],
                [0, 0, -1, 0],
            ]
        )

    @property
    def mvp(self) -> np.ndarray:
        """Projection times view matrix (4x4)."""
        return self.proj @ self.view

    def project(self, points: np.ndarray) -> np.ndarray:
        """Project world points to pixel coordinates (x right, y down).

        Parameters
        ----------
        points : numpy.ndarray
            Array of shape (..., 3).

        Returns
        -------
        numpy.ndarray
            Array of shape (..., 2) in pixels.
        """
        p = np.asarray(points, float)
        h = np.concatenate([p, np.ones(p.shape[:-1] + (1,))], axis=-1) @ self.mvp.T
        ndc = h[..., :2] / h[..., 3:4]
        x = (ndc[..., 0] + 1) / 2 * self.width
        y = (1 - ndc[..., 1]) / 2 * self.height
        return np.stack([x, y], axis=-1)


def make_camera(
    view: str,
    yaw_off_deg: float,
    height_m: float,
    distance_m: float,
    look_at: np.ndarray,
    size: tuple[int, int],
    fov_y_deg: float = 40.0,
) -> Camera:
    """Place a camera around a subject facing -Y.

    Parameters
    ----------
    view : str
        ``front``, ``rear``, ``side-left`` (camera on the person's left) or
        ``side-right``.
    yaw_off_deg : float
        Extra rotation of the camera position about the vertical axis through
        ``look_at`` (positive = counter-clockwise seen from above).
    height_m : float
        Camera height above the floor (z=``floor``) in metres, absolute z.
    distance_m : float
        Horizontal distance to ``look_at``.
    look_at : numpy.ndarray
        Point the camera aims at.
    size : tuple of int
        (width, height) in pixels.
    fov_y_deg : float, optional
        Vertical field of view in degrees.

    Returns
    -------
    Camera
        The camera.
    """
    base = {
        "front": FORWARD,
        "rear": -FORWARD,
        "side-left": LEFT,
        "side-right": -LEFT,
    }[view]
    d = rot(UP, yaw_off_deg) @ base
    eye = np.asarray(look_at, float) + distance_m * d
    eye[2] = height_m
    return Camera(eye=eye, target=np.asarray(look_at, float), width=size[0],
                  height=size[1], fov_y_deg=fov_y_deg)


# ---------------------------------------------------------------------------
# 2D measures (image pixels, y down). Names follow hipform's report.
# ---------------------------------------------------------------------------


def fppa_deg(hip: np.ndarray, knee: np.ndarray, ankle: np.ndarray, mid_hip_x: float) -> float:
    """Frontal plane projection angle, positive when the knee is medial.

    Parameters
    ----------
    hip, knee, ankle : numpy.ndarray
        2D pixel points of one leg.
    mid_hip_x : float
        x of the mid-hip point, which sets the midline side.

    Returns
    -------
    float
        ``180 - angle(hip, knee, ankle)``, signed: positive when the knee lies
        on the body-midline side of the hip-ankle line.
    """
    mag = 180.0 - angle_deg(hip, knee, ankle)
    return mag * _medial_sign(hip, knee, ankle, mid_hip_x)


def _medial_sign(a: np.ndarray, p: np.ndarray, b: np.ndarray, mid_x: float) -> float:
    """+1 when ``p`` lies on the midline side of line a-b, else -1."""
    t = (p[1] - a[1]) / (b[1] - a[1]) if abs(b[1] - a[1]) > 1e-9 else 0.5
    x_line = a[0] + t * (b[0] - a[0])
    toward_mid = np.sign(mid_x - x_line)
    return 1.0 if np.sign(p[0] - x_line) == toward_mid else -1.0


def line_tilt_deg(a: np.ndarray, b: np.ndarray) -> float:
    """Tilt of line a->b against the image horizontal, degrees.

    Positive when ``b`` is lower in the image than ``a`` (y down).

    Parameters
    ----------
    a, b : numpy.ndarray
        2D pixel points.

    Returns
    -------
    float
        Angle in degrees in (-90, 90].
    """
    d = np.asarray(b, float) - np.asarray(a, float)
    if d[0] < 0:
        d = -d
        return -float(np.degrees(np.arctan2(d[1], d[0])))
    return float(np.degrees(np.arctan2(d[1], d[0])))


def from_vertical_deg(lower: np.ndarray, upper: np.ndarray) -> float:
    """Unsigned angle of segment lower->upper against the image vertical.

    Parameters
    ----------
    lower, upper : numpy.ndarray
        2D pixel points.

    Returns
    -------
    float
        Degrees in [0, 180].
    """
    d = np.asarray(upper, float) - np.asarray(lower, float)
    return float(np.degrees(np.arctan2(abs(d[0]), -d[1])))
