"""Kinematic models of a single-leg Romanian deadlift and a hip thrust, with known truth.

Each model builds the 33 MediaPipe landmarks of a rigid-segment body in a person frame
(metres: x = the person's left, y = up, z = forward, i.e. the way the chest faces when
standing, or toward the feet when lying in a hip thrust), moves it through reps with set
joint angles, and looks at it with an orthographic camera turned by a yaw angle and
raised by an elevation angle. It returns a :class:`~hipform.sequence.PoseSequence`
(pixels, plus camera-aligned world landmarks in metres with the origin between the hips,
as MediaPipe gives them) and the truth of every rep, computed from the same geometry.

Camera conventions (as in ``synth_body``): yaw 0 looks at the person's front (their left
on the image right); yaw 180 looks at their back; yaw -90 shows their left side (they face
image left, ``side-left``); yaw +90 their right side (``side-right``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from hipform.landmarks import LANDMARK_NAMES, N_LANDMARKS, landmark_index
from hipform.sequence import PoseSequence

SHANK_M = 0.42
THIGH_M = 0.44
TRUNK_M = 0.50
HIP_HALF_M = 0.10
SHOULDER_HALF_M = 0.19
ANKLE_Y_M = 0.08


def _idx(name: str) -> int:
    return landmark_index(name)


def _smooth_ramp(x: np.ndarray) -> np.ndarray:
    """0 -> 1 with zero slope at both ends (half cosine)."""
    x = np.clip(x, 0.0, 1.0)
    return 0.5 - 0.5 * np.cos(np.pi * x)


def _rot(axis: np.ndarray, angle_rad: float) -> np.ndarray:
    """Rotation matrix about a unit axis (right hand rule)."""
    a = np.asarray(axis, float) / np.linalg.norm(axis)
    k = np.array([[0, -a[2], a[1]], [a[2], 0, -a[0]], [-a[1], a[0], 0]])
    return np.eye(3) + np.sin(angle_rad) * k + (1 - np.cos(angle_rad)) * (k @ k)


def _angle_between(u: np.ndarray, v: np.ndarray) -> float:
    c = np.dot(u, v) / (np.linalg.norm(u) * np.linalg.norm(v))
    return float(np.degrees(np.arccos(np.clip(c, -1, 1))))


# ---------------------------------------------------------------------------------------
# camera
# ---------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Camera:
    """Orthographic camera: yaw turns the person, elevation raises the camera (degrees).

    For a lying person (hip thrust, forward = toward the feet) yaw 0 puts the camera at
    the feet looking toward the head; ``lying`` is only a label.
    """

    yaw_deg: float = 0.0
    elevation_deg: float = 0.0
    px_per_m: float = 700.0
    image_size: tuple[int, int] = (1080, 1920)
    lying: bool = False

    def to_camera(self, p: np.ndarray) -> np.ndarray:
        """Person-frame points (..., 3) -> camera frame (x right, y down, z away), metres."""
        fx, fy, fz = p[..., 0], p[..., 1], p[..., 2]
        a = np.radians(self.yaw_deg)
        xr = fx * np.cos(a) + fz * np.sin(a)
        zr = -fx * np.sin(a) + fz * np.cos(a)  # toward the camera
        e = np.radians(self.elevation_deg)
        up = fy * np.cos(e) - zr * np.sin(e)
        depth = -fy * np.sin(e) - zr * np.cos(e)
        return np.stack([xr, -up, depth], axis=-1)

    def project(self, cam: np.ndarray, origin: np.ndarray) -> np.ndarray:
        """Camera-frame points -> pixels (x, y, z), ``origin`` (camera frame) at the image centre-low."""
        w, h = self.image_size
        rel = cam - origin
        px = 0.5 * w + self.px_per_m * rel[..., 0]
        py = 0.78 * h + self.px_per_m * rel[..., 1]
        pz = self.px_per_m * rel[..., 2]
        return np.stack([px, py, pz], axis=-1)


def _sequence(
    body: np.ndarray,
    t: np.ndarray,
    camera: Camera,
    *,
    noise_px: float,
    noise_m: float,
    with_world: bool,
    seed: int,
    hidden: Sequence[str] = (),
) -> PoseSequence:
    """Project person-frame bodies (T, 33, 3) into a PoseSequence."""
    rng = np.random.default_rng(seed)
    cam = camera.to_camera(body)
    origin = cam[0].mean(axis=0) * np.array([1, 0, 1]) + np.array([0, cam[0, :, 1].max(), 0])
    xyz = camera.project(cam, origin)
    mid_hip = 0.5 * (cam[:, _idx("left_hip")] + cam[:, _idx("right_hip")])
    world = cam - mid_hip[:, None, :]
    xyz[..., 2] -= camera.px_per_m * (mid_hip[:, None, 2] - origin[2])
    if noise_px > 0:
        xyz[..., :2] += rng.normal(0.0, noise_px, xyz[..., :2].shape)
    if noise_m > 0:
        world = world + rng.normal(0.0, noise_m, world.shape)
    vis = np.full((len(t), N_LANDMARKS), 0.98)
    for name in hidden:
        vis[:, _idx(name)] = 0.2
    return PoseSequence(
        xyz,
        vis,
        t,
        camera.image_size,
        world if with_world else None,
        float(1.0 / np.median(np.diff(t))),
        "synthetic",
        "synthetic",
    )


# ---------------------------------------------------------------------------------------
# standing body parts shared by both models (person frame, metres, relative offsets)
# ---------------------------------------------------------------------------------------
_HEAD_FROM_MID_SHOULDER = {
    # (x, along the neck, forward)
    "nose": (0.0, 0.20, 0.10),
    "left_eye_inner": (0.015, 0.24, 0.09),
    "left_eye": (0.03, 0.24, 0.085),
    "left_eye_outer": (0.045, 0.24, 0.08),
    "left_ear": (0.075, 0.21, 0.0),
    "mouth_left": (0.025, 0.16, 0.085),
}
_HAND = {"left_elbow": 0.28, "left_wrist": 0.54, "left_pinky": 0.62, "left_index": 0.63, "left_thumb": 0.60}


def _mirror(name: str) -> str:
    return name.replace("left", "right") if "left" in name else name


def _head_points(mid_shoulder: np.ndarray, up: np.ndarray, fwd: np.ndarray, left: np.ndarray) -> dict:
    out = {}
    for name, (x, a, f) in _HEAD_FROM_MID_SHOULDER.items():
        out[name] = mid_shoulder + x * left + a * up + f * fwd
        if "left" in name:
            out[_mirror(name)] = mid_shoulder - x * left + a * up + f * fwd
    return out


def _arm_points(shoulder: np.ndarray, side: str, down: np.ndarray) -> dict:
    out = {}
    for name, d in _HAND.items():
        n = name if side == "left" else _mirror(name)
        out[n] = shoulder + d * down
    return out


def _assemble(points: dict) -> np.ndarray:
    arr = np.full((N_LANDMARKS, 3), np.nan)
    for name, p in points.items():
        arr[_idx(name)] = p
    missing = [LANDMARK_NAMES[i] for i in range(N_LANDMARKS) if not np.isfinite(arr[i]).all()]
    if missing:
        raise AssertionError(f"model misses landmarks: {missing}")
    return arr


def _foot(ankle: np.ndarray, down: np.ndarray, fwd: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Heel and toe tip of a foot whose sole faces ``down`` and points ``fwd``."""
    heel = ankle + 0.05 * down - 0.06 * fwd
    toe = ankle + 0.07 * down + 0.16 * fwd
    return heel, toe


# ---------------------------------------------------------------------------------------
# single-leg Romanian deadlift
# ---------------------------------------------------------------------------------------
@dataclass(frozen=True)
class HingeRep:
    """One single-leg RDL rep: values reached at the bottom (degrees unless stated).

    Attributes
    ----------
    trunk_deg : float
        Pitch of the pelvis and trunk forward from vertical (hinge depth).
    pelvic_rotation_deg : float
        Elevation of the stance-hip -> free-hip line above horizontal (hip "opening").
    stance_knee_deg : float
        Stance knee flexion (0 = straight); it is 0 when standing.
    knee_medial_shank : float
        Stance knee shifted toward the body midline, in shank lengths.
    back_bend_deg : float
        Total forward curvature of the spine (0 = straight back).
    stance : {"left", "right"}
    down_s, hold_s, up_s : float
        Durations of the lowering, the pause at the bottom and the rise.
    """

    trunk_deg: float = 70.0
    pelvic_rotation_deg: float = 0.0
    stance_knee_deg: float = 20.0
    knee_medial_shank: float = 0.0
    back_bend_deg: float = 0.0
    stance: str = "left"
    down_s: float = 1.4
    hold_s: float = 0.3
    up_s: float = 1.4


@dataclass
class HingeTruth:
    """Truth of one rep, from the model's geometry."""

    stance: str
    start_s: float
    bottom_s: float
    end_s: float
    trunk_deg: float
    pelvic_rotation_deg: float
    stance_knee_deg: float
    knee_medial_shank: float
    back_rounding_pct: float
    extra: dict = field(default_factory=dict)


def hinge_body(rep: HingeRep, u: float) -> tuple[np.ndarray, dict]:
    """Landmarks (33, 3) in the person frame at hinge progress ``u`` (0 standing, 1 bottom).

    Returns the points and the truth at that instant (trunk angle of the shoulder-hip
    chord from vertical, hip-line elevation, knee flexion, trunk shortening).
    """
    s = 1.0 if rep.stance == "left" else -1.0
    theta = np.radians(u * rep.trunk_deg)
    eps = np.radians(u * rep.pelvic_rotation_deg)
    kappa = np.radians(u * rep.stance_knee_deg)
    bend = np.radians(u * rep.back_bend_deg)
    medial = u * rep.knee_medial_shank
    up, fwd, left = np.array([0.0, 1, 0]), np.array([0.0, 0, 1]), np.array([1.0, 0, 0])

    # stance leg from the fixed foot up
    ankle = np.array([s * HIP_HALF_M, ANKLE_Y_M, 0.0])
    knee = ankle + SHANK_M * np.array([0.0, np.cos(kappa / 2), np.sin(kappa / 2)])
    hip = knee + THIGH_M * np.array([0.0, np.cos(kappa / 2), -np.sin(kappa / 2)])
    knee_shown = knee - left * s * medial * SHANK_M
    heel, toe = _foot(ankle, -up, fwd)

    # pelvis + trunk: pitch about the hip line, then turn about the trunk's long axis
    pitch = _rot(left, theta)  # +y tips toward +z (forward)
    axis = pitch @ up
    rho = 0.0
    if theta > 1e-9 and abs(eps) > 1e-12:
        rho = float(np.arcsin(np.clip(np.sin(eps) / np.sin(theta), -1.0, 1.0)))
    turn = _rot(axis, rho)
    free_local = -left * s * 2 * HIP_HALF_M
    if (turn @ pitch @ free_local)[1] * np.sign(eps) < 0:
        turn = _rot(axis, -rho)
    rot = turn @ pitch

    def body(p_local: np.ndarray) -> np.ndarray:
        return hip + rot @ p_local

    mid_hip_local = -left * s * HIP_HALF_M
    pts: dict[str, np.ndarray] = {}
    pts[f"{rep.stance}_hip"] = hip
    free = "right" if rep.stance == "left" else "left"
    pts[f"{free}_hip"] = body(free_local)
    # spine: an arc of length TRUNK_M bending forward by ``bend``
    if bend > 1e-9:
        r = TRUNK_M / bend
        chord_local = np.array([0.0, r * np.sin(bend), r * (1 - np.cos(bend))])
    else:
        chord_local = np.array([0.0, TRUNK_M, 0.0])
    upper = _rot(left, bend)  # orientation of the upper trunk
    msh_local = mid_hip_local + chord_local
    mid_sh = body(msh_local)
    for side, sx in (("left", 1.0), ("right", -1.0)):
        pts[f"{side}_shoulder"] = body(msh_local + upper @ (sx * SHOULDER_HALF_M * left))
    head_up, head_fwd, head_left = rot @ upper @ up, rot @ upper @ fwd, rot @ upper @ left
    pts.update(_head_points(mid_sh, head_up, head_fwd, head_left))
    for side in ("left", "right"):
        pts.update(_arm_points(pts[f"{side}_shoulder"], side, -up))
    # legs
    pts[f"{rep.stance}_knee"] = knee_shown
    pts[f"{rep.stance}_ankle"] = ankle
    pts[f"{rep.stance}_heel"] = heel
    pts[f"{rep.stance}_foot_index"] = toe
    leg_down = rot @ -up
    fh = pts[f"{free}_hip"]
    pts[f"{free}_knee"] = fh + THIGH_M * leg_down
    pts[f"{free}_ankle"] = fh + (THIGH_M + SHANK_M) * leg_down
    fheel, ftoe = _foot(pts[f"{free}_ankle"], leg_down, rot @ fwd)
    pts[f"{free}_heel"], pts[f"{free}_foot_index"] = fheel, ftoe

    arr = _assemble(pts)
    mid_hip = 0.5 * (pts["left_hip"] + pts["right_hip"])
    chord = mid_sh - mid_hip
    hip_line = pts[f"{free}_hip"] - pts[f"{rep.stance}_hip"]
    truth = {
        "trunk_deg": _angle_between(chord, up),
        "pelvic_rotation_deg": float(np.degrees(np.arcsin(hip_line[1] / np.linalg.norm(hip_line)))),
        "stance_knee_deg": float(np.degrees(kappa)),
        "knee_medial_shank": float(medial),
        "back_rounding_pct": float(100 * (1 - np.linalg.norm(chord) / TRUNK_M)),
    }
    return arr, truth


def hinge_sequence(
    reps: Sequence[HingeRep],
    camera: Camera | None = None,
    *,
    fps: float = 30.0,
    rest_s: float = 1.2,
    set_breaks: dict[int, float] | None = None,
    noise_px: float = 0.0,
    noise_m: float = 0.0,
    with_world: bool = True,
    seed: int = 0,
) -> tuple[PoseSequence, list[HingeTruth]]:
    """A clip of single-leg RDL reps, standing ``rest_s`` before, between and after them.

    Parameters
    ----------
    reps : sequence of HingeRep
    camera : Camera
    fps : float
    rest_s : float
        Standing time before the first rep, between reps and after the last.
    set_breaks : dict, optional
        Rep index (0-based) -> extra standing seconds before it (a pause between sets).
    noise_px, noise_m : float
        Gaussian noise on pixel and world coordinates.
    with_world : bool
        Include world landmarks.

    Returns
    -------
    PoseSequence, list of HingeTruth
    """
    camera = camera or Camera()
    set_breaks = set_breaks or {}
    period = 1.0 / fps
    times: list[float] = []
    frames: list[np.ndarray] = []
    truths: list[HingeTruth] = []
    t_now = 0.0

    def emit(body: np.ndarray) -> None:
        nonlocal t_now
        times.append(t_now)
        frames.append(body)
        t_now += period

    for i, rep in enumerate(reps):
        standing = hinge_body(rep, 0.0)[0]
        t_rest = t_now
        while t_now < t_rest + rest_s + set_breaks.get(i, 0.0) - 1e-9:
            emit(standing)
        t0 = t_now
        dur = rep.down_s + rep.hold_s + rep.up_s
        while t_now < t0 + dur - 1e-9:
            tau = t_now - t0
            if tau < rep.down_s:
                u = float(_smooth_ramp(np.array(tau / rep.down_s)))
            elif tau < rep.down_s + rep.hold_s:
                u = 1.0
            else:
                u = 1.0 - float(_smooth_ramp(np.array((tau - rep.down_s - rep.hold_s) / rep.up_s)))
            emit(hinge_body(rep, u)[0])
        tr = hinge_body(rep, 1.0)[1]
        truths.append(
            HingeTruth(
                rep.stance,
                t0,
                t0 + rep.down_s + 0.5 * rep.hold_s,
                t0 + dur,
                tr["trunk_deg"],
                tr["pelvic_rotation_deg"],
                tr["stance_knee_deg"],
                tr["knee_medial_shank"],
                tr["back_rounding_pct"],
            )
        )
    t_end = t_now
    standing = hinge_body(reps[-1], 0.0)[0]
    while t_now < t_end + rest_s - 1e-9:
        emit(standing)
    seq = _sequence(
        np.stack(frames), np.array(times), camera, noise_px=noise_px, noise_m=noise_m, with_world=with_world, seed=seed
    )
    return seq, truths


# ---------------------------------------------------------------------------------------
# hip thrust
# ---------------------------------------------------------------------------------------
@dataclass(frozen=True)
class ThrustRep:
    """One hip-thrust rep, values at the top (degrees).

    Attributes
    ----------
    lockout_deficit_deg : float
        180 minus angle(shoulder, hip, knee) at the top, positive when the hips sag below
        the shoulder-knee line, negative when the line is arched past straight.
    knee_top_deg : float
        Knee angle (hip, knee, ankle) at the top; 90 is a vertical shin.
    head_deg : float
        Head line (shoulder -> ear) against the trunk line, positive = chin toward chest.
    pelvic_tilt_deg : float
        Single-leg only: the free-side hip lower than the working one at the top.
    single : {"left", "right"} or None
        Working leg of a single-leg thrust; None for both legs.
    up_s, hold_s, down_s : float
    """

    lockout_deficit_deg: float = 0.0
    knee_top_deg: float = 90.0
    head_deg: float = 0.0
    pelvic_tilt_deg: float = 0.0
    single: str | None = None
    up_s: float = 1.0
    hold_s: float = 0.5
    down_s: float = 1.2
    shoulder_height_m: float | None = None
    trunk_top_deg: float = 0.0
    rest_drop_deg: float | None = None
    head_on_floor: bool = False


BENCH_M = 0.42
TRUNK_DROP_BOTTOM_DEG = 50.0
FLOOR_SHOULDER_M = 0.08
"""Shoulder joint height lying on the floor (a floor glute bridge)."""


def floor_bridge(**kw) -> ThrustRep:
    """A floor glute bridge: shoulders and head on the floor, the trunk rising 25° to a straight line at the top.

    The feet end up on the floor (ankle at about shoulder height) with the default 90° knee.
    """
    kw.setdefault("trunk_top_deg", 25.0)
    return ThrustRep(shoulder_height_m=FLOOR_SHOULDER_M, rest_drop_deg=0.0, head_on_floor=True, **kw)


def _two_link_knee(hip: np.ndarray, ankle: np.ndarray, knee_hint: np.ndarray) -> np.ndarray:
    """Knee position (sagittal y-z plane) joining hip and ankle, on the side of ``knee_hint``."""
    d = ankle - hip
    dist = np.linalg.norm(d)
    dist = min(dist, THIGH_M + SHANK_M - 1e-6)
    a = (THIGH_M**2 - SHANK_M**2 + dist**2) / (2 * dist)
    h = np.sqrt(max(THIGH_M**2 - a**2, 0.0))
    e = d / np.linalg.norm(d)
    n = np.array([0.0, -e[2], e[1]])  # perpendicular in the y-z plane
    base = hip + a * e
    c1, c2 = base + h * n, base - h * n
    return c1 if np.linalg.norm(c1 - knee_hint) <= np.linalg.norm(c2 - knee_hint) else c2


def thrust_top_sagittal(rep: ThrustRep) -> dict[str, np.ndarray]:
    """Mid-shoulder, hip, knee, ankle (y, z in the person frame) at the top."""
    s = np.array([0.0, BENCH_M if rep.shoulder_height_m is None else rep.shoulder_height_m, 0.0])
    a = np.radians(rep.trunk_top_deg)
    hip = s + TRUNK_M * np.array([0.0, np.sin(a), np.cos(a)])  # trunk horizontal at the top on a bench
    e_th = a + np.radians(rep.lockout_deficit_deg)  # thigh rises above the trunk line by the deficit
    knee = hip + THIGH_M * np.array([0.0, np.sin(e_th), np.cos(e_th)])
    e_sh = e_th - np.radians(180.0 - rep.knee_top_deg)
    ankle = knee + SHANK_M * np.array([0.0, np.sin(e_sh), np.cos(e_sh)])
    return {"shoulder": s, "hip": hip, "knee": knee, "ankle": ankle}


def thrust_body(rep: ThrustRep, u: float) -> tuple[np.ndarray, dict]:
    """Landmarks (33, 3) in the person frame at thrust progress ``u`` (0 bottom, 1 top).

    The shoulders stay on the bench and the feet on the floor (the feet sit where the top
    position puts them); the trunk swings about the shoulders and the knee closes the
    hip-ankle gap.
    """
    top = thrust_top_sagittal(rep)
    s, ankle = top["shoulder"], top["ankle"]
    drop = TRUNK_DROP_BOTTOM_DEG if rep.rest_drop_deg is None else rep.rest_drop_deg
    beta = np.radians((1.0 - u) * drop - u * rep.trunk_top_deg)
    hip = s + TRUNK_M * np.array([0.0, -np.sin(beta), np.cos(beta)])
    knee = top["knee"] if u >= 1.0 else _two_link_knee(hip, ankle, top["knee"] + np.array([0.0, 0.3, 0.0]))
    left, up = np.array([1.0, 0, 0]), np.array([0.0, 1, 0])
    trunk_dir = (s - hip) / np.linalg.norm(s - hip)  # toward the head
    anterior = np.cross(left, trunk_dir)  # up when lying face up
    if anterior[1] < 0:
        anterior = -anterior
    h = np.radians(rep.head_deg * u)
    head_dir = np.cos(h) * trunk_dir + np.sin(h) * anterior
    if rep.head_on_floor:  # the head lies on the floor whatever the trunk does
        head_dir = np.array([0.0, 0.0, -1.0])
        anterior = np.array([0.0, 1.0, 0.0])
    head_ant = np.cross(left, head_dir)
    if np.dot(head_ant, anterior) < 0:
        head_ant = -head_ant
    pts: dict[str, np.ndarray] = {}
    pts.update(_head_points(s, head_dir, head_ant, left))
    for side, sx in (("left", 1.0), ("right", -1.0)):
        pts[f"{side}_shoulder"] = s + sx * SHOULDER_HALF_M * left
        pts.update(_arm_points(pts[f"{side}_shoulder"], side, -trunk_dir))
    work = rep.single
    tau = np.radians(rep.pelvic_tilt_deg * u) if work else 0.0
    for side, sx in (("left", 1.0), ("right", -1.0)):
        pts[f"{side}_hip"] = hip + sx * HIP_HALF_M * left
    if work:
        free = "right" if work == "left" else "left"
        sx = 1.0 if work == "left" else -1.0
        pts[f"{free}_hip"] = pts[f"{work}_hip"] - sx * 2 * HIP_HALF_M * (np.cos(tau) * left) - 2 * HIP_HALF_M * np.sin(
            tau
        ) * up
    thigh_dir = (knee - hip) / np.linalg.norm(knee - hip)
    for side, sx in (("left", 1.0), ("right", -1.0)):
        off = sx * HIP_HALF_M * left
        if work and side != work:
            fh = pts[f"{side}_hip"]
            k = fh + THIGH_M * thigh_dir
            a = fh + (THIGH_M + SHANK_M) * thigh_dir
            heel, toe = _foot(a, -np.cross(left, thigh_dir) * -1, thigh_dir)
        else:
            k = knee + off
            a = ankle + off
            heel, toe = _foot(a, -up, np.array([0.0, 0, 1]))
        pts[f"{side}_knee"], pts[f"{side}_ankle"] = k, a
        pts[f"{side}_heel"], pts[f"{side}_foot_index"] = heel, toe
    arr = _assemble(pts)
    ang = _angle_between(s - hip, knee - hip)
    truth = {
        "lockout_deficit_deg": 180.0 - ang if knee[1] - hip[1] >= 0 or u < 1 else ang - 180.0,
        "knee_deg": _angle_between(hip - knee, ankle - knee),
        "head_deg": float(np.degrees(h)),
        "pelvic_tilt_deg": float(np.degrees(tau)),
    }
    if u >= 1.0:
        truth["lockout_deficit_deg"] = rep.lockout_deficit_deg
    return arr, truth


def thrust_sequence(
    reps: Sequence[ThrustRep],
    camera: Camera | None = None,
    *,
    fps: float = 30.0,
    rest_s: float = 1.0,
    noise_px: float = 0.0,
    noise_m: float = 0.0,
    with_world: bool = True,
    seed: int = 0,
) -> tuple[PoseSequence, list[dict]]:
    """A clip of hip-thrust reps resting at the bottom ``rest_s`` between them.

    The default camera looks at the person's left side (yaw -90 for a lying person).

    Returns
    -------
    PoseSequence, list of dict
        Per rep: ``start_s``, ``top_s``, ``end_s``, ``lockout_deficit_deg``, ``knee_deg``,
        ``head_deg``, ``pelvic_tilt_deg``, ``single``.
    """
    camera = camera or Camera(yaw_deg=-90.0, px_per_m=450.0, image_size=(1920, 1080), lying=True)
    times: list[float] = []
    frames: list[np.ndarray] = []
    truths: list[dict] = []
    period = 1.0 / fps
    t_now = 0.0

    def emit(body: np.ndarray) -> None:
        nonlocal t_now
        times.append(t_now)
        frames.append(body)
        t_now += period

    for i, rep in enumerate(reps):
        start = t_now
        rest_body = thrust_body(rep if i == 0 else reps[i - 1], 0.0)[0]
        while t_now < start + rest_s - 1e-9:
            emit(rest_body if i == 0 else thrust_body(rep, 0.0)[0])
        t_rep = t_now
        dur = rep.up_s + rep.hold_s + rep.down_s
        while t_now < t_rep + dur - 1e-9:
            tau = t_now - t_rep
            if tau < rep.up_s:
                u = float(_smooth_ramp(np.array(tau / rep.up_s)))
            elif tau < rep.up_s + rep.hold_s:
                u = 1.0
            else:
                u = 1.0 - float(_smooth_ramp(np.array((tau - rep.up_s - rep.hold_s) / rep.down_s)))
            emit(thrust_body(rep, u)[0])
        _, tr = thrust_body(rep, 1.0)
        tr.update(start_s=t_rep, top_s=t_rep + rep.up_s + 0.5 * rep.hold_s, end_s=t_rep + dur, single=rep.single)
        truths.append(tr)
    end = t_now
    while t_now < end + rest_s - 1e-9:
        emit(thrust_body(reps[-1], 0.0)[0])
    body = np.stack(frames)
    seq = _sequence(
        body, np.array(times), camera, noise_px=noise_px, noise_m=noise_m, with_world=with_world, seed=seed
    )
    return seq, truths
