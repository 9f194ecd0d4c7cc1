import pytest
import torch

from neural_backend.models.segmentation import SegmentationConfig, SegmentationNet, predict
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
    logits, used = predict(model, torch.rand(1, 3, 64, 96), exit=1)
    assert used == 1 and calls == {"level2": 0, "level3": 0}
    predict(model, torch.rand(1, 3, 64, 96), exit=2)
    assert calls == {"level2": 1, "level3": 0}
    assert logits.shape == (1, 5, 64, 96)  # at the input's size whatever the exit


def test_adaptive_stops_early_only_when_confident(model):
    image = torch.rand(1, 3, 64, 96)
    assert predict(model, image, threshold=0.0)[1] == 1
    assert predict(model, image, threshold=1.01)[1] == 3  # never confident enough: the deepest


def test_exit_must_be_in_range(model):
    with pytest.raises(ValueError, match="exit must be 1..3, got 4"):
        predict(model, torch.rand(1, 3, 32, 32), exit=4)


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
