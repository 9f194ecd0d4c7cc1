"""Weathering layers in materials: insert a layer group between the surface shader and the
material output, update it in place, and remove it so the node tree is exactly as before."""

from __future__ import annotations

import bpy

from . import node_group

CLASS_PROPERTY = "weathering_class"
CREATED_NODES = "weathering_created_nodes"  # on a material: nodes we added to give it a surface
CREATED_MATERIAL = "weathering_created"  # on a material we made for an object that had none
ADDED_SLOTS = "weathering_added_slot"  # on an object that had no slot: we gave it one
FILLED_SLOTS = "weathering_filled_slots"  # on an object: empty slots we filled (indices)
AGE_FACTOR = "weathering_age_factor"  # on a layer: its share of the scene's age (presets)
ADDED_UV = "weathering_added_uv"  # on a mesh: the UV map we unwrapped for decay maps


def layer_nodes(material: bpy.types.Material, weathering_class: str | None = None) -> list:
    tree = material.node_tree
    if tree is None:
        return []
    return [
        node
        for node in tree.nodes
        if node.get(CLASS_PROPERTY) and weathering_class in (None, node[CLASS_PROPERTY])
    ]


def object_materials(obj: bpy.types.Object) -> list[bpy.types.Material]:
    """The object's materials, giving it one where it has no slot or an empty slot."""
    if not obj.material_slots:
        obj.data.materials.append(_base_material(obj))
        obj[ADDED_SLOTS] = 1
    filled = []
    for index, slot in enumerate(obj.material_slots):
        if slot.material is None:
            slot.material = _base_material(obj)
            filled.append(index)
    if filled:
        obj[FILLED_SLOTS] = filled
    return [slot.material for slot in obj.material_slots]


def _base_material(obj: bpy.types.Object) -> bpy.types.Material:
    material = bpy.data.materials.new(f"{obj.name} Weathering Base")
    if material.node_tree is None:  # before Blender 5.0 a new material has no nodes
        material.use_nodes = True
    material[CREATED_MATERIAL] = True
    return material


def _surface_socket(material: bpy.types.Material):
    """The Material Output's Surface input, adding an output and a shader where there is none."""
    tree = material.node_tree
    created = []
    output = tree.get_output_node("CYCLES")
    if output is None:
        output = tree.nodes.new("ShaderNodeOutputMaterial")
        created.append(output.name)
    surface = output.inputs["Surface"]
    if not surface.is_linked:
        shader = tree.nodes.new("ShaderNodeBsdfPrincipled")
        shader.location = output.location.x - 300, output.location.y
        tree.links.new(shader.outputs["BSDF"], surface)
        created.append(shader.name)
    if created:
        material[CREATED_NODES] = created
    return output, surface


def insert_layer(material, group, weathering_class: str, label: str, values: dict):
    """Add a layer of this class on top of the material's surface, or update the one it has."""
    if material.node_tree is None:
        material.use_nodes = True
    existing = layer_nodes(material, weathering_class)
    if existing:
        node = existing[0]
        node.node_tree = group
    else:
        tree = material.node_tree
        output, surface = _surface_socket(material)
        below = surface.links[0].from_socket
        node = tree.nodes.new("ShaderNodeGroup")
        node.node_tree = group
        node.name = f"Weathering {weathering_class}"
        node.label = f"Weathering Layer: {label}"
        node[CLASS_PROPERTY] = weathering_class
        node.width = 240
        node.location = output.location.x, output.location.y + 200 * (len(layer_nodes(material)))
        tree.links.remove(surface.links[0])
        tree.links.new(below, node.inputs["Shader"])
        tree.links.new(node.outputs["Shader"], surface)
    for name, value in values.items():
        node.inputs[name].default_value = value
    return node


def remove_layer(material: bpy.types.Material, node) -> None:
    """Take one layer out and join what was below it to what was above it."""
    tree = material.node_tree
    shader_in = node.inputs["Shader"]
    below = shader_in.links[0].from_socket if shader_in.is_linked else None
    above = [link.to_socket for link in node.outputs["Shader"].links]
    if tree.animation_data and tree.animation_data.action:
        _drop_node_animation(tree, node)
    stop_driving_age(tree, node)
    tree.nodes.remove(node)
    if below is not None:
        for socket in above:
            tree.links.new(below, socket)
    if not layer_nodes(material) and CREATED_NODES in material:
        for name in material[CREATED_NODES]:
            if name in tree.nodes:
                tree.nodes.remove(tree.nodes[name])
        del material[CREATED_NODES]


def _drop_node_animation(tree, node) -> None:
    """Keyframes on the layer's inputs (age over time) go with the layer."""
    prefix = f'nodes["{node.name}"]'
    action = tree.animation_data.action
    for fcurve in [f for f in _fcurves(action) if f.data_path.startswith(prefix)]:
        _fcurves(action).remove(fcurve)


def _fcurves(action):
    # Blender 5.0 keeps F-curves in layered-action channelbags; 4.x on the action itself.
    if hasattr(action, "fcurves"):
        return action.fcurves
    for layer in action.layers:
        for strip in layer.strips:
            for bag in strip.channelbags:
                return bag.fcurves
    return []


def remove_from_object(obj: bpy.types.Object, weathering_class: str | None = None) -> int:
    """Remove layers (all, or one class) from the object's materials; returns how many."""
    removed = 0
    for slot in obj.material_slots:
        material = slot.material
        if material is None:
            continue
        for node in layer_nodes(material, weathering_class):
            remove_layer(material, node)
            removed += 1
    release_created_materials(obj)
    release_added_uv_map(obj)
    return removed


def release_added_uv_map(obj: bpy.types.Object) -> None:
    """Drop the UV map we unwrapped for decay maps once no layer of ours is left (exact restore)."""
    mesh = obj.data
    name = mesh.get(ADDED_UV)
    if name is None or any(layer_nodes(m) for m in mesh.materials if m is not None):
        return
    if name in mesh.uv_layers:
        mesh.uv_layers.remove(mesh.uv_layers[name])
    del mesh[ADDED_UV]


def release_created_materials(obj: bpy.types.Object) -> None:
    """Give back the slots and materials we made, once no layer is left in them."""

    def ours_and_bare(material) -> bool:
        return material is not None and material.get(CREATED_MATERIAL) and not layer_nodes(material)

    for index in obj.get(FILLED_SLOTS, []):
        slot = obj.material_slots[index]
        if ours_and_bare(slot.material):
            slot.material = None
    obj.pop(FILLED_SLOTS, None)
    if obj.get(ADDED_SLOTS) and ours_and_bare(obj.material_slots[-1].material):
        # We add a slot only to a mesh that had none, so clearing restores it exactly (and,
        # unlike pop(), also shrinks the object's own slot list).
        obj.data.materials.clear()
        del obj[ADDED_SLOTS]
    for material in [m for m in bpy.data.materials if m.get(CREATED_MATERIAL) and m.users == 0]:
        bpy.data.materials.remove(material)


def remove_unused_groups() -> int:
    unused = [g for g in bpy.data.node_groups if node_group.is_weathering_group(g) and g.users == 0]
    for group in unused:
        bpy.data.node_groups.remove(group)
    return len(unused)


def layer_stack(material: bpy.types.Material) -> list:
    """The material's layers from the bottom (nearest the original shader) to the top."""
    output = material.node_tree.get_output_node("CYCLES") if material.node_tree else None
    if output is None or not output.inputs["Surface"].is_linked:
        return []
    stack, node = [], output.inputs["Surface"].links[0].from_node
    while node.get(CLASS_PROPERTY) and node.inputs["Shader"].is_linked:
        stack.append(node)
        node = node.inputs["Shader"].links[0].from_node
    return stack[::-1]


def move_layer(material: bpy.types.Material, weathering_class: str, steps: int) -> bool:
    """Move a class's layer up (steps > 0) or down the stack; False if it cannot move."""
    stack = layer_stack(material)
    names = [node[CLASS_PROPERTY] for node in stack]
    if weathering_class not in names:
        return False
    index = names.index(weathering_class)
    target = min(max(index + steps, 0), len(stack) - 1)
    if target == index:
        return False
    tree = material.node_tree
    base = stack[0].inputs["Shader"].links[0].from_socket
    surface = tree.get_output_node("CYCLES").inputs["Surface"]
    for node in stack:  # unlink the chain, then link it again in the new order
        tree.links.remove(node.inputs["Shader"].links[0])
    tree.links.remove(surface.links[0])
    stack.insert(target, stack.pop(index))
    below = base
    for node in stack:
        tree.links.new(below, node.inputs["Shader"])
        below = node.outputs["Shader"]
    tree.links.new(below, surface)
    return True


def drive_age(node, scene: bpy.types.Scene) -> None:
    """The layer's Age follows the scene's age (× the layer's age factor), frame by frame."""
    factor = float(node.get(AGE_FACTOR, 1.0))
    curve = node.inputs["Age"].driver_add("default_value")
    driver = curve.driver
    driver.type = "SCRIPTED"
    variable = driver.variables.new()
    variable.name, variable.type = "age", "SINGLE_PROP"
    variable.targets[0].id_type = "SCENE"
    variable.targets[0].id = scene
    variable.targets[0].data_path = "weathering.scene_age"
    driver.expression = f"min(1.0, age * {factor:.6g})"  # a simple expression: no Python needed


def stop_driving_age(tree, node) -> None:
    """Back to the layer's own Age; an animation record left empty goes too (exact restore)."""
    node.inputs["Age"].driver_remove("default_value")
    data = tree.animation_data
    if data is not None and data.action is None and len(data.drivers) == 0:
        tree.animation_data_clear()
