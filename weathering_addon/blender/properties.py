"""The extension's scene settings: one PointerProperty group, scene.weathering."""

from __future__ import annotations

import bpy

from ..core import catalog
from ..core.textures import SIZES

_enum_cache: list = []  # Blender needs the item strings kept alive by Python
_material_cache: list = []


def _class_items(self, context):
    _enum_cache[:] = catalog.enum_items()
    return _enum_cache


def _material_items(self, context):
    _material_cache[:] = catalog.material_items()
    return _material_cache


class WeatheringTarget(bpy.types.PropertyGroup):
    """A class the segmentation found in the last weathered image; ticked ones are weathered."""

    share: bpy.props.FloatProperty(name="Share", subtype="FACTOR", min=0.0, max=1.0)
    use: bpy.props.BoolProperty(name="Weather", description="Weather this class in the image")


class WeatheringSettings(bpy.types.PropertyGroup):
    weathering_class: bpy.props.EnumProperty(
        name="Class", items=_class_items, description="What kind of weathering to grow"
    )
    material_preset: bpy.props.EnumProperty(
        name="Material",
        items=_material_items,
        description="A kind of surface: its weathering layers, stacked",
    )
    age: bpy.props.FloatProperty(
        name="Age",
        default=0.5,
        min=0.0,
        max=1.0,
        subtype="FACTOR",
        description="0: pristine, 1: fully weathered; decay only ever grows with age",
    )
    scene_age: bpy.props.FloatProperty(
        name="Scene Age",
        default=0.5,
        min=0.0,
        max=1.0,
        subtype="FACTOR",
        description="Drives every layer's age once 'Drive Layers by Scene Age' is on; keyframe it",
    )
    seed: bpy.props.IntProperty(
        name="Seed", default=0, min=0, description="Same seed, same texture"
    )
    scale: bpy.props.FloatProperty(
        name="Scale",
        default=1.0,
        min=0.01,
        max=1000.0,
        description="Texture repeats per unit (per UV tile on meshes with UVs)",
    )
    texture_size: bpy.props.EnumProperty(
        name="Texture Size",
        default="1024",
        items=[(str(s), f"{s} px", f"Textures of {s}x{s} pixels") for s in SIZES],
    )
    image_targets: bpy.props.CollectionProperty(type=WeatheringTarget)
    batch_ages: bpy.props.StringProperty(
        name="Ages", default="0 0.5 1", description="Ages to render, 0..1, separated by spaces"
    )
    batch_output: bpy.props.StringProperty(
        name="Output",
        default="//weathering_batch/",
        subtype="DIR_PATH",
        description="Frames go to <output>/<scene>/age_<a>/frame_<nnnn>.png",
    )
    batch_workers: bpy.props.IntProperty(
        name="Workers", default=0, min=0, max=64, description="0: sized to the machine"
    )


def ticked_targets(settings) -> tuple[str, ...] | None:
    """The image classes to weather: those ticked, or None (the backend's default) before the
    first run has listed any."""
    if len(settings.image_targets) == 0:
        return None
    return tuple(t.name for t in settings.image_targets if t.use)


def list_targets(settings, found: dict[str, float], used: list[str]) -> None:
    """Show what the segmentation found, ticking what was weathered."""
    settings.image_targets.clear()
    for name, share in sorted(found.items(), key=lambda item: -item[1]):
        item = settings.image_targets.add()
        item.name, item.share, item.use = name, share, name in used


CLASSES = (WeatheringTarget, WeatheringSettings)


def register_settings() -> None:
    bpy.types.Scene.weathering = bpy.props.PointerProperty(type=WeatheringSettings)


def unregister_settings() -> None:
    del bpy.types.Scene.weathering
