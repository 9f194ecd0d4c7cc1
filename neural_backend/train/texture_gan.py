"""Train the conditional periodic texture GAN on weathering photos (one folder per class).

Hinge loss, spectral-norm projection discriminator, Adam(0, 0.99), and an exponential moving
average of the generator, which is what ships. Half the fake crops the discriminator sees straddle
the seams of a 2×2 tiling of generated tiles, so a seam would be as visible as any other flaw.

A spectral term (after Durall et al., CVPR 2020, "Watch your up-convolution") pulls the
distribution of each class's radially averaged log power spectra towards that of its photos.
Small CNN critics are slow to punish missing fine detail, and on a CPU budget the generator
otherwise stays far too smooth.

A colour term does the same for each crop's Lab mean and standard deviation: the critic sees
colour but, with 4–5 photos a class, let rust drift a third more saturated than its photos and
every rust crop take the same hue, where the photos range from red to brown.

A chroma term does the same for the log spectra of two opponent channels (red − green,
yellow − blue): the spectral term sees grey only, and the generator had raised its fine detail
with chroma noise, 12–80× its photos' power at periods of 2–4 pixels.

A diversity floor (a hinge form of mode seeking, Mao et al., CVPR 2019) asks two textures of one
class to differ at least 3/4 as much as two crops of its photos do: with 4–5 very different photos
a class otherwise collapses to their average (dirt: 0.018 against its photos' 0.10).
"""

from __future__ import annotations

import argparse
import copy
import time
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F
from PIL import Image
from safetensors.torch import load_file
from torch import Tensor

from neural_backend.colour import RGB_TO_XYZ, WHITE
from neural_backend.config import Settings
from neural_backend.data.texture_photos import (
    augment,
    hold_out,
    list_classes,
    load_all,
    names,
    random_crop,
)
from neural_backend.eval.texture_metrics import content, radial_power
from neural_backend.generators import procedural
from neural_backend.models.registry import (
    count_parameters,
    create_model,
    load_model,
    read_card,
    save_model,
)
from neural_backend.models.texture_gan import Latent, TextureGenerator
from neural_backend.presets import load_presets
from neural_backend.train.common import (
    TrainingLog,
    add_device_argument,
    cosine_lr,
    previous_runs,
    provenance,
)
from neural_backend.train.curves import write_curves

NAME = "texture_gan"
TILE_CELLS = 5  # generated training tiles are 160 px; the discriminator judges 128 px crops
CROP = 128
TARGET_CROPS = 64  # real crops per class behind its target spectra and colour statistics
FEATURE_BANK = 32  # recent fakes per class that a batch's fakes are ranked among
# Textures of one class must differ at least this share as much as its photos' crops do. At the
# full 1.0, classes whose few photos are all different things (water stain: dark leak decals and
# red plaster) were pushed into colours that none of their photos have.
DIVERSITY_FLOOR = 0.75


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--steps", type=int, default=4000)
    parser.add_argument("--batch", type=int, default=12)
    parser.add_argument("--lr", type=float, default=2e-4)
    parser.add_argument("--sample-every", type=int, default=500)
    add_device_argument(parser)
    parser.add_argument(
        "--spectrum-weight", type=float, default=0.1, help="weight of the spectral term (0: off)"
    )
    parser.add_argument(
        "--colour-weight",
        type=float,
        default=0.0,
        help="weight of the colour-statistics term (0: off)",
    )
    parser.add_argument(
        "--chroma-weight",
        type=float,
        default=0.0,
        help="weight of the chroma-spectrum term (0: off)",
    )
    parser.add_argument(
        "--diversity-weight",
        type=float,
        default=1.0,
        help="weight of the diversity floor (0: off)",
    )
    parser.add_argument(
        "--procedural-mix",
        type=float,
        default=0.0,
        help="share of the critic's real crops that are the procedural generator's textures of "
        "the class instead of photos (0: photos only)",
    )
    parser.add_argument(
        "--procedural-classes",
        nargs="+",
        metavar="CLASS",
        help="the classes --procedural-mix applies to (default: every class)",
    )
    parser.add_argument(
        "--hold-out",
        type=float,
        default=0.0,
        metavar="SHARE",
        help="train without this share of each class's photos (at least one), named in the card, "
        "so that 'eval textures --held-out' can score the weights on photos they never saw",
    )
    parser.add_argument(
        "--init-from",
        type=Path,
        help="start the generator (and critic, where saved) from these weights wherever names "
        "and shapes agree, e.g. an earlier architecture's trunk; the rest starts fresh",
    )


def real_batch(
    photos: dict,
    classes: list[str],
    rng: np.random.Generator,
    batch: int,
    procedural_mix: dict[str, float] | None = None,
    presets: dict | None = None,
) -> tuple[Tensor, Tensor]:
    """Classes drawn evenly, whatever their photo count; photos evenly within a class. Sample i
    and sample i + partner_offset(batch) have the same class, so fakes come in same-class pairs.
    procedural_mix: per class, the share of its crops that are the procedural generator's, from
    `presets` (a class it does not name: photos only)."""
    labels = np.tile(rng.integers(0, len(classes), partner_offset(batch)), 2)[:batch]
    crops = []
    for label in labels:
        share = (procedural_mix or {}).get(classes[label], 0.0)
        if share and rng.random() < share:
            crop = procedural_crop(presets[classes[label]], rng)
        else:
            choices = photos[classes[label]]
            crop = random_crop(choices[rng.integers(len(choices))], CROP, rng)
        crops.append(augment(crop, rng))
    return torch.stack(crops), torch.from_numpy(labels)


def mixed_classes(args, classes: list[str]) -> tuple[dict[str, float], dict | None]:
    """--procedural-mix and --procedural-classes as {class: share}, and the presets they need."""
    if not 0 <= args.procedural_mix <= 1:
        raise SystemExit(f"--procedural-mix is a share from 0 to 1, got {args.procedural_mix}")
    if not args.procedural_mix:
        return {}, None
    chosen = args.procedural_classes or classes
    presets = load_presets(Settings.from_env().presets_dir)
    unknown = sorted(set(chosen) - (set(classes) & set(presets)))
    if unknown:
        raise SystemExit(
            f"--procedural-classes: no training photos or no preset for {', '.join(unknown)}"
        )
    return {name: args.procedural_mix for name in chosen}, presets


def training_photos(
    args, photos: dict, start: tuple[Path, dict] | None
) -> tuple[dict, dict | None]:
    """The photos to train on, and {class: names} of those held out (None: none). start: the
    folder and card of the weights training starts from (--resume or --init-from). Photos those
    weights saw can't be held out from them, nor photos they were held out from be shown to them."""
    held = None
    if args.hold_out:
        try:
            photos, held_photos = hold_out(photos, args.hold_out)
        except ValueError as error:
            raise SystemExit(f"--hold-out: {error}") from None
        held = names(held_photos)
    folder, card = start or (None, {})
    before = card.get("held_out_photos")
    if start and before != held:
        raise SystemExit(
            f"the weights in {folder} were trained without {_listed(before)}; train on from them "
            "with the --hold-out they were trained with, so those photos stay unseen"
            if before
            else f"the weights in {folder} were trained on every photo, so none would be unseen: "
            "hold photos out when training from scratch"
        )
    return photos, held


def initial_card(init_from: Path | None) -> tuple[Path, dict] | None:
    """The folder and card of --init-from's generator, where it has one."""
    if init_from and (init_from / f"{NAME}.json").exists():
        return init_from, read_card(NAME, init_from)
    return None


def _listed(photos: dict[str, list[str]]) -> str:
    return "; ".join(f"{name}: {', '.join(chosen)}" for name, chosen in photos.items())


def procedural_crop(preset, rng: np.random.Generator) -> Tensor:
    """(4, CROP, CROP) albedo and height: a crop of a procedural texture twice its size, as the
    evaluation takes its procedural baseline, so features are at the photos' scale."""
    maps = procedural.generate(preset, 2 * CROP, int(rng.integers(2**31)))
    tile = torch.from_numpy(np.concatenate([maps.albedo, maps.height[..., None]], -1))
    top, left = (int(v) for v in rng.integers(0, 2 * CROP, 2))
    return torch.roll(tile.permute(2, 0, 1), (-top, -left), dims=(1, 2))[:, :CROP, :CROP]


def fake_crops(tiles: Tensor, rng: np.random.Generator) -> Tensor:
    """Crops of each tile's 2×2 tiling: first half inside one tile, second half across the seams."""
    size = tiles.shape[-1]
    tiled = tiles.repeat(1, 1, 2, 2)
    crops = []
    for index, tile in enumerate(tiled):
        straddle = index >= len(tiles) // 2
        low, high = (size - CROP + 1, size - 1) if straddle else (0, size - CROP)
        top, left = rng.integers(low, high + 1, 2)
        crops.append(tile[:, top : top + CROP, left : left + CROP])
    return torch.stack(crops)


def log_spectra(crops: Tensor) -> Tensor:
    return radial_power(crops[:, :3]).clamp_min(1e-12).log()


def chroma_log_spectra(crops: Tensor) -> Tensor:
    """(n, CROP): the log spectra of the red − green and the yellow − blue channel, one after the
    other. Their photos' fine chroma is smooth (JPEG keeps little of it)."""
    red, green, blue = crops[:, :3].unbind(1)
    opponents = (red - green, (red + green) / 2 - blue)
    return torch.cat([log_spectra(channel[:, None]) for channel in opponents], 1)


def colour_statistics(crops: Tensor) -> Tensor:
    """(n, 6): each crop's Lab mean and standard deviation, in tens of Lab units (so the term's
    size is near the spectral one's)."""
    rgb = crops[:, :3].clamp(0, 1)
    linear = torch.where(rgb <= 0.04045, rgb / 12.92, ((rgb + 0.055) / 1.055) ** 2.4)
    matrix = torch.as_tensor(RGB_TO_XYZ / WHITE[:, None], dtype=crops.dtype, device=crops.device)
    xyz = torch.einsum("ij,njhw->nihw", matrix, linear)
    edge = (6 / 29) ** 3
    f = torch.where(xyz > edge, xyz.clamp_min(edge) ** (1 / 3), xyz / (3 * (6 / 29) ** 2) + 4 / 29)
    lab = torch.stack([116 * f[:, 1] - 16, 500 * (f[:, 0] - f[:, 1]), 200 * (f[:, 1] - f[:, 2])], 1)
    lab = lab.flatten(2) / 10
    return torch.cat([lab.mean(2), lab.std(2)], 1)


@torch.no_grad()
def target_statistics(
    photos: dict, classes: list[str], rng: np.random.Generator
) -> tuple[Tensor, Tensor, Tensor]:
    """Per class, TARGET_CROPS crops of its photos: their log spectra (classes, crops, CROP/2),
    from augmented crops; their colour statistics (classes, crops, 6) and chroma log spectra
    (classes, crops, CROP), from crops as they are: the jitter keeps the critic from memorising
    photos, it is no colour the textures should have. The fakes' distributions, feature by
    feature, are matched to these."""
    spectra, colours, chromas = [], [], []
    for name in classes:
        choices = photos[name]
        crops = [random_crop(choices[i % len(choices)], CROP, rng) for i in range(TARGET_CROPS)]
        spectra.append(log_spectra(torch.stack([augment(c, rng) for c in crops])))
        as_they_are = torch.stack(crops)
        colours.append(colour_statistics(as_they_are))
        chromas.append(chroma_log_spectra(as_they_are))
    return torch.stack(spectra), torch.stack(colours), torch.stack(chromas)


@torch.no_grad()
def target_diversity(photos: dict, classes: list[str], rng: np.random.Generator) -> Tensor:
    """(classes,): DIVERSITY_FLOOR × the mean content distance of two crops of a class's photos."""
    targets = []
    for name in classes:
        choices = photos[name]
        crops = [
            augment(random_crop(choices[rng.integers(len(choices))], CROP, rng), rng)
            for _ in range(2 * TARGET_CROPS)
        ]
        pooled = content(torch.stack(crops))
        targets.append((pooled[::2] - pooled[1::2]).abs().mean())
    return DIVERSITY_FLOOR * torch.stack(targets)


def partner_offset(batch: int) -> int:
    """Where sample i's same-class partner sits: i + this (an odd batch's last has none)."""
    return (batch + 1) // 2


def diversity_floor_loss(fake: Tensor, labels: Tensor, targets: Tensor) -> Tensor:
    """How far same-class pairs fall short of their class's diversity floor."""
    offset = partner_offset(len(fake))
    pooled = content(fake)
    gaps = (pooled[offset:] - pooled[: len(fake) - offset]).abs().mean(dim=(1, 2, 3))
    return F.relu(targets[labels[offset:]] - gaps).mean()


class FeatureBank:
    """The last fakes' features of each class (detached): log spectra, or colour statistics. A
    batch holds about two fakes per class; ranked among the bank's, they stand for levels from
    the bottom to the top of the class's distribution, not only its quartiles, so the sharpest
    fakes are asked to be as sharp as the sharpest photos."""

    def __init__(self, classes: int, size: int = FEATURE_BANK):
        self.size = size
        self.features: list[Tensor | None] = [None] * classes

    def levels(self, label: int, features: Tensor) -> Tensor:
        """(n, features): each fake's mid-rank level in the bank and the batch together."""
        values, pool = features.detach(), self._with(label, features)
        below = (pool[None] < values[:, None]).sum(1)
        equal = (pool[None] == values[:, None]).sum(1)
        return (below + 0.5 * equal) / len(pool)

    def add(self, label: int, features: Tensor) -> None:
        self.features[label] = self._with(label, features)[-self.size :]

    def _with(self, label: int, features: Tensor) -> Tensor:
        kept = self.features[label]
        return features.detach() if kept is None else torch.cat([kept, features.detach()])


def spectrum_loss(fake: Tensor, labels: Tensor, targets: Tensor, bank: FeatureBank) -> Tensor:
    """How far each class's fake log spectra lie from its photos', frequency by frequency.

    Matching the whole distribution and not just its mean log matters because the power that
    is seen (and measured) is the mean power, and the sharpest crops dominate it: matched on
    the mean log, the GAN drew the typical crop's fine detail but not the sharp ones', and its
    mean power at periods of 2–4 pixels was a third of the photos'."""
    return distribution_loss(log_spectra(fake), labels, targets, bank)


def colour_loss(fake: Tensor, labels: Tensor, targets: Tensor, bank: FeatureBank) -> Tensor:
    """How far each class's fake crops' Lab means and spreads lie from its photos' crops'."""
    return distribution_loss(colour_statistics(fake), labels, targets, bank)


def chroma_loss(fake: Tensor, labels: Tensor, targets: Tensor, bank: FeatureBank) -> Tensor:
    """How far each class's fake chroma log spectra lie from its photos'."""
    return distribution_loss(chroma_log_spectra(fake), labels, targets, bank)


def distribution_loss(
    features: Tensor, labels: Tensor, targets: Tensor, bank: FeatureBank
) -> Tensor:
    """Per class and feature, 1-D optimal transport: each fake's value against the photos'
    quantile at its rank among the class's recent fakes. features (n, F); targets (classes,
    crops, F)."""
    loss = features.new_zeros(())
    for label in labels.unique().tolist():
        members = labels == label
        quantiles = _quantiles(targets[label], bank.levels(label, features[members]))
        loss = loss + (features[members] - quantiles).abs().mean() * members.float().mean()
        bank.add(label, features[members])
    return loss


def _quantiles(samples: Tensor, levels: Tensor) -> Tensor:
    """samples (N, F) and levels (n, F) in [0, 1]: each frequency's quantile at each level, read
    from the empirical distribution (N samples at levels (k + ½) / N), linearly between."""
    ordered = samples.sort(dim=0).values
    position = (levels * len(samples) - 0.5).clamp(0, len(samples) - 1)
    low = position.floor().long()
    high = (low + 1).clamp(max=len(samples) - 1)
    weight = position - low
    return torch.lerp(ordered.gather(0, low), ordered.gather(0, high), weight)


def initialize_from(model: torch.nn.Module, path: Path) -> list[str]:
    """Copy every tensor of the safetensors file at `path` whose name and shape match; returns
    the names copied."""
    source = load_file(str(path))
    own = model.state_dict()
    copied = [k for k, v in source.items() if k in own and own[k].shape == v.shape]
    model.load_state_dict({k: source[k] for k in copied}, strict=False)
    return copied


def update_average(average: TextureGenerator, model: TextureGenerator, decay: float) -> None:
    with torch.no_grad():
        for mean, value in zip(average.parameters(), model.parameters(), strict=True):
            mean.lerp_(value, 1 - decay)


def train(args: argparse.Namespace) -> None:
    started = time.time()
    device = torch.device(args.device)
    history = previous_runs(args, NAME)
    torch.manual_seed(args.seed)
    rng = np.random.default_rng(args.seed)
    if args.batch < 2:
        raise SystemExit(
            f"--batch must be at least 2 (fakes come in same-class pairs), got {args.batch}"
        )
    classes = list_classes(args.data)
    procedural_mix, presets = mixed_classes(args, classes)  # refused before anything loads
    if not 0 <= args.hold_out < 1:
        raise SystemExit(f"--hold-out is a share from 0 to 1, got {args.hold_out}")
    config = {"classes": classes}
    if args.resume:
        generator, card = load_model(NAME, args.resume)
        config, start = card["config"], (args.resume, card)
    else:
        generator = create_model(NAME, config)
        start = initial_card(args.init_from)
    photos, held_out = training_photos(args, load_all(args.data), start)
    targets, colour_targets, chroma_targets = (
        t.to(device) for t in target_statistics(photos, classes, rng)
    )
    spectrum_bank, colour_bank, chroma_bank = (FeatureBank(len(classes)) for _ in range(3))
    diversity_targets = target_diversity(photos, classes, rng).to(device)
    discriminator = create_model("texture_gan_discriminator", config)
    if args.resume and (args.resume / "texture_gan_discriminator.safetensors").exists():
        discriminator = load_model("texture_gan_discriminator", args.resume)[0]
    elif args.init_from:
        for model, name in ((generator, NAME), (discriminator, "texture_gan_discriminator")):
            path = args.init_from / f"{name}.safetensors"
            if path.exists():
                print(f"{name}: {len(initialize_from(model, path))} tensors from {path}")
    generator.to(device).train()
    discriminator.to(device).train()
    average = copy.deepcopy(generator).eval()
    opt_g = torch.optim.Adam(generator.parameters(), lr=args.lr, betas=(0.0, 0.99))
    opt_d = torch.optim.Adam(discriminator.parameters(), lr=args.lr, betas=(0.0, 0.99))
    log = TrainingLog(args.out_dir / f"{NAME}_log.jsonl", history, args.resume)
    for step in range(1, args.steps + 1):
        for optimizer in (opt_g, opt_d):
            for group in optimizer.param_groups:
                group["lr"] = cosine_lr(step, args.steps * 2, args.lr, warmup=50)  # decays to half
        real, labels = (
            t.to(device)
            for t in real_batch(photos, classes, rng, args.batch, procedural_mix, presets)
        )
        latent = Latent.sample(generator.config, args.batch, TILE_CELLS, device=device)
        fake = fake_crops(generator(latent, labels), rng)
        d_loss = (
            F.relu(1 - discriminator(real, labels)).mean()
            + F.relu(1 + discriminator(fake.detach(), labels)).mean()
        )
        opt_d.zero_grad(set_to_none=True)
        d_loss.backward()
        opt_d.step()
        g_loss = -discriminator(fake, labels).mean()
        s_loss = spectrum_loss(fake, labels, targets, spectrum_bank)
        c_loss = colour_loss(fake, labels, colour_targets, colour_bank)
        h_loss = chroma_loss(fake, labels, chroma_targets, chroma_bank)
        v_loss = diversity_floor_loss(fake, labels, diversity_targets)
        opt_g.zero_grad(set_to_none=True)
        (
            g_loss
            + args.spectrum_weight * s_loss
            + args.colour_weight * c_loss
            + args.chroma_weight * h_loss
            + args.diversity_weight * v_loss
        ).backward()
        opt_g.step()
        update_average(average, generator, decay=0.995 if step < 1000 else 0.999)
        if step % 25 == 0:
            log.write(
                kind="train",
                step=step,
                d_loss=float(d_loss.detach()),
                g_loss=float(g_loss.detach()),
                spectrum=float(s_loss.detach()),
                colour=float(c_loss.detach()),
                chroma=float(h_loss.detach()),
                diversity_shortfall=float(v_loss.detach()),
            )
        if step % args.sample_every == 0 or step == args.steps:
            card = provenance(args, started, step, history)
            card.update(
                parameters=count_parameters(average),
                crop=CROP,
                tile_cells=TILE_CELLS,
                spectrum_weight=args.spectrum_weight,
                colour_weight=args.colour_weight,
                chroma_weight=args.chroma_weight,
                diversity_weight=args.diversity_weight,
                procedural_mix=procedural_mix,
                held_out_photos=held_out,
                initialized_from=str(args.init_from) if args.init_from else None,
            )
            save_model(average, NAME, card, args.out_dir)
            # The critic too, so that a resumed run does not start against a blank opponent.
            save_model(discriminator, "texture_gan_discriminator", {"for": NAME}, args.out_dir)
            write_sample_grid(average, args.out_dir / f"{NAME}_samples.png")
            write_curves(
                args.out_dir / f"{NAME}_curves.png",
                {
                    "discriminator hinge loss": {"d": log.series("d_loss")},
                    "generator loss": {"g": log.series("g_loss")},
                    "log-spectrum gap to the photos": {"spectrum": log.series("spectrum")},
                    "colour-statistics gap (10 Lab units)": {"colour": log.series("colour")},
                    "chroma log-spectrum gap": {"chroma": log.series("chroma")},
                    "diversity shortfall": {"floor": log.series("diversity_shortfall")},
                },
            )


@torch.no_grad()
def write_sample_grid(
    generator: TextureGenerator, path, per_class: int = 4, cells: int = 4
) -> None:
    """One row per class: albedo tiles then their height maps, each tile 128 px."""
    rows = []
    device = next(generator.parameters()).device
    for label in range(len(generator.config.classes)):
        # Drawn on the CPU, so a seed draws the same grid on any device.
        latent = Latent.sample(
            generator.config, per_class, cells, torch.Generator().manual_seed(label)
        )
        maps = generator(latent.to(device), torch.full((per_class,), label, device=device)).cpu()
        albedo = torch.cat(list(maps[:, :3]), dim=2)
        height = torch.cat(list(maps[:, 3:].expand(-1, 3, -1, -1)), dim=2)
        rows.append(torch.cat([albedo, height], dim=2))
    grid = (torch.cat(rows, dim=1).permute(1, 2, 0).numpy() * 255).round().astype(np.uint8)
    Image.fromarray(grid).save(path)
