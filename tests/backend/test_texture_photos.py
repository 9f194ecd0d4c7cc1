"""Holding photos out of training, so a texture GAN can be scored on photos it never saw."""

import pytest

from neural_backend.data.texture_photos import hold_out, load_all, names


def test_holding_out_splits_each_class_the_same_way_every_time(textures_to_hold_out):
    photos = load_all(textures_to_hold_out)
    training, held = hold_out(photos, 0.25)
    for name in photos:
        assert len(held[name]) == 1 and len(training[name]) == 3  # a quarter of four
        assert sorted(names(training)[name] + names(held)[name]) == names(photos)[name]
    assert names(hold_out(load_all(textures_to_hold_out), 0.25)[1]) == names(held)
    # A larger share holds out more, but always leaves two photos to train on.
    assert {len(chosen) for chosen in hold_out(photos, 0.9)[1].values()} == {2}


def test_a_class_too_small_to_hold_out_from_or_a_bad_share_is_refused(tiny_textures):
    photos = load_all(tiny_textures)  # two photos a class
    with pytest.raises(ValueError, match="moss has 2 photos: holding some out needs at least 3"):
        hold_out(photos, 0.25)
    with pytest.raises(ValueError, match="between 0 and 1, got 1.0"):
        hold_out(photos, 1.0)
