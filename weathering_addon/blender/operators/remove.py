import bpy

from ..images import remove_unused_images
from ..layers import remove_from_object, remove_unused_groups


class WEATHERING_OT_remove(bpy.types.Operator):
    """Remove weathering layers from the selected objects, restoring their materials exactly"""

    bl_idname = "weathering.remove"
    bl_label = "Remove Weathering"
    bl_options = {"REGISTER", "UNDO"}

    weathering_class: bpy.props.StringProperty(
        name="Class", default="", description="Remove only this class; empty removes every layer"
    )

    def execute(self, context):
        objects = [obj for obj in context.selected_objects if obj.type == "MESH"]
        only = self.weathering_class or None
        removed = sum(remove_from_object(obj, only) for obj in objects)
        groups = remove_unused_groups()
        images = remove_unused_images()
        self.report(
            {"INFO"},
            f"Removed {removed} layer(s); deleted {groups} unused group(s), {images} image(s)",
        )
        return {"FINISHED"}
