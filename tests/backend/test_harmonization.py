import numpy as np
import pytest
import torch

from neural_backend.data.composites import object_mask, photo_pair
from neural_backend.models.harmonization import (
    AttentionFeatureModulation,
    HarmonizationConfig,
    HarmonizationNet,
    agreement_gain,
    apply_transforms,
    harmonize,
    view_transforms,
    working_copy,
)

SMALL = HarmonizationConfig(widths=(4, 8, 8, 16, 16), attention_width=8, working_size=64)


def _composite(height=90, width=120):
    torch.manual_seed(1)
    image = torch.rand(1, 3, height, width)
    mask = torch.zeros(1, 1, height, width)
    mask[..., 20:60, 30:80] = 1
    return image, mask


def test_an_untrained_model_returns_the_composite_unchanged():
    image, mask = _composite()
    assert torch.equal(HarmonizationNet(SMALL).eval()(image, mask), image)


def test_only_the_masked_region_changes_at_full_resolution():
    model = HarmonizationNet(SMALL).eval()
    torch.nn.init.constant_(model.to_transform.bias, 0.1)  # a model that does change colours
    image, mask = _composite(300, 420)
    out = harmonize(model, image, mask)
    assert out.shape == image.shape
    assert torch.equal(out[mask.expand_as(out) == 0], image[mask.expand_as(image) == 0])
    assert (out - image).abs()[mask.expand_as(out) == 1].mean() > 1e-3


def test_a_bfloat16_network_gives_float32_colours_close_to_the_float32_network():
    model = HarmonizationNet(SMALL).eval()
    torch.nn.init.normal_(model.to_transform.weight, std=0.05)  # a model that changes colours
    image, mask = _composite()
    exact = model(image, mask)
    fast = model(image, mask, torch.bfloat16)
    assert fast.dtype == torch.float32  # the transforms are applied in float32
    levels = (fast - exact).abs() * 255
    assert 0 < levels.max() < 8 and levels.mean() < 1  # it did run in bfloat16, and closely


def test_the_network_sees_a_binary_mask_as_in_training_unless_it_would_vanish():
    model = HarmonizationNet(SMALL)
    image, mask = _composite(300, 420)
    mask[..., 21:23, :] = 1  # a thin line: its shrunk pixels are partly covered
    _, small = working_copy(image, mask, model.config.working_size)
    assert set(small.unique().tolist()) == {0.0, 1.0}
    assert abs(float(small.mean() - mask.mean())) < 0.01  # the region keeps its size
    thin = torch.zeros_like(mask)
    thin[..., 100, :] = 1  # one row of 300: under half of any working pixel
    _, small = working_copy(image, thin, model.config.working_size)
    assert 0 < small.max() < 0.5  # kept soft, not dropped


def test_views_that_agree_keep_the_correction_and_views_that_disagree_drop_it():
    region = torch.ones(1, 1, 8, 8)
    correction = torch.full((1, 3, 8, 8), 0.2)  # 51 levels: far above the floor
    agreed = torch.stack([correction * 1.05, correction * 0.95, correction, correction])
    assert agreement_gain(agreed, region, caution=2.0).item() > 0.9
    split = torch.stack([correction * 1.5, correction * 0.5, -correction, correction * 2])
    assert agreement_gain(split, region, caution=2.0).item() == 0.0
    assert agreement_gain(split, region, caution=0.0).item() == 1.0  # caution 0 keeps it whole
    quiet = agreement_gain(torch.zeros(4, 1, 3, 8, 8), region, caution=2.0)
    assert torch.isfinite(quiet).all()  # no correction at all: nothing to divide by


def test_a_correction_small_against_the_floor_is_dropped_even_where_the_views_agree():
    region = torch.zeros(1, 1, 8, 8)
    region[..., :4, :] = 1
    views = torch.stack([torch.full((1, 3, 8, 8), 3 / 255)] * 4) * region  # RMS 3 levels
    assert agreement_gain(views, region, caution=4.0).item() == 0.0  # 1 − 4 × (6/3)² < 0
    # 24 levels: 1 − 4 × (6/24)² = 0.75, measured over the region (half the image) only.
    assert agreement_gain(views * 8, region, caution=4.0).item() == pytest.approx(0.75)
    assert agreement_gain(views, region, caution=0.0).item() == 1.0


def test_caution_scales_the_views_mean_correction_toward_none():
    model = HarmonizationNet(SMALL).eval()
    torch.manual_seed(0)
    torch.nn.init.constant_(model.to_transform.bias, 0.05)  # a correction every view makes
    torch.nn.init.normal_(model.to_transform.weight, std=0.5)  # and parts the views differ on
    image, mask = _composite(96, 128)
    outside = mask.expand_as(image) == 0
    averaged = harmonize(model, image, mask, caution=0.0) - image
    # Caution 0 keeps the views' mean transform whole.
    fields, _, _ = view_transforms(model, image, mask)
    mean = apply_transforms(image, mask, fields.mean(0)) - image
    assert torch.allclose(averaged, mean, atol=1e-6)
    cautious = harmonize(model, image, mask, caution=0.25) - image
    dropped = harmonize(model, image, mask, caution=1e6) - image
    assert averaged.abs().mean() > 1e-3
    assert torch.equal(dropped, torch.zeros_like(dropped))  # the composite, exactly
    gain = float((cautious * averaged).sum() / (averaged * averaged).sum())
    assert 0.0 < gain < 1.0
    assert torch.allclose(cautious, gain * averaged, atol=2e-3)  # the same correction, scaled
    assert cautious[outside].abs().max() == 0


def test_attention_matches_foreground_spread_to_the_attended_background():
    module = AttentionFeatureModulation(channels=4, attention_width=4).eval()
    with torch.no_grad():
        module.gamma.fill_(1.0)
    features = torch.randn(1, 4, 8, 8)
    mask = torch.zeros(1, 1, 8, 8)
    mask[..., :4] = 1
    features[..., :4] *= 5.0  # a foreground far more contrasted than its background
    out = module(features, mask)
    spread_before = features[..., :4].std(dim=(2, 3))
    spread_after = out[..., :4].std(dim=(2, 3))
    assert (spread_after < spread_before).all()
    assert torch.equal(out[..., 4:], features[..., 4:])  # background features untouched


def test_training_pairs_differ_from_the_photo_only_under_the_mask():
    rng = np.random.default_rng(0)
    image = rng.random((48, 64, 3)).astype(np.float32)
    labels = np.zeros((48, 64), np.uint8)
    labels[10:30, 10:40] = 3
    pair = photo_pair(image, labels, rng.random((48, 64, 3)).astype(np.float32), rng, ignore=11)
    outside = pair.mask == 0
    assert np.array_equal(pair.composite[outside], pair.real[outside])
    assert np.abs(pair.composite - pair.real)[~outside].mean() > 0.01
    assert object_mask(labels, rng, 11).sum() > 0


def test_the_caution_chosen_falls_least_short_of_both_targets():
    from neural_backend.eval.harmonization import choose_caution

    def scores(*rows):
        return {
            caution: {"mse_reduction_vs_composite": reduction, "share_worse_than_composite": worse}
            for caution, reduction, worse in rows
        }

    # Shortfalls in points: 3.7, 3.3, 2.0 and 2.7 (session 18's weights on training photos).
    frontier = scores(("8", 0.852, 0.087), ("12", 0.847, 0.080), ("16", 0.840, 0.060))
    assert choose_caution({**frontier, **scores(("24", 0.823, 0.047))}) == 16.0
    # Both targets met: the caution furthest inside the nearer one (1 point against 0.5).
    assert choose_caution(scores(("24", 0.855, 0.03), ("16", 0.86, 0.04))) == 16.0
    assert choose_caution(scores(("4", 0.875, 0.027), ("3", 0.88, 0.041))) == 4.0
    # Equally far inside: the lower caution, which drops fewer corrections.
    assert choose_caution(scores(("6", 0.86, 0.04), ("4", 0.86, 0.04))) == 4.0
