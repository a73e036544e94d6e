"""The rendered person: an ``anny`` body posed by world segment rotations.

A pose is a dict from segment name to a 3x3 world rotation applied to that
segment's rest orientation, plus the world position of the root (pelvis
centre). Posing uses anny's ``world-orient`` parameterisation, so a segment
rotation is exactly what ends up in the world and segment angles can be set
(and solved for) directly, whatever the rest pose looks like.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import numpy as np

CACHE_DIR = Path(os.environ.get("BENCH_CACHE_DIR", Path(__file__).resolve().parents[1] / ".bench-cache"))
os.environ.setdefault("ANNY_CACHE_DIR", str(CACHE_DIR / "anny"))
os.environ.setdefault("WARP_CACHE_PATH", str(CACHE_DIR / "warp"))
os.environ.setdefault("XDG_CACHE_HOME", str(CACHE_DIR / "xdg"))

import torch  # noqa: E402

torch.set_num_threads(2)

#: Segments a pose may set, each with the segment it defaults to.
SEGMENT_PARENT: dict[str, str | None] = {
    "pelvis": None,
    "thigh_L": "pelvis",
    "shank_L": "thigh_L",
    "foot_L": "shank_L",
    "toes_L": "foot_L",
    "thigh_R": "pelvis",
    "shank_R": "thigh_R",
    "foot_R": "shank_R",
    "toes_R": "foot_R",
    "thorax": "pelvis",
    "head": "thorax",
    "upperarm_L": "thorax",
    "forearm_L": "upperarm_L",
    "upperarm_R": "thorax",
    "forearm_R": "upperarm_R",
}

#: Share of the pelvis->thorax rotation carried by each spine bone.
SPINE_SHARE = {"spine05": 0.1, "spine04": 0.35, "spine03": 0.6, "spine02": 0.85, "spine01": 1.0}

#: Skeleton joint centres (bone heads) used as truth.
JOINTS = {
    "left_hip": "upperleg01.L",
    "right_hip": "upperleg01.R",
    "left_knee": "lowerleg01.L",
    "right_knee": "lowerleg01.R",
    "left_ankle": "foot.L",
    "right_ankle": "foot.R",
    "left_toe_base": "toe2-1.L",
    "right_toe_base": "toe2-1.R",
    "left_shoulder": "upperarm01.L",
    "right_shoulder": "upperarm01.R",
    "left_elbow": "lowerarm01.L",
    "right_elbow": "lowerarm01.R",
    "left_wrist": "wrist.L",
    "right_wrist": "wrist.R",
    "neck": "neck01",
    "head": "head",
}


def bone_segment(label: str) -> str:
    """Segment that drives bone ``label``.

    Parameters
    ----------
    label : str
        anny bone label.

    Returns
    -------
    str
        Segment name, or ``spine`` for the blended spine bones.
    """
    side = label[-1] if label[-2:] in (".L", ".R") else ""
    if label in ("root", "pelvis.L", "pelvis.R"):
        return "pelvis"
    if label.startswith("upperleg"):
        return f"thigh_{side}"
    if label.startswith("lowerleg"):
        return f"shank_{side}"
    if label.startswith("foot"):
        return f"foot_{side}"
    if label.startswith("toe"):
        return f"toes_{side}"
    if label in SPINE_SHARE:
        return "spine"
    if label.startswith(("clavicle", "shoulder")):
        return "thorax"
    if label.startswith("upperarm"):
        return f"upperarm_{side}"
    if label.startswith(("lowerarm", "wrist", "finger", "metacarpal")):
        return f"forearm_{side}"
    return "head"


@dataclass
class Pose:
    """World segment rotations and root position for one frame.

    Parameters
    ----------
    root : numpy.ndarray
        World position of the root bone head (pelvis centre).
    rot : dict
        Segment name -> 3x3 world rotation relative to the rest pose.
    """

    root: np.ndarray
    rot: dict[str, np.ndarray]

    def full(self) -> dict[str, np.ndarray]:
        """Rotations of every segment, filling unset ones from their parents."""
        out: dict[str, np.ndarray] = {}
        for seg, parent in SEGMENT_PARENT.items():
            if seg in self.rot:
                out[seg] = self.rot[seg]
            elif parent is None:
                out[seg] = np.eye(3)
            else:
                out[seg] = out[parent]
        return out


def _slerp(a: np.ndarray, b: np.ndarray, t: float) -> np.ndarray:
    from scipy.spatial.transform import Rotation, Slerp

    r = Rotation.from_matrix(np.stack([a, b]))
    return Slerp([0.0, 1.0], r)([t]).as_matrix()[0]


class Body:
    """One anny person with given phenotype.

    Parameters
    ----------
    phenotype : dict
        anny phenotype values in [0, 1] (``gender`` 0 female .. 1 male,
        ``age``, ``muscle``, ``weight``, ``height``, ``proportions``).
    """

    _model = None
    _keypoints = None

    def __init__(self, phenotype: dict[str, float]) -> None:
        import anny

        if Body._model is None:
            Body._model = anny.Anny()
            Body._keypoints = anny.KeypointsRegressor.coco(Body._model)
        self.model = Body._model
        self.kp = Body._keypoints
        self.phenotype = dict(phenotype)
        self.labels: list[str] = list(self.model.bone_labels)
        self.parents = list(self.model.bone_parents)
        with torch.no_grad():
            out = self.model(phenotype_kwargs=self._pheno())
        poses = out["bone_poses"][0].double().numpy()
        self.rest_R = poses[:, :3, :3].copy()
        self.rest_h = poses[:, :3, 3].copy()
        self.rest_vertices = out["vertices"][0].double().numpy()
        self.faces = self.model.get_triangular_faces().numpy().astype(np.int32)
        self.segment_of = [bone_segment(b) for b in self.labels]
        self.index = {b: i for i, b in enumerate(self.labels)}
        idx = self.model.vertex_bone_indices.numpy()
        w = self.model.vertex_bone_weights.numpy()
        self.vertex_bone = idx[np.arange(len(idx)), np.argmax(w, axis=1)]
        self.floor_z = float(self.rest_vertices[:, 2].min())

    def _pheno(self) -> dict[str, torch.Tensor]:
        return {k: torch.tensor([float(v)]) for k, v in self.phenotype.items()}

    def rest_joint(self, name: str) -> np.ndarray:
        """Rest position of a named joint centre (see ``JOINTS``)."""
        return self.rest_h[self.index[JOINTS.get(name, name)]].copy()

    def bone_rotations(self, pose: Pose) -> np.ndarray:
        """World rotation (relative to rest) of every bone, shape (B, 3, 3)."""
        seg = pose.full()
        spine = {k: _slerp(seg["pelvis"], seg["thorax"], t) for k, t in SPINE_SHARE.items()}
        out = np.empty((len(self.labels), 3, 3))
        for i, b in enumerate(self.labels):
            out[i] = spine[b] if b in spine else seg[self.segment_of[i]]
        return out

    def joint_positions(self, pose: Pose) -> np.ndarray:
        """Forward kinematics of all bone heads in numpy, shape (B, 3).

        Matches anny's ``world-orient`` posing (checked in ``self_check``).
        """
        g = self.bone_rotations(pose)
        pos = np.empty_like(self.rest_h)
        pos[0] = pose.root
        for i in range(1, len(self.labels)):
            p = self.parents[i]
            pos[i] = pos[p] + g[p] @ (self.rest_h[i] - self.rest_h[p])
        return pos

    def joint(self, pose: Pose, name: str) -> np.ndarray:
        """World position of one named joint centre for ``pose``."""
        return self.joint_positions(pose)[self.index[JOINTS.get(name, name)]]

    def pose_mesh(self, poses: list[Pose], chunk: int = 32) -> dict[str, np.ndarray]:
        """Skin the mesh for a list of poses.

        Parameters
        ----------
        poses : list of Pose
            Frames to pose.
        chunk : int, optional
            Batch size for anny.

        Returns
        -------
        dict
            ``vertices`` (F, V, 3), ``joints`` (F, B, 3) bone heads and
            ``keypoints`` (F, K, 3) COCO surface keypoints (``self.kp.labels``).
        """
        verts, joints, kps = [], [], []
        for s in range(0, len(poses), chunk):
            batch = poses[s : s + chunk]
            d = np.zeros((len(batch), len(self.labels), 4, 4))
            for j, p in enumerate(batch):
                g = self.bone_rotations(p)
                d[j, :, :3, :3] = g @ self.rest_R
                d[j, :, 3, 3] = 1.0
                d[j, 0, :3, 3] = p.root
            with torch.no_grad():
                out = self.model(
                    pose_parameters=torch.from_numpy(d).float(),
                    phenotype_kwargs=self._pheno(),
                    pose_parameterization="world-orient",
                )
                k = self.kp(out)
            verts.append(out["vertices"].double().numpy())
            joints.append(out["bone_poses"][:, :, :3, 3].double().numpy())
            kps.append(k.double().numpy())
        return {
            "vertices": np.concatenate(verts),
            "joints": np.concatenate(joints),
            "keypoints": np.concatenate(kps),
        }

    def vertex_colours(self, skin: tuple, shirt: tuple, shorts: tuple, shoes: tuple,
                       hair: tuple) -> np.ndarray:
        """Flat per-vertex RGB colours for skin, clothes, shoes and hair.

        Parameters
        ----------
        skin, shirt, shorts, shoes, hair : tuple of float
            RGB in [0, 1].

        Returns
        -------
        numpy.ndarray
            Array (V, 3) float32.
        """
        v = self.rest_vertices
        col = np.tile(np.asarray(skin, np.float32), (len(v), 1))
        seg = np.array(self.segment_of)[self.vertex_bone]
        bone = np.array(self.labels)[self.vertex_bone]
        hip_z = self.rest_joint("left_hip")[2]
        knee_z = self.rest_joint("left_knee")[2]
        shorts_low = knee_z + 0.55 * (hip_z - knee_z)
        neck_z = self.rest_joint("neck")[2]
        shoulder_x = abs(self.rest_joint("left_shoulder")[0])
        torso = np.isin(seg, ["pelvis", "spine", "thorax"]) | np.char.startswith(
            bone.astype(str), "upperarm01")
        shirt_m = torso & (v[:, 2] > hip_z + 0.06) & (v[:, 2] < neck_z - 0.02)
        shirt_m &= np.abs(v[:, 0]) < shoulder_x + 0.12
        legs = np.isin(seg, ["pelvis", "thigh_L", "thigh_R", "spine"])
        shorts_m = legs & (v[:, 2] <= hip_z + 0.06 + 1e-9) & (v[:, 2] > shorts_low)
        shoes_m = np.isin(seg, ["foot_L", "foot_R", "toes_L", "toes_R"]) | (v[:, 2] < self.floor_z + 0.1)
        head_top = self.rest_joint("head")[2]
        hair_m = (seg == "head") & (v[:, 2] > head_top + 0.09) | (
            (seg == "head") & (v[:, 1] > self.rest_joint("head")[1] + 0.02)
            & (v[:, 2] > head_top + 0.02))
        eyes = np.char.startswith(bone.astype(str), "eye")
        col[shirt_m] = shirt
        col[shorts_m] = shorts
        col[shoes_m] = shoes
        col[hair_m] = hair
        col[eyes] = (0.1, 0.1, 0.12)
        return col


def self_check() -> float:
    """Largest gap (m) between numpy FK and anny's posed bone heads."""
    from .geometry import rot

    b = Body({"age": 0.66, "gender": 0.3})
    p = Pose(root=np.array([0.1, 0.2, 0.3]),
             rot={"pelvis": rot([1, 0, 0], -20), "thigh_L": rot([1, 0, 0], -60),
                  "shank_L": rot([0, 1, 0], 10), "thorax": rot([0, 0, 1], 30)})
    mine = b.joint_positions(p)
    theirs = b.pose_mesh([p])["joints"][0]
    return float(np.abs(mine - theirs).max())
