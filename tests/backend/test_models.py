"""Every registered model: builds, runs, saves and loads with its card; shipped weights fit."""

import json

import pytest
import torch

from neural_backend.models.registry import (
    MAX_WEIGHTS_BYTES,
    MODELS,
    WEIGHTS_DIR,
    create_model,
    load_model,
    save_model,
)


def test_unknown_model_names_the_known_ones():
    with pytest.raises(KeyError, match="known: segmentation"):
        create_model("lava")


@pytest.mark.parametrize("name", sorted(MODELS))
def test_save_then_load_gives_the_same_model(name, tmp_path):
    torch.manual_seed(0)
    model = create_model(name)
    save_model(model, name, {"command": "test"}, tmp_path)
    loaded, card = load_model(name, tmp_path)
    assert card["command"] == "test" and card["model"] == name
    for key, value in model.state_dict().items():
        assert torch.equal(value, loaded.state_dict()[key]), key


def test_missing_weights_say_which_file(tmp_path):
    with pytest.raises(FileNotFoundError, match="segmentation.json is missing"):
        load_model("segmentation", tmp_path)


@pytest.mark.parametrize("name", ["segmentation", "texture_gan", "harmonization"])
def test_shipped_weights_are_small_and_documented(name):
    assert (WEIGHTS_DIR / f"{name}.safetensors").stat().st_size <= MAX_WEIGHTS_BYTES
    card = json.loads((WEIGHTS_DIR / f"{name}.json").read_text())
    assert card["command"].startswith("weathering train")
    assert card["steps"] > 0 and card["wall_time_s"] > 0
    load_model(name)  # loads without missing or unexpected keys (a warning would fail -W error)
