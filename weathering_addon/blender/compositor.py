"""Blender 5.0 compositor set-ups (scene.compositing_node_group) for weathering renders.

Capture: one render writes the image (scene-linear → sRGB PNG, no view transform) and an exact
mask of the selected objects (object index pass → ID Mask) through a File Output node.
Aged: the render, the aged image and its decay map are mixed so every re-render keeps the aging.
"""

from __future__ import annotations

from pathlib import Path

import bpy

CAPTURE_GROUP = "Weathering Capture"
AGED_GROUP = "Weathering Render"
PREVIOUS_KEY = "weathering_previous_compositor"


def _new_group(name: str) -> bpy.types.NodeTree:
    old = bpy.data.node_groups.get(name)
    if old is not None:
        bpy.data.node_groups.remove(old)
    group = bpy.data.node_groups.new(name, "CompositorNodeTree")
    group.interface.new_socket("Image", in_out="OUTPUT", socket_type="NodeSocketColor")
    return group


def _file_output(group, directory: Path, name: str, colour_mode: str, depth: str) -> bpy.types.Node:
    node = group.nodes.new("CompositorNodeOutputFile")
    node.directory = str(directory)
    node.file_name = ""
    node.format.media_type = "IMAGE"
    node.format.file_format = "PNG"
    node.format.color_mode = colour_mode
    node.format.color_depth = depth
    node.file_output_items.new("RGBA" if colour_mode != "BW" else "FLOAT", name)
    return node


def capture_group(directory: Path, object_index: int) -> bpy.types.NodeTree:
    """Render → capture/render.png and capture/mask.png (1 where the objects are)."""
    group = _new_group(CAPTURE_GROUP)
    layers = group.nodes.new("CompositorNodeRLayers")
    output = group.nodes.new("NodeGroupOutput")
    group.links.new(layers.outputs["Image"], output.inputs[0])
    id_mask = group.nodes.new("CompositorNodeIDMask")
    id_mask.inputs["Index"].default_value = object_index
    group.links.new(layers.outputs["Object Index"], id_mask.inputs["ID value"])
    render_file = _file_output(group, directory, "render", "RGB", "16")
    render_file.save_as_render = False  # sRGB of the linear image: what the aged image returns to
    mask_file = _file_output(group, directory, "mask", "BW", "8")  # the backend reads 8-bit masks
    group.links.new(layers.outputs["Image"], render_file.inputs["render"])
    group.links.new(id_mask.outputs[0], mask_file.inputs["mask"])
    return group


def aged_group(aged: bpy.types.Image, decay: bpy.types.Image) -> bpy.types.NodeTree:
    """Render Layers mixed with the aged image by the decay map, so re-renders keep the aging."""
    group = _new_group(AGED_GROUP)
    layers = group.nodes.new("CompositorNodeRLayers")
    aged_node = group.nodes.new("CompositorNodeImage")
    aged_node.image = aged
    decay_node = group.nodes.new("CompositorNodeImage")
    decay_node.image = decay
    mix = group.nodes.new("ShaderNodeMix")
    mix.data_type = "RGBA"
    output = group.nodes.new("NodeGroupOutput")
    group.links.new(decay_node.outputs["Image"], mix.inputs["Factor"])
    group.links.new(layers.outputs["Image"], mix.inputs[6])  # A: the live render
    group.links.new(aged_node.outputs["Image"], mix.inputs[7])  # B: the aged pixels
    group.links.new(mix.outputs[2], output.inputs[0])
    for column, node in enumerate((layers, aged_node, decay_node, mix, output)):
        node.location = (column * 220, 0)
    return group


def use_group(scene: bpy.types.Scene, group: bpy.types.NodeTree | None) -> None:
    """Make `group` the scene's compositor, keeping a user's own set-up safe for later."""
    current = scene.compositing_node_group
    if current is not None and current.name not in {CAPTURE_GROUP, AGED_GROUP}:
        current.use_fake_user = True
        scene[PREVIOUS_KEY] = current.name
    scene.compositing_node_group = group
