"""Decay maps of 3D assets in UV space: no UV seam shows, the class's rules decide where decay
grows, age only adds decay, and the albedo is harmonized to the asset's own colour."""

import dataclasses

import numpy as np
import pytest

from neural_backend.colour import LUMA
from neural_backend.generators import available_generators
from neural_backend.pipeline.asset_cues import BakedCues, drips
from neural_backend.pipeline.asset_decay import (
    SCORE_OFFSET,
    SCORE_RANGE,
    SOFTNESS,
    AssetDecayMaker,
)
from neural_backend.pipeline.decay import threshold
from neural_backend.pipeline.loading import load_available
from neural_backend.presets import load_presets
from tests.backend.atlas import FACE, cube_atlas


@pytest.fixture(scope="module")
def maker(presets_dir):
    harmonizer = load_available()["harmonization"]
    return AssetDecayMaker(load_presets(presets_dir), available_generators(), harmonizer)


@pytest.fixture(scope="module")
def cube():
    return cube_atlas()


def test_the_same_surface_point_gets_the_same_maps_in_every_uv_island(maker, cube):
    baked, original, copied = cube
    result = maker.make(baked, np.array([0.3, 0.35, 0.4]), "rust", 0.6, seed=3, scale=2.0)
    assert 0.02 < result.decay[original].mean() < 0.98  # something to compare
    for name in ("score", "decay", "albedo", "height", "roughness"):
        maps = getattr(result, name)
        np.testing.assert_allclose(maps[original], maps[copied], atol=1e-5, err_msg=name)


def test_decay_grows_with_age_and_the_score_gives_it_back_at_any_age(maker, cube):
    baked = cube[0]
    young = maker.make(baked, np.array([0.5, 0.5, 0.5]), "rust", 0.3)
    old = maker.make(baked, np.array([0.5, 0.5, 0.5]), "rust", 0.7)
    assert (old.decay >= young.decay - 1e-6).all()
    assert old.decay.sum() > young.decay.sum() * 1.2
    np.testing.assert_array_equal(young.score, old.score)  # the score does not depend on age
    # What the layer's shader does with the 16-bit score map: decode, threshold at its Age.
    decoded = np.round(old.encoded_score() * 65535) / 65535 * SCORE_RANGE - SCORE_OFFSET
    for age, result in ((0.3, young), (0.7, old)):
        shader = threshold(decoded, age, SOFTNESS) * baked.coverage
        np.testing.assert_allclose(shader, result.decay, atol=2e-3)


def test_off_the_mesh_there_is_no_decay_and_no_texture(maker, cube):
    baked = cube[0]
    result = maker.make(baked, np.array([0.5, 0.5, 0.5]), "moss", 1.0)
    outside = ~baked.coverage
    assert outside.any()
    for maps in (result.decay, result.albedo, result.height, result.roughness):
        assert not maps[outside].any()


def face_mean(maps: np.ndarray, index: int) -> float:
    row, column = divmod(index, 3)
    return float(maps[row * FACE : (row + 1) * FACE, column * FACE : (column + 1) * FACE].mean())


def test_each_class_grows_where_its_rules_say(maker, cube):
    baked = cube[0]
    moss = maker.make(baked, np.array([0.5, 0.5, 0.5]), "moss", 0.5).decay
    assert face_mean(moss, 4) > face_mean(moss, 5) + 0.1  # moss likes the top, not the bottom
    rust = maker.make(baked, np.array([0.5, 0.5, 0.5]), "rust", 0.4).decay
    side = rust[FACE : 2 * FACE, :FACE]  # the -x face
    rim = np.ones((FACE, FACE), bool)
    rim[6:-6, 6:-6] = False
    assert side[rim].mean() > side[~rim].mean() + 0.2  # rust starts on the edges


def test_drips_run_down_from_sources_and_fade():
    # A vertical wall (x = 0, y and z in [0, 1]) with a source strip along its top left half.
    y, z = np.meshgrid(np.linspace(0, 1, 40), np.linspace(0, 1, 40))
    position = np.stack([np.zeros_like(y), y, z], -1).reshape(-1, 3)
    normal = np.tile([1.0, 0.0, 0.0], (len(position), 1))
    source = ((position[:, 2] > 0.95) & (position[:, 1] < 0.45)).astype(np.float32)
    drip = drips(position, normal, source, seed=0).reshape(40, 40)  # rows: z up
    under, beside = drip[:, :15], drip[:, 25:]
    assert under[30:38].mean() > 0.2 and beside.max() < 0.05
    assert under[5:10].mean() < under[30:38].mean()  # fading on the way down
    flat = drips(position, np.tile([0.0, 0.0, 1.0], (len(position), 1)), source, seed=0)
    assert flat.max() == 0  # water does not run down a floor


def test_the_harmonizer_recolours_the_albedo_and_keeps_its_brightness(maker, cube):
    baked = cube[0]
    covered = baked.coverage
    plain = AssetDecayMaker(maker.presets, maker.generators, harmonizer=None)
    base = np.array([0.15, 0.3, 0.8])
    own = plain.make(baked, base, "rust", 0.5).albedo[covered]
    harmonized = maker.make(baked, base, "rust", 0.5).albedo[covered]
    assert np.abs(harmonized - own).mean() > 0.01  # the network changed the colour
    lit = own @ LUMA > 0.02
    np.testing.assert_allclose((harmonized @ LUMA)[lit], (own @ LUMA)[lit], rtol=0.02, atol=2e-3)


def test_bad_cue_maps_are_refused_with_what_was_wrong(maker, cube):
    baked = cube[0]
    with pytest.raises(ValueError, match="curvature is 10×10; expected 144×144"):
        dataclasses.replace(baked, curvature=np.zeros((10, 10), np.float32))
    with pytest.raises(ValueError, match="position has NaN"):
        dataclasses.replace(baked, position=np.full_like(baked.position, np.nan))
    empty = BakedCues(
        baked.ambient_occlusion, baked.curvature, np.zeros_like(baked.normal), baked.position
    )
    with pytest.raises(ValueError, match="cover no texel"):
        maker.make(empty, np.array([0.5, 0.5, 0.5]), "rust", 0.5)
    with pytest.raises(ValueError, match="unknown class 'lichen'"):
        maker.make(baked, np.array([0.5, 0.5, 0.5]), "lichen", 0.5)
    with pytest.raises(ValueError, match="age must be 0..1"):
        maker.make(baked, np.array([0.5, 0.5, 0.5]), "rust", 1.5)
