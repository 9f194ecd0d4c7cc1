import copy

import numpy as np
import pytest
import torch
import torch.nn.functional as F

from neural_backend.eval.segmentation import ExitRecords, calibrate_thresholds, chosen_exits
from neural_backend.layers.inference import ready_for_inference
from neural_backend.models.segmentation import (
    SegmentationConfig,
    SegmentationNet,
    labels_at_size,
    predict,
    predict_labels,
)
from neural_backend.pipeline.segmenter import Segmenter
from neural_backend.train.segmentation import self_distillation_loss

SMALL = SegmentationConfig(num_classes=5, widths=(8, 16, 24, 32), depths=(1, 1, 1), head_width=8)


@pytest.fixture(scope="module")
def model():
    torch.manual_seed(0)
    return SegmentationNet(SMALL).eval()


def _count_calls(model):
    calls = {"level2": 0, "level3": 0}
    for name in calls:
        getattr(model, name).register_forward_hook(
            lambda *_, name=name: calls.__setitem__(name, calls[name] + 1)
        )
    return calls


def test_stopping_at_an_exit_skips_every_deeper_level():
    model = SegmentationNet(SMALL).eval()
    calls = _count_calls(model)
    labels, used = predict_labels(model, torch.rand(1, 3, 64, 96), exit=1)
    assert used == 1 and calls == {"level2": 0, "level3": 0}
    predict(model, torch.rand(1, 3, 64, 96), exit=2)
    assert calls == {"level2": 1, "level3": 0}
    assert labels.shape == (64, 96) and labels.dtype == torch.uint8  # the input's size


def test_adaptive_stops_early_only_when_confident(model):
    image = torch.rand(1, 3, 64, 96)
    assert predict(model, image, threshold=0.0)[1] == 1
    assert predict(model, image, threshold=1.01)[1] == 3  # never confident enough: the deepest


def test_exit_must_be_in_range(model):
    with pytest.raises(ValueError, match="exit must be 1..3, got 4"):
        predict(model, torch.rand(1, 3, 32, 32), exit=4)


@pytest.mark.parametrize(
    ("low", "size"), [((45, 60), (360, 480)), ((90, 120), (360, 480)), ((45, 60), (353, 487))]
)
def test_labels_equal_the_argmax_of_fully_upsampled_logits(low, size):
    """The block shortcut must give exactly what upsampling every class everywhere gives, on
    smooth logits with large regions and on noise where almost every block is mixed."""
    torch.manual_seed(1)
    smooth = F.interpolate(torch.randn(1, 11, 6, 8) * 4, size=low, mode="bilinear")
    for logits in (smooth + 0.3 * torch.randn(1, 11, *low), torch.randn(1, 11, *low)):
        full = F.interpolate(logits, size=size, mode="bilinear", align_corners=False)
        assert torch.equal(labels_at_size(logits, size).long(), full[0].argmax(0))


def test_all_exits_come_out_at_input_size_for_odd_sizes(model):
    outputs = model(torch.rand(2, 3, 45, 77))
    assert [o.shape for o in outputs] == [torch.Size([2, 5, 45, 77])] * 3


def test_distillation_pulls_students_towards_the_teacher():
    labels = torch.randint(0, 5, (2, 8, 8))
    teacher = torch.randn(2, 5, 8, 8)
    weights = torch.ones(5)
    same = self_distillation_loss([teacher, teacher.clone()], labels, weights, 11, 3.0, 1.0)[1]
    apart = self_distillation_loss([-teacher, teacher], labels, weights, 11, 3.0, 1.0)[1]
    assert same["kl1"] == pytest.approx(0.0, abs=1e-6) and apart["kl1"] > 0.1
    without = self_distillation_loss([-teacher, teacher], labels, weights, 11, 3.0, 0.0)[1]
    assert "kl1" not in without  # the ablation trains on labels only


def test_inference_ready_model_keeps_its_answers(model):
    """Folding batch norms and switching to channels-last must not change what it predicts."""
    trained = copy.deepcopy(model)
    for norm in (m for m in trained.modules() if isinstance(m, torch.nn.BatchNorm2d)):
        norm.running_mean.uniform_(-0.5, 0.5)  # not the identity, so folding has work to do
        norm.running_var.uniform_(0.5, 2.0)
    image = torch.rand(1, 3, 64, 96)
    before = [logits.clone() for logits in trained.iter_exits(image)]
    ready = ready_for_inference(trained, "cpu")
    assert not any(isinstance(m, torch.nn.BatchNorm2d) for m in ready.modules())
    for old, new in zip(before, ready.iter_exits(image), strict=True):
        torch.testing.assert_close(new, old, atol=1e-4, rtol=1e-4)


def test_uint8_photos_read_as_0_to_255(model):
    """The product passes photos as bytes; they must give what the same photo in [0, 1] gives."""
    photo = torch.randint(0, 256, (1, 3, 48, 64), dtype=torch.uint8)
    for as_bytes, as_floats in zip(
        model.iter_exits(photo), model.iter_exits(photo.float() / 255), strict=True
    ):
        torch.testing.assert_close(as_bytes, as_floats, atol=1e-5, rtol=1e-5)


def test_segmenter_refuses_photos_that_are_not_8_bit_rgb(model):
    segmenter = Segmenter(copy.deepcopy(model), {"class_names": list("abcde")})
    with pytest.raises(ValueError, match="8-bit RGB"):
        segmenter.segment(np.random.rand(32, 48, 3))  # floats in [0, 1] would be misread
    result = segmenter.segment(np.zeros((32, 48, 3), np.uint8), exit=1)
    assert result.labels.shape == (32, 48)
    confidence = result.class_confidence  # computed on demand, from the exit's own logits
    assert set(confidence) == {"abcde"[i] for i in np.unique(result.labels)}
    assert all(0 < value <= 1 for value in confidence.values())


def test_calibration_picks_the_fastest_thresholds_within_the_tolerance():
    """Exit 1 is right on images 0 and 1 and sure of it there; exit 2 is as good as exit 3
    everywhere but image 3. The fastest rule within 1 point stops at exit 1 on images 0 and 1,
    at exit 2 on image 2, and runs image 3 to the deepest exit."""
    right, wrong = np.array([[50, 0], [0, 50]]), np.array([[0, 50], [50, 0]])
    matrices = np.array(
        [
            [right, right, right],
            [right, right, right],
            [wrong, right, right],
            [wrong, wrong, right],
        ]
    )
    confidences = np.array([[0.95, 0.9, 1], [0.97, 0.9, 1], [0.6, 0.92, 1], [0.7, 0.8, 1]])
    records = ExitRecords(matrices, confidences)
    thresholds = calibrate_thresholds(records, [1.0, 2.0, 5.0], tolerance=1.0)
    assert chosen_exits(confidences, thresholds).tolist() == [0, 0, 1, 2]
    assert calibrate_thresholds(records, [1.0, 2.0, 5.0], tolerance=0.0) == thresholds
    # Exits that cost as much as the deepest are never worth stopping at.
    assert (
        chosen_exits(confidences, calibrate_thresholds(records, [5, 5, 5], 1.0)).tolist() == [2] * 4
    )
