"""One factory for every model, and weights as safetensors with a JSON card beside them.

The card records the architecture config (so loading needs no guessing), the command that trained
the weights, the data, steps, wall time and metrics.
"""

from __future__ import annotations

import importlib
import json
import warnings
from pathlib import Path

import torch
from safetensors.torch import load_file, save_file
from torch import nn

from neural_backend.config import PRECISIONS, Settings

WEIGHTS_DIR = Settings().weights_dir
MAX_WEIGHTS_BYTES = 25 * 1024 * 1024


# name -> (module, model class, config class); modules are imported only when asked for.
MODELS = {
    "segmentation": ("segmentation", "SegmentationNet", "SegmentationConfig"),
    "texture_gan": ("texture_gan", "TextureGenerator", "TextureGANConfig"),
    "texture_gan_discriminator": ("texture_gan", "Discriminator", "TextureGANConfig"),
    "harmonization": ("harmonization", "HarmonizationNet", "HarmonizationConfig"),
}


def create_model(name: str, config: dict | None = None) -> nn.Module:
    if name not in MODELS:
        raise KeyError(f"unknown model {name!r}; known: {', '.join(MODELS)}")
    module_name, model_name, config_name = MODELS[name]
    module = importlib.import_module(f"neural_backend.models.{module_name}")
    model_class, config_class = getattr(module, model_name), getattr(module, config_name)
    return model_class(config_class.from_json(config) if config else config_class())


def save_model(model: nn.Module, name: str, card: dict, weights_dir: Path = WEIGHTS_DIR) -> Path:
    """Write NAME.safetensors and NAME.json; refuse weights over the 25 MB we can commit."""
    weights_dir.mkdir(parents=True, exist_ok=True)
    path = weights_dir / f"{name}.safetensors"
    state = {key: value.detach().cpu().contiguous() for key, value in model.state_dict().items()}
    save_file(state, str(path))
    if path.stat().st_size > MAX_WEIGHTS_BYTES:
        raise ValueError(f"{path} is {path.stat().st_size / 2**20:.1f} MB; the limit is 25 MB")
    write_card(name, {"model": name, "config": model.config.to_json(), **card}, weights_dir)
    return path


def write_card(name: str, card: dict, weights_dir: Path = WEIGHTS_DIR) -> None:
    (weights_dir / f"{name}.json").write_text(json.dumps(card, indent=2) + "\n")


def read_card(name: str, weights_dir: Path = WEIGHTS_DIR) -> dict:
    path = weights_dir / f"{name}.json"
    if not path.is_file():
        raise FileNotFoundError(f"no trained weights for {name!r}: {path} is missing")
    return json.loads(path.read_text())


def load_model(
    name: str, weights_dir: Path = WEIGHTS_DIR, device: str = "cpu"
) -> tuple[nn.Module, dict]:
    """The trained model in eval mode and its card; missing or unexpected keys are reported."""
    card = read_card(name, weights_dir)
    model = create_model(name, card["config"])
    state = load_file(str(weights_dir / f"{name}.safetensors"))
    result = model.load_state_dict(state, strict=False)
    if result.missing_keys or result.unexpected_keys:
        warnings.warn(
            f"{name}: missing keys {result.missing_keys}, unexpected {result.unexpected_keys}",
            stacklevel=2,
        )
    return model.to(device).eval(), card


def count_parameters(model: nn.Module) -> int:
    return sum(parameter.numel() for parameter in model.parameters())


def set_threads(threads: int | None) -> None:
    if threads:
        torch.set_num_threads(threads)


def fast_dtype(device: str, precision: str) -> torch.dtype | None:
    """bfloat16 for "auto" where it is native (emulated, it would be slower than float32);
    None (float32) otherwise. precision: one of config.PRECISIONS."""
    if precision not in PRECISIONS:
        raise ValueError(f"precision must be one of {PRECISIONS}, got {precision!r}")
    if precision == "float32":
        return None
    if torch.device(device).type == "cuda":
        return torch.bfloat16 if torch.cuda.is_bf16_supported() else None
    return torch.bfloat16 if torch.ops.mkldnn._is_mkldnn_bf16_supported() else None
