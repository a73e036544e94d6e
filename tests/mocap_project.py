"""Real treadmill-running motion capture -> virtual camera -> landmark sequences + truth.

Data: ``../shared/mocap/`` (Fukuchi, Fukuchi & Duarte 2017, PeerJ 5:e3298, and the
Running Injury Clinic, Calgary; CC-BY-4.0). Read with ``ezc3d``; nothing is copied into
the repository.

Joint centres:
- hip: Harrington regression from the pelvis markers (RBDS001), or the greater
  trochanters of the static trial carried by the pelvis cluster (RIC);
- knee, ankle: mid-points of the lateral and medial markers of the static trial,
  carried onto each running frame by the thigh / shank cluster's least-squares rigid
  pose (Kabsch);
- heel and toe: heel-bottom and mid-metatarsal markers (RBDS001), or points of the foot
  cluster placed from the static trial (RIC);
- a trunk (shoulders) and head are placed over the pelvis (the data has no upper body).

True events: the RBDS001 run carries the treadmill force plate (|F1Z| > 50 N for at least
80 ms is a stance; the lower heel says which foot). The RIC run has no plate: its events
come from the 3D foot (lowest foot point within 15 mm of its stance level), used only for
cadence and per-stance windows.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from hipform.landmarks import N_LANDMARKS, landmark_index
from hipform.sequence import PoseSequence

RBDS_RUN = "running_treadmill_RBDS001_3.5ms.c3d"
RBDS_STATIC = "running_treadmill_RBDS001_static.c3d"
RIC_RUN = "running_treadmill_RIC_20140515T133244.c3d"
RIC_STATIC = "running_treadmill_RIC_20140515T133244_static.c3d"

SIDE_LETTER = {"left": "L", "right": "R"}


@dataclass
class Mocap:
    """Joint-centre tracks of one runner, metres, lab frame, plus the true stances."""

    name: str
    t: np.ndarray
    points: dict[str, np.ndarray]
    up: np.ndarray
    forward: np.ndarray
    right: np.ndarray
    stances: list[tuple[str, float, float]]
    events_from: str
    cadence_spm: float = float("nan")


def _read(path: Path) -> tuple[dict[str, np.ndarray], float, object]:
    import ezc3d

    c = ezc3d.c3d(str(path))
    labels = c["parameters"]["POINT"]["LABELS"]["value"]
    rate = float(c["parameters"]["POINT"]["RATE"]["value"][0])
    pts = c["data"]["points"][:3].transpose(2, 1, 0) / 1000.0  # (N, M, 3) metres
    out = {}
    for j, name in enumerate(labels):
        p = pts[:, j, :].copy()
        p[np.all(np.abs(p) < 1e-9, axis=1)] = np.nan  # (0,0,0) = missing
        out[name] = _fill(p)
    return out, rate, c


def _fill(p: np.ndarray) -> np.ndarray:
    ok = np.isfinite(p[:, 0])
    if ok.all() or not ok.any():
        return p
    i = np.arange(len(p))
    return np.stack([np.interp(i, i[ok], p[ok, k]) for k in range(3)], -1)


def _kabsch(src: np.ndarray, dst: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Rigid transforms (R (N,3,3), t (N,3)) mapping src (M,3) onto dst (N,M,3) per frame."""
    cs = src.mean(0)
    cd = dst.mean(1)
    h = np.einsum("mi,nmj->nij", src - cs, dst - cd[:, None, :])
    u, _, vt = np.linalg.svd(h)
    d = np.sign(np.linalg.det(np.einsum("nji,nkj->nik", vt, u)))
    fix = np.ones((len(dst), 3))
    fix[:, 2] = d
    r = np.einsum("nji,nj,nkj->nik", vt, fix, u)
    t = cd - np.einsum("nij,j->ni", r, cs)
    return r, t


def _carry(static_cluster: np.ndarray, run_cluster: np.ndarray, static_point: np.ndarray) -> np.ndarray:
    """Carry a point fixed to a cluster from the static trial onto each running frame."""
    r, t = _kabsch(static_cluster, run_cluster)
    return np.einsum("nij,j->ni", r, static_point) + t


def _axes(points: dict[str, np.ndarray], up_index: int, foot: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Lab up, forward (direction the runner faces) and the runner's right."""
    up = np.zeros(3)
    up[up_index] = 1.0
    # the belt carries the stance foot backward: stance = lowest third of foot heights
    f = points[foot]
    low = f[:, up_index] < np.nanpercentile(f[:, up_index], 30)
    v = np.gradient(f, axis=0)[low].mean(0)
    v[up_index] = 0
    k = int(np.argmax(np.abs(v)))
    fwd = np.zeros(3)
    fwd[k] = -np.sign(v[k])
    right = np.cross(fwd, up)
    return up, fwd, right


def _harrington(
    asis_l: np.ndarray, asis_r: np.ndarray, psis_l: np.ndarray, psis_r: np.ndarray
) -> dict[str, np.ndarray]:
    """Hip joint centres (Harrington 2007) from the pelvis markers, per frame (m)."""
    mid_asis = 0.5 * (asis_l + asis_r)
    mid_psis = 0.5 * (psis_l + psis_r)
    z = asis_r - asis_l
    pw = np.linalg.norm(z, axis=1)
    z = z / pw[:, None]
    x = mid_asis - mid_psis
    x = x - np.sum(x * z, 1)[:, None] * z
    pd = np.linalg.norm(mid_asis - mid_psis, axis=1)
    x = x / np.linalg.norm(x, axis=1)[:, None]
    y = np.cross(z, x)
    out = {}
    for side, sg in (("left", -1.0), ("right", 1.0)):
        ax = -0.24 * pd - 0.0099
        ay = -0.30 * pw - 0.0109
        az = sg * (0.33 * pw + 0.0073)
        out[side] = mid_asis + ax[:, None] * x + ay[:, None] * y + az[:, None] * z
    return out


def _force_stances(c: object, rate_pt: float, points: dict[str, np.ndarray], up_index: int, n: int) -> list:
    a = c["data"]["analogs"][0]  # type: ignore[index]
    labels = c["parameters"]["ANALOG"]["LABELS"]["value"]  # type: ignore[index]
    rate_an = float(c["parameters"]["ANALOG"]["RATE"]["value"][0])  # type: ignore[index]
    fz = np.abs(a[labels.index("F1Z")]) * 1000.0  # volts -> N (about 1000 N/V)
    on = fz > 50.0
    d = np.diff(on.astype(int))
    starts = np.flatnonzero(d == 1) + 1
    ends = np.flatnonzero(d == -1) + 1
    out = []
    for s in starts:
        e = ends[ends > s]
        if e.size == 0:
            break
        e = int(e[0])
        if (e - s) / rate_an < 0.08:
            continue
        t_ic, t_to = s / rate_an, e / rate_an
        k = min(n - 1, int(round(0.5 * (t_ic + t_to) * rate_pt)))
        hl = points["left_heel"][k, up_index]
        hr = points["right_heel"][k, up_index]
        tl = points["left_foot_index"][k, up_index]
        tr = points["right_foot_index"][k, up_index]
        side = "left" if min(hl, tl) < min(hr, tr) else "right"
        out.append((side, t_ic, t_to))
    return out


def _kinematic_stances(t: np.ndarray, points: dict[str, np.ndarray], up_index: int) -> list:
    """Stances from the 3D foot: around each lowest point of a stride, the foot's lowest
    point (heel or toe) stays within 15 mm of that stride's ground level."""
    from scipy.signal import find_peaks

    rate = 1.0 / float(np.median(np.diff(t)))
    out = []
    for side in ("left", "right"):
        low = np.fmin(points[f"{side}_heel"][:, up_index], points[f"{side}_foot_index"][:, up_index])
        minima, _ = find_peaks(-low, distance=int(0.4 * rate), prominence=0.05)
        for k in minima:
            on = low < low[k] + 0.015
            a = k
            while a > 0 and on[a - 1]:
                a -= 1
            b = k
            while b < len(low) - 1 and on[b + 1]:
                b += 1
            if a > 0 and b < len(low) - 1 and (t[b] - t[a]) > 0.08:
                out.append((side, float(t[a]), float(t[b])))
    return sorted(set(out), key=lambda r: r[1])


def load_rbds(folder: Path) -> Mocap:
    """Runner RBDS001 (150 Hz) with force-plate events."""
    run, rate, c = _read(folder / RBDS_RUN)
    static, _, _ = _read(folder / RBDS_STATIC)
    st = {k: np.nanmean(v, 0) for k, v in static.items()}
    n = len(run["R.ASIS"])
    t = np.arange(n) / rate
    hips = _harrington(run["L.ASIS"], run["R.ASIS"], run["L.PSIS"], run["R.PSIS"])
    pts: dict[str, np.ndarray] = {}
    for side in ("left", "right"):
        s = SIDE_LETTER[side]
        thigh = [f"{s}.Thigh.{a}.{b}" for a in ("Top", "Bottom") for b in ("Lateral", "Medial")]
        shank = [f"{s}.Shank.{a}.{b}" for a in ("Top", "Bottom") for b in ("Lateral", "Medial")]
        knee = 0.5 * (st[f"{s}.Knee"] + st[f"{s}.Knee.Medial"])
        ankle = 0.5 * (st[f"{s}.Ankle"] + st[f"{s}.Ankle.Medial"])
        pts[f"{side}_hip"] = hips[side]
        pts[f"{side}_knee"] = _carry(np.array([st[m] for m in thigh]), np.stack([run[m] for m in thigh], 1), knee)
        pts[f"{side}_ankle"] = _carry(np.array([st[m] for m in shank]), np.stack([run[m] for m in shank], 1), ankle)
        pts[f"{side}_heel"] = run[f"{s}.Heel.Bottom"]
        pts[f"{side}_foot_index"] = 0.5 * (run[f"{s}.MT1"] + run[f"{s}.MT5"])
    up, fwd, right = _axes(pts, 1, "right_heel")
    pelvis = {k: run[k] for k in ("L.ASIS", "R.ASIS", "L.PSIS", "R.PSIS")}
    _add_upper_body(pts, pelvis, up, fwd, right)
    stances = _force_stances(c, rate, pts, 1, n)
    return Mocap("RBDS001", t, pts, up, fwd, right, stances, "force plate")


def load_ric(folder: Path) -> Mocap:
    """The Running Injury Clinic runner (200 Hz), events from the 3D foot."""
    run, rate, _ = _read(folder / RIC_RUN)
    static, _, _ = _read(folder / RIC_STATIC)
    st = {k: np.nanmean(v, 0) for k, v in static.items()}
    n = len(run["pelvis_1"])
    t = np.arange(n) / rate
    cl = {k: [f"{k}_{i}" for i in range(1, 5)] for k in ("pelvis",)}
    for side in ("L", "R"):
        for seg in ("thigh", "shank", "foot"):
            cl[f"{side}_{seg}"] = [f"{side}_{seg}_{i}" for i in range(1, 5)]

    def carry(cluster: str, point: np.ndarray) -> np.ndarray:
        return _carry(np.array([st[m] for m in cl[cluster]]), np.stack([run[m] for m in cl[cluster]], 1), point)

    up_index = 1
    pts: dict[str, np.ndarray] = {}
    # forward in the static trial: the lab axis the runner faces (from the belt, below)
    for side in ("left", "right"):
        s = SIDE_LETTER[side]
        knee = 0.5 * (st[f"{s}_lat_knee"] + st[f"{s}_med_knee"])
        ankle = 0.5 * (st[f"{s}_lat_ankle"] + st[f"{s}_med_ankle"])
        pts[f"{side}_hip"] = carry("pelvis", st[f"{s}_hip"])
        pts[f"{side}_knee"] = carry(f"{s}_thigh", knee)
        pts[f"{side}_ankle"] = carry(f"{s}_shank", ankle)
        pts[f"{side}_heel"] = carry(f"{s}_foot", ankle)  # placeholder for the axis estimate
    up, fwd, right = _axes(pts, up_index, "right_heel")
    for side in ("left", "right"):
        s = SIDE_LETTER[side]
        ankle = 0.5 * (st[f"{s}_lat_ankle"] + st[f"{s}_med_ankle"])
        floor = 0.025
        heel = ankle - 0.05 * fwd
        heel[up_index] = floor
        toe = ankle + 0.15 * fwd
        toe[up_index] = floor
        pts[f"{side}_heel"] = carry(f"{s}_foot", heel)
        pts[f"{side}_foot_index"] = carry(f"{s}_foot", toe)
    # pelvis frame for the trunk: trochanters carried by the pelvis cluster
    hip_mid = 0.5 * (pts["left_hip"] + pts["right_hip"])
    front = hip_mid + 0.1 * fwd
    back = hip_mid - 0.1 * fwd
    pelvis = {"L.ASIS": front - 0.1 * right, "R.ASIS": front + 0.1 * right, "L.PSIS": back - 0.05 * right,
              "R.PSIS": back + 0.05 * right}
    _add_upper_body(pts, pelvis, up, fwd, right)
    stances = _kinematic_stances(t, pts, up_index)
    return Mocap("RIC", t, pts, up, fwd, right, stances, "3D foot kinematics", _minima_cadence(t, pts, up_index))


def _minima_cadence(t: np.ndarray, points: dict[str, np.ndarray], up_index: int) -> float:
    """Cadence (steps/min) from the period of each foot's lowest point: 120 / mean stride."""
    from scipy.signal import find_peaks

    rate = 1.0 / float(np.median(np.diff(t)))
    strides = []
    for side in ("left", "right"):
        low = np.fmin(points[f"{side}_heel"][:, up_index], points[f"{side}_foot_index"][:, up_index])
        minima, _ = find_peaks(-low, distance=int(0.4 * rate), prominence=0.05)
        strides.append((t[minima[-1]] - t[minima[0]]) / (len(minima) - 1))
    return float(120.0 / np.mean(strides))


def _add_upper_body(pts: dict, pelvis: dict, up: np.ndarray, fwd: np.ndarray, right: np.ndarray) -> None:
    """Shoulders, head and face over the pelvis, following its pitch (no arms)."""
    mid_asis = 0.5 * (pelvis["L.ASIS"] + pelvis["R.ASIS"])
    mid_psis = 0.5 * (pelvis["L.PSIS"] + pelvis["R.PSIS"])
    ant = mid_asis - mid_psis
    ant = ant / np.linalg.norm(ant, axis=1)[:, None]
    pitch_up = np.cross(right, ant)  # pelvis "up" (tilts with anterior tilt)
    pitch_up = pitch_up / np.linalg.norm(pitch_up, axis=1)[:, None]
    # a neutral trunk leans 5 degrees forward of the pelvis "up" direction
    hip_mid = 0.5 * (pts["left_hip"] + pts["right_hip"])
    trunk = pitch_up * np.cos(np.radians(-12)) + ant * np.sin(np.radians(-12))
    trunk = 0.5 * trunk + 0.5 * up  # trunk less tilted than the pelvis
    trunk = trunk / np.linalg.norm(trunk, axis=1)[:, None]
    sh = hip_mid + 0.50 * trunk
    pts["left_shoulder"] = sh - 0.18 * right
    pts["right_shoulder"] = sh + 0.18 * right
    head = sh + 0.22 * up
    pts["nose"] = head + 0.10 * fwd
    pts["left_ear"] = head - 0.07 * right
    pts["right_ear"] = head + 0.07 * right
    pts["left_eye"] = head + 0.08 * fwd - 0.03 * right + 0.03 * up
    pts["right_eye"] = head + 0.08 * fwd + 0.03 * right + 0.03 * up


@dataclass(frozen=True)
class Camera:
    """A pinhole camera looking horizontally at the runner."""

    view: str
    distance_m: float = 4.0
    height_m: float = 1.0
    focal_px: float = 1100.0
    image_size: tuple[int, int] = (1280, 720)


def camera_pose(cam: Camera, mocap: Mocap) -> tuple[np.ndarray, np.ndarray]:
    """World->camera rotation (rows = camera x, y, z) and camera centre."""
    hip_mid = 0.5 * (mocap.points["left_hip"] + mocap.points["right_hip"])
    centre = np.nanmean(hip_mid, 0)
    ground = np.nanpercentile(
        np.concatenate([mocap.points[f"{s}_heel"] @ mocap.up for s in ("left", "right")]), 2
    )
    centre = centre - (centre @ mocap.up) * mocap.up + (ground + cam.height_m) * mocap.up
    z = {"side-right": -mocap.right, "side-left": mocap.right, "rear": mocap.forward, "front": -mocap.forward}[cam.view]
    y = -mocap.up
    x = np.cross(y, z)
    pos = centre - cam.distance_m * z
    return np.stack([x, y, z]), pos


def project_points(cam: Camera, mocap: Mocap, pts: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """(N,2) pixel positions of each 3D track."""
    r, pos = camera_pose(cam, mocap)
    w, h = cam.image_size
    out = {}
    for name, p in pts.items():
        c = (p - pos) @ r.T
        out[name] = np.stack([w / 2 + cam.focal_px * c[:, 0] / c[:, 2], h / 2 + cam.focal_px * c[:, 1] / c[:, 2]], -1)
    return out


@dataclass
class ProjectedTruth:
    """Truth computed from the clean projected points at the mocap rate."""

    stances: list[tuple[str, float, float]]
    peak_ext: list[float]
    pelvic_drop: list[float]
    cadence_spm: float


FACE = ("nose", "left_ear", "right_ear", "left_eye", "right_eye")


def project(
    mocap: Mocap,
    view: str,
    fps: float,
    *,
    noise_px: float = 1.5,
    dropouts: int = 10,
    seed: int = 0,
    duration_s: float | None = None,
) -> tuple[PoseSequence, ProjectedTruth]:
    """Film the runner with a virtual camera: landmark sequence and truth.

    Parameters
    ----------
    mocap : Mocap
    view : {"side-right", "side-left", "rear"}
    fps : float
        Frame rate of the virtual camera (resampled from the mocap rate).
    noise_px : float
        Pixel noise SD.
    dropouts : int
        Number of short (<= 0.1 s) landmark dropouts.
    seed : int
    duration_s : float, optional
        Use only the first seconds of the capture.
    """
    rng = np.random.default_rng(seed)
    cam = Camera(view)
    proj = project_points(cam, mocap, mocap.points)
    t_end = mocap.t[-1] if duration_s is None else min(mocap.t[-1], duration_s)
    t = np.arange(rng.uniform(0, 1 / fps), t_end, 1 / fps)
    n = len(t)
    xyz = np.full((n, N_LANDMARKS, 3), np.nan)
    vis = np.full((n, N_LANDMARKS), 0.95)
    for name, p in proj.items():
        j = landmark_index(name)
        xyz[:, j, 0] = np.interp(t, mocap.t, p[:, 0])
        xyz[:, j, 1] = np.interp(t, mocap.t, p[:, 1])
        xyz[:, j, 2] = 0.0
    if view == "rear":
        for name in FACE:
            vis[:, landmark_index(name)] = 0.1
    xyz[..., :2] += rng.normal(0, noise_px, (n, N_LANDMARKS, 2))
    max_len = max(1, int(0.1 * fps))
    for _ in range(dropouts):
        length = int(rng.integers(1, max_len + 1))
        a = int(rng.integers(0, max(1, n - length)))
        js = rng.choice([landmark_index(k) for k in mocap.points], size=4, replace=False)
        vis[a : a + length, js] = 0.05
    seq = PoseSequence(xyz, vis, t, cam.image_size, fps=fps, source=f"mocap-{mocap.name}-{view}", backend="mocap")
    return seq, projected_truth(mocap, proj, view, t[0], t[-1])


def projected_truth(mocap: Mocap, proj: dict[str, np.ndarray], view: str, t0: float, t1: float) -> ProjectedTruth:
    """Per-stance thigh extension and pelvic drop from the clean projection (mocap rate)."""
    from hipform import gait

    t = mocap.t
    fwd_sign = 1.0 if view == "side-right" else -1.0
    tilt = np.degrees(np.arctan2(proj["right_hip"][:, 1] - proj["left_hip"][:, 1],
                                 np.abs(proj["right_hip"][:, 0] - proj["left_hip"][:, 0])))
    base = float(np.median(tilt[(t >= t0) & (t <= t1)]))
    stances, peaks, drops = [], [], []
    for side, ic, to in mocap.stances:
        if ic < t0 or to > t1:
            continue
        d = proj[f"{side}_knee"] - proj[f"{side}_hip"]
        ext = np.degrees(np.arctan2(-fwd_sign * d[:, 0], d[:, 1]))
        sel = (t > ic) & (t < to)
        vals = [*ext[sel], np.interp(ic, t, ext), np.interp(to, t, ext)]
        peaks.append(float(np.max(vals)))
        sg = 1.0 if side == "left" else -1.0
        drops.append(float(np.max(sg * (tilt[(t >= ic) & (t <= to)] - base))))
        stances.append((side, ic, to))
    st = [gait.Stance(s, gait.GaitEvent(a, 0, a), gait.GaitEvent(b, 0, b)) for s, a, b in stances]
    cad = mocap.cadence_spm if np.isfinite(mocap.cadence_spm) else gait.cadence_spm(st)
    return ProjectedTruth(stances, peaks, drops, cad)
