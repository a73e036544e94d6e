"""Off-screen rendering with moderngl on EGL (Mesa software GL works).

Only one GL context per process: the renderer keeps a module-level context.
"""

from __future__ import annotations

import numpy as np

from .geometry import Camera

_CTX = None

_VS = """
#version 330
uniform mat4 mvp;
in vec3 in_pos;
in vec3 in_normal;
in vec3 in_colour;
out vec3 v_normal;
out vec3 v_colour;
void main() {
    gl_Position = mvp * vec4(in_pos, 1.0);
    v_normal = in_normal;
    v_colour = in_colour;
}
"""

_FS = """
#version 330
uniform vec3 light_dir;
uniform vec3 fill_dir;
in vec3 v_normal;
in vec3 v_colour;
out vec4 f_colour;
void main() {
    vec3 n = normalize(v_normal);
    float key = max(dot(n, normalize(light_dir)), 0.0);
    float fill = max(dot(n, normalize(fill_dir)), 0.0);
    vec3 c = v_colour * (0.35 + 0.55 * key + 0.25 * fill);
    f_colour = vec4(min(c, vec3(1.0)), 1.0);
}
"""


def _context():
    global _CTX
    if _CTX is None:
        import moderngl

        _CTX = moderngl.create_context(standalone=True, backend="egl")
    return _CTX


def vertex_normals(vertices: np.ndarray, faces: np.ndarray) -> np.ndarray:
    """Area-weighted vertex normals computed with numpy.

    Parameters
    ----------
    vertices : numpy.ndarray
        (V, 3) positions.
    faces : numpy.ndarray
        (F, 3) triangle indices.

    Returns
    -------
    numpy.ndarray
        (V, 3) unit normals.
    """
    tri = vertices[faces]
    fn = np.cross(tri[:, 1] - tri[:, 0], tri[:, 2] - tri[:, 0])
    n = np.zeros_like(vertices)
    for k in range(3):
        np.add.at(n, faces[:, k], fn)
    return n / np.maximum(np.linalg.norm(n, axis=1, keepdims=True), 1e-12)


def box_mesh(lo: np.ndarray, hi: np.ndarray, colour: tuple) -> tuple[np.ndarray, ...]:
    """Triangles of an axis-aligned box with flat normals.

    Parameters
    ----------
    lo, hi : numpy.ndarray
        Opposite corners.
    colour : tuple of float
        RGB.

    Returns
    -------
    tuple of numpy.ndarray
        Positions, normals and colours, each (36, 3).
    """
    lo, hi = np.asarray(lo, float), np.asarray(hi, float)
    pos, nor = [], []
    for axis in range(3):
        for side in (0, 1):
            n = np.zeros(3)
            n[axis] = 1 if side else -1
            a, b = [k for k in range(3) if k != axis]
            corners = []
            for ua, ub in ((0, 0), (1, 0), (1, 1), (0, 1)):
                c = np.where(side, hi, lo).astype(float).copy()
                c[axis] = hi[axis] if side else lo[axis]
                c[a] = hi[a] if ua else lo[a]
                c[b] = hi[b] if ub else lo[b]
                corners.append(c)
            for t in ((0, 1, 2), (0, 2, 3)):
                pos += [corners[i] for i in t]
                nor += [n] * 3
    p = np.array(pos)
    return p, np.array(nor), np.tile(np.asarray(colour, float), (len(p), 1))


class Renderer:
    """Render a coloured triangle mesh plus static props.

    Parameters
    ----------
    width, height : int
        Image size.
    background : tuple of float
        RGB background.
    samples : int, optional
        MSAA samples.
    """

    def __init__(self, width: int, height: int, background: tuple, samples: int = 4) -> None:
        ctx = _context()
        self.ctx = ctx
        self.size = (width, height)
        self.background = background
        self.prog = ctx.program(vertex_shader=_VS, fragment_shader=_FS)
        self.fbo_ms = ctx.framebuffer(
            color_attachments=[ctx.renderbuffer((width, height), 4, samples=samples)],
            depth_attachment=ctx.depth_renderbuffer((width, height), samples=samples),
        )
        self.fbo = ctx.framebuffer(color_attachments=[ctx.renderbuffer((width, height), 4)])
        self.props: list[np.ndarray] = []

    def add_prop(self, pos: np.ndarray, nor: np.ndarray, col: np.ndarray) -> None:
        """Add static unindexed triangles (e.g. floor, bench)."""
        self.props.append(np.hstack([pos, nor, col]).astype("f4"))

    def _draw(self, data: np.ndarray) -> None:
        vbo = self.ctx.buffer(data.tobytes())
        vao = self.ctx.vertex_array(self.prog, [(vbo, "3f 3f 3f", "in_pos", "in_normal",
                                                  "in_colour")])
        vao.render()
        vao.release()
        vbo.release()

    def render(self, camera: Camera, vertices: np.ndarray, faces: np.ndarray,
               colours: np.ndarray) -> np.ndarray:
        """Render one frame.

        Parameters
        ----------
        camera : Camera
            The camera (same matrices as the truth projection).
        vertices : numpy.ndarray
            (V, 3) posed vertices.
        faces : numpy.ndarray
            (F, 3) triangles.
        colours : numpy.ndarray
            (V, 3) RGB.

        Returns
        -------
        numpy.ndarray
            (H, W, 3) uint8 image.
        """
        ctx = self.ctx
        self.fbo_ms.use()
        ctx.enable(ctx.DEPTH_TEST)
        ctx.clear(*self.background, 1.0)
        self.prog["mvp"].write(camera.mvp.T.astype("f4").tobytes())
        to_cam = camera.eye - camera.target
        self.prog["light_dir"].value = tuple(to_cam / np.linalg.norm(to_cam) + [0.3, 0.2, 1.2])
        self.prog["fill_dir"].value = (-0.5, 0.6, 0.3)
        for p in self.props:
            self._draw(p)
        n = vertex_normals(vertices, faces)
        tri = faces.reshape(-1)
        data = np.hstack([vertices[tri], n[tri], colours[tri]]).astype("f4")
        self._draw(data)
        ctx.copy_framebuffer(self.fbo, self.fbo_ms)
        raw = self.fbo.read(components=3, alignment=1)
        img = np.frombuffer(raw, np.uint8).reshape(self.size[1], self.size[0], 3)
        return np.ascontiguousarray(img[::-1])
