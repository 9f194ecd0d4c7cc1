"""Train the multi-exit segmentation network on CamVid with self-distillation.

Every exit learns from the labels (class-weighted cross-entropy); the shallower exits also learn
from the deepest one (KL divergence of temperature-softened predictions), which is what lets a
shallow exit be good enough to stop at.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F
from torch import Tensor, nn

from neural_backend.data.camvid import CamVidSplit, load_split, read_classes
from neural_backend.eval.segmentation import calibrate, validate
from neural_backend.models.registry import (
    count_parameters,
    create_model,
    load_model,
    save_model,
)
from neural_backend.models.segmentation import SegmentationNet
from neural_backend.train.common import (
    TrainingLog,
    cosine_lr,
    overwrites,
    previous_runs,
    provenance,
)
from neural_backend.train.curves import write_curves

NAME = "segmentation"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--steps", type=int, default=6000)
    parser.add_argument("--batch", type=int, default=8)
    parser.add_argument("--crop", type=int, nargs=2, default=(256, 320), metavar=("H", "W"))
    parser.add_argument("--lr", type=float, default=3e-3)
    parser.add_argument("--temperature", type=float, default=3.0)
    parser.add_argument("--distill-weight", type=float, default=1.0)
    parser.add_argument("--no-distill", action="store_true", help="ablation: labels only")
    parser.add_argument("--eval-every", type=int, default=500)
    parser.add_argument(
        "--only-exit",
        type=int,
        default=None,
        metavar="N",
        help="fine-tune only exit N's classifier, distilled from the deepest: the shared layers "
        "and every other exit stay exactly as they are; checkpoints are kept by exit N's mIoU",
    )


def class_weights(split: CamVidSplit, num_classes: int) -> Tensor:
    """Square root of median-frequency balancing: poles and signs count, without drowning roads."""
    counts = np.bincount(split.labels.ravel(), minlength=num_classes + 1)[:num_classes]
    frequency = counts / counts.sum()
    weights = np.sqrt(np.median(frequency) / np.maximum(frequency, 1e-6))
    return torch.tensor(np.clip(weights, 0.2, 5.0), dtype=torch.float32)


def augmented_batch(
    split: CamVidSplit, rng: np.random.Generator, batch: int, crop: tuple[int, int]
) -> tuple[Tensor, Tensor]:
    """Random scale (0.5–1.5×), crop, flip and colour jitter, done in torch per sample."""
    images, labels = [], []
    for index in rng.integers(0, len(split.names), batch):
        image = torch.from_numpy(split.images[index]).permute(2, 0, 1)[None].float() / 255
        label = torch.from_numpy(split.labels[index])[None, None].float()
        scale = rng.uniform(0.5, 1.5)
        size = (round(image.shape[2] * scale), round(image.shape[3] * scale))
        image = F.interpolate(image, size=size, mode="bilinear", antialias=True)
        label = F.interpolate(label, size=size, mode="nearest")
        pad_h, pad_w = max(crop[0] - size[0], 0), max(crop[1] - size[1], 0)
        image = F.pad(image, (0, pad_w, 0, pad_h))
        label = F.pad(label, (0, pad_w, 0, pad_h), value=split.ignore_index)
        top = rng.integers(0, image.shape[2] - crop[0] + 1)
        left = rng.integers(0, image.shape[3] - crop[1] + 1)
        image = image[..., top : top + crop[0], left : left + crop[1]]
        label = label[..., top : top + crop[0], left : left + crop[1]]
        if rng.random() < 0.5:
            image, label = image.flip(-1), label.flip(-1)
        images.append(_jitter_colour(image, rng))
        labels.append(label)
    return torch.cat(images), torch.cat(labels)[:, 0].long()


def _jitter_colour(image: Tensor, rng: np.random.Generator) -> Tensor:
    grey = image.mean(dim=1, keepdim=True)
    image = grey + (image - grey) * rng.uniform(0.7, 1.3)  # saturation
    image = image.mean() + (image - image.mean()) * rng.uniform(0.75, 1.25)  # contrast
    image = (
        image * rng.uniform(0.75, 1.25) * torch.tensor(rng.uniform(0.93, 1.07, 3)).view(1, 3, 1, 1)
    )
    return image.clamp(0, 1).float()


def self_distillation_loss(
    logits: list[Tensor],
    labels: Tensor,
    weights: Tensor,
    ignore: int,
    temperature: float,
    distill_weight: float,
) -> tuple[Tensor, dict]:
    """Cross-entropy at every exit, plus KL(deepest ‖ exit) at a temperature for the shallower."""
    cross_entropy = [
        F.cross_entropy(z, labels, weight=weights, ignore_index=ignore) for z in logits
    ]
    total = sum(cross_entropy)
    parts = {f"ce{i + 1}": float(ce.detach()) for i, ce in enumerate(cross_entropy)}
    if distill_weight > 0:
        valid = (labels != ignore).unsqueeze(1).float()
        teacher = F.softmax(logits[-1].detach() / temperature, dim=1)
        for i, student in enumerate(logits[:-1]):
            kl = teacher * (teacher.clamp_min(1e-8).log() - F.log_softmax(student / temperature, 1))
            kl = (kl * valid).sum() / valid.sum().clamp_min(1)
            total = total + distill_weight * temperature**2 * kl
            parts[f"kl{i + 1}"] = float(kl.detach())
    return total, parts


def train(args: argparse.Namespace) -> None:
    started = time.time()
    history = previous_runs(args, NAME)
    torch.manual_seed(args.seed)
    rng = np.random.default_rng(args.seed)
    train_split, val_split = load_split(args.data, "train"), load_split(args.data, "val")
    card = {}
    if args.resume:
        model, card = load_model(NAME, args.resume)
        model.train()
    else:
        model = create_model(NAME, {"num_classes": len(train_split.class_names)})
    weights = class_weights(train_split, model.config.num_classes)
    trained = _trained_part(model, args.only_exit)
    optimizer = torch.optim.AdamW(trained.parameters(), lr=args.lr, weight_decay=1e-4)
    kept_by = (args.only_exit or model.num_exits) - 1  # the exit whose val mIoU picks checkpoints
    log = TrainingLog(args.out_dir / f"{NAME}_log.jsonl", history, args.resume)
    distill_weight = 0.0 if args.no_distill else args.distill_weight
    # Overwriting the weights it resumed from, a run must beat them to replace them.
    best = card["val_metrics"][kept_by]["miou"] if overwrites(args) else -1.0
    best_step = None
    for step in range(1, args.steps + 1):
        for group in optimizer.param_groups:
            group["lr"] = cosine_lr(step, args.steps, args.lr, warmup=min(300, args.steps // 10))
        _train_mode(model, trained)
        images, labels = augmented_batch(train_split, rng, args.batch, tuple(args.crop))
        loss, parts = self_distillation_loss(
            model(images),
            labels,
            weights,
            train_split.ignore_index,
            args.temperature,
            distill_weight,
        )
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        optimizer.step()
        if step % 50 == 0:
            log.write(kind="train", step=step, loss=float(loss.detach()), **parts)
        if step % args.eval_every == 0 or step == args.steps:
            results = validate(model, val_split)
            log.write(
                kind="val", step=step, **{f"miou{i + 1}": r["miou"] for i, r in enumerate(results)}
            )
            if results[kept_by]["miou"] > best:
                best, best_step = results[kept_by]["miou"], step
                _save(model, args, results, started, step, None, history)
            _draw(log, args.out_dir)
    if best_step is None:
        print(f"no step beat the weights resumed from ({best:.2f} mIoU); they stay as they were")
        return
    # The best weights, with exit=auto's confidence thresholds calibrated on them.
    model, _ = load_model(NAME, args.out_dir)
    thresholds = calibrate(model, val_split)
    _save(model, args, validate(model, val_split), started, best_step, thresholds, history)


def _trained_part(model: SegmentationNet, only_exit: int | None) -> nn.Module:
    """The whole network, or only one exit's classifier with everything else frozen."""
    if only_exit is None:
        return model
    if not 1 <= only_exit < model.num_exits:
        raise SystemExit(f"--only-exit must be 1..{model.num_exits - 1} (the deepest teaches)")
    model.requires_grad_(False)
    return getattr(model, f"exit{only_exit}").requires_grad_(True)


def _train_mode(model: SegmentationNet, trained: nn.Module) -> None:
    """Training mode for the trained part only: frozen batch norms keep their statistics."""
    model.eval()
    trained.train()


def _save(model, args, results, started, step, thresholds, history) -> None:
    card = provenance(args, started, step, history)
    card.update(
        parameters=count_parameters(model),
        self_distillation=not args.no_distill,
        only_exit=args.only_exit,
        temperature=args.temperature,
        crop=list(args.crop),
        batch=args.batch,
        val_metrics=[{"exit": i + 1, **r} for i, r in enumerate(results)],
        adaptive_thresholds=thresholds or [0.9] * (model.num_exits - 1),
        class_names=read_classes(args.data)[0],
    )
    save_model(model, NAME, card, args.out_dir)


def _draw(log: TrainingLog, out_dir: Path) -> None:
    write_curves(
        out_dir / f"{NAME}_curves.png",
        {
            "training loss": {"loss": log.series("loss")},
            "val mIoU per exit": {f"exit {i}": log.series(f"miou{i}") for i in (1, 2, 3)},
        },
    )
