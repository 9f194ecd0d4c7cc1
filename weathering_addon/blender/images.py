"""Texture files on disk <-> bpy images: saved beside the .blend, or packed while it is unsaved."""

from __future__ import annotations

import tempfile
from pathlib import Path

import bpy

from ..core.textures import TextureSet

TEXTURE_FOLDER = "weathering_textures"
KEY_PROPERTY = "weathering_texture_key"


def texture_directory() -> tuple[Path, bool]:
    """Where generated maps go, and whether they must be packed (the file is not saved yet)."""
    if bpy.data.is_saved:
        return Path(bpy.path.abspath(f"//{TEXTURE_FOLDER}")), False
    return Path(tempfile.gettempdir()) / TEXTURE_FOLDER, True


def load_texture_images(texture_set: TextureSet, pack: bool) -> dict[str, bpy.types.Image]:
    """Load (or reload, when re-weathering) the set's maps as images the layer group samples."""
    images = {}
    for name, path in texture_set.paths.items():
        image_name = f"Weathering {texture_set.order.key} {name}"
        colour_space = "sRGB" if name == "albedo" else "Non-Color"
        images[name] = load_generated(image_name, path, colour_space, pack, texture_set.order.key)
    return images


def load_generated(
    name: str, path: Path, colour_space: str, pack: bool, key: str
) -> bpy.types.Image:
    """A generated file as the image `name`: loaded, or reloaded in place (every user of the image
    sees the new pixels); packed into the .blend when it is not saved yet."""
    image = bpy.data.images.get(name)
    if image is None:
        image = bpy.data.images.load(str(path))
        image.name = name
    else:
        image.filepath = str(path)
        if image.packed_file is not None:
            image.unpack(method="REMOVE")
        image.reload()
    image.colorspace_settings.name = colour_space
    image[KEY_PROPERTY] = key
    if pack:
        image.pack()
    else:
        image.filepath = bpy.path.relpath(str(path))
    return image


def load_weathered(name: str, files, pack: bool) -> tuple[bpy.types.Image, bpy.types.Image]:
    """An aged image and its decay map as "<name> weathered" and "<name> decay", updated in
    place on re-runs; fake users keep them, since they are the user's product, not a cache."""
    aged = load_generated(f"{name} weathered", files.image, "sRGB", pack, name)
    decay = load_generated(f"{name} decay", files.decay, "Non-Color", pack, name)
    for image in (aged, decay):
        image.use_fake_user = True
    return aged, decay


def remove_unused_images() -> int:
    """Delete generated images that nothing uses any more; returns how many."""
    unused = [i for i in bpy.data.images if i.get(KEY_PROPERTY) is not None and i.users == 0]
    for image in unused:
        bpy.data.images.remove(image)
    return len(unused)
