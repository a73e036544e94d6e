"""A small kinematic model that films a person from the front (or rear) doing squats.

It builds 3D joint positions for every frame from a script of phases (walk in, stand,
single-leg squat reps, bilateral squat reps, step-ups, walk out), projects them
orthographically onto a portrait image (x right, y down, z = depth, negative toward the
camera, same pixel scale), adds noise and dropouts, and returns a
:class:`~hipform.sequence.PoseSequence` together with the truth of every rep.

Truth is exact by construction: the knee of each loaded leg is rotated about the
hip-ankle axis until the projected frontal plane projection angle equals the requested
valgus; the free-side hip is lowered so that the hip line tilts by the requested pelvic
drop; the trunk is tilted sideways by the requested lean.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from scipy.optimize import brentq

from hipform.landmarks import LANDMARK_NAMES, N_LANDMARKS, landmark_index
from hipform.sequence import PoseSequence

W, H = 720, 1280
THIGH, SHANK = 235.0, 215.0
LEG = THIGH + SHANK
HIP_HALF = 48.0
SHOULDER_HALF = 85.0
TORSO = 300.0
FLOOR_Y = 1180.0
PX_PER_M = LEG / 0.85
"""Image scale at the person: a 0.85 m leg is 450 px."""
ANKLE_UP = 0.08 * LEG
FACE = (
    "nose",
    "left_eye_inner",
    "left_eye",
    "left_eye_outer",
    "right_eye_inner",
    "right_eye",
    "right_eye_outer",
    "left_ear",
    "right_ear",
    "mouth_left",
    "mouth_right",
)


# ---------------------------------------------------------------------------------------
# Script items
# ---------------------------------------------------------------------------------------
@dataclass
class Walk:
    """Walk sideways from ``x0`` to ``x1`` (image x of the mid-hip) in ``duration_s``."""

    duration_s: float
    x0: float
    x1: float


@dataclass
class Stand:
    """Stand still for ``duration_s`` on ``stance`` (None: both feet), with optional sway."""

    duration_s: float
    stance: str | None = None
    sway_px: float = 0.0
    bob_rel: float = 0.0
    lift_rel: float = 0.25


@dataclass
class Rep:
    """One squat rep: single-leg on ``side``, or bilateral when ``side`` is None.

    ``valgus`` is the stance knee's FPPA at the bottom (deg); for a bilateral rep
    ``valgus`` is the left knee and ``valgus_right`` the right one. ``counted`` is False
    for a movement that must not be counted (a half rep).
    """

    side: str | None
    depth: float = 0.25
    valgus: float = 8.0
    valgus_right: float | None = None
    pelvic_drop: float = 0.0
    lean: float = 0.0
    toe_out_px: float = 0.0
    descent_s: float = 1.2
    pause_s: float = 0.0
    ascent_s: float = 1.0
    rest_s: float = 1.0
    lift_rel: float = 0.25
    counted: bool = True


@dataclass
class StepUp:
    """One forward step-up onto a box with ``lead`` leg, lowering in ``lowering_s``."""

    lead: str
    box_rel: float = 0.3
    valgus: float = 8.0
    pelvic_drop: float = 0.0
    knee_drive: float = 0.8
    step_on_s: float = 0.6
    ascent_s: float = 1.0
    hold_s: float = 0.5
    lowering_s: float = 1.5
    step_off_s: float = 0.6
    rest_s: float = 1.0


@dataclass
class Clip:
    """A generated clip: the sequence, the truth per counted rep, and the noiseless sequence."""

    seq: PoseSequence
    reps: list[dict]
    clean: PoseSequence
    frames: dict = field(default_factory=dict)


# ---------------------------------------------------------------------------------------
# Per-frame state -> 3D joints
# ---------------------------------------------------------------------------------------
@dataclass
class State:
    """Body configuration of one frame (see module docstring)."""

    cx: float = W / 2
    depth: float = 0.0
    stance: str | None = None
    lift: dict = field(default_factory=lambda: {"left": 0.0, "right": 0.0})
    foot_floor: dict = field(default_factory=lambda: {"left": 0.0, "right": 0.0})
    foot_z: dict = field(default_factory=lambda: {"left": 0.0, "right": 0.0})
    valgus: dict = field(default_factory=lambda: {"left": 0.0, "right": 0.0})
    pelvic_drop: float = 0.0
    lean: float = 0.0
    toe_out: float = 0.0
    rise: float = 0.0
    knee_drive: dict = field(default_factory=lambda: {"left": 0.0, "right": 0.0})
    walk_phase: float | None = None


def _unit(v: np.ndarray) -> np.ndarray:
    return v / np.linalg.norm(v)


def _knee(hip: np.ndarray, ankle: np.ndarray, fwd: np.ndarray) -> tuple[np.ndarray, np.ndarray, float]:
    """Knee centre for given hip/ankle: point on the axis, unit forward perpendicular, radius."""
    axis = ankle - hip
    c = float(np.linalg.norm(axis))
    c = min(c, LEG - 1e-6)
    e = axis / np.linalg.norm(axis)
    u = (THIGH**2 - SHANK**2 + c**2) / (2 * c)
    r = float(np.sqrt(max(THIGH**2 - u**2, 0.0)))
    perp = fwd - np.dot(fwd, e) * e
    perp = _unit(perp)
    return hip + u * e, perp, r


def fppa_2d(hip: np.ndarray, knee: np.ndarray, ankle: np.ndarray, medial: float) -> float:
    """Signed FPPA of projected points (truth check), deg."""
    a, b, c = hip[:2], knee[:2], ankle[:2]
    u, v = a - b, c - b
    ang = np.degrees(np.arccos(np.clip(np.dot(u, v) / np.linalg.norm(u) / np.linalg.norm(v), -1, 1)))
    d = c - a
    n = np.array([d[1], -d[0]])
    s = np.sign(np.dot(b - a, n)) * np.sign(n[0]) * medial
    return float((180 - ang) * (s if s != 0 else 1))


def place_knee(
    hip: np.ndarray, ankle: np.ndarray, fwd: np.ndarray, medial_vec: np.ndarray, target: float
) -> np.ndarray:
    """Knee rotated about the hip-ankle axis so the projected FPPA equals ``target`` deg."""
    centre, perp, r = _knee(hip, ankle, fwd)
    e = _unit(ankle - hip)
    side_dir = _unit(np.cross(e, perp))
    if np.dot(side_dir, medial_vec) < 0:
        side_dir = -side_dir
    medial = float(np.sign(medial_vec[0]))

    def knee_at(psi: float) -> np.ndarray:
        return centre + r * (np.cos(psi) * perp + np.sin(psi) * side_dir)

    if abs(target) < 1e-9 or r < 1e-6:
        return knee_at(0.0)

    def f(psi: float) -> float:
        return fppa_2d(hip, knee_at(psi), ankle, medial) - target

    lim = np.pi / 2 - 1e-6
    lo, hi = (0.0, lim) if target > 0 else (-lim, 0.0)
    if f(lo) * f(hi) > 0:
        raise ValueError(f"valgus {target:.1f} deg cannot be reached at this depth (knee radius {r:.0f} px)")
    return knee_at(brentq(f, lo, hi, xtol=1e-10))


def body(state: State, view: str) -> np.ndarray:
    """(33, 3) landmark positions for one frame (x, y image px; z depth px)."""
    lat = {"left": 1.0, "right": -1.0} if view == "front" else {"left": -1.0, "right": 1.0}
    fwd = np.array([0.0, 0.0, -1.0 if view == "front" else 1.0])
    p: dict[str, np.ndarray] = {}
    stance = state.stance
    # pelvis: the stance hip (or mid-hip for two feet) carries the depth
    hip_y0 = FLOOR_Y - ANKLE_UP - LEG
    mid_y = hip_y0 + state.depth * LEG - state.rise * LEG
    drop_px = 2 * HIP_HALF * np.tan(np.radians(state.pelvic_drop))
    for s in ("left", "right"):
        dy = 0.0
        if stance is not None:
            dy = 0.5 * drop_px if s != stance else -0.5 * drop_px
        p[f"{s}_hip"] = np.array([state.cx + lat[s] * HIP_HALF, mid_y + dy, 0.0])
    mid_hip = 0.5 * (p["left_hip"] + p["right_hip"])
    for s in ("left", "right"):
        hip = p[f"{s}_hip"]
        medial_vec = np.array([-lat[s], 0.0, 0.0])
        floor = FLOOR_Y - state.foot_floor[s] * LEG
        if state.knee_drive[s] > 0:
            alpha = np.arccos(np.clip(1 - state.knee_drive[s], -1, 1))
            knee = hip + THIGH * (np.cos(alpha) * np.array([0, 1.0, 0]) + np.sin(alpha) * fwd)
            ankle = knee + np.array([0.0, SHANK, 0.0])
        else:
            lifted = state.lift[s] > 0
            ankle_y = floor - ANKLE_UP - state.lift[s] * LEG
            ankle_x = hip[0] if state.walk_phase is None else hip[0]
            ankle = np.array([ankle_x, ankle_y, fwd[2] * state.foot_z[s]])
            if lifted:
                v = ankle_y - hip[1]
                reach = 0.92 * LEG
                z = np.sqrt(max(reach**2 - v**2, 0.0))
                ankle[2] = fwd[2] * z
                knee = place_knee(hip, ankle, fwd, medial_vec, 0.0)
            else:
                if np.linalg.norm(ankle - hip) > LEG - 0.5:
                    ankle[1] = hip[1] + np.sqrt((LEG - 0.5) ** 2 - (ankle[2] - hip[2]) ** 2)
                knee = place_knee(hip, ankle, fwd, medial_vec, state.valgus[s])
        p[f"{s}_knee"], p[f"{s}_ankle"] = knee, ankle
        p[f"{s}_heel"] = ankle + np.array([0.0, ANKLE_UP, 0.0]) - 0.12 * LEG * fwd
        p[f"{s}_foot_index"] = ankle + np.array([lat[s] * state.toe_out, ANKLE_UP + 4.0, 0.0]) + 0.3 * LEG * fwd
    # trunk leans toward the stance hip (toward the person's right when bilateral)
    toward = lat[stance] if stance is not None else lat["right"]
    lam = np.radians(state.lean)
    mid_sh = mid_hip + TORSO * np.array([np.sin(lam) * toward, -np.cos(lam), 0.0])
    for s in ("left", "right"):
        sh = mid_sh + np.array([lat[s] * SHOULDER_HALF, 0.0, 0.0])
        p[f"{s}_shoulder"] = sh
        p[f"{s}_elbow"] = sh + np.array([lat[s] * 10, 60.0, 0.0]) + 110 * fwd
        p[f"{s}_wrist"] = sh + np.array([lat[s] * 5, 30.0, 0.0]) + 230 * fwd
        for k, off in (("pinky", 12), ("index", 16), ("thumb", 8)):
            p[f"{s}_{k}"] = p[f"{s}_wrist"] + np.array([lat[s] * 4, 4.0, 0.0]) + off * fwd
    nose = mid_sh + np.array([0.0, -110.0, 0.0]) + 30 * fwd
    p["nose"] = nose
    for s in ("left", "right"):
        p[f"{s}_eye_inner"] = nose + np.array([lat[s] * 10, -15.0, 5.0])
        p[f"{s}_eye"] = nose + np.array([lat[s] * 18, -16.0, 6.0])
        p[f"{s}_eye_outer"] = nose + np.array([lat[s] * 26, -15.0, 8.0])
        p[f"{s}_ear"] = nose + np.array([lat[s] * 40, -5.0, 0.0]) - 40 * fwd
        p[f"mouth_{s}"] = nose + np.array([lat[s] * 12, 18.0, 3.0])
    return np.stack([p[n] for n in LANDMARK_NAMES])


# ---------------------------------------------------------------------------------------
# Scripts -> states
# ---------------------------------------------------------------------------------------
def _smooth(x: np.ndarray) -> np.ndarray:
    """0 -> 1 with zero slope at both ends."""
    x = np.clip(x, 0.0, 1.0)
    return 0.5 - 0.5 * np.cos(np.pi * x)


class _Timeline:
    def __init__(self, fps: float, cx: float) -> None:
        self.fps = fps
        self.states: list[State] = []
        self.cx = cx
        self.stance: str | None = None
        self.lift = {"left": 0.0, "right": 0.0}
        self.reps: list[dict] = []
        self.set_no = 0
        self.last_side: str | None = "none"

    @property
    def t(self) -> float:
        return len(self.states) / self.fps

    def frames(self, duration_s: float) -> np.ndarray:
        n = max(int(round(duration_s * self.fps)), 1)
        return np.arange(n) / self.fps

    def base_state(self) -> State:
        st = State(cx=self.cx, stance=self.stance)
        st.lift = dict(self.lift)
        return st

    def change_stance(self, stance: str | None, lift_rel: float) -> None:
        """Put the free foot down / lift it, over 0.4 s each."""
        if stance == self.stance:
            return
        if self.stance is not None:
            for tau in self.frames(0.4):
                st = self.base_state()
                st.lift[self.other(self.stance)] = self.lift[self.other(self.stance)] * (1 - _smooth(tau / 0.4))
                self.states.append(st)
            self.lift = {"left": 0.0, "right": 0.0}
            self.stance = None
        if stance is not None:
            free = self.other(stance)
            self.stance = stance
            for tau in self.frames(0.4):
                st = self.base_state()
                st.lift = {stance: 0.0, free: lift_rel * _smooth(tau / 0.4)}
                self.states.append(st)
            self.lift = {stance: 0.0, free: lift_rel}

    @staticmethod
    def other(side: str) -> str:
        return "right" if side == "left" else "left"

    def walk(self, item: Walk) -> None:
        self.change_stance(None, 0.0)
        for tau in self.frames(item.duration_s):
            f = tau / item.duration_s
            st = self.base_state()
            st.cx = item.x0 + (item.x1 - item.x0) * f
            ph = 2 * np.pi * tau / 0.9
            st.lift = {"left": max(0.0, 0.08 * np.sin(ph)), "right": max(0.0, -0.08 * np.sin(ph))}
            st.depth = 0.02 * (1 - np.cos(2 * ph)) / 2
            st.walk_phase = ph
            self.states.append(st)
        self.cx = item.x1

    def stand(self, item: Stand) -> None:
        self.change_stance(item.stance, item.lift_rel)
        for tau in self.frames(item.duration_s):
            st = self.base_state()
            st.cx = self.cx + item.sway_px * np.sin(2 * np.pi * 0.5 * tau)
            st.depth = item.bob_rel * (1 - np.cos(2 * np.pi * 0.7 * tau)) / 2
            self.states.append(st)

    def rep(self, item: Rep) -> None:
        self.change_stance(item.side, item.lift_rel)
        if item.side != self.last_side:
            self.set_no += 1
            self.last_side = item.side
        total = item.descent_s + item.pause_s + item.ascent_s
        i0 = len(self.states)
        vl = item.valgus
        vr = item.valgus_right if item.valgus_right is not None else item.valgus
        for tau in self.frames(total):
            if tau < item.descent_s:
                f = _smooth(tau / item.descent_s)
            elif tau < item.descent_s + item.pause_s:
                f = 1.0
            else:
                f = 1 - _smooth((tau - item.descent_s - item.pause_s) / item.ascent_s)
            st = self.base_state()
            st.depth = item.depth * f
            if item.side is None:
                st.valgus = {"left": vl * f, "right": vr * f}
                st.lean = item.lean * f
            else:
                st.valgus = {item.side: vl * f, self.other(item.side): 0.0}
                st.pelvic_drop = item.pelvic_drop * f
                st.lean = item.lean * f
            st.toe_out = item.toe_out_px
            self.states.append(st)
        i_b = i0 + int(round((item.descent_s + item.pause_s / 2) * self.fps))
        if item.counted:
            loaded = item.side or "left"
            self.reps.append(
                {
                    "side": item.side or "both",
                    "set": self.set_no,
                    "start_s": i0 / self.fps,
                    "bottom_s": i_b / self.fps,
                    "end_s": (i0 + int(round(total * self.fps))) / self.fps,
                    "depth": item.depth,
                    "valgus": vl,
                    "valgus_left": vl,
                    "valgus_right": vr,
                    "pelvic_drop": item.pelvic_drop,
                    "lean": item.lean,
                    "loaded": loaded,
                    "descent_s": item.descent_s,
                    "toe_out_px": item.toe_out_px,
                }
            )
        self.stand(Stand(item.rest_s, item.side, lift_rel=item.lift_rel))

    def step_up(self, item: StepUp) -> None:
        self.change_stance(None, 0.0)
        if item.lead != self.last_side:
            self.set_no += 1
            self.last_side = item.lead
        lead, trail = item.lead, self.other(item.lead)
        b = item.box_rel
        i0 = len(self.states)

        def lead_valgus(rise: float) -> float:
            # valgus grows with the lead knee's bend (largest with the foot on the box, hips low)
            return item.valgus * (1 - rise / b)

        # step on: lead foot goes up onto the box
        for tau in self.frames(item.step_on_s):
            f = _smooth(tau / item.step_on_s)
            st = self.base_state()
            st.foot_floor = {lead: b * f, trail: 0.0}
            st.foot_z = {lead: 0.35 * LEG * f, trail: 0.0}
            st.valgus = {lead: lead_valgus(0.0) * f, trail: 0.0}
            self.states.append(st)
        i_rise = len(self.states)
        for tau in self.frames(item.ascent_s):
            f = _smooth(tau / item.ascent_s)
            st = self.base_state()
            st.foot_floor = {lead: b, trail: 0.0}
            st.foot_z = {lead: 0.35 * LEG, trail: 0.0}
            st.rise = b * f
            st.stance = lead if f > 0.3 else None
            st.pelvic_drop = item.pelvic_drop * f if st.stance else 0.0
            st.valgus = {lead: lead_valgus(st.rise), trail: 0.0}
            if f > 0.3:
                st.knee_drive = {trail: item.knee_drive * _smooth((f - 0.3) / 0.7), lead: 0.0}
            self.states.append(st)
        i_top = len(self.states)
        for _ in self.frames(item.hold_s):
            st = self.base_state()
            st.stance = lead
            st.foot_floor = {lead: b, trail: 0.0}
            st.foot_z = {lead: 0.35 * LEG, trail: 0.0}
            st.rise = b
            st.pelvic_drop = item.pelvic_drop
            st.knee_drive = {trail: item.knee_drive, lead: 0.0}
            self.states.append(st)
        i_low = len(self.states)
        for tau in self.frames(item.lowering_s):
            f = _smooth(tau / item.lowering_s)
            st = self.base_state()
            st.stance = lead if f < 0.7 else None
            st.foot_floor = {lead: b, trail: 0.0}
            st.foot_z = {lead: 0.35 * LEG, trail: 0.0}
            st.rise = b * (1 - f)
            st.pelvic_drop = item.pelvic_drop * (1 - f) if st.stance else 0.0
            st.valgus = {lead: lead_valgus(st.rise), trail: 0.0}
            if f < 0.7:
                st.knee_drive = {trail: item.knee_drive * (1 - _smooth(f / 0.7)), lead: 0.0}
            self.states.append(st)
        for tau in self.frames(item.step_off_s):
            f = _smooth(tau / item.step_off_s)
            st = self.base_state()
            st.foot_floor = {lead: b * (1 - f), trail: 0.0}
            st.foot_z = {lead: 0.35 * LEG * (1 - f), trail: 0.0}
            st.valgus = {lead: lead_valgus(0.0) * (1 - f), trail: 0.0}
            self.states.append(st)
        i_end = len(self.states)
        self.reps.append(
            {
                "side": lead,
                "set": self.set_no,
                "start_s": i_rise / self.fps,
                "bottom_s": i_top / self.fps,
                "end_s": (i_low + len(self.frames(item.lowering_s))) / self.fps,
                "clip_end_s": i_end / self.fps,
                "start_step_s": i0 / self.fps,
                "rise": b,
                "valgus": item.valgus,
                "pelvic_drop": item.pelvic_drop,
                "knee_drive": item.knee_drive,
                "lowering_s": item.lowering_s,
            }
        )
        self.stand(Stand(item.rest_s, None))


def make_clip(
    script: list,
    *,
    fps: float = 30.0,
    view: str = "front",
    noise_px: float = 1.5,
    seed: int = 0,
    dropouts: list[tuple[float, float]] = (),
    leg_dropouts: list[tuple[float, float, str]] = (),
    cx: float = W / 2,
    with_world: bool = True,
) -> Clip:
    """Render a script into a noisy :class:`PoseSequence` and the per-rep truth.

    Parameters
    ----------
    script : list
        :class:`Walk`, :class:`Stand`, :class:`Rep`, :class:`StepUp` items in order.
    fps : float
    view : {"front", "rear"}
    noise_px : float
        Standard deviation of the Gaussian noise on x and y (3x on z), pixels.
    seed : int
    dropouts : list of (t0, t1)
        Times (s) when nobody is detected.
    leg_dropouts : list of (t0, t1, side)
        Times when one leg's landmarks (knee, ankle, heel, toe) are missing.
    cx : float
        Starting mid-hip x.
    with_world : bool
        Also give world landmarks (metres, origin at the hip centre, y down), as
        MediaPipe does; False mimics a landmark file without them.
    """
    tl = _Timeline(fps, cx)
    for item in script:
        if isinstance(item, Walk):
            tl.walk(item)
        elif isinstance(item, Stand):
            tl.stand(item)
        elif isinstance(item, Rep):
            tl.rep(item)
        elif isinstance(item, StepUp):
            tl.step_up(item)
        else:
            raise TypeError(item)
    xyz = np.stack([body(st, view) for st in tl.states])
    n = len(xyz)
    t = np.arange(n) / fps
    vis = np.full((n, N_LANDMARKS), 0.97)
    if view == "rear":
        for name in FACE:
            vis[:, landmark_index(name)] = 0.1
    clean = xyz.copy()
    rng = np.random.default_rng(seed)
    noisy = xyz + rng.normal(0, noise_px, xyz.shape) * np.array([1.0, 1.0, 3.0])
    # out of frame -> missing
    out = (noisy[..., 0] < 0) | (noisy[..., 0] >= W) | (noisy[..., 1] < 0) | (noisy[..., 1] >= H)
    noisy[out] = np.nan
    vis[out] = 0.0
    for t0, t1 in dropouts:
        sel = (t >= t0) & (t <= t1)
        noisy[sel] = np.nan
        vis[sel] = 0.0
    for t0, t1, side in leg_dropouts:
        sel = (t >= t0) & (t <= t1)
        for part in ("knee", "ankle", "heel", "foot_index"):
            j = landmark_index(f"{side}_{part}")
            noisy[sel, j] = np.nan
            vis[sel, j] = 0.0
    mid = 0.5 * (clean[:, [landmark_index("left_hip")]] + clean[:, [landmark_index("right_hip")]])
    world_clean = (clean - mid) / PX_PER_M
    world = world_clean + rng.normal(0, 2 * noise_px / PX_PER_M, xyz.shape) if with_world else None
    if world is not None:
        world[~np.isfinite(noisy[..., 0])] = np.nan
    seq = PoseSequence(noisy, vis, t, (W, H), world=world, fps=fps, source="synthetic", backend="synth")
    clean_seq = PoseSequence(
        clean, np.full((n, N_LANDMARKS), 0.97), t, (W, H), world=world_clean, fps=fps, source="synthetic"
    )
    return Clip(seq, tl.reps, clean_seq)
