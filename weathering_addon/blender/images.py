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
        image = bpy.data.images.get(image_name)
        if image is None:
            image = bpy.data.images.load(str(path))
            image.name = image_name
        else:
            image.filepath = str(path)
            if image.packed_file is not None:
                image.unpack(method="REMOVE")
            image.reload()
        image.colorspace_settings.name = "sRGB" if name == "albedo" else "Non-Color"
        image[KEY_PROPERTY] = texture_set.order.key
        if pack:
            image.pack()
        else:
            image.filepath = bpy.path.relpath(str(path))
        images[name] = image
    return images


def remove_unused_images() -> int:
    """Delete generated images that nothing uses any more; returns how many."""
    unused = [i for i in bpy.data.images if i.get(KEY_PROPERTY) is not None and i.users == 0]
    for image in unused:
        bpy.data.images.remove(image)
    return len(unused)
