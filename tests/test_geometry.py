import numpy as np
import pytest

from hipform import geometry as g


def test_angle_at_right_angle_and_nan():
    assert g.angle_at(np.array([1.0, 0]), np.array([0.0, 0]), np.array([0.0, 1])) == pytest.approx(90)
    assert np.isnan(g.angle_at(np.array([np.nan, 0]), np.array([0.0, 0]), np.array([0.0, 1])))
    assert np.isnan(g.angle_at(np.array([0.0, 0]), np.array([0.0, 0]), np.array([0.0, 1])))


@pytest.mark.parametrize("deg", [0, 10, 33.3, -20, 89])
def test_signed_angle_from_vertical(deg):
    top = np.array([100.0, 100.0])
    r = np.radians(deg)
    bottom = top + 50 * np.array([np.sin(r), np.cos(r)])
    assert g.signed_angle_from_vertical(top, bottom) == pytest.approx(deg)
    assert g.angle_from_vertical(top, bottom) == pytest.approx(abs(deg))


def test_line_tilt_positive_when_second_point_higher():
    assert g.line_tilt(np.array([0.0, 10]), np.array([10.0, 0])) == pytest.approx(45)
    assert g.line_tilt(np.array([10.0, 10]), np.array([0.0, 0])) == pytest.approx(45)
    assert g.line_tilt(np.array([0.0, 0]), np.array([10.0, 10])) == pytest.approx(-45)


def test_point_line_offset_sign_and_size():
    a, b = np.array([0.0, 0]), np.array([0.0, 10])  # pointing down the screen
    assert g.point_line_offset(np.array([3.0, 5]), a, b) == pytest.approx(3)
    assert g.point_line_offset(np.array([-3.0, 5]), a, b) == pytest.approx(-3)


def test_shape_check():
    with pytest.raises(ValueError, match="2 coordinates"):
        g.angle_at(np.zeros(3), np.zeros(3), np.zeros(3))
