"""What the layer operators act on: every material of the selected meshes, once each."""


def selected_materials(context) -> list:
    seen, materials = set(), []
    for obj in context.selected_objects:
        if obj.type != "MESH":
            continue
        for slot in obj.material_slots:
            if slot.material is not None and slot.material.name not in seen:
                seen.add(slot.material.name)
                materials.append(slot.material)
    return materials
