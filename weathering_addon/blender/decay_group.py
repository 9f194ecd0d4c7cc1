"""The "Weathering Decay" layer group: like the Weathering Layer, but the decay score and the
weathering's maps come from images the backend made in the object's UV space (from cues Cycles
baked), not from cues computed in the shader. The score is age-free, so Age stays a live,
keyframeable input: the group thresholds the score exactly as the backend's decay map did."""

from __future__ import annotations

import bpy

from ..core.decay_maps import DecayMapSet
from .node_group import Builder, age_mask, float_input, mix_over, surface

GROUP_PREFIX = "Weathering Decay"


def _interface(group: bpy.types.NodeTree, softness: float) -> None:
    group.interface.new_socket("Shader", in_out="INPUT", socket_type="NodeSocketShader")
    float_input(group, "Age", 0.5, description="0: pristine, 1: fully weathered; keyframe it")
    float_input(group, "Strength", 1.0, description="Opacity of the layer")
    float_input(group, "Softness", softness, 0.001, 1.0, "Width of the mask's border")
    group.interface.new_socket("Shader", in_out="OUTPUT", socket_type="NodeSocketShader")
    group.interface.new_socket("Mask", in_out="OUTPUT", socket_type="NodeSocketFloat")


def build_decay_group(maps: DecayMapSet, preset: dict, images: dict) -> bpy.types.NodeTree:
    """The object's layer group of one class, rebuilt from scratch so re-runs never keep stale
    links (images update in place; the group's users keep pointing at it)."""
    name = f"{GROUP_PREFIX} {maps.key}"
    group = bpy.data.node_groups.get(name) or bpy.data.node_groups.new(name, "ShaderNodeTree")
    group.nodes.clear()
    group.interface.clear()
    group["weathering_texture_key"] = maps.key
    group["weathering_class"] = preset["name"]
    _interface(group, maps.softness)
    b = Builder(group)
    uv = b.add("ShaderNodeUVMap", 2, uv_map=maps.uv_map)
    sampled = {}
    for map_name, image in images.items():
        node = b.add("ShaderNodeTexImage", 3, image=image, interpolation="Linear")
        node.label = map_name.capitalize()
        node.extension = "EXTEND"  # past an island's border is its bake margin, not the far side
        b.link(uv.outputs["UV"], node.inputs["Vector"])
        sampled[map_name] = node.outputs["Color"]
    score = b.add("ShaderNodeMath", 5, operation="MULTIPLY_ADD")
    b.link(sampled["score"], score.inputs[0])
    score.inputs[1].default_value = maps.score_range
    score.inputs[2].default_value = -maps.score_offset
    mask = age_mask(b, score.outputs[0])
    mix_over(b, mask, surface(b, sampled, preset["pbr"]))
    return group
