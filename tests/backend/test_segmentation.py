import copy

import pytest
import torch
import torch.nn.functional as F

from neural_backend.layers.inference import ready_for_inference
from neural_backend.models.segmentation import (
    SegmentationConfig,
    SegmentationNet,
    labels_at_size,
    predict,
    predict_labels,
)
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
