"""Render the validation clips and their truth files.

Usage::

    python -m bench.generate --out DIR [--small] [--only NAME ...]

``--small`` makes the few clips committed under ``tests/data/rendered``;
without it the full set (all views, bodies, frame rates) is made.
"""

from __future__ import annotations

import argparse
import json
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from . import exercises as ex
from .body import Body
from .geometry import (
    FORWARD,
    angle_deg,
    fppa_deg,
    from_vertical_deg,
    make_camera,
)

#: Body presets (anny phenotype values in [0, 1]; gender 0 is male, 1 female).
BODIES = {
    "f-avg": {"gender": 1.0, "age": 0.66, "height": 0.5, "weight": 0.5, "muscle": 0.5},
    "m-tall-heavy": {"gender": 0.0, "age": 0.7, "height": 0.8, "weight": 0.75, "muscle": 0.6},
    "f-short-light": {"gender": 0.9, "age": 0.6, "height": 0.25, "weight": 0.3, "muscle": 0.4},
    "m-avg": {"gender": 0.1, "age": 0.66, "height": 0.55, "weight": 0.5, "muscle": 0.7},
}

#: Colour presets: skin, shirt, shorts, shoes, hair, background, floor.
PALETTES = {
    "blue": ((0.86, 0.67, 0.55), (0.18, 0.33, 0.70), (0.12, 0.12, 0.16), (0.92, 0.92, 0.92),
             (0.20, 0.12, 0.07), (0.80, 0.82, 0.84), (0.55, 0.53, 0.50)),
    "red": ((0.55, 0.38, 0.28), (0.72, 0.16, 0.14), (0.22, 0.24, 0.30), (0.15, 0.15, 0.15),
            (0.08, 0.06, 0.05), (0.88, 0.86, 0.80), (0.45, 0.42, 0.38)),
    "green": ((0.93, 0.78, 0.68), (0.20, 0.52, 0.30), (0.40, 0.40, 0.45), (0.80, 0.30, 0.20),
              (0.55, 0.38, 0.15), (0.70, 0.74, 0.78), (0.62, 0.62, 0.60)),
    "grey": ((0.72, 0.52, 0.40), (0.60, 0.60, 0.62), (0.08, 0.08, 0.10), (0.95, 0.95, 0.95),
             (0.10, 0.08, 0.06), (0.84, 0.84, 0.86), (0.50, 0.50, 0.52)),
}

#: 2D landmarks written per frame: name -> (anny bone for the joint centre or
#: None, COCO keypoint label for the surface point).
LANDMARKS = {
    "left_hip": ("upperleg01.L", "left_hip"),
    "right_hip": ("upperleg01.R", "right_hip"),
    "left_knee": ("lowerleg01.L", "left_knee"),
    "right_knee": ("lowerleg01.R", "right_knee"),
    "left_ankle": ("foot.L", "left_ankle"),
    "right_ankle": ("foot.R", "right_ankle"),
    "left_heel": (None, "left_heel"),
    "right_heel": (None, "right_heel"),
    "left_toe": ("toe2-3.L", "left_big_toe"),
    "right_toe": ("toe2-3.R", "right_big_toe"),
    "left_shoulder": ("upperarm01.L", "left_shoulder"),
    "right_shoulder": ("upperarm01.R", "right_shoulder"),
    "left_ear": (None, "left_ear"),
    "right_ear": (None, "right_ear"),
    "nose": (None, "nose"),
}

PORTRAIT = (540, 960)
LANDSCAPE = (960, 540)


@dataclass
class ClipSpec:
    """Everything that defines one clip."""

    name: str
    exercise: str
    view: str
    yaw: float = 0.0
    cam_height: float = 1.0
    distance: float = 3.0
    fps: int = 30
    size: tuple[int, int] = PORTRAIT
    body: str = "f-avg"
    palette: str = "blue"
    stance: str = "left"
    reps: list[dict] = field(default_factory=list)
    run: dict = field(default_factory=dict)
    lead_s: float = 0.6


def _sls_reps(valgus: list[float], drop: list[float], depth: float = 60.0,
              lean: float = 0.0) -> list[dict]:
    return [{"valgus": v, "knee_flex": depth, "drop": d, "lean": lean}
            for v, d in zip(valgus, drop, strict=True)]


def small_set() -> list[ClipSpec]:
    """The few clips committed to ``tests/data/rendered``."""
    return [
        ClipSpec("sls_front_left", "single-leg-squat", "front", stance="left",
                 reps=_sls_reps([0, 6, 12, 18], [2, 4, 6, 8], depth=75.0), lead_s=1.5),
        ClipSpec("sls_front_right", "single-leg-squat", "front", stance="right", yaw=0.0,
                 body="m-avg", palette="red", cam_height=1.1,
                 reps=_sls_reps([18, 6, 0, 12], [8, 2, 4, 6], depth=70.0), lead_s=1.5),
        ClipSpec("stepup_front_left", "step-up", "front", stance="left", body="f-avg", palette="green",
                 cam_height=1.2, distance=3.2,
                 reps=[{"valgus": 2, "drop": 2, "lean": 0}, {"valgus": 9, "drop": 5, "lean": 2},
                       {"valgus": 16, "drop": 8, "lean": 4}], lead_s=1.5),
        ClipSpec("hipthrust_side", "hip-thrust", "side-left", size=LANDSCAPE, distance=2.2,
                 cam_height=0.55, body="m-tall-heavy", palette="grey",
                 reps=[{"deficit": 15, "arch": 0}, {"deficit": 6, "arch": 0},
                       {"deficit": 0, "arch": 0}, {"deficit": -8, "arch": 8}], lead_s=1.5),
        ClipSpec("running_side_60fps", "running", "side-right", fps=60, palette="green",
                 body="f-short-light", distance=3.0, cam_height=0.9,
                 run={"cadence": 170.0, "stance_frac": 0.36,
                      "ext": {"left": 16.0, "right": 8.0}, "duration": 4.0}),
        ClipSpec("rdl_front_left", "single-leg-rdl", "front", stance="left", body="m-avg",
                 palette="grey", cam_height=1.0, distance=3.2,
                 reps=[{"hinge": 70, "rotation": 0}, {"hinge": 70, "rotation": 10},
                       {"hinge": 65, "rotation": 20}], lead_s=1.5),
    ]


def extra_set() -> list[ClipSpec]:
    """Clips beyond the test set: more views, off-axis yaws, bodies and frame rates."""
    sls = [("front", 0.0, "left", 30, 75.0), ("front", 15.0, "right", 60, 70.0),
           ("front", -20.0, "left", 30, 70.0), ("rear", 0.0, "right", 30, 75.0),
           ("rear", 10.0, "left", 60, 65.0)]
    bodies, pals = list(BODIES), list(PALETTES)
    clips = []
    for k, (view, yaw, stance, fps, depth) in enumerate(sls):
        clips.append(ClipSpec(
            f"sls_{view}{yaw:+.0f}_{stance}_{fps}fps", "single-leg-squat", view, yaw=yaw, fps=fps,
            stance=stance, body=bodies[(k + 1) % 4], palette=pals[(k + 2) % 4],
            cam_height=0.8 + 0.15 * (k % 4),
            reps=_sls_reps([3, 10, 16], [3, 6, 9], depth=depth, lean=2.0 * (k % 3))))
    clips.append(ClipSpec(
        "stepup_front+12_right_60fps", "step-up", "front", yaw=12.0, fps=60, stance="right",
        body="m-tall-heavy", palette="red", cam_height=1.3, distance=3.4,
        reps=[{"valgus": 14, "drop": 6, "lean": 0}, {"valgus": 4, "drop": 2, "lean": 3}], lead_s=1.5))
    for k, (view, yaw, stance) in enumerate((("front", 15.0, "right"), ("side-left", 0.0, "left"),
                                             ("side-right", -10.0, "right"))):
        clips.append(ClipSpec(
            f"rdl_{view}{yaw:+.0f}_{stance}", "single-leg-rdl", view, yaw=yaw, stance=stance,
            body=bodies[(k + 2) % 4], palette=pals[k % 4], distance=3.2,
            reps=[{"hinge": 60, "rotation": 0}, {"hinge": 75, "rotation": 8},
                  {"hinge": 70, "rotation": 16}]))
    for k, (view, yaw, fps) in enumerate((("side-right", 0.0, 60), ("side-left", 15.0, 30),
                                          ("side-right", -20.0, 30))):
        clips.append(ClipSpec(
            f"hipthrust_{view}{yaw:+.0f}_{fps}fps", "hip-thrust", view, yaw=yaw, fps=fps,
            size=LANDSCAPE, distance=2.2, cam_height=0.45 + 0.1 * k, body=bodies[k % 4],
            palette=pals[(k + 1) % 4],
            reps=[{"deficit": 20, "arch": 0}, {"deficit": 8, "arch": 0},
                  {"deficit": 0, "arch": 0}, {"deficit": -10, "arch": 10}]))
    for k, (view, yaw, fps) in enumerate((("side-left", 0.0, 30), ("side-left", 15.0, 60),
                                          ("rear", 0.0, 60))):
        clips.append(ClipSpec(
            f"running_{view}{yaw:+.0f}_{fps}fps", "running", view, yaw=yaw, fps=fps,
            body=bodies[(k + 1) % 4], palette=pals[(k + 3) % 4], cam_height=0.8 + 0.1 * k,
            run={"cadence": 160.0 + 8 * k, "stance_frac": 0.34 + 0.02 * k,
                 "ext": {"left": 8.0 + 4 * k, "right": 18.0 - 3 * k}, "duration": 4.0}))
    return clips


def full_set() -> list[ClipSpec]:
    """The test set plus :func:`extra_set`."""
    return small_set() + extra_set()


# ---------------------------------------------------------------------------
# Truth
# ---------------------------------------------------------------------------


def _r(x: float, nd: int = 2) -> float:
    return round(float(x), nd)


class Projected:
    """2D points of one frame in both variants, from projected 3D points."""

    def __init__(self, cam, body: Body, joints: np.ndarray, kps: np.ndarray,
                 kp_labels: list[str]) -> None:
        self.jc: dict[str, np.ndarray] = {}
        self.sf: dict[str, np.ndarray] = {}
        self.jc3: dict[str, np.ndarray] = {}
        self.sf3: dict[str, np.ndarray] = {}
        for name, (bone, label) in LANDMARKS.items():
            p_sf = kps[kp_labels.index(label)]
            p_jc = joints[body.index[bone]] if bone else p_sf
            self.jc3[name], self.sf3[name] = p_jc, p_sf
            self.jc[name], self.sf[name] = cam.project(p_jc), cam.project(p_sf)

    def variants(self) -> dict[str, dict[str, np.ndarray]]:
        """``joint_centre`` and ``surface`` point sets."""
        return {"joint_centre": self.jc, "surface": self.sf}


def _mid(p: dict, a: str, b: str) -> np.ndarray:
    return (p[a] + p[b]) / 2


def _hip_line_deg(p: dict, low_side: str) -> float:
    """Angle of the hip line, positive when ``low_side``'s hip is lower (y down)."""
    lo, hi = p[f"{low_side}_hip"], p[f"{'right' if low_side == 'left' else 'left'}_hip"]
    return float(np.degrees(np.arctan2(lo[1] - hi[1], abs(lo[0] - hi[0]))))


def _lean_toward(p: dict, side: str) -> float:
    """Trunk lateral lean in the image, positive toward ``side``'s hip."""
    mh, ms = _mid(p, "left_hip", "right_hip"), _mid(p, "left_shoulder", "right_shoulder")
    toward = np.sign(p[f"{side}_hip"][0] - mh[0]) or 1.0
    return float(np.degrees(np.arctan2((ms[0] - mh[0]) * toward, mh[1] - ms[1])))


def _leg_px(p: dict, side: str) -> float:
    """Thigh plus shank length in pixels."""
    return float(np.linalg.norm(p[f"{side}_hip"] - p[f"{side}_knee"])
                 + np.linalg.norm(p[f"{side}_knee"] - p[f"{side}_ankle"]))


def _measures_sls(fr: Projected, base: Projected, stance: str) -> dict:
    out: dict[str, dict] = {}
    free = "right" if stance == "left" else "left"
    for var, p in fr.variants().items():
        b = base.variants()[var]
        mid_x = float(_mid(p, "left_hip", "right_hip")[0])
        vals = {
            "knee_valgus_fppa_deg": fppa_deg(p[f"{stance}_hip"], p[f"{stance}_knee"],
                                             p[f"{stance}_ankle"], mid_x),
            "knee_medial_offset_shank": (p[f"{stance}_knee"][0] - p[f"{stance}_toe"][0])
            * np.sign(mid_x - p[f"{stance}_hip"][0])
            / float(np.linalg.norm(b[f"{stance}_knee"] - b[f"{stance}_ankle"])),
            "pelvic_drop_deg": _hip_line_deg(p, free) - _hip_line_deg(b, free),
            "trunk_lateral_lean_deg": _lean_toward(p, stance),
            "depth_hip_drop_rel": (_mid(p, "left_hip", "right_hip")[1]
                                   - _mid(b, "left_hip", "right_hip")[1])
            / _leg_px(b, stance),
        }
        for k, v in vals.items():
            out.setdefault(k, {"space": "image"})[var] = _r(v, 3 if "rel" in k or "shank" in k
                                                            else 2)
    kf = {var: 180 - angle_deg(p[f"{stance}_hip"], p[f"{stance}_knee"], p[f"{stance}_ankle"])
          for var, p in (("joint_centre", fr.jc3), ("surface", fr.sf3))}
    out["knee_flexion_deg"] = {"space": "world", **{k: _r(v) for k, v in kf.items()}}
    return out


def _measures_step(frames: list, base: Projected, lead: str, fb: int, ft: int, fps: float,
                   rep: dict) -> dict:
    """Step-up truth: lead knee when most bent on the way up, the rest at the top."""
    out = _measures_sls(frames[fb], base, lead)
    for k in ("pelvic_drop_deg", "trunk_lateral_lean_deg", "depth_hip_drop_rel"):
        out.pop(k)
    trail = "right" if lead == "left" else "left"
    top = frames[ft]
    for var, p in top.variants().items():
        b = base.variants()[var]
        vals = {
            "pelvic_drop_deg": _hip_line_deg(p, trail) - _hip_line_deg(b, trail),
            "trunk_lateral_lean_deg": _lean_toward(p, lead),
            "knee_drive_rel": 1.0 - (p[f"{trail}_knee"][1] - p[f"{trail}_hip"][1])
            / float(np.linalg.norm(b[f"{trail}_knee"] - b[f"{trail}_hip"])),
            "hip_rise_rel": (_mid(b, "left_hip", "right_hip")[1] - _mid(p, "left_hip", "right_hip")[1])
            / _leg_px(b, trail),
        }
        for k, v in vals.items():
            out.setdefault(k, {"space": "image"})[var] = _r(v, 3 if "rel" in k else 2)
        # lowering time: 95% to 5% of the way from the top back to standing on the floor
        y = np.array([_mid(f.variants()[var], "left_hip", "right_hip")[1] for f in frames])
        y0, y1 = _mid(b, "left_hip", "right_hip")[1], y[ft]
        frac = (y0 - y) / (y0 - y1)
        t = np.arange(len(y)) / fps
        end = int(round(rep["end_s"] * fps))
        cross = []
        for level in (0.95, 0.05):
            for i in range(ft + 1, min(end + 1, len(y))):
                if frac[i - 1] > level >= frac[i]:
                    cross.append(t[i - 1] + (frac[i - 1] - level) / (frac[i - 1] - frac[i]) / fps)
                    break
        if len(cross) == 2:
            out.setdefault("eccentric_s", {"space": "time"})[var] = _r(cross[1] - cross[0], 4)
    return out


def _measures_rdl(fr: Projected, base: Projected, stance: str) -> dict:
    out = _measures_sls(fr, base, stance)
    for k in ("pelvic_drop_deg", "trunk_lateral_lean_deg", "depth_hip_drop_rel"):
        out.pop(k)
    free = "right" if stance == "left" else "left"
    for var, p in fr.variants().items():
        b = base.variants()[var]
        rot_ = -(_hip_line_deg(p, free) - _hip_line_deg(b, free))
        out.setdefault("pelvic_rotation_deg", {"space": "image"})[var] = _r(rot_)
        tr = from_vertical_deg(_mid(p, "left_hip", "right_hip"),
                               _mid(p, "left_shoulder", "right_shoulder"))
        out.setdefault("trunk_angle_deg", {"space": "image"})[var] = _r(tr)
    for var, p, b in (("joint_centre", fr.jc3, base.jc3), ("surface", fr.sf3, base.sf3)):
        d = _mid(p, "left_shoulder", "right_shoulder") - _mid(p, "left_hip", "right_hip")
        ang = np.degrees(np.arccos(d[2] / np.linalg.norm(d)))
        out.setdefault("trunk_angle_3d_deg", {"space": "world"})[var] = _r(ang)
        out.setdefault("pelvic_rotation_3d_deg", {"space": "world"})[var] = _r(
            _elevation(p, stance, free) - _elevation(b, stance, free))
    return out


def _elevation(p: dict, stance: str, free: str) -> float:
    """Elevation (deg) of the stance-hip -> free-hip line above the horizontal, 3D."""
    d = p[f"{free}_hip"] - p[f"{stance}_hip"]
    return float(np.degrees(np.arctan2(d[2], np.hypot(d[0], d[1]))))


def _near_side(cam, fr: Projected) -> str:
    dl = np.linalg.norm(cam.eye - fr.jc3["left_hip"])
    dr = np.linalg.norm(cam.eye - fr.jc3["right_hip"])
    return "left" if dl < dr else "right"


def _signed_deficit_2d(s: np.ndarray, h: np.ndarray, k: np.ndarray) -> float:
    mag = 180.0 - angle_deg(s, h, k)
    t = np.clip((h - s) @ (k - s) / ((k - s) @ (k - s)), 0, 1)
    above = (h - (s + t * (k - s)))[1] < 0  # image y grows downward
    return -mag if above else mag


def _measures_thrust(fr: Projected, side: str) -> dict:
    out: dict[str, dict] = {}
    for var, p in fr.variants().items():
        d = _signed_deficit_2d(p[f"{side}_shoulder"], p[f"{side}_hip"], p[f"{side}_knee"])
        out.setdefault("lockout_deficit_deg", {"space": "image", "side": side})[var] = _r(d)
        out.setdefault("back_arch_deg", {"space": "image", "side": side})[var] = _r(max(0.0, -d))
        kn = angle_deg(p[f"{side}_hip"], p[f"{side}_knee"], p[f"{side}_ankle"])
        out.setdefault("knee_angle_top_deg", {"space": "image", "side": side})[var] = _r(kn)
    return out


def _thigh_ext_2d(p: dict, side: str, travel_x: float) -> float:
    """Thigh angle vs image vertical, positive when the knee is behind the hip."""
    d = p[f"{side}_knee"] - p[f"{side}_hip"]
    return float(np.degrees(np.arctan2(-d[0] * travel_x, d[1])))


def compute_truth(spec: ClipSpec, body: Body, motion: ex.Motion, cam, mesh: dict,
                  kp_labels: list[str]) -> dict:
    """Build the truth dict for a rendered clip."""
    fps = spec.fps
    n = len(motion.poses)
    frames = [Projected(cam, body, mesh["joints"][i], mesh["keypoints"][i], kp_labels)
              for i in range(n)]
    base = frames[0]
    reps_out = []
    for rep in motion.reps:
        rec = {k: v for k, v in rep.items()}
        if spec.exercise in ("single-leg-squat", "single-leg-rdl"):
            fi = int(round(rep["bottom_s"] * fps))
            fn = _measures_sls if spec.exercise == "single-leg-squat" else _measures_rdl
            rec["frame"] = fi
            rec["metrics"] = fn(frames[fi], base, spec.stance)
        elif spec.exercise == "step-up":
            fb, ft = int(round(rep["bent_s"] * fps)), int(round(rep["top_s"] * fps))
            rec["frame"] = fb
            rec["top_frame"] = ft
            rec["metrics"] = _measures_step(frames, base, spec.stance, fb, ft, fps, rep)
        elif spec.exercise == "hip-thrust":
            fi = int(round(rep["top_s"] * fps))
            rec["frame"] = fi
            rec["metrics"] = _measures_thrust(frames[fi], _near_side(cam, frames[fi]))
        elif spec.exercise == "running":
            a, b = int(np.ceil(rep["ic_s"] * fps - 1e-6)), int(np.floor(rep["to_s"] * fps + 1e-6))
            side = rep["side"]
            hip3 = frames[a].jc3[f"{side}_hip"]
            travel_x = float(np.sign((cam.project(hip3 + 0.3 * FORWARD) - cam.project(hip3))[0]))
            m: dict[str, dict] = {}
            for var in ("joint_centre", "surface"):
                vals = [_thigh_ext_2d(frames[i].variants()[var], side, travel_x)
                        for i in range(a, min(b, n - 1) + 1)]
                m.setdefault("peak_hip_extension_deg", {"space": "image"})[var] = _r(max(vals))
            m["stance_s"] = {"space": "time", "joint_centre": _r(rep["to_s"] - rep["ic_s"], 4),
                             "surface": _r(rep["to_s"] - rep["ic_s"], 4)}
            rec["metrics"] = m
        reps_out.append(rec)
    names = list(LANDMARKS)
    lm = {"names": names, "surface_only": [k for k, v in LANDMARKS.items() if v[0] is None],
          "joint_centre": [[_r(c, 1) for nm in names for c in f.jc[nm]] for f in frames],
          "surface": [[_r(c, 1) for nm in names for c in f.sf[nm]] for f in frames]}
    truth = {
        "format": "hipform-rendered-truth/1",
        "clip": f"{spec.name}.mp4",
        "exercise": spec.exercise,
        "fps": fps,
        "frame_count": n,
        "duration_s": _r(n / fps, 4),
        "image_size": {"width": spec.size[0], "height": spec.size[1]},
        "camera": {"view": spec.view, "yaw_off_axis_deg": spec.yaw,
                   "height_m": _r(cam.eye[2] - body.floor_z, 3),
                   "distance_m": spec.distance, "fov_y_deg": cam.fov_y_deg},
        "body": {"preset": spec.body, "anny_phenotype": BODIES[spec.body],
                 "sex": "female" if BODIES[spec.body]["gender"] >= 0.5 else "male",
                 "height_m": _r(float(mesh["vertices"][0][:, 2].max() - body.floor_z), 3)},
        "clothing": spec.palette,
        "side": spec.stance if spec.exercise in ("single-leg-squat", "single-leg-rdl",
                                                  "step-up") else None,
        "rep_count": len(reps_out) if spec.exercise != "running" else None,
        "reps" if spec.exercise != "running" else "steps": reps_out,
        "landmarks_2d": lm,
        **motion.extra,
    }
    if spec.exercise == "running":
        truth["cadence_spm"] = spec.run["cadence"]
        truth["step_count"] = len(reps_out)
    return truth


# ---------------------------------------------------------------------------
# Rendering a clip
# ---------------------------------------------------------------------------


def clip_camera(spec: ClipSpec, body: Body, yaw: float | None = None):
    """The clip's camera (``yaw`` overrides the spec's off-axis angle)."""
    return make_camera(spec.view, spec.yaw if yaw is None else yaw,
                       body.floor_z + spec.cam_height, spec.distance,
                       ex.look_at(spec.exercise, body), spec.size)


def build_motion(spec: ClipSpec, body: Body) -> ex.Motion:
    """Kinematics for a spec."""
    if spec.exercise == "single-leg-squat":
        on_axis = clip_camera(spec, body, yaw=0.0)
        return ex.single_leg_squat(body, spec.fps, spec.stance, [dict(r) for r in spec.reps],
                                   project=on_axis.project, lead_s=spec.lead_s)
    if spec.exercise == "step-up":
        on_axis = clip_camera(spec, body, yaw=0.0)
        return ex.step_up(body, spec.fps, spec.stance, [dict(r) for r in spec.reps],
                          project=on_axis.project, lead_s=spec.lead_s)
    if spec.exercise == "single-leg-rdl":
        return ex.single_leg_rdl(body, spec.fps, spec.stance, [dict(r) for r in spec.reps],
                                 lead_s=spec.lead_s)
    if spec.exercise == "hip-thrust":
        return ex.hip_thrust(body, spec.fps, [dict(r) for r in spec.reps], lead_s=spec.lead_s)
    if spec.exercise == "running":
        r = spec.run
        return ex.running(body, spec.fps, r["cadence"], r["stance_frac"], r["ext"], r["duration"])
    raise ValueError(spec.exercise)


def render_clip(spec: ClipSpec, out_dir: Path) -> dict:
    """Render one clip and write ``<name>.mp4`` and ``<name>.truth.json``.

    Parameters
    ----------
    spec : ClipSpec
        What to render.
    out_dir : pathlib.Path
        Output folder.

    Returns
    -------
    dict
        The truth written.
    """
    import imageio.v2 as imageio

    from .render import Renderer, box_mesh

    body = Body(BODIES[spec.body])
    motion = build_motion(spec, body)
    cam = clip_camera(spec, body)
    skin, shirt, shorts, shoes, hair, bg, floor = PALETTES[spec.palette]
    colours = body.vertex_colours(skin, shirt, shorts, shoes, hair)
    rdr = Renderer(spec.size[0], spec.size[1], bg)
    rdr.add_prop(*box_mesh([-6, -6, body.floor_z - 0.02], [6, 6, body.floor_z], floor))
    for lo, hi, col in motion.props:
        rdr.add_prop(*box_mesh(lo, hi, col))
    mesh = body.pose_mesh(motion.poses)
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / f"{spec.name}.mp4"
    writer = imageio.get_writer(path, format="FFMPEG", mode="I", fps=spec.fps, codec="libx264",
                                pixelformat="yuv420p", macro_block_size=2, quality=None,
                                ffmpeg_params=["-crf", "26", "-preset", "slow"])
    for v in mesh["vertices"]:
        writer.append_data(rdr.render(cam, v, body.faces, colours))
    writer.close()
    truth = compute_truth(spec, body, motion, cam, mesh, list(body.kp.labels))
    (out_dir / f"{spec.name}.truth.json").write_text(json.dumps(truth, separators=(",", ":")))
    return truth


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", type=Path, required=True, help="output folder")
    ap.add_argument("--small", action="store_true", help="only the committed test set")
    ap.add_argument("--extra", action="store_true", help="only the clips beyond the test set")
    ap.add_argument("--only", nargs="*", default=None, help="clip names to (re)make")
    args = ap.parse_args(argv)
    specs = small_set() if args.small else extra_set() if args.extra else full_set()
    if args.only:
        specs = [s for s in specs if s.name in args.only]
    index = []
    for s in specs:
        t0 = time.time()
        truth = render_clip(s, args.out)
        index.append({"clip": truth["clip"], "exercise": s.exercise, "view": s.view,
                      "yaw_off_axis_deg": s.yaw, "fps": s.fps})
        print(f"{s.name}: {truth['frame_count']} frames in {time.time() - t0:.1f} s", flush=True)
    if not args.only:
        (args.out / "index.json").write_text(json.dumps(index, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
