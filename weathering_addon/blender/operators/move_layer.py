import bpy

from ..layers import move_layer
from .selected_layers import selected_materials


class WEATHERING_OT_move_layer(bpy.types.Operator):
    """Move one class's layer up or down the stack in the selected objects' materials"""

    bl_idname = "weathering.move_layer"
    bl_label = "Move Layer"
    bl_options = {"REGISTER", "UNDO"}

    weathering_class: bpy.props.StringProperty(name="Class")
    direction: bpy.props.EnumProperty(
        name="Direction", items=[("UP", "Up", "Towards the top"), ("DOWN", "Down", "Down")]
    )

    def execute(self, context):
        steps = 1 if self.direction == "UP" else -1
        moved = sum(
            move_layer(m, self.weathering_class, steps) for m in selected_materials(context)
        )
        self.report({"INFO"}, f"Moved {self.weathering_class} in {moved} material(s)")
        return {"FINISHED"}
