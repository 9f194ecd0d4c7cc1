"""A small scene to try weathering on: a painted metal barrel, a concrete wall and a wooden fence
on a ground plane, with a camera and a sun. Built with bmesh, so it works in background mode."""

from __future__ import annotations

import bmesh
import bpy
from mathutils import Matrix, Vector


def _material(name: str, colour, metallic: float, roughness: float) -> bpy.types.Material:
    material = bpy.data.materials.new(name)
    if material.node_tree is None:
        material.use_nodes = True
    shader = material.node_tree.nodes.get("Principled BSDF")
    shader.inputs["Base Color"].default_value = (*colour, 1.0)
    shader.inputs["Metallic"].default_value = metallic
    shader.inputs["Roughness"].default_value = roughness
    return material


def _object(collection, name: str, fill, material, location, uvs: bool = True):
    """A mesh object from a function that fills a bmesh; real dimensions, unit scale."""
    mesh = bpy.data.meshes.new(name)
    bm = bmesh.new()
    if uvs:
        bm.loops.layers.uv.new("UVMap")
    fill(bm, uvs)
    bm.to_mesh(mesh)
    bm.free()
    for polygon in mesh.polygons:
        polygon.use_smooth = name == "Barrel"
    obj = bpy.data.objects.new(name, mesh)
    obj.location = location
    if material is not None:
        mesh.materials.append(material)
    collection.objects.link(obj)
    return obj


def _box(size):
    def fill(bm, uvs):
        bmesh.ops.create_cube(bm, size=1.0, calc_uvs=uvs)
        bmesh.ops.transform(bm, matrix=Matrix.Diagonal((*size, 1.0)), verts=bm.verts)

    return fill


def _fence(bm, uvs):
    for x in (-1.4, 0.0, 1.4):  # posts
        posts = bmesh.ops.create_cube(bm, size=1.0, calc_uvs=uvs)["verts"]
        bmesh.ops.transform(bm, matrix=Matrix.Diagonal((0.12, 0.12, 1.2, 1)), verts=posts)
        bmesh.ops.translate(bm, vec=Vector((x, 0, 0.6)), verts=posts)
    for z in (0.35, 0.9):  # rails
        rail = bmesh.ops.create_cube(bm, size=1.0, calc_uvs=uvs)["verts"]
        bmesh.ops.transform(bm, matrix=Matrix.Diagonal((3.0, 0.05, 0.14, 1)), verts=rail)
        bmesh.ops.translate(bm, vec=Vector((0, -0.08, z)), verts=rail)


def _barrel(bm, uvs):
    bmesh.ops.create_cone(
        bm, cap_ends=True, segments=32, radius1=0.45, radius2=0.45, depth=1.2, calc_uvs=uvs
    )


def _ground(bm, uvs):
    bmesh.ops.create_grid(bm, x_segments=1, y_segments=1, size=6.0, calc_uvs=uvs)


def build_demo_scene(scene: bpy.types.Scene) -> dict[str, bpy.types.Object]:
    """Add the demo objects, camera and light to the scene; returns the objects by name."""
    collection = bpy.data.collections.new("Weathering Demo")
    scene.collection.children.link(collection)
    metal = _material("Painted Metal", (0.12, 0.22, 0.35), 0.8, 0.35)
    concrete = _material("Concrete", (0.38, 0.37, 0.34), 0.0, 0.85)
    wood = _material("Wood", (0.35, 0.22, 0.12), 0.0, 0.7)
    ground = _material("Ground", (0.25, 0.23, 0.2), 0.0, 0.95)
    objects = {
        "Barrel": _object(collection, "Barrel", _barrel, metal, (-1.6, -0.3, 0.6)),
        # The wall has no UVs on purpose: its layer uses box projection.
        "Wall": _object(
            collection, "Wall", _box((3.2, 0.35, 1.8)), concrete, (0.9, 1.0, 0.9), False
        ),
        "Fence": _object(collection, "Fence", _fence, wood, (0.6, -0.8, 0.0)),
        "Ground": _object(collection, "Ground", _ground, ground, (0, 0, 0)),
    }
    camera = bpy.data.objects.new("Camera", bpy.data.cameras.new("Camera"))
    camera.location = (0.2, -6.5, 2.4)
    direction = Vector((0.0, 0.3, 0.7)) - camera.location
    camera.rotation_euler = direction.to_track_quat("-Z", "Y").to_euler()
    camera.data.lens = 32
    sun = bpy.data.objects.new("Sun", bpy.data.lights.new("Sun", "SUN"))
    sun.data.energy = 2.5
    sun.data.angle = 0.1
    sun.rotation_euler = (0.8, 0.2, -0.6)
    for obj in (camera, sun):
        collection.objects.link(obj)
    scene.camera = camera
    if scene.world is None:
        scene.world = bpy.data.worlds.new("World")
    background = scene.world.node_tree.nodes.get("Background") if scene.world.node_tree else None
    if background is not None:
        background.inputs["Color"].default_value = (0.45, 0.55, 0.7, 1.0)
        background.inputs["Strength"].default_value = 0.5
    return objects
