import bpy

from ..layers import layer_nodes
from .selected_layers import selected_materials


class WEATHERING_OT_toggle_layer(bpy.types.Operator):
    """Hide or show one class's layer (muted: the material renders as if it were not there)"""

    bl_idname = "weathering.toggle_layer"
    bl_label = "Toggle Layer"
    bl_options = {"REGISTER", "UNDO"}

    weathering_class: bpy.props.StringProperty(name="Class")
    show: bpy.props.BoolProperty(name="Show", default=False)

    def execute(self, context):
        nodes = [
            node
            for material in selected_materials(context)
            for node in layer_nodes(material, self.weathering_class)
        ]
        for node in nodes:
            node.mute = not self.show  # a muted group passes its Shader input straight through
        state = "shown" if self.show else "hidden"
        self.report({"INFO"}, f"{self.weathering_class} {state} in {len(nodes)} material(s)")
        return {"FINISHED"}
