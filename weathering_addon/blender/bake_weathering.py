"""Bake Weathering: the weathered look of an object (final base colour, roughness and normal)
baked into image files and put on a plain Principled material, so the .blend renders on any
render farm, with any engine, without the backend or the layers' shader cues. Restoring puts the
weathered materials back; they are kept in the file meanwhile (nothing is lost)."""

from __future__ import annotations

from pathlib import Path

import bpy
import numpy as np

from ..core.colour import linear_to_srgb
from ..core.files import safe_file_stem, write_atomically
from ..core.png import encode_png
from . import images, layers
from .bake_cues import add_uv_map, copy_in_uv_map, plan_uv_map
from .bake_scene import BakeScene
from .image_pixels import read_pixels

UNBAKED = "weathering_unbaked"  # on a baked object: its materials' names, slot by slot
FAKE_USER_SET = "weathering_fake_user_set"  # on a material we gave a fake user while baked
BAKED = "weathering_baked"  # on a baked material
SAMPLES = 8  # in-shader cues (occlusion, bevel) are sampled: average their noise
# (bake pass, options, colour space of the file)
PASSES = {
    "base_color": ("DIFFUSE", {"pass_filter": {"COLOR"}}, "sRGB"),
    "roughness": ("ROUGHNESS", {}, "Non-Color"),
    "normal": ("NORMAL", {"normal_space": "TANGENT"}, "Non-Color"),
}


def is_baked(obj: bpy.types.Object) -> bool:
    return UNBAKED in obj


def bake_object(obj: bpy.types.Object, size: int, directory: Path, pack: bool) -> dict:
    """Bake the object's look into size² maps and switch its slots to a material using them.
    Returns the images by pass name."""
    if obj.data.users > 1:
        raise ValueError(
            f"{obj.name!r} shares its mesh with other objects; make it single-user to bake it"
        )
    if is_baked(obj):
        restore_object(obj)
    uv = plan_uv_map(obj)
    with BakeScene() as bake:
        copy = copy_in_uv_map(bake, obj, uv)
        pixels = {}
        for name, (kind, options, _) in PASSES.items():
            image = bake.image(name, size)
            bake.bake(copy, kind, image, samples=SAMPLES, **options)
            pixels[name] = read_pixels(image)[..., :3]
    add_uv_map(obj.data, uv)
    directory.mkdir(parents=True, exist_ok=True)
    key = f"{safe_file_stem(obj.name)}_baked"
    baked_images = {}
    for name, (_, _, colour_space) in PASSES.items():
        values = linear_to_srgb(pixels[name]) if colour_space == "sRGB" else pixels[name]
        path = directory / f"{key}_{name}.png"
        write_atomically(path, encode_png(np.clip(values, 0.0, 1.0), 16))
        baked_images[name] = images.load_generated(
            f"{obj.name} Baked {name}", path, colour_space, pack, key
        )
    _use_baked_material(obj, _baked_material(obj, baked_images, uv.name))
    return baked_images


def _baked_material(obj, baked: dict, uv_map: str) -> bpy.types.Material:
    material = bpy.data.materials.new(f"{obj.name} Weathering Baked")
    material[BAKED] = True
    nodes, links = material.node_tree.nodes, material.node_tree.links
    nodes.clear()
    output = nodes.new("ShaderNodeOutputMaterial")
    shader = nodes.new("ShaderNodeBsdfPrincipled")
    links.new(shader.outputs["BSDF"], output.inputs["Surface"])
    coordinates = nodes.new("ShaderNodeUVMap")
    coordinates.uv_map = uv_map
    sampled = {}
    for row, (name, image) in enumerate(baked.items()):
        node = nodes.new("ShaderNodeTexImage")
        node.image, node.label, node.location = image, name, (-500, -300 * row)
        node.extension = "EXTEND"
        links.new(coordinates.outputs["UV"], node.inputs["Vector"])
        sampled[name] = node.outputs["Color"]
    links.new(sampled["base_color"], shader.inputs["Base Color"])
    links.new(sampled["roughness"], shader.inputs["Roughness"])
    normal_map = nodes.new("ShaderNodeNormalMap")
    normal_map.space, normal_map.uv_map = "TANGENT", uv_map
    links.new(sampled["normal"], normal_map.inputs["Color"])
    links.new(normal_map.outputs["Normal"], shader.inputs["Normal"])
    return material


def _use_baked_material(obj, material) -> None:
    mesh = obj.data
    if len(mesh.materials) == 0:
        mesh.materials.append(None)
    originals = []
    for index, original in enumerate(mesh.materials):
        originals.append(original.name if original else "")
        if original is not None and not original.use_fake_user:
            original.use_fake_user = True  # kept in the file while no object shows it
            original[FAKE_USER_SET] = True
        mesh.materials[index] = material
    obj[UNBAKED] = originals


def restore_object(obj: bpy.types.Object) -> None:
    """The weathered materials back in their slots; the baked material and maps deleted."""
    mesh = obj.data
    names = list(obj.get(UNBAKED, []))
    baked = {m for m in mesh.materials if m is not None and m.get(BAKED)}
    for index, name in enumerate(names):
        original = bpy.data.materials.get(name) if name else None
        if original is not None and original.pop(FAKE_USER_SET, False):
            original.use_fake_user = False
        mesh.materials[index] = original
    if names == [""]:  # it had no slot: we gave it one
        mesh.materials.clear()
    del obj[UNBAKED]
    for material in baked:
        if material.users == 0:
            bpy.data.materials.remove(material)
    images.remove_unused_images()
    layers.release_added_uv_map(obj)
