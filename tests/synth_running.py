"""A sagittal running (or walking) model that makes side-view landmark sequences with known truth.

Geometry in leg lengths (hip-knee 0.5, knee-ankle 0.5), x forward, y up, on a treadmill
(the hip stays over one spot, the belt carries the stance foot backward). Per foot:

- stance (fraction ``stance_fraction`` of the stride): heel strike with the toe up, foot
  flat, then the heel rises about the toe; the contact point moves back at belt speed;
- swing: the toe keeps moving back for a moment after toe-off, then comes forward and
  lifts, and the heel lands at the next contact;
- the knee comes from a two-link fit between hip and ankle (knee forward);
- where each foot lands is solved so that the thigh angle at toe-off equals the asked
  peak extension for that side.

Truth (contact and toe-off times, peak thigh extension between them) is computed on a
1 kHz grid from the same geometry, so it is exact for the clean points.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from hipform.landmarks import N_LANDMARKS, landmark_index
from hipform.sequence import PoseSequence

LT, LS = 0.5, 0.5  # thigh, shank (leg lengths)
FOOT = 0.27  # heel to toe
ANKLE_IN_FOOT = np.array([0.06, 0.07])  # ankle from heel, foot frame (forward, up)
HIP_HEIGHT = 1.03


@dataclass
class RunSpec:
    """What to synthesise."""

    cadence_spm: float = 170.0
    stance_fraction: float = 0.36
    ext_deg: dict[str, float] = field(default_factory=lambda: {"left": 14.0, "right": 6.0})
    fps: float = 60.0
    duration_s: float = 8.0
    direction: int = 1
    noise_px: float = 0.0
    dropouts: int = 0
    seed: int = 0
    leg_px: float = 330.0
    trunk_lean_deg: float = 6.0
    bounce: float = 0.035
    image_size: tuple[int, int] = (1280, 720)
    t0: float = 0.0


@dataclass
class Truth:
    """Exact gait truth of a synthetic clip."""

    ic: dict[str, np.ndarray]
    to: dict[str, np.ndarray]
    peak_ext: dict[str, np.ndarray]
    cadence_spm: float

    def stances(
        self, t_first: float, t_last: float, margin: float = 0.0, whole: bool = True
    ) -> list[tuple[str, float, float, float]]:
        """(side, ic, to, peak) of stances inside [t_first + margin, t_last - margin].

        ``whole``: the toe-off must be inside too (else only the contact).
        """
        out = []
        for s in ("left", "right"):
            for a, b, p in zip(self.ic[s], self.to[s], self.peak_ext[s], strict=True):
                if a >= t_first + margin and (b if whole else a) <= t_last - margin:
                    out.append((s, float(a), float(b), float(p)))
        return sorted(out, key=lambda r: r[1])


def _smoothstep(s: np.ndarray) -> np.ndarray:
    return s * s * (3 - 2 * s)


def _hermite(s, p0, p1, v0, v1, dur):  # noqa: ANN001, ANN202
    h00 = 2 * s**3 - 3 * s**2 + 1
    h10 = s**3 - 2 * s**2 + s
    h01 = -2 * s**3 + 3 * s**2
    h11 = s**3 - s**2
    return h00 * p0 + h10 * dur * v0 + h01 * p1 + h11 * dur * v1


class _Foot:
    """Trajectory of one foot: heel, toe, ankle over time, given where it lands."""

    def __init__(self, spec: RunSpec, offset_s: float, land_x: float) -> None:
        self.T = 120.0 / spec.cadence_spm
        self.D = spec.stance_fraction
        self.tst = self.D * self.T
        self.v = 0.8 / self.tst  # belt speed: the contact point travels 0.8 leg lengths in stance
        self.offset = offset_s
        self.land_x = land_x  # heel x at contact
        self.a_ic = np.radians(14.0)
        self.a_to = np.radians(-40.0)

    def phase(self, t: np.ndarray) -> np.ndarray:
        return np.mod(t - self.offset, self.T) / self.T

    def stance(self, tau: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Heel, toe (N,2) and pitch for time since contact tau in [0, tst]."""
        f = tau / self.tst
        a = np.where(
            f < 0.15,
            self.a_ic * (1 - _smoothstep(np.clip(f / 0.15, 0, 1))),
            np.where(f < 0.5, 0.0, self.a_to * ((np.clip((f - 0.5) / 0.5, 0, 1)) ** 1.2)),
        )
        heel_x0 = self.land_x - self.v * tau
        heel = np.stack([heel_x0, np.zeros_like(tau)], -1)
        toe = heel + FOOT * np.stack([np.cos(a), np.sin(a)], -1)
        # heel pivot for f<0.5 (heel on the ground); toe pivot after
        piv = f >= 0.5
        toe_p = np.stack([self.land_x + FOOT - self.v * tau, np.zeros_like(tau)], -1)
        heel_p = toe_p - FOOT * np.stack([np.cos(a), np.sin(a)], -1)
        heel = np.where(piv[:, None], heel_p, heel)
        toe = np.where(piv[:, None], toe_p, toe)
        return heel, toe, a

    def at(self, t: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Heel, toe, ankle (N,2) at times t."""
        t = np.atleast_1d(np.asarray(t, float))
        ph = self.phase(t)
        tau = ph * self.T
        st = ph < self.D
        heel, toe, a = self.stance(np.minimum(tau, self.tst))
        # swing: toe path from toe-off to the next landing
        s = np.clip((tau - self.tst) / (self.T - self.tst), 0, 1)
        dur = self.T - self.tst
        toe_to = np.array([self.land_x + FOOT - self.v * self.tst, 0.0])
        toe_ic = np.array([self.land_x + FOOT * np.cos(self.a_ic), FOOT * np.sin(self.a_ic)])
        x = _hermite(s, toe_to[0], toe_ic[0], -self.v, -0.3 * self.v, dur)
        lift = 0.22 * np.sin(np.pi * s) * (1 - 0.3 * s) * _smoothstep(np.clip(s / 0.08, 0, 1))
        y = lift + toe_ic[1] * _smoothstep(s)
        # pitch: keeps dropping a bit after toe-off, then swings to the landing pitch
        a_sw = _hermite(s, self.a_to, self.a_ic, 2.4 * self.a_to / self.tst, 0.0, dur)
        toe_sw = np.stack([x, y], -1)
        heel_sw = toe_sw - FOOT * np.stack([np.cos(a_sw), np.sin(a_sw)], -1)
        heel = np.where(st[:, None], heel, heel_sw)
        toe = np.where(st[:, None], toe, toe_sw)
        a = np.where(st, a, a_sw)
        c, sn = np.cos(a), np.sin(a)
        ax, ay = ANKLE_IN_FOOT
        ankle = heel + np.stack([c * ax - sn * ay, sn * ax + c * ay], -1)
        return heel, toe, ankle


def _hip_y(spec: RunSpec, t: np.ndarray, offsets: dict[str, float]) -> np.ndarray:
    step = 60.0 / spec.cadence_spm
    mid = offsets["left"] + 0.5 * spec.stance_fraction * 120.0 / spec.cadence_spm
    return HIP_HEIGHT + spec.bounce * np.cos(2 * np.pi * (t - mid) / step + np.pi)


def _knee(hip: np.ndarray, ankle: np.ndarray) -> np.ndarray:
    d = ankle - hip
    n = np.linalg.norm(d, axis=-1)
    n_c = np.clip(n, 1e-6, 0.999 * (LT + LS))
    u = d / n[:, None]
    cosb = np.clip((LT**2 + n_c**2 - LS**2) / (2 * LT * n_c), -1, 1)
    b = np.arccos(cosb)
    # rotate u toward forward (+x): knee ahead of the hip-ankle line
    rot_sign = np.where(u[:, 1] <= 0, 1.0, -1.0)  # u points down: rotate counter-clockwise (toward +x)
    ang = rot_sign * b
    c, s = np.cos(ang), np.sin(ang)
    r = np.stack([c * u[:, 0] - s * u[:, 1], s * u[:, 0] + c * u[:, 1]], -1)
    return hip + LT * r


def _thigh_ext(hip: np.ndarray, knee: np.ndarray) -> np.ndarray:
    d = knee - hip
    return np.degrees(np.arctan2(-d[:, 0], -d[:, 1]))  # y up: knee below hip, behind (-x) positive


HIP_DX = {"left": 0.01, "right": -0.01}


def _solve_land_x(spec: RunSpec, side: str, offset: float, offsets: dict[str, float]) -> float:
    """Heel landing x that gives the asked thigh extension at toe-off (bisection)."""
    foot = _Foot(spec, offset, 0.0)
    t_to = np.array([offset + foot.tst])
    hip = np.stack([np.full(1, HIP_DX[side]), _hip_y(spec, t_to, offsets)], -1)
    lo, hi = -0.6, 1.2
    want = spec.ext_deg[side]
    for _ in range(60):
        mid = 0.5 * (lo + hi)
        f = _Foot(spec, offset, mid)
        _, _, ankle = f.at(t_to - 1e-9)
        e = _thigh_ext(hip, _knee(hip, ankle))[0]
        if e > want:  # too far behind: land further forward
            lo = mid
        else:
            hi = mid
    return 0.5 * (lo + hi)


def _body(spec: RunSpec, t: np.ndarray) -> tuple[dict[str, np.ndarray], dict[str, _Foot], dict[str, float]]:
    T = 120.0 / spec.cadence_spm
    offsets = {"left": spec.t0 + 0.1, "right": spec.t0 + 0.1 + T / 2}
    feet = {s: _Foot(spec, offsets[s], _solve_land_x(spec, s, offsets[s], offsets)) for s in ("left", "right")}
    hip_y = _hip_y(spec, t, offsets)
    pts: dict[str, np.ndarray] = {}
    for s, dx in HIP_DX.items():
        hip = np.stack([np.full_like(t, dx), hip_y], -1)
        heel, toe, ankle = feet[s].at(t)
        pts[f"{s}_hip"] = hip
        pts[f"{s}_knee"] = _knee(hip, ankle)
        # the landmark sits on the forefoot a little behind the tip (like the metatarsal
        # markers of the mocap): it rises slightly as the heel lifts before toe-off
        pts[f"{s}_ankle"], pts[f"{s}_heel"], pts[f"{s}_foot_index"] = ankle, heel, toe + 0.07 * (heel - toe)
    lean = np.radians(spec.trunk_lean_deg)
    mid_hip = 0.5 * (pts["left_hip"] + pts["right_hip"])
    sh = mid_hip + 0.62 * np.array([np.sin(lean), np.cos(lean)])
    for s, dx in (("left", 0.015), ("right", -0.015)):
        pts[f"{s}_shoulder"] = sh + [dx, 0]
    head = sh + [0.03, 0.22]
    pts["nose"] = head + [0.09, 0.0]
    for s in ("left", "right"):
        pts[f"{s}_ear"] = head + [-0.02, 0.01]
        pts[f"{s}_eye"] = head + [0.07, 0.03]
        pts[f"{s}_eye_inner"] = head + [0.08, 0.03]
        pts[f"{s}_eye_outer"] = head + [0.05, 0.03]
        pts[f"mouth_{s}"] = head + [0.075, -0.04]
    # arms swing opposite to the legs
    ph = 2 * np.pi * (t - offsets["left"]) / T
    for s, sg in (("left", 1.0), ("right", -1.0)):
        a = np.radians(35) * np.sin(ph + (0 if sg > 0 else np.pi))
        el = pts[f"{s}_shoulder"] + 0.3 * np.stack([np.sin(a), -np.cos(a)], -1)
        wr = el + 0.28 * np.stack([np.sin(a + 1.3), -np.cos(a + 1.3)], -1)
        pts[f"{s}_elbow"], pts[f"{s}_wrist"] = el, wr
        for k in ("pinky", "index", "thumb"):
            pts[f"{s}_{k}"] = wr + [0.03, -0.01]
    return pts, feet, offsets


def synth_run(spec: RunSpec) -> tuple[PoseSequence, Truth]:
    """Make a side-view landmark sequence and its truth.

    Returns
    -------
    PoseSequence, Truth
    """
    rng = np.random.default_rng(spec.seed)
    n = int(round(spec.duration_s * spec.fps))
    t = spec.t0 + np.arange(n) / spec.fps
    pts, feet, _ = _body(spec, t)
    w, h = spec.image_size
    ground_y = 0.94 * h
    cx = 0.5 * w
    xyz = np.zeros((n, N_LANDMARKS, 3))
    vis = np.full((n, N_LANDMARKS), 0.95)
    for name, p in pts.items():
        j = landmark_index(name)
        xyz[:, j, 0] = cx + spec.direction * p[:, 0] * spec.leg_px
        xyz[:, j, 1] = ground_y - p[:, 1] * spec.leg_px
        xyz[:, j, 2] = 0.0
    if spec.noise_px > 0:
        xyz[..., :2] += rng.normal(0, spec.noise_px, (n, N_LANDMARKS, 2))
    for _ in range(spec.dropouts):
        length = int(rng.integers(1, max(2, int(0.1 * spec.fps))))
        a = int(rng.integers(0, max(1, n - length)))
        if rng.random() < 0.3:
            vis[a : a + length, :] = 0.0
        else:
            js = rng.choice(N_LANDMARKS, size=6, replace=False)
            vis[a : a + length, js] = 0.1
    seq = PoseSequence(xyz, vis, t, (w, h), fps=spec.fps, source="synthetic-run", backend="synthetic")
    return seq, _truth(spec, feet)


def _truth(spec: RunSpec, feet: dict[str, _Foot]) -> Truth:
    T = 120.0 / spec.cadence_spm
    tf = np.arange(spec.t0 - T, spec.t0 + spec.duration_s + T, 0.001)
    pts, _, _ = _body(spec, tf)
    ic, to, peak = {}, {}, {}
    for s, f in feet.items():
        k = np.arange(-1, int(spec.duration_s / T) + 2)
        ics = f.offset + k * T
        tos = ics + f.tst
        ext = _thigh_ext(pts[f"{s}_hip"], pts[f"{s}_knee"])
        pk = []
        for a, b in zip(ics, tos, strict=True):
            sel = (tf >= a) & (tf <= b)
            pk.append(float(ext[sel].max()) if sel.any() else np.nan)
        ic[s], to[s], peak[s] = ics, tos, np.array(pk)
    return Truth(ic, to, peak, spec.cadence_spm)
