"""Bake an object's decay cues into its UV space with Cycles: ambient occlusion, curvature,
world-space normal and position, and the base colour its materials show now."""

from __future__ import annotations

from dataclasses import dataclass

import bpy
import numpy as np

from ..core.colour import linear_to_srgb
from ..core.decay_maps import BakedCueMaps
from .bake_scene import BakeScene
from .image_pixels import read_pixels
from .layers import ADDED_UV

UV_NAME = "Weathering UV"
AO_REACH = 0.1  # occlusion distance, as a share of the object's largest dimension
BEVEL_REACH = 0.02  # bevel radius, likewise: what counts as "at the edge"
EDGE_GAIN = 6.0  # the bevelled normal leans only slightly; the same gain as the shader layer's
CUE_SAMPLES = 16


@dataclass
class UvPlan:
    """The UV map decay maps use: the active one, or one unwrapped (Smart UV Project) for a mesh
    that has none, added to the mesh only when the layer is (add_uv_map)."""

    name: str
    unwrapped: np.ndarray | None = None


def plan_uv_map(obj: bpy.types.Object) -> UvPlan:
    active = obj.data.uv_layers.active
    if active is not None:
        return UvPlan(active.name)
    with BakeScene() as bake:
        return UvPlan(UV_NAME, bake.unwrap(obj.data))


def add_uv_map(mesh: bpy.types.Mesh, plan: UvPlan) -> None:
    """Give the mesh the planned UV map if it is a new one; removing the last weathering layer
    removes it again (layers.release_added_uv_map)."""
    if plan.unwrapped is None or plan.name in mesh.uv_layers:
        return
    layer = mesh.uv_layers.new(name=plan.name)
    layer.data.foreach_set("uv", plan.unwrapped)
    mesh[ADDED_UV] = layer.name


def copy_in_uv_map(bake: BakeScene, obj: bpy.types.Object, uv: UvPlan) -> bpy.types.Object:
    """The object's copy in the bake scene, with copies of its materials, baking into the
    planned UV map."""
    copy = bake.copy_object(obj)
    add_uv_map(copy.data, uv)
    copy.data.uv_layers.active = copy.data.uv_layers[uv.name]
    bake.own_materials(copy)
    return copy


def bake_cues(obj: bpy.types.Object, size: int, uv: UvPlan) -> BakedCueMaps:
    """The cue maps (size²) in the planned UV map; the object itself is not changed."""
    reach = max(obj.dimensions) or 1.0
    with BakeScene() as bake:
        copy = copy_in_uv_map(bake, obj, uv)
        colour = bake.image("base colour", size)
        bake.bake(copy, "DIFFUSE", colour, samples=1, pass_filter={"COLOR"})
        base = linear_to_srgb(read_pixels(colour)[..., :3])

        material = bake.material("Weathering Cues")
        cues, emission, geometry = _cue_shader(material.node_tree, reach)
        copy.data.materials.clear()
        copy.data.materials.append(material)
        maps = {}
        for name, source, samples in (
            ("occlusion and edges", cues, CUE_SAMPLES),
            ("normal", geometry.outputs["Normal"], 1),
            ("position", geometry.outputs["Position"], 1),
        ):
            material.node_tree.links.new(source, emission.inputs["Color"])
            image = bake.image(name, size)
            bake.bake(copy, "EMIT", image, samples=samples)
            maps[name] = read_pixels(image)[..., :3]
    return BakedCueMaps(
        ambient_occlusion=maps["occlusion and edges"][..., 0],
        curvature=maps["occlusion and edges"][..., 1],
        normal=maps["normal"],
        position=maps["position"],
        base_colour=base,
        uv_map=uv.name,
    )


def _cue_shader(tree: bpy.types.NodeTree, reach: float):
    """An emission shader, the (occlusion, edge, 0) colour for it, and the geometry node whose
    outputs can be linked to it instead."""
    nodes, links = tree.nodes, tree.links
    output = nodes.new("ShaderNodeOutputMaterial")
    emission = nodes.new("ShaderNodeEmission")
    links.new(emission.outputs["Emission"], output.inputs["Surface"])
    geometry = nodes.new("ShaderNodeNewGeometry")
    occlusion = nodes.new("ShaderNodeAmbientOcclusion")
    occlusion.samples, occlusion.only_local = 16, True
    occlusion.inputs["Distance"].default_value = AO_REACH * reach
    bevel = nodes.new("ShaderNodeBevel")
    bevel.samples = 8
    bevel.inputs["Radius"].default_value = BEVEL_REACH * reach
    dot = nodes.new("ShaderNodeVectorMath")
    dot.operation = "DOT_PRODUCT"
    links.new(bevel.outputs["Normal"], dot.inputs[0])
    links.new(geometry.outputs["Normal"], dot.inputs[1])
    lean = nodes.new("ShaderNodeMath")
    lean.operation = "SUBTRACT"
    lean.inputs[0].default_value = 1.0
    links.new(dot.outputs["Value"], lean.inputs[1])
    edge = nodes.new("ShaderNodeMath")
    edge.operation, edge.use_clamp = "MULTIPLY", True
    links.new(lean.outputs[0], edge.inputs[0])
    edge.inputs[1].default_value = EDGE_GAIN
    combine = nodes.new("ShaderNodeCombineColor")
    links.new(occlusion.outputs["AO"], combine.inputs[0])
    links.new(edge.outputs[0], combine.inputs[1])
    return combine.outputs["Color"], emission, geometry
