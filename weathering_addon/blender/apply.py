"""Put a fetched texture set on objects as weathering layers, all or nothing."""

from __future__ import annotations

import bpy

from ..core.errors import UserError
from ..core.textures import TextureSet
from . import images, layers, node_group
from .bake_cues import add_uv_map
from .decay_group import build_decay_group


def has_uvs(obj: bpy.types.Object) -> bool:
    return obj.type == "MESH" and len(obj.data.uv_layers) > 0


def apply_texture_set(
    objects: list, texture_set: TextureSet, age: float, scale: float, pack: bool
) -> int:
    """One weathering layer on every material of the objects (see apply_layers)."""
    return apply_layers(objects, [(texture_set, age, None)], scale, pack)


def apply_layers(objects: list, stack: list, scale: float, pack: bool) -> int:
    """Weather every material of the objects with each (texture set, age, strength) of the
    stack, bottom first (strength None: a layer's own is kept); on any error undo what this
    call did, re-raise.

    A material shared by several objects gets one layer; it uses UVs only if all of them have
    UVs, box projection otherwise. pack: the maps were written outside a saved file's folder.
    Returns the number of materials weathered.
    """
    snapshot = _Snapshot(objects)
    try:
        uv_ok: dict = {}
        for obj in objects:
            for material in layers.object_materials(obj):
                uv_ok[material] = uv_ok.get(material, True) and has_uvs(obj)
        for texture_set, age, strength in stack:
            maps = images.load_texture_images(texture_set, pack=pack)
            preset = texture_set.preset
            values = {"Age": age, "Scale": scale}
            if strength is not None:
                values["Strength"] = strength
            for material, use_uv in uv_ok.items():
                group = node_group.build_group(
                    texture_set.order.key, preset, maps, use_uv, texture_set.breakup
                )
                layers.insert_layer(material, group, preset["name"], preset["label"], values)
        return len(uv_ok)
    except Exception:
        snapshot.restore()
        raise


def apply_decay_maps(
    objects: list, map_sets: list, uv_plans: list, preset: dict, age: float, pack: bool
) -> int:
    """One decay-map layer per object on each of its materials (the maps are the object's own,
    in its UV space); all or nothing. Returns the number of materials weathered."""
    check_single_users(objects)
    snapshot = _Snapshot(objects)
    try:
        count = 0
        for obj, maps, uv_plan in zip(objects, map_sets, uv_plans, strict=True):
            add_uv_map(obj.data, uv_plan)
            loaded = {
                name: images.load_generated(
                    f"Weathering {maps.key} {name}",
                    path,
                    "sRGB" if name == "albedo" else "Non-Color",
                    pack,
                    maps.key,
                )
                for name, path in maps.paths.items()
                if name != "decay"  # the age-free score carries it; the decay map is a preview
            }
            group = build_decay_group(maps, preset, loaded)
            for material in layers.object_materials(obj):
                layers.insert_layer(material, group, preset["name"], preset["label"], {"Age": age})
                count += 1
        return count
    except Exception:
        snapshot.restore()
        raise


def check_single_users(objects: list) -> None:
    """Decay maps live in one object's UV space: a material another mesh shows cannot take them."""
    for obj in objects:
        for material in {slot.material for slot in obj.material_slots if slot.material}:
            others = [
                other.name
                for other in bpy.data.objects
                if other is not obj
                and other.type == "MESH"
                and material in [slot.material for slot in other.material_slots]
            ]
            if others:
                raise UserError(
                    f"Material {material.name!r} of {obj.name!r} is also used by "
                    f"{', '.join(sorted(others))}; decay maps belong to one object. Make it "
                    "single-user first (Object > Relations > Make Single User > Materials)"
                )


class _Snapshot:
    """Enough of the scene's state to take back a half-applied weathering."""

    def __init__(self, objects: list):
        self.objects = objects
        self.layers_before = {
            node.as_pointer()
            for material in bpy.data.materials
            for node in layers.layer_nodes(material)
        }

    def restore(self) -> None:
        for material in list(bpy.data.materials):
            for node in layers.layer_nodes(material):
                if node.as_pointer() not in self.layers_before:
                    layers.remove_layer(material, node)
        for obj in self.objects:
            layers.release_created_materials(obj)
            layers.release_added_uv_map(obj)
        layers.remove_unused_groups()
        images.remove_unused_images()
