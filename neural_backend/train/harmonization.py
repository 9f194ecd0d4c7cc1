"""Train the harmonization network on composites made from CamVid photos and our textures.

Loss: squared error normalized by the foreground's area (as in Sofiiuk et al. 2021), so small
objects count as much as large ones and the untouched background cannot dilute the signal.
Optionally, an exponential moving average of the weights is validated and saved (--ema-decay).
"""

from __future__ import annotations

import argparse
import time

import numpy as np
import torch
from torch import Tensor
from torch.optim.swa_utils import AveragedModel, get_ema_multi_avg_fn
from torch.utils.data import DataLoader, IterableDataset, get_worker_info

from neural_backend.config import PRECISIONS, Settings
from neural_backend.data.camvid import load_split
from neural_backend.data.composites import Pair, camvid_pairs
from neural_backend.generators import procedural
from neural_backend.models.registry import (
    count_parameters,
    create_model,
    fast_dtype,
    load_model,
    save_model,
)
from neural_backend.presets import load_presets
from neural_backend.train.common import (
    TrainingLog,
    add_device_argument,
    cosine_lr,
    overwrites,
    previous_runs,
    provenance,
)
from neural_backend.train.curves import write_curves

NAME = "harmonization"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--steps", type=int, default=1800)
    parser.add_argument("--batch", type=int, default=8)
    parser.add_argument("--lr", type=float, default=2e-3)
    parser.add_argument("--eval-every", type=int, default=300)
    parser.add_argument(
        "--weathering-share",
        type=float,
        default=0.25,
        help="fraction of pairs that paste one of our textures",
    )
    parser.add_argument(
        "--ema-decay",
        type=float,
        default=0.0,
        help="validate and save an exponential moving average of the weights and BatchNorm "
        "statistics with this decay per step (e.g. 0.995; 0: the weights as trained, whose val "
        "MSE swings: 54-105 over four validations where a 0.995 average's stayed within 53-58)",
    )
    add_device_argument(parser)
    parser.add_argument(
        "--precision",
        choices=PRECISIONS,
        default="float32",
        help="auto: the network (not the colour transforms) in bfloat16 where the hardware "
        "computes it natively (0.69 s a step against 1.0-1.2 on 2 AVX512-BF16 cores); the loss "
        "and validation stay float32",
    )
    parser.add_argument(
        "--workers",
        type=int,
        default=0,
        help="processes that make training pairs (0: the training process itself); on a GPU "
        "making pairs takes longer than the network's step, so give it the spare cores",
    )
    parser.add_argument(
        "--bottleneck-blocks",
        type=int,
        default=None,
        help="residual blocks before the attention (default: the resumed weights' count, or 0); "
        "resuming with more adds them as identities, so training starts where the weights were",
    )


def texture_bank(count_per_class: int = 6) -> list[np.ndarray]:
    """Albedo tiles of every class from the procedural generator: weathering to paste."""
    presets = load_presets(Settings.from_env().presets_dir)
    return [
        procedural.generate(p, 256, seed, 1.0).albedo
        for p in presets.values()
        for seed in range(count_per_class)
    ]


def starting_model(args: argparse.Namespace):
    """The model to train and the card of the weights it resumed from (empty if none)."""
    model, card = load_model(NAME, args.resume) if args.resume else (create_model(NAME), {})
    blocks = args.bottleneck_blocks
    if blocks is None or blocks == model.config.bottleneck_blocks:
        return model, card
    if blocks < model.config.bottleneck_blocks:
        raise ValueError(
            f"--bottleneck-blocks {blocks}: the weights have {model.config.bottleneck_blocks}, "
            "and blocks can be added but not removed"
        )
    grown = create_model(NAME, {**model.config.to_json(), "bottleneck_blocks": blocks})
    grown.load_state_dict(model.state_dict(), strict=False)  # only the new blocks are missing
    return grown, card


class TrainingBatches(IterableDataset):
    """Endless batches of fresh composites (composite, mask, real), made from the photos at their
    full size and mirrored half the time. Each worker process draws from its own stream of the
    seed; without workers the stream is the seed's own, as before workers existed."""

    def __init__(self, photos, textures, batch: int, weathering_share: float, seed: int):
        self.photos, self.textures = photos, textures
        self.batch, self.weathering_share, self.seed = batch, weathering_share, seed

    def __iter__(self):
        worker = get_worker_info()
        rng = np.random.default_rng(self.seed if worker is None else [self.seed, worker.id])
        images, labels = self.photos.images, self.photos.labels
        while True:
            chosen = rng.integers(0, len(images), self.batch)
            pairs = camvid_pairs(
                images[chosen],
                labels[chosen],
                self.photos.ignore_index,
                int(rng.integers(2**31)),
                self.textures,
                self.weathering_share,
            )
            batch = to_batch(pairs)
            yield tuple(t.flip(-1) for t in batch) if rng.random() < 0.5 else batch


def training_batches(args, photos, textures, device: torch.device):
    """An iterator over TrainingBatches, made in args.workers processes, bound for device."""
    batches = TrainingBatches(photos, textures, args.batch, args.weathering_share, args.seed)
    loader = DataLoader(
        batches,
        batch_size=None,
        num_workers=args.workers,
        pin_memory=device.type == "cuda",
        persistent_workers=args.workers > 0,
        prefetch_factor=4 if args.workers else None,
    )
    return iter(loader)


def to_batch(pairs: list[Pair]) -> tuple[Tensor, Tensor, Tensor]:
    def stack(key):
        return torch.from_numpy(np.stack([getattr(p, key) for p in pairs]))

    return (
        stack("composite").permute(0, 3, 1, 2),
        stack("mask")[:, None],
        stack("real").permute(0, 3, 1, 2),
    )


def foreground_normalized_mse(
    output: Tensor, real: Tensor, mask: Tensor, min_area: float = 100.0
) -> Tensor:
    error = ((output - real) ** 2).sum(dim=(1, 2, 3))
    area = mask.sum(dim=(1, 2, 3)).clamp_min(min_area) * 3
    return (error / area).mean()


@torch.no_grad()
def validation_mse(model, batch) -> tuple[float, float, float]:
    """Model and composite MSE on the 0–255 scale, and the share of samples the model made worse."""
    composite, mask, real = batch
    model.eval()
    output = model(composite, mask)
    model_errors = ((output - real) * 255).pow(2).mean(dim=(1, 2, 3))
    composite_errors = ((composite - real) * 255).pow(2).mean(dim=(1, 2, 3))
    return (
        float(model_errors.mean()),
        float(composite_errors.mean()),
        float((model_errors > composite_errors).float().mean()),
    )


def train(args: argparse.Namespace) -> None:
    started = time.time()
    device = torch.device(args.device)
    history = previous_runs(args, NAME)
    torch.manual_seed(args.seed)
    # Pairs are made at the photos' own size; the model shrinks them to its working size
    # itself, exactly as it does at inference.
    photos, val = load_split(args.data, "train"), load_split(args.data, "val")
    textures = texture_bank()
    val_pairs = camvid_pairs(val.images, val.labels, val.ignore_index, seed=1234, textures=textures)
    val_batch = tuple(t.to(device) for t in to_batch(val_pairs))
    batches = training_batches(args, photos, textures, device)
    model, card = starting_model(args)
    model.to(device).train()
    optimizer = torch.optim.AdamW(model.parameters(), lr=args.lr, weight_decay=1e-4)
    average = (
        AveragedModel(model, multi_avg_fn=get_ema_multi_avg_fn(args.ema_decay), use_buffers=True)
        if args.ema_decay
        else None
    )
    if average:
        average.update_parameters(model)  # the first update copies: start at the starting weights
    kept = average.module if average else model  # what is validated and saved
    network_dtype = fast_dtype(args.device, args.precision)
    log = TrainingLog(args.out_dir / f"{NAME}_log.jsonl", history, args.resume)
    # Overwriting the weights it resumed from, a run must beat them to replace them.
    best = (
        card.get("val_metrics", {}).get("mse", float("inf")) if overwrites(args) else float("inf")
    )
    for step in range(1, args.steps + 1):
        for group in optimizer.param_groups:
            group["lr"] = cosine_lr(step, args.steps, args.lr, warmup=100)
        composite, mask, real = (t.to(device, non_blocking=True) for t in next(batches))
        model.train()
        loss = foreground_normalized_mse(model(composite, mask, network_dtype), real, mask)
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        optimizer.step()
        if average:
            average.update_parameters(model)
        if step % 25 == 0:
            log.write(kind="train", step=step, loss=float(loss.detach()))
        if step % args.eval_every == 0 or step == args.steps:
            mse, composite_mse, worse = validation_mse(kept, val_batch)
            # With an average, the weights as trained are scored too: the log shows what it buys.
            trained = {"trained_mse": validation_mse(model, val_batch)[0]} if average else {}
            log.write(
                kind="val", step=step, mse=mse, composite_mse=composite_mse, worse=worse, **trained
            )
            if mse < best:
                best = mse
                card = provenance(args, started, step, history)
                card.update(
                    parameters=count_parameters(model),
                    pairs="full size, shrunk to the working size inside the model",
                    weathering_share=args.weathering_share,
                    ema_decay=args.ema_decay,
                    val_metrics={
                        "mse": mse,
                        "composite_mse": composite_mse,
                        "share_worse_than_composite": worse,
                        "pairs": len(val.images),
                    },
                )
                save_model(kept, NAME, card, args.out_dir)
            write_curves(
                args.out_dir / f"{NAME}_curves.png",
                {
                    "training loss (foreground-normalized MSE)": {"loss": log.series("loss")},
                    "val MSE (0-255)": {
                        "model": log.series("mse"),
                        **({"weights as trained": log.series("trained_mse")} if average else {}),
                        "composite": log.series("composite_mse"),
                    },
                },
            )
