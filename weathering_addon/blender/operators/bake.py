import bpy

from ...core.errors import UserError
from ..bake_weathering import bake_object, is_baked, restore_object
from ..images import texture_directory
from .settings import PanelDefaults, selected_meshes


class WEATHERING_OT_bake(PanelDefaults, bpy.types.Operator):
    """Bake the selected meshes' weathered look (base colour, roughness, normal) into image files
    on a plain material, so the file renders anywhere without the backend; Restore undoes it"""

    bl_idname = "weathering.bake"
    bl_label = "Bake Weathering"
    bl_options = {"REGISTER", "UNDO"}

    texture_size: bpy.props.IntProperty(
        name="Map Size", min=64, max=4096, default=1024, description="Baked maps, pixels"
    )

    def execute(self, context):
        try:
            objects = selected_meshes(context)
            size = self.checked_texture_size(context)
        except UserError as error:
            self.report({"ERROR"}, str(error))
            return {"CANCELLED"}
        # Saved files get the maps beside them; unsaved ones pack them (self-contained either way).
        directory, pack = texture_directory()
        done = []
        for obj in objects:
            try:
                bake_object(obj, size, directory, pack)
            except (ValueError, RuntimeError) as error:
                for baked in done:  # all or nothing
                    restore_object(baked)
                self.report({"ERROR"}, f"Could not bake {obj.name!r}: {error}")
                return {"CANCELLED"}
            done.append(obj)
        self.report({"INFO"}, f"Baked {len(done)} object(s) into {size}² maps")
        return {"FINISHED"}


class WEATHERING_OT_restore_bake(bpy.types.Operator):
    """Put the weathered (unbaked) materials back on the selected meshes and delete their bakes"""

    bl_idname = "weathering.restore_bake"
    bl_label = "Restore Unbaked"
    bl_options = {"REGISTER", "UNDO"}

    def execute(self, context):
        baked = [obj for obj in context.selected_objects if obj.type == "MESH" and is_baked(obj)]
        if not baked:
            self.report({"ERROR"}, "None of the selected objects is baked")
            return {"CANCELLED"}
        for obj in baked:
            restore_object(obj)
        self.report({"INFO"}, f"Restored {len(baked)} object(s)")
        return {"FINISHED"}
