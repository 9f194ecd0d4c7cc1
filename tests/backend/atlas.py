"""A unit cube's cue maps as a renderer would bake them into a UV atlas: six face islands in a
3×2 grid, plus a seventh island that shows the +x face again, turned a quarter and mirrored, so
two UV places hold every point of that face (what a UV seam does to the texels beside it)."""

import numpy as np

from neural_backend.pipeline.asset_cues import BakedCues

FACE = 48  # texels per island side
FACES = (  # normal, position of (across, up) in [0, 1]²
    ((1, 0, 0), lambda a, b: (1 + 0 * a, a, b)),
    ((-1, 0, 0), lambda a, b: (0 * a, a, b)),
    ((0, 1, 0), lambda a, b: (a, 1 + 0 * a, b)),
    ((0, -1, 0), lambda a, b: (a, 0 * a, b)),
    ((0, 0, 1), lambda a, b: (a, b, 1 + 0 * a)),
    ((0, 0, -1), lambda a, b: (a, b, 0 * a)),
)


def cube_atlas() -> tuple[BakedCues, tuple, tuple]:
    """The cues, and the +x face's texels in island 0 and in the duplicate island (same order)."""
    height, width = 3 * FACE, 3 * FACE
    normal = np.zeros((height, width, 3), np.float32)
    position = np.zeros((height, width, 3), np.float32)
    occlusion = np.ones((height, width), np.float32)
    curvature = np.zeros((height, width), np.float32)
    steps = (np.arange(FACE) + 0.5) / FACE
    across, up = np.meshgrid(steps, steps[::-1])
    near_edge = np.clip(1 - np.minimum.reduce([across, 1 - across, up, 1 - up]) * 12, 0, 1)
    for index, (face_normal, place) in enumerate(FACES):
        row, column = divmod(index, 3)
        island = (slice(row * FACE, (row + 1) * FACE), slice(column * FACE, (column + 1) * FACE))
        normal[island] = face_normal
        position[island] = np.stack(place(across, up), -1)
        curvature[island] = near_edge
        occlusion[island] = 1 - 0.3 * (up < 0.2)  # a darker band low on every face
    duplicate = (slice(2 * FACE, 3 * FACE), slice(0, FACE))
    for array in (normal, position, occlusion, curvature):
        array[duplicate] = np.swapaxes(array[:FACE, :FACE], 0, 1)[::-1]
    rows, columns = np.mgrid[0:FACE, 0:FACE]
    original = (rows.ravel(), columns.ravel())
    # Where each texel of island 0 went: transposed, then rows flipped.
    copied = (2 * FACE + (FACE - 1 - columns.ravel()), rows.ravel())
    return BakedCues(occlusion, curvature, normal, position), original, copied
