"""The overlay drawers: they draw what they are given, where they are told, in the right colours."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from hipform.landmarks import N_LANDMARKS, landmark_index
from hipform.render.overlay import (
    DEFAULT_STYLE,
    SEVERITY_BGR,
    ascii_text,
    draw_angle,
    draw_cue,
    draw_rep_counter,
    draw_skeleton,
    draw_status,
    wrap_text,
)


def blank(w: int = 720, h: int = 720) -> np.ndarray:
    return np.zeros((h, w, 3), np.uint8)


def standing_pose() -> tuple[np.ndarray, np.ndarray]:
    """A front-facing stick figure (pixels): the person's left is on the image right."""
    xy = np.full((N_LANDMARKS, 2), np.nan)
    pts = {
        "left_shoulder": (420, 200), "right_shoulder": (300, 200),
        "left_hip": (400, 400), "right_hip": (320, 400),
        "left_knee": (400, 520), "right_knee": (320, 520),
        "left_ankle": (400, 640), "right_ankle": (320, 640),
    }
    for name, p in pts.items():
        xy[landmark_index(name)] = p
    vis = np.where(np.isfinite(xy[:, 0]), 0.9, np.nan)
    return xy, vis


def colour_at(img: np.ndarray, x: int, y: int) -> tuple[int, int, int]:
    return tuple(int(v) for v in img[y, x])


def test_skeleton_bones_are_drawn_in_side_colours_in_place() -> None:
    img = blank()
    xy, vis = standing_pose()
    out = draw_skeleton(img, xy, vis)
    assert out is img
    assert colour_at(img, 400, 460) == DEFAULT_STYLE.left_bgr  # left thigh, midway
    assert colour_at(img, 320, 580) == DEFAULT_STYLE.right_bgr  # right shank, midway
    assert colour_at(img, 360, 400) == DEFAULT_STYLE.centre_bgr  # pelvis line
    assert colour_at(img, 400, 400) == DEFAULT_STYLE.joint_bgr  # hip joint
    assert img[:150].max() == 0  # nothing above the shoulders: the head was not given


@pytest.mark.parametrize("hide", ["nan", "low_visibility"])
def test_skeleton_skips_missing_and_unsure_landmarks(hide: str) -> None:
    img = blank()
    xy, vis = standing_pose()
    k = landmark_index("left_knee")
    if hide == "nan":
        xy[k] = np.nan
    else:
        vis[k] = 0.2
    draw_skeleton(img, xy, vis)
    assert img[450:600, 385:416].max() == 0  # neither the left thigh nor the shank
    assert colour_at(img, 320, 460) == DEFAULT_STYLE.right_bgr  # the other leg is still there


@pytest.mark.parametrize("severity", ["fault", "warn", "ok"])
def test_cue_banner_takes_the_severity_colour(severity: str) -> None:
    img = blank(1280, 720)
    draw_cue(img, "knee caving in — stay over your second toe", severity)
    colour = np.array(SEVERITY_BGR[severity])
    banner = (img == colour).all(axis=2)
    assert banner.sum() > 20_000  # a large, solid banner
    ys, xs = np.nonzero(banner)
    assert ys.min() > 720 // 2  # in the lower half
    assert abs((xs.min() + xs.max()) / 2 - 640) < 5  # centred
    # white text on it
    inside = img[ys.min() : ys.max(), xs.min() : xs.max()]
    assert (inside > 240).all(axis=2).sum() > 500


def test_long_cues_wrap_inside_the_image() -> None:
    text = "right knee caved in 18° at the bottom of rep 3 — reduce depth until it stays over your second toe"

    def banner_rows(msg: str) -> int:
        img = blank(480, 640)
        draw_cue(img, msg, "fault")
        rows = np.nonzero((img == np.array(SEVERITY_BGR["fault"])).all(axis=2).any(axis=1))[0]
        return int(rows.max() - rows.min())

    assert banner_rows(text) > 2 * banner_rows("reduce depth")  # several lines, not one clipped line
    scale, thick = 1.0, 2
    lines = wrap_text(text, 300, scale, thick)
    assert len(lines) > 2 and " ".join(lines) == text
    for line in lines:
        assert cv2.getTextSize(line, cv2.FONT_HERSHEY_SIMPLEX, scale, thick)[0][0] <= 300


def test_rep_counter_lists_each_side() -> None:
    one, two = blank(), blank()
    draw_rep_counter(one, {"both": 2})
    draw_rep_counter(two, {"left": 3, "right": 2}, phase="in rep")

    def box_rows(img: np.ndarray) -> int:
        return int(np.nonzero(img[:, :360].any(axis=(1, 2)))[0].max())
    assert box_rows(two) > box_rows(one)  # more lines for more sides
    assert one[:, 360:].max() == 0  # top-left corner only
    assert (one > 240).all(axis=2).sum() > 100  # white text


def test_angle_label_sits_beside_the_joint_on_the_asked_side_and_skips_nan() -> None:
    img = blank()
    draw_angle(img, (360, 360), float("nan"), "L knee")
    draw_angle(img, (float("nan"), 360), 90.0, "L knee")
    assert img.max() == 0
    right, left = blank(), blank()
    draw_angle(right, (360, 360), 92.4, "L knee")
    draw_angle(left, (360, 360), 92.4, "R knee", toward="left")
    assert right[:, :360].max() == 0 and right[:, 361:].max() > 0
    assert left[:, 361:].max() == 0 and left[:, :360].max() > 0


def test_status_goes_top_right_and_handles_missing_values() -> None:
    img = blank(1280, 720)
    draw_status(img, 24.8, 31.0, dropped_share=0.1, extra="q: quit")
    assert img[:, :800].max() == 0 and img[:200, 1000:].max() > 0
    empty = blank(1280, 720)
    draw_status(empty, None, float("nan"))  # before any frame was timed
    assert empty.max() > 0


def test_ascii_text_keeps_meaning_for_old_fonts() -> None:
    assert ascii_text("knee caving in — stay over 15°") == "knee caving in - stay over 15 deg"
