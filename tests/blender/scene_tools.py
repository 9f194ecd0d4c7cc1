"""Build small test scenes, render them and read what Blender made."""

import bmesh
import bpy
from mathutils import Vector


def add_cube(name, location, uvs: bool, material_colour=None, empty_slot=False):
    mesh = bpy.data.meshes.new(name)
    bm = bmesh.new()
    if uvs:
        bm.loops.layers.uv.new("UVMap")
    bmesh.ops.create_cube(bm, size=1.0, calc_uvs=uvs)
    bm.to_mesh(mesh)
    bm.free()
    obj = bpy.data.objects.new(name, mesh)
    obj.location = location
    if material_colour is not None:
        material = bpy.data.materials.new(f"{name} material")
        material.node_tree.nodes["Principled BSDF"].inputs["Base Color"].default_value = (
            *material_colour,
            1.0,
        )
        mesh.materials.append(material)
    elif empty_slot:
        mesh.materials.append(None)
    bpy.context.scene.collection.objects.link(obj)
    return obj


def mixed_scene():
    """Four cubes: UVs or not, a material, none, or an empty slot; a camera and a sun."""
    objects = [
        add_cube("UV material", (-1.6, 0, 0.5), True, (0.8, 0.1, 0.1)),
        add_cube("Box material", (-0.5, 0, 0.5), False, (0.1, 0.6, 0.2)),
        add_cube("UV bare", (0.6, 0, 0.5), True),
        add_cube("Box empty slot", (1.7, 0, 0.5), False, empty_slot=True),
    ]
    camera = bpy.data.objects.new("Camera", bpy.data.cameras.new("Camera"))
    camera.location = (0, -6, 2.2)
    camera.rotation_euler = (
        (Vector((0, 0, 0.5)) - camera.location).to_track_quat("-Z", "Y").to_euler()
    )
    sun = bpy.data.objects.new("Sun", bpy.data.lights.new("Sun", "SUN"))
    sun.rotation_euler = (0.6, 0.3, 0.4)
    sun.data.energy = 3.0
    for obj in (camera, sun):
        bpy.context.scene.collection.objects.link(obj)
    bpy.context.scene.camera = camera
    for obj in (*objects, camera, sun):
        obj.select_set(obj in objects)
    return objects


def serialize_tree(tree) -> dict:
    """Everything that decides how a node tree renders: nodes, their settings and links."""

    def value(socket):
        raw = getattr(socket, "default_value", None)
        return tuple(raw) if hasattr(raw, "__len__") and not isinstance(raw, str) else raw

    nodes = {
        node.name: (
            node.bl_idname,
            tuple(node.location),
            node.label,
            tuple((s.identifier, value(s)) for s in node.inputs),
        )
        for node in tree.nodes
    }
    links = sorted(
        (k.from_node.name, k.from_socket.identifier, k.to_node.name, k.to_socket.identifier)
        for k in tree.links
    )
    return {"nodes": nodes, "links": links}


def serialize_scene() -> dict:
    return {
        "materials": {m.name: serialize_tree(m.node_tree) for m in bpy.data.materials},
        "slots": {
            o.name: [s.material and s.material.name for s in o.material_slots]
            for o in bpy.data.objects
        },
        "images": sorted(i.name for i in bpy.data.images),
        "groups": sorted(g.name for g in bpy.data.node_groups),
        "uv_maps": {m.name: [uv.name for uv in m.uv_layers] for m in bpy.data.meshes},
    }


def set_up_cycles(scene, width=96, height=64, samples=8):
    scene.render.engine = "CYCLES"
    scene.cycles.device = "CPU"
    scene.cycles.samples = samples
    scene.cycles.use_denoising = False
    scene.cycles.seed = 0
    # Direct light only: with bounces, weathered surfaces would tint their neighbours' light.
    scene.cycles.max_bounces = 0
    scene.render.resolution_x, scene.render.resolution_y = width, height
    scene.render.resolution_percentage = 100
    scene.view_settings.view_transform = "Standard"
    scene.render.image_settings.file_format = "PNG"
    scene.render.image_settings.color_depth = "16"


def show_mask_instead(materials) -> None:
    """Make each weathered material emit its layer's decay mask, to render where it is."""
    for material in materials:
        tree = material.node_tree
        layer = next(n for n in tree.nodes if n.get("weathering_class"))
        emission = tree.nodes.new("ShaderNodeEmission")
        tree.links.new(layer.outputs["Mask"], emission.inputs["Strength"])
        tree.links.new(emission.outputs[0], tree.get_output_node("CYCLES").inputs["Surface"])
