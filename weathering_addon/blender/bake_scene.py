"""Cycles bakes in a scene of their own. A copy of the object (with its own mesh and material
copies) is what gets baked, so the user's scene, selection, mode, materials and render settings
are never touched, and everything made for the bake goes when it ends."""

from __future__ import annotations

import bpy
import numpy as np

TARGET = "weathering_bake_target"  # on the image node each material copy bakes into


class BakeScene:
    def __enter__(self) -> BakeScene:
        self.scene = bpy.data.scenes.new("Weathering Bake")
        self.scene.render.engine = "CYCLES"
        self.scene.cycles.device = "CPU"
        self._made: list = []  # (collection, datablock), removed on exit
        return self

    def __exit__(self, *error) -> None:
        for collection, block in reversed(self._made):
            try:
                collection.remove(block)
            except ReferenceError:  # it went with another (removing a mesh removes its objects)
                continue
        bpy.data.scenes.remove(self.scene)

    def _keep(self, collection, block):
        self._made.append((collection, block))
        return block

    def copy_object(self, obj: bpy.types.Object) -> bpy.types.Object:
        """The object where it is in the world, on a copy of its mesh, modifiers kept."""
        copy = self._keep(bpy.data.objects, obj.copy())
        copy.data = self._keep(bpy.data.meshes, obj.data.copy())
        copy.animation_data_clear()  # nothing may move it away from where it is now
        copy.constraints.clear()
        copy.parent = None
        copy.matrix_world = obj.matrix_world.copy()
        self.scene.collection.objects.link(copy)
        return copy

    def own_materials(self, copy: bpy.types.Object) -> None:
        """Give the copy copies of its materials (a default one where a slot is empty)."""
        materials = copy.data.materials
        if len(materials) == 0:
            materials.append(None)
        for index, material in enumerate(materials):
            source = material or bpy.data.materials.new("Weathering Bake Default")
            materials[index] = self._keep(bpy.data.materials, source.copy())
            if material is None:
                bpy.data.materials.remove(source)

    def material(self, name: str) -> bpy.types.Material:
        material = self._keep(bpy.data.materials, bpy.data.materials.new(name))
        material.node_tree.nodes.clear()
        return material

    def image(self, name: str, size: int) -> bpy.types.Image:
        """A float image to bake into, removed when the bake scene goes."""
        image = bpy.data.images.new(name, size, size, alpha=True, float_buffer=True)
        image.colorspace_settings.name = "Non-Color"
        return self._keep(bpy.data.images, image)

    def bake(self, copy: bpy.types.Object, kind: str, image, samples: int, **options) -> None:
        """Bake one pass of every material of the copy into the image (Cycles, CPU)."""
        self.scene.cycles.samples = samples
        for material in copy.data.materials:
            nodes = material.node_tree.nodes
            target = next((n for n in nodes if n.get(TARGET)), None)
            if target is None:
                target = nodes.new("ShaderNodeTexImage")
                target[TARGET] = True
            target.image = image
            nodes.active = target
        size = image.size[0]
        layer = self.scene.view_layers[0]
        with bpy.context.temp_override(
            scene=self.scene,
            view_layer=layer,
            active_object=copy,
            object=copy,
            selected_objects=[copy],
            selected_editable_objects=[copy],
        ):
            bpy.ops.object.bake(
                type=kind,
                margin=max(4, size // 64),  # texels filled past each island against bleeding
                margin_type="EXTEND",
                use_clear=True,
                target="IMAGE_TEXTURES",
                **options,
            )

    def unwrap(self, mesh: bpy.types.Mesh) -> np.ndarray:
        """Smart UV Project of a copy of the mesh: (loops × 2,) UVs for a mesh that has none."""
        copy = self._keep(bpy.data.meshes, mesh.copy())
        obj = self._keep(bpy.data.objects, bpy.data.objects.new("Weathering Unwrap", copy))
        self.scene.collection.objects.link(obj)
        copy.polygons.foreach_set("select", np.ones(len(copy.polygons), bool))
        layer = self.scene.view_layers[0]
        layer.objects.active = obj
        with bpy.context.temp_override(
            scene=self.scene, view_layer=layer, active_object=obj, object=obj, edit_object=obj
        ):
            bpy.ops.object.mode_set(mode="EDIT")
            bpy.ops.uv.smart_project(island_margin=0.02)
            bpy.ops.object.mode_set(mode="OBJECT")
        uvs = np.empty(len(copy.loops) * 2, np.float32)
        copy.uv_layers[0].data.foreach_get("uv", uvs)
        return uvs
