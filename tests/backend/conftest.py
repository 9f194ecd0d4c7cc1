"""Tiny datasets in the layouts of ../shared/data, so training and evaluation run end to end in
seconds. Pictures are made of coloured regions, so labels and textures mean something."""

import json

import numpy as np
import pytest
from PIL import Image

CLASSES = [
    "sky",
    "building",
    "pole",
    "road",
    "pavement",
    "tree",
    "sign_symbol",
    "fence",
    "car",
    "pedestrian",
    "bicyclist",
]


def _street(rng, height=360, width=480):
    """Sky above, a building in the middle, road below: a caricature of a CamVid frame."""
    labels = np.full((height, width), 3, np.uint8)
    horizon, roof = rng.integers(120, 200), rng.integers(30, 90)
    labels[:roof] = 0
    left, right = sorted(rng.integers(0, width, 2))
    labels[roof:horizon, left : right + 40] = 1
    labels[roof:horizon, :left] = 5
    labels[-10:, :] = 11  # void
    palette = rng.integers(0, 256, (12, 3))
    image = palette[labels] + rng.integers(-20, 20, (height, width, 3))
    return np.clip(image, 0, 255).astype(np.uint8), labels


@pytest.fixture(scope="session")
def tiny_camvid(tmp_path_factory):
    root = tmp_path_factory.mktemp("camvid")
    rng = np.random.default_rng(0)
    (root / "classes.json").write_text(json.dumps({"ignore_index": 11, "classes": CLASSES}))
    for split, count in (("train", 4), ("val", 2)):
        for folder in ("images", "labels"):
            (root / split / folder).mkdir(parents=True)
        for index in range(count):
            image, labels = _street(rng)
            Image.fromarray(image).save(root / split / "images" / f"f{index}.jpg", quality=95)
            Image.fromarray(labels).save(root / split / "labels" / f"f{index}.png")
    return root


@pytest.fixture(scope="session")
def tiny_textures(tmp_path_factory):
    """Two classes; one photo with a height map, one decal with an opacity mask."""
    root = tmp_path_factory.mktemp("textures")
    rng = np.random.default_rng(1)
    for name, tint in (("moss", (60, 120, 40)), ("rust", (150, 70, 30))):
        (root / name).mkdir()
        for index in range(2):
            noise = rng.integers(-40, 40, (256, 320, 1))
            photo = np.clip(np.array(tint) + noise, 0, 255).astype(np.uint8)
            Image.fromarray(photo).save(root / name / f"{name}{index}.jpg")
    Image.fromarray(rng.integers(0, 255, (256, 320), dtype=np.uint8)).save(
        root / "moss" / "moss0_height.png"
    )
    opacity = np.zeros((256, 320), np.uint8)
    opacity[:, :200] = 255
    Image.fromarray(opacity).save(root / "rust" / "rust1_opacity.png")
    return root


@pytest.fixture(scope="session")
def textures_to_hold_out(tmp_path_factory):
    """Four photos a class, enough to hold some out: moss's four are four different colours;
    rust's are one picture, saved four times, so any of them stands for the others."""
    root = tmp_path_factory.mktemp("textures_to_hold_out")
    rng = np.random.default_rng(2)
    tints = {"moss": [(40, 110, 30), (90, 140, 60), (30, 60, 25), (160, 170, 120)]}
    rust = np.clip(np.array((150, 70, 30)) + rng.integers(-40, 40, (256, 320, 1)), 0, 255)
    for name in ("moss", "rust"):
        (root / name).mkdir()
        for index in range(4):
            if name == "moss":
                noise = rng.integers(-30, 30, (256, 320, 1))
                photo = np.clip(np.array(tints["moss"][index]) + noise, 0, 255)
            else:
                photo = rust
            Image.fromarray(photo.astype(np.uint8)).save(root / name / f"{name}{index}.jpg")
    return root
