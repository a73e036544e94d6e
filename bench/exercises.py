"""Kinematics of each exercise: per-frame poses with known settings.

Every builder returns a :class:`Motion`: one :class:`~bench.body.Pose` per
frame plus the event times and the settings of each rep or step. Angles that
matter are solved numerically from the body's own rest geometry, because the
anny rest pose is not anatomically neutral.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
from scipy.optimize import brentq

from .body import Body, Pose
from .geometry import FORWARD, LEFT, UP, align, angle_deg, fppa_deg, rot, sag_dir, unit


@dataclass
class Motion:
    """Frames and events of one clip.

    Parameters
    ----------
    poses : list of Pose
        One pose per frame.
    reps : list of dict
        Per rep (or step): times in seconds, side and set values.
    props : list of tuple
        Static boxes ``(lo, hi, rgb)`` to render (e.g. a bench).
    look_at : numpy.ndarray
        Where the camera should aim.
    extra : dict
        Clip-level settings for the truth file.
    """

    poses: list[Pose]
    reps: list[dict]
    props: list[tuple] = field(default_factory=list)
    look_at: np.ndarray = field(default_factory=lambda: np.zeros(3))
    extra: dict = field(default_factory=dict)


def ramp(u: float) -> float:
    """Smooth 0->1 ramp on [0, 1] (half cosine), clamped outside."""
    u = min(max(u, 0.0), 1.0)
    return 0.5 - 0.5 * np.cos(np.pi * u)


def _sfx(side: str) -> str:
    return "L" if side == "left" else "R"


def _other(side: str) -> str:
    return "right" if side == "left" else "left"


def look_at(exercise: str, body: Body) -> np.ndarray:
    """Fixed point each exercise's camera aims at.

    Parameters
    ----------
    exercise : str
        Exercise name.
    body : Body
        The person.

    Returns
    -------
    numpy.ndarray
        World point.
    """
    if exercise == "hip-thrust":
        hr = HipThrustRig(body)
        return np.array([0.0, (hr.shoulder[1] + hr.ankle_y) / 2, body.floor_z + 0.45])
    if exercise == "single-leg-rdl":
        return np.array([0.0, -0.2, body.floor_z + 0.8])
    if exercise == "step-up":
        return np.array([0.0, -0.15, body.floor_z + 1.0])
    return np.array([0.0, 0.0, body.floor_z + 0.85])


class Rig:
    """Helpers turning segment directions into segment rotations for a body.

    Parameters
    ----------
    body : Body
        The person.
    """

    def __init__(self, body: Body) -> None:
        self.b = body
        j = body.rest_joint
        self.vec = {}
        for s, side in (("L", "left"), ("R", "right")):
            self.vec[f"thigh_{s}"] = j(f"{side}_knee") - j(f"{side}_hip")
            self.vec[f"shank_{s}"] = j(f"{side}_ankle") - j(f"{side}_knee")
            self.vec[f"upperarm_{s}"] = j(f"{side}_elbow") - j(f"{side}_shoulder")
            self.vec[f"forearm_{s}"] = j(f"{side}_wrist") - j(f"{side}_elbow")
        self.len = {k: float(np.linalg.norm(v)) for k, v in self.vec.items()}
        self.ankle_z = float(j("left_ankle")[2])

    def seg(self, name: str, direction: np.ndarray, twist: float = 0.0) -> np.ndarray:
        """Rotation pointing segment ``name`` along ``direction``.

        Parameters
        ----------
        name : str
            Segment (``thigh_L``, ``forearm_R``...).
        direction : numpy.ndarray
            Target world direction from the proximal to the distal joint.
        twist : float, optional
            Extra rotation about the segment's own axis, degrees.

        Returns
        -------
        numpy.ndarray
            3x3 world rotation.
        """
        g = align(self.vec[name], direction)
        return rot(direction, twist) @ g if twist else g

    def place(self, pose: Pose, joint: str, target: np.ndarray) -> Pose:
        """Translate ``pose`` so that ``joint`` lands on ``target``."""
        now = self.b.joint(pose, joint)
        pose.root = pose.root + (np.asarray(target, float) - now)
        return pose

    def arms(self, rots: dict, up_l: np.ndarray, fore_l: np.ndarray,
             up_r: np.ndarray, fore_r: np.ndarray) -> None:
        """Set both arms from four directions (in place)."""
        rots["upperarm_L"] = self.seg("upperarm_L", up_l)
        rots["forearm_L"] = self.seg("forearm_L", fore_l)
        rots["upperarm_R"] = self.seg("upperarm_R", up_r)
        rots["forearm_R"] = self.seg("forearm_R", fore_r)

    def knee_ik(self, hip: np.ndarray, ankle: np.ndarray, side: str,
                bend: np.ndarray) -> np.ndarray:
        """Knee position for given hip and ankle (two-link IK).

        Parameters
        ----------
        hip, ankle : numpy.ndarray
            Joint centres.
        side : str
            ``L`` or ``R``.
        bend : numpy.ndarray
            Direction the knee should point (e.g. forward).

        Returns
        -------
        numpy.ndarray
            Knee position.
        """
        lt, ls = self.len[f"thigh_{side}"], self.len[f"shank_{side}"]
        d = ankle - hip
        dist = min(float(np.linalg.norm(d)), lt + ls - 1e-4)
        u = unit(d)
        a = (lt**2 - ls**2 + dist**2) / (2 * dist)
        h = np.sqrt(max(lt**2 - a**2, 0.0))
        perp = unit(bend - (bend @ u) * u)
        return hip + a * u + h * perp


# ---------------------------------------------------------------------------
# Single-leg squat
# ---------------------------------------------------------------------------


def sls_pose(rig: Rig, stance: str, q: float, knee_flex: float, valgus_phi: float,
             drop: float, lean_lat: float, foot_x: float) -> Pose:
    """Single-leg squat pose.

    Parameters
    ----------
    rig : Rig
        Body helpers.
    stance : str
        Stance side, ``left`` or ``right`` (the person's).
    q : float
        0 standing .. 1 bottom.
    knee_flex : float
        Stance knee flexion at the bottom, degrees.
    valgus_phi : float
        Rotation of the stance leg about its hip-ankle axis at the bottom,
        degrees (sign chosen by the caller's solver).
    drop : float
        Free-side pelvic drop at the bottom, degrees (3D, about the forward axis).
    lean_lat : float
        Trunk lean toward the stance side at the bottom, degrees.
    foot_x : float
        World x of the planted ankle.

    Returns
    -------
    Pose
        The pose with the stance ankle planted.
    """
    s, f = _sfx(stance), _sfx(_other(stance))
    sign_st = 1.0 if stance == "left" else -1.0
    k = q * knee_flex
    a_shank = 0.42 * k
    a_thigh = 3.0 * (1.0 - q) + 0.58 * k
    trunk_fwd = 4.0 + 0.45 * k
    r: dict[str, np.ndarray] = {}
    # Pelvis: forward tilt with the trunk, free side dropped.
    r["pelvis"] = rot(FORWARD, sign_st * q * drop) @ rot(LEFT, 0.6 * trunk_fwd)
    r["thorax"] = rot(FORWARD, -sign_st * q * lean_lat) @ rot(LEFT, trunk_fwd)
    thigh = sag_dir(a_thigh)
    shank = sag_dir(-a_shank)
    g_t = rig.seg(f"thigh_{s}", thigh)
    g_s = rig.seg(f"shank_{s}", shank)
    axis = rig.len[f"thigh_{s}"] * thigh + rig.len[f"shank_{s}"] * shank
    v = rot(axis, q * valgus_phi)
    r[f"thigh_{s}"], r[f"shank_{s}"] = v @ g_t, v @ g_s
    r[f"foot_{s}"] = np.eye(3)
    # Free leg: hip flexed, knee bent, foot off the floor behind the knee.
    r[f"thigh_{f}"] = rig.seg(f"thigh_{f}", sag_dir(30.0 + 0.25 * k, 0.0))
    r[f"shank_{f}"] = rig.seg(f"shank_{f}", sag_dir(-60.0 + 0.05 * k))
    r[f"foot_{f}"] = rot(LEFT, -20.0) @ r[f"shank_{f}"]
    lat = 28.0
    rig.arms(r, sag_dir(12 + 0.5 * k, lat), sag_dir(35 + 0.5 * k, lat * 0.6),
             sag_dir(12 + 0.5 * k, -lat), sag_dir(35 + 0.5 * k, -lat * 0.6))
    pose = Pose(root=np.zeros(3), rot=r)
    target = np.array([foot_x, 0.0, rig.ankle_z])
    return rig.place(pose, f"{stance}_ankle", target)


def solve_sls_valgus(rig: Rig, stance: str, knee_flex: float, target_fppa: float,
                     drop: float, lean_lat: float, foot_x: float = 0.0,
                     project: Callable[[np.ndarray], np.ndarray] | None = None) -> float:
    """Leg rotation giving ``target_fppa`` (joint centres) in a given projection.

    Parameters
    ----------
    rig : Rig
        Body helpers.
    stance : str
        Stance side.
    knee_flex : float
        Knee flexion at the bottom.
    target_fppa : float
        Wanted FPPA, degrees, positive = knee medial.
    drop, lean_lat, foot_x : float
        As in :func:`sls_pose`.
    project : callable, optional
        World points (N, 3) -> pixels (N, 2); an orthographic front view when
        omitted. The generator passes the on-axis camera of the clip.

    Returns
    -------
    float
        The rotation about the hip-ankle axis, degrees.
    """

    def fppa(phi: float) -> float:
        p = sls_pose(rig, stance, 1.0, knee_flex, phi, drop, lean_lat, foot_x)
        pos = rig.b.joint_positions(p)
        proj = project or (lambda x: np.stack([x[..., 0], -x[..., 2]], axis=-1))
        j = {n: proj(pos[rig.b.index[b]]) for n, b in
             (("h", f"upperleg01.{_sfx(stance)}"), ("k", f"lowerleg01.{_sfx(stance)}"),
              ("a", f"foot.{_sfx(stance)}"), ("hl", "upperleg01.L"), ("hr", "upperleg01.R"))}
        mid = (j["hl"][0] + j["hr"][0]) / 2
        return fppa_deg(j["h"], j["k"], j["a"], mid) - target_fppa

    lo, hi = -45.0, 45.0
    if fppa(lo) * fppa(hi) > 0:
        raise ValueError("valgus target out of reach")
    return float(brentq(fppa, lo, hi, xtol=1e-4))


def single_leg_squat(body: Body, fps: int, stance: str, reps: list[dict],
                     project: Callable[[np.ndarray], np.ndarray] | None = None,
                     lead_s: float = 0.6, down_s: float = 0.65, hold_s: float = 0.15,
                     up_s: float = 0.65, pause_s: float = 0.3) -> Motion:
    """Single-leg squat clip.

    Parameters
    ----------
    body : Body
        The person.
    fps : int
        Frame rate.
    stance : str
        Stance (working) leg, the person's ``left`` or ``right``.
    reps : list of dict
        Per rep: ``valgus`` (target FPPA deg, joint centres, front view),
        ``knee_flex`` (deg), ``drop`` (3D pelvic drop deg), ``lean`` (trunk
        lean toward stance side, deg).
    project : callable, optional
        Projection in which ``valgus`` is met (see :func:`solve_sls_valgus`).
    lead_s, down_s, hold_s, up_s, pause_s : float
        Timing in seconds.

    Returns
    -------
    Motion
        Poses and rep events.
    """
    rig = Rig(body)
    foot_x = 0.10 if stance == "left" else -0.10
    for rp in reps:
        rp["phi"] = solve_sls_valgus(rig, stance, rp["knee_flex"], rp["valgus"],
                                     rp.get("drop", 0.0), rp.get("lean", 0.0), foot_x, project)
    rep_len = down_s + hold_s + up_s + pause_s
    total = lead_s + len(reps) * rep_len
    n = int(round(total * fps))
    poses, events = [], []
    for i, rp in enumerate(reps):
        t0 = lead_s + i * rep_len
        events.append({
            "start_s": round(t0, 4), "bottom_s": round(t0 + down_s + hold_s / 2, 4),
            "end_s": round(t0 + down_s + hold_s + up_s, 4), "side": stance,
            "set": {k: rp[k] for k in ("valgus", "knee_flex", "drop", "lean") if k in rp},
            "set_leg_rotation_deg": round(rp["phi"], 3)})
    for fi in range(n):
        t = fi / fps
        i = min(max(int((t - lead_s) // rep_len), 0), len(reps) - 1)
        rp = reps[i]
        u = t - lead_s - i * rep_len
        if u < 0:
            q = 0.0
        elif u < down_s:
            q = ramp(u / down_s)
        elif u < down_s + hold_s:
            q = 1.0
        else:
            q = 1.0 - ramp((u - down_s - hold_s) / up_s)
        poses.append(sls_pose(rig, stance, q, rp["knee_flex"], rp["phi"], rp.get("drop", 0.0),
                              rp.get("lean", 0.0), foot_x))
    return Motion(poses=poses, reps=events, look_at=look_at("single-leg-squat", body))


# ---------------------------------------------------------------------------
# Forward step-up
# ---------------------------------------------------------------------------


class StepUpRig:
    """Forward step-up onto a box in front of the person.

    Parameters
    ----------
    body : Body
        The person.
    lead : str
        Lead (working) leg, the person's ``left`` or ``right``.
    box_h : float
        Box height, metres.
    """

    def __init__(self, body: Body, lead: str, box_h: float = 0.30) -> None:
        self.rig = Rig(body)
        self.b = body
        self.lead, self.trail = lead, _other(lead)
        self.box_h = box_h
        sign = 1.0 if lead == "left" else -1.0
        self.foot_x = {lead: 0.12 * sign, self.trail: -0.12 * sign}
        self.box_y = -0.33
        az = self.rig.ankle_z
        self.floor_ankle = {s: np.array([self.foot_x[s], 0.0, az]) for s in ("left", "right")}
        self.box_ankle = np.array([self.foot_x[lead], self.box_y, az + box_h])
        hip_z = float(body.rest_joint("left_hip")[2])
        self.hip_floor = hip_z - 0.01
        self.hip_top = hip_z - 0.01 + box_h
        self.hip_top_y = self.box_y + 0.03
        lo = np.array([self.foot_x[lead] - 0.16 * sign, -0.62, body.floor_z])
        hi = np.array([self.foot_x[lead] + 0.16 * sign, -0.12, body.floor_z + box_h])
        self.box = (np.minimum(lo, hi), np.maximum(lo, hi))

    def pose(self, place: float, rise: float, phi: float, drop: float, lean: float) -> Pose:
        """Pose for the lead foot's travel onto the box and the rise.

        Parameters
        ----------
        place : float
            0 lead foot on the floor .. 1 on the box.
        rise : float
            0 hips at floor standing height .. 1 standing on the box.
        phi : float
            Lead-leg rotation about its hip-ankle axis, degrees (valgus).
        drop : float
            Trailing-side pelvic drop, degrees (3D).
        lean : float
            Trunk lean toward the lead leg, degrees.

        Returns
        -------
        Pose
            The pose.
        """
        rig, lead, trail = self.rig, self.lead, self.trail
        sl, st = _sfx(lead), _sfx(trail)
        sign = 1.0 if lead == "left" else -1.0
        r: dict[str, np.ndarray] = {}
        fwd = 8.0 + 12.0 * np.sin(np.pi * min(rise * 1.3, 1.0)) * (1 - rise) + 4.0 * (1 - rise) * place
        r["pelvis"] = rot(FORWARD, sign * drop) @ rot(LEFT, 0.6 * fwd)
        r["thorax"] = rot(FORWARD, -sign * lean) @ rot(LEFT, fwd)
        hip_mid = np.array([0.0, self.hip_top_y * rise, self.hip_floor + (self.hip_top - self.hip_floor) * rise])
        pose = Pose(root=np.zeros(3), rot=dict(r))
        pos = self.b.joint_positions(pose)
        mid = (pos[self.b.index["upperleg01.L"]] + pos[self.b.index["upperleg01.R"]]) / 2
        pose.root = hip_mid - mid
        hips = {s: self.b.joint(pose, f"{s}_hip") for s in ("left", "right")}
        # lead foot: floor -> arc -> box top
        a0, a1 = self.floor_ankle[lead], self.box_ankle
        ankle = a0 + (a1 - a0) * ramp(place)
        ankle = ankle + np.array([0.0, 0.0, 0.12 * np.sin(np.pi * place)]) * (place < 1.0)
        knee = rig.knee_ik(hips[lead], ankle, sl, FORWARD)
        th, sh = knee - hips[lead], ankle - knee
        v = rot(ankle - hips[lead], phi)
        r[f"thigh_{sl}"] = v @ rig.seg(f"thigh_{sl}", th)
        r[f"shank_{sl}"] = v @ rig.seg(f"shank_{sl}", sh)
        r[f"foot_{sl}"] = rot(LEFT, 15.0 * np.sin(np.pi * place)) if place < 1.0 else np.eye(3)
        # trailing leg: on the floor, then driven up to the knee-lift position
        k_floor = rig.knee_ik(hips[trail], self.floor_ankle[trail], st, FORWARD)
        th0, sh0 = unit(k_floor - hips[trail]), unit(self.floor_ankle[trail] - k_floor)
        w = ramp(rise)
        th = unit((1 - w) * th0 + w * sag_dir(80.0))
        sh = unit((1 - w) * sh0 + w * sag_dir(-5.0))
        r[f"thigh_{st}"] = rig.seg(f"thigh_{st}", th)
        r[f"shank_{st}"] = rig.seg(f"shank_{st}", sh)
        r[f"foot_{st}"] = rot(LEFT, 25.0 * w)
        lat = 14.0
        rig.arms(r, sag_dir(5 + 20 * rise, lat), sag_dir(30 + 30 * rise, lat * 0.5),
                 sag_dir(5 + 20 * rise, -lat), sag_dir(30 + 30 * rise, -lat * 0.5))
        pose.rot = r
        return pose

    def lead_fppa(self, pose: Pose, project: Callable[[np.ndarray], np.ndarray]) -> float:
        """Joint-centre FPPA of the lead knee through ``project``."""
        pos = self.b.joint_positions(pose)
        sl = _sfx(self.lead)
        h, k, a = (project(pos[self.b.index[f"{b}.{sl}"]]) for b in ("upperleg01", "lowerleg01", "foot"))
        mid = (project(pos[self.b.index["upperleg01.L"]]) + project(pos[self.b.index["upperleg01.R"]])) / 2
        return fppa_deg(h, k, a, float(mid[0]))


def step_up(body: Body, fps: int, lead: str, reps: list[dict],
            project: Callable[[np.ndarray], np.ndarray] | None = None, lead_s: float = 1.5,
            place_s: float = 0.5, up_s: float = 0.8, hold_s: float = 0.3, down_s: float = 0.9,
            back_s: float = 0.5, pause_s: float = 0.4) -> Motion:
    """Forward step-up clip.

    Parameters
    ----------
    body : Body
        The person.
    fps : int
        Frame rate.
    lead : str
        Lead (working) leg.
    reps : list of dict
        Per rep ``valgus`` (lead-knee FPPA, joint centres, when the lead leg is most bent
        on the way up, as seen by ``project``), ``drop`` (trailing-side pelvic drop at
        the top, 3D) and ``lean`` (trunk lean toward the lead leg at the top).
    project : callable, optional
        Projection in which ``valgus`` is met; orthographic front view when omitted.
    lead_s, place_s, up_s, hold_s, down_s, back_s, pause_s : float
        Timing in seconds.

    Returns
    -------
    Motion
        Poses and rep events (``bent_s``: lead leg most bent on the way up; ``top_s``).
    """
    su = StepUpRig(body, lead)
    proj = project or (lambda x: np.stack([x[..., 0], -x[..., 2]], axis=-1))
    for rp in reps:
        rp["phi"] = float(brentq(
            lambda phi, rp=rp: su.lead_fppa(su.pose(1.0, 0.0, phi, 0.0, 0.0), proj) - rp["valgus"],
            -45.0, 45.0, xtol=1e-4))
    seg = [place_s, up_s, hold_s, down_s, back_s, pause_s]
    rep_len = sum(seg)
    bounds = np.cumsum([0.0, *seg])
    n = int(round((lead_s + len(reps) * rep_len) * fps))
    events = []
    for i, rp in enumerate(reps):
        t0 = lead_s + i * rep_len
        events.append({"start_s": round(t0, 4), "bent_s": round(t0 + place_s, 4),
                       "top_s": round(t0 + place_s + up_s + hold_s / 2, 4),
                       "end_s": round(t0 + bounds[5], 4), "side": lead,
                       "set": {k: rp[k] for k in ("valgus", "drop", "lean") if k in rp},
                       "set_leg_rotation_deg": round(rp["phi"], 3)})
    poses = []
    for fi in range(n):
        t = fi / fps
        i = min(max(int((t - lead_s) // rep_len), 0), len(reps) - 1)
        rp = reps[i]
        u = t - lead_s - i * rep_len
        place, rise, vw = 0.0, 0.0, 0.0
        if u < 0:
            pass
        elif u < bounds[1]:
            place = u / place_s
            vw = ramp(place)
        elif u < bounds[2]:
            place, rise = 1.0, ramp((u - bounds[1]) / up_s)
            vw = 1.0 - rise
        elif u < bounds[3]:
            place, rise = 1.0, 1.0
        elif u < bounds[4]:
            place, rise = 1.0, 1.0 - ramp((u - bounds[3]) / down_s)
            vw = 1.0 - rise
        elif u < bounds[5]:
            place = 1.0 - (u - bounds[4]) / back_s
            vw = ramp(place)
        poses.append(su.pose(place, rise, vw * rp["phi"], rise * rp.get("drop", 0.0),
                             rise * rp.get("lean", 0.0)))
    return Motion(poses=poses, reps=events, props=[(*su.box, (0.35, 0.30, 0.26))],
                  look_at=look_at("step-up", body), extra={"box_height_m": su.box_h})


# ---------------------------------------------------------------------------
# Single-leg Romanian deadlift
# ---------------------------------------------------------------------------


def rdl_pose(rig: Rig, stance: str, q: float, hinge: float, opening: float,
             foot_x: float) -> Pose:
    """Single-leg RDL pose.

    Parameters
    ----------
    rig : Rig
        Body helpers.
    stance : str
        Stance side.
    q : float
        0 standing .. 1 bottom.
    hinge : float
        Trunk angle from vertical at the bottom (3D), degrees.
    opening : float
        Pelvic rotation at the bottom (free-side hip turned up), degrees, 3D,
        about the trunk's long axis.
    foot_x : float
        World x of the planted ankle.

    Returns
    -------
    Pose
        The pose with the stance ankle planted.
    """
    s, f = _sfx(stance), _sfx(_other(stance))
    sign_st = 1.0 if stance == "left" else -1.0
    trunk = 3.0 + q * (hinge - 3.0)
    knee = 5.0 + q * 15.0
    a_shank = 0.45 * knee
    a_thigh = knee - a_shank
    up = rot(LEFT, trunk) @ UP
    opener = rot(up, -sign_st * q * opening)
    r: dict[str, np.ndarray] = {}
    r["pelvis"] = opener @ rot(LEFT, 0.85 * trunk)
    r["thorax"] = opener @ rot(LEFT, trunk)
    r[f"thigh_{s}"] = rig.seg(f"thigh_{s}", sag_dir(a_thigh))
    r[f"shank_{s}"] = rig.seg(f"shank_{s}", sag_dir(-a_shank))
    r[f"foot_{s}"] = np.eye(3)
    free_th = -(q * (hinge - 8.0)) - 2.0
    r[f"thigh_{f}"] = opener @ rig.seg(f"thigh_{f}", sag_dir(free_th))
    r[f"shank_{f}"] = opener @ rig.seg(f"shank_{f}", sag_dir(free_th - 8.0 - 20.0 * (1 - q)))
    r[f"foot_{f}"] = r[f"shank_{f}"] @ rot(LEFT, -10.0)
    lat = 30.0 + 25.0 * q
    down_fwd = 8.0
    rig.arms(r, sag_dir(down_fwd, lat), sag_dir(down_fwd + 10, lat),
             sag_dir(down_fwd, -lat), sag_dir(down_fwd + 10, -lat))
    pose = Pose(root=np.zeros(3), rot=r)
    return rig.place(pose, f"{stance}_ankle", np.array([foot_x, 0.0, rig.ankle_z]))


def single_leg_rdl(body: Body, fps: int, stance: str, reps: list[dict], lead_s: float = 0.6,
                   down_s: float = 0.9, hold_s: float = 0.2, up_s: float = 0.9,
                   pause_s: float = 0.3) -> Motion:
    """Single-leg RDL clip.

    Parameters
    ----------
    body : Body
        The person.
    fps : int
        Frame rate.
    stance : str
        Stance leg.
    reps : list of dict
        Per rep ``hinge`` (trunk from vertical at the bottom, deg) and
        ``rotation`` (3D pelvic opening, deg).
    lead_s, down_s, hold_s, up_s, pause_s : float
        Timing in seconds.

    Returns
    -------
    Motion
        Poses and rep events.
    """
    rig = Rig(body)
    foot_x = 0.10 if stance == "left" else -0.10
    rep_len = down_s + hold_s + up_s + pause_s
    n = int(round((lead_s + len(reps) * rep_len) * fps))
    events = []
    for i, rp in enumerate(reps):
        t0 = lead_s + i * rep_len
        events.append({"start_s": round(t0, 4), "bottom_s": round(t0 + down_s + hold_s / 2, 4),
                       "end_s": round(t0 + down_s + hold_s + up_s, 4), "side": stance,
                       "set": dict(rp)})
    poses = []
    for fi in range(n):
        t = fi / fps
        i = min(max(int((t - lead_s) // rep_len), 0), len(reps) - 1)
        u = t - lead_s - i * rep_len
        if u < 0:
            q = 0.0
        elif u < down_s:
            q = ramp(u / down_s)
        elif u < down_s + hold_s:
            q = 1.0
        else:
            q = 1.0 - ramp((u - down_s - hold_s) / up_s)
        poses.append(rdl_pose(rig, stance, q, reps[i]["hinge"], reps[i]["rotation"], foot_x))
    return Motion(poses=poses, reps=events, look_at=look_at("single-leg-rdl", body))


# ---------------------------------------------------------------------------
# Hip thrust
# ---------------------------------------------------------------------------


def _signed_deficit(s: np.ndarray, h: np.ndarray, k: np.ndarray, up: np.ndarray) -> float:
    """180 - angle(S, H, K), negative when the hip is above the S-K line."""
    mag = 180.0 - angle_deg(s, h, k)
    t = np.clip((h - s) @ (k - s) / ((k - s) @ (k - s)), 0, 1)
    above = (h - (s + t * (k - s))) @ up > 0
    return -mag if above else mag


class HipThrustRig:
    """Sagittal hip-thrust geometry: shoulders on a bench, feet on the floor.

    Parameters
    ----------
    body : Body
        The person.
    bench_h : float
        Bench height above the floor, metres.
    """

    def __init__(self, body: Body, bench_h: float = 0.42) -> None:
        self.rig = Rig(body)
        self.b = body
        floor = body.floor_z
        self.shoulder = np.array([0.0, 0.45, floor + bench_h + 0.06])
        self.bench = (np.array([-0.25, 0.28, floor]), np.array([0.25, 0.75, floor + bench_h]))
        shin = self.rig.len["shank_L"]
        self.ankle_y = self.shoulder[1] - 1.45 * self.rig.len["thigh_L"] - 0.35 * shin - 0.1

    def pose(self, pitch: float, arch: float) -> Pose:
        """Pose for a trunk pitch and lumbar arch.

        Parameters
        ----------
        pitch : float
            Thorax rotation from upright toward lying back, degrees
            (90 = lying flat).
        arch : float
            Extra extension of the thorax relative to the pelvis, degrees.

        Returns
        -------
        Pose
            The pose, the mid-shoulder point resting on the bench edge.
        """
        rig = self.rig
        r: dict[str, np.ndarray] = {}
        r["thorax"] = rot(LEFT, -pitch)
        r["pelvis"] = rot(LEFT, -(pitch - arch))
        r["head"] = rot(LEFT, -(pitch - 35.0))
        pose = Pose(root=np.zeros(3), rot=dict(r))
        pos = self.b.joint_positions(pose)
        sh = (pos[self.b.index["upperarm01.L"]] + pos[self.b.index["upperarm01.R"]]) / 2
        pose.root = self.shoulder - sh
        for s, x in (("L", 1.0), ("R", -1.0)):
            hip = self.b.joint(pose, f"{'left' if s == 'L' else 'right'}_hip")
            ankle = np.array([hip[0] + 0.02 * x, self.ankle_y, rig.ankle_z])
            knee = rig.knee_ik(hip, ankle, s, UP + 0.3 * FORWARD)
            r[f"thigh_{s}"] = rig.seg(f"thigh_{s}", knee - hip)
            r[f"shank_{s}"] = rig.seg(f"shank_{s}", ankle - knee)
            r[f"foot_{s}"] = np.eye(3)
            r[f"upperarm_{s}"] = rig.seg(f"upperarm_{s}", unit(np.array([x, 0.15, -0.35])))
            r[f"forearm_{s}"] = rig.seg(f"forearm_{s}", unit(np.array([0.6 * x, -0.8, -0.1])))
        pose.rot = r
        return pose

    def deficit(self, pose: Pose, side: str = "left") -> float:
        """Joint-centre lockout deficit in the sagittal (Y-Z) plane for ``side``."""
        j = self.b.joint_positions(pose) * np.array([0.0, 1.0, 1.0])
        i = self.b.index
        sx = _sfx(side)
        return _signed_deficit(j[i[f"upperarm01.{sx}"]], j[i[f"upperleg01.{sx}"]],
                               j[i[f"lowerleg01.{sx}"]], UP)

    def solve_pitch(self, target: float, arch: float) -> float:
        """Trunk pitch giving a lockout deficit ``target`` with ``arch``."""
        return float(brentq(lambda p: self.deficit(self.pose(p, arch)) - target, 30.0, 120.0,
                            xtol=1e-4))


def hip_thrust(body: Body, fps: int, reps: list[dict], lead_s: float = 0.5,
               up_s: float = 0.8, hold_s: float = 0.3, down_s: float = 0.8,
               pause_s: float = 0.3) -> Motion:
    """Hip-thrust clip, shoulders on a bench.

    Parameters
    ----------
    body : Body
        The person.
    fps : int
        Frame rate.
    reps : list of dict
        Per rep ``deficit`` (joint-centre lockout deficit at the top, deg) and
        ``arch`` (lumbar extension at the top, deg).
    lead_s, up_s, hold_s, down_s, pause_s : float
        Timing in seconds; reps start at the bottom.

    Returns
    -------
    Motion
        Poses and rep events (``top_s``).
    """
    hr = HipThrustRig(body)
    bottom_pitch = hr.solve_pitch(55.0, 0.0)
    for rp in reps:
        rp["pitch"] = hr.solve_pitch(rp["deficit"], rp.get("arch", 0.0))
    rep_len = up_s + hold_s + down_s + pause_s
    n = int(round((lead_s + len(reps) * rep_len) * fps))
    events = []
    for i, rp in enumerate(reps):
        t0 = lead_s + i * rep_len
        events.append({"start_s": round(t0, 4), "top_s": round(t0 + up_s + hold_s / 2, 4),
                       "end_s": round(t0 + up_s + hold_s + down_s, 4), "side": "both",
                       "set": {"deficit": rp["deficit"], "arch": rp.get("arch", 0.0)},
                       "set_trunk_pitch_deg": round(rp["pitch"], 3)})
    poses = []
    for fi in range(n):
        t = fi / fps
        i = min(max(int((t - lead_s) // rep_len), 0), len(reps) - 1)
        u = t - lead_s - i * rep_len
        if u < 0:
            q = 0.0
        elif u < up_s:
            q = ramp(u / up_s)
        elif u < up_s + hold_s:
            q = 1.0
        else:
            q = 1.0 - ramp((u - up_s - hold_s) / down_s)
        rp = reps[i]
        poses.append(hr.pose(bottom_pitch + q * (rp["pitch"] - bottom_pitch),
                             q * rp.get("arch", 0.0)))
    lo, hi = hr.bench
    return Motion(poses=poses, reps=events, props=[(lo, hi, (0.25, 0.27, 0.3))],
                  look_at=look_at("hip-thrust", body),
                  extra={"bench_height_m": round(float(hi[2] - lo[2]), 3)})


# ---------------------------------------------------------------------------
# Running (treadmill-like, on the spot)
# ---------------------------------------------------------------------------


class RunRig:
    """Running on the spot: the stance foot slides back as on a treadmill belt.

    During stance the ball of the foot moves backward at constant speed; from
    :attr:`heel_rise_from` of the stance the heel lifts (the foot turns about the
    ball) so that the toe is the last part to leave the floor.

    Parameters
    ----------
    body : Body
        The person.
    crouch : float
        Mean hip lowering from standing, metres.
    bob : float
        Vertical hip excursion, metres (lowest at mid-stance).
    """

    heel_rise_from = 0.6
    heel_rise_deg = 22.0
    slow_from = 0.6

    def __init__(self, body: Body, crouch: float = 0.075, bob: float = 0.03) -> None:
        self.rig = Rig(body)
        self.b = body
        self.crouch, self.bob = crouch, bob
        self.hip_z0 = float(body.rest_joint("left_hip")[2])
        self.lean = 7.0
        self.ball_rel = {}
        for side in ("left", "right"):
            s = _sfx(side)
            self.ball_rel[side] = body.rest_h[body.index[f"toe2-1.{s}"]] - body.rest_joint(f"{side}_ankle")

    def hip_height(self, phases: dict[str, float], stance_frac: float) -> float:
        """Hip-joint height for the current leg phases (lowest mid-stance)."""
        dip = 0.0
        for ph in phases.values():
            if ph < stance_frac:
                dip = max(dip, np.sin(np.pi * ph / stance_frac) ** 2)
        return self.hip_z0 - self.crouch - self.bob * dip + 0.5 * self.bob

    def ball_travel(self, u: float) -> float:
        """Share of the stance's backward travel of the ball done at stance fraction ``u``.

        Constant speed (the belt) until :attr:`slow_from`, then an even slow-down to
        rest at toe-off, so that the thigh's extension peaks smoothly at toe-off.
        """
        a = self.slow_from
        total = a + (1 - a) / 2
        if u <= a:
            return u / total
        return (a + (u - a) - (u - a) ** 2 / (2 * (1 - a))) / total

    def heel_rise(self, u: float) -> float:
        """Heel-rise angle (deg) at stance fraction ``u`` in [0, 1]."""
        a = self.heel_rise_from
        return 0.0 if u <= a else self.heel_rise_deg * ((u - a) / (1 - a)) ** 2

    def stance_leg(self, side: str, hip: np.ndarray, ball_y: float, u: float
                   ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Thigh and shank directions and foot rotation with the ball at ``ball_y``."""
        g_foot = rot(LEFT, self.heel_rise(u))  # heel up, turning about the ball
        ball = np.array([hip[0], ball_y, self.rig.ankle_z + self.ball_rel[side][2]])
        ankle = ball - g_foot @ self.ball_rel[side]
        knee = self.rig.knee_ik(hip, ankle, _sfx(side), FORWARD)
        return unit(knee - hip), unit(ankle - knee), g_foot

    def peak_ext(self, side: str, hip_xy: np.ndarray, ic_y: float, to_y: float,
                 stance_frac: float) -> float:
        """Largest thigh extension over a stance (fine time grid), degrees."""
        best = -np.inf
        for u in np.linspace(0.0, 1.0, 101):
            h = np.array([hip_xy[0], hip_xy[1], self.hip_height({side: u * stance_frac * 0.9999},
                                                                stance_frac)])
            y = ic_y + (to_y - ic_y) * self.ball_travel(u)
            best = max(best, self.thigh_ext(side, h, y, u))
        return best

    def thigh_ext(self, side: str, hip: np.ndarray, ball_y: float, u: float) -> float:
        """Thigh extension (knee behind the hip, deg) in the sagittal plane."""
        th, _, _ = self.stance_leg(side, hip, ball_y, u)
        return float(np.degrees(np.arctan2(-(th @ FORWARD), -th[2])))


def _flex(v: np.ndarray) -> float:
    """Sagittal angle of a downward segment, forward (flexion) positive, degrees."""
    return float(np.degrees(np.arctan2(v @ FORWARD, -v[2])))


def running(body: Body, fps: int, cadence: float, stance_frac: float,
            ext: dict[str, float], duration_s: float) -> Motion:
    """Running-on-the-spot clip with set cadence, stance share and thigh extension.

    Parameters
    ----------
    body : Body
        The person.
    fps : int
        Frame rate.
    cadence : float
        Steps per minute.
    stance_frac : float
        Share of a stride each foot is on the ground (e.g. 0.35).
    ext : dict
        Wanted peak thigh extension in stance per side (``left``/``right``),
        degrees, joint centres, sagittal plane.
    duration_s : float
        Clip length.

    Returns
    -------
    Motion
        Poses and per-step events (``ic_s``, ``to_s``).
    """
    rr = RunRig(body)
    rig = rr.rig
    stride = 120.0 / cadence
    offset = {"left": 0.0, "right": 0.5}
    start = 0.15  # first left IC, in strides
    hips = {s: body.rest_joint(f"{s}_hip") for s in ("left", "right")}
    ic_y = {s: -0.15 + rr.ball_rel[s][1] for s in hips}
    to_y = {}
    for side in ("left", "right"):
        hxy = np.array([hips[side][0], 0.0])
        to_y[side] = brentq(
            lambda y, hxy=hxy, side=side: rr.peak_ext(side, hxy, ic_y[side], y, stance_frac)
            - ext[side], 0.0, 0.7, xtol=1e-5)
    n = int(round(duration_s * fps))
    poses = []
    for fi in range(n):
        t = fi / fps
        phases = {s: ((t / stride) - start - offset[s]) % 1.0 for s in ("left", "right")}
        hz = rr.hip_height(phases, stance_frac)
        r: dict[str, np.ndarray] = {"thorax": rot(LEFT, rr.lean), "pelvis": rot(LEFT, 4.0)}
        pose = Pose(root=np.zeros(3), rot=dict(r))
        pose = rig.place(pose, "left_hip", np.array([hips["left"][0], 0.0, hz]))
        arm_sw = {}
        for side in ("left", "right"):
            s = _sfx(side)
            ph = phases[side]
            hip = body.joint(pose, f"{side}_hip")
            if ph < stance_frac:
                u = ph / stance_frac
                y = ic_y[side] + (to_y[side] - ic_y[side]) * rr.ball_travel(u)
                th, sh, gf = rr.stance_leg(side, hip, y, u)
                r[f"thigh_{s}"] = rig.seg(f"thigh_{s}", th)
                r[f"shank_{s}"] = rig.seg(f"shank_{s}", sh)
                r[f"foot_{s}"] = gf
                r[f"toes_{s}"] = np.eye(3)
                thigh_a = _flex(th)
            else:
                th_to, sh_to, _ = rr.stance_leg(side, hip, to_y[side], 1.0)
                th_ic, sh_ic, _ = rr.stance_leg(side, hip, ic_y[side], 0.0)
                a_to, a_ic = _flex(th_to), _flex(th_ic)
                kf_to, kf_ic = a_to - _flex(sh_to), a_ic - _flex(sh_ic)
                u = (ph - stance_frac) / (1 - stance_frac)
                peak_u, top = 0.7, 40.0
                if u < peak_u:
                    thigh_a = a_to + (top - a_to) * ramp(u / peak_u)
                else:
                    thigh_a = top + (a_ic - top) * ramp((u - peak_u) / (1 - peak_u))
                if u < 0.4:
                    knee_f = kf_to + (115.0 - kf_to) * ramp(u / 0.4)
                else:
                    knee_f = 115.0 + (kf_ic - 115.0) * ramp((u - 0.4) / 0.6)
                r[f"thigh_{s}"] = rig.seg(f"thigh_{s}", sag_dir(thigh_a))
                r[f"shank_{s}"] = rig.seg(f"shank_{s}", sag_dir(thigh_a - knee_f))
                plant = rr.heel_rise_deg * (1 - ramp(u / 0.8))
                r[f"foot_{s}"] = rot(LEFT, plant)
                # the toes leave the floor flat, then follow the foot
                r[f"toes_{s}"] = rot(LEFT, plant * ramp(u / 0.25))
            arm_sw[side] = thigh_a
        for side, other in (("left", "right"), ("right", "left")):
            s = _sfx(side)
            a = 0.9 * (arm_sw[other] - 12.0)
            lat = 10.0 if side == "left" else -10.0
            r[f"upperarm_{s}"] = rig.seg(f"upperarm_{s}", sag_dir(a + rr.lean, lat))
            r[f"forearm_{s}"] = rig.seg(f"forearm_{s}", sag_dir(a + rr.lean + 85.0, lat * 0.5))
        pose.rot = r
        poses.append(pose)
    events = []
    k = 0
    while (start + k) * stride <= duration_s:
        for side in ("left", "right"):
            ic = (start + offset[side] + k) * stride
            to = ic + stance_frac * stride
            if to <= duration_s - 1e-9 and ic >= 0:
                events.append({"side": side, "ic_s": round(ic, 5), "to_s": round(to, 5),
                               "set": {"thigh_extension_deg": ext[side]}})
        k += 1
    events.sort(key=lambda e: e["ic_s"])
    belt = {s: (to_y[s] - ic_y[s]) / (stance_frac * stride) for s in hips}
    return Motion(poses=poses, reps=events,
                  look_at=look_at("running", body),
                  extra={"cadence_spm": cadence, "stance_fraction": stance_frac,
                         "stride_s": round(stride, 5),
                         "belt_speed_mps": {k: round(v, 3) for k, v in belt.items()}})
