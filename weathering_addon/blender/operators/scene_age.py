import bpy

from ..layers import drive_age, layer_nodes, stop_driving_age


class WEATHERING_OT_use_scene_age(bpy.types.Operator):
    """Let the scene's Age drive every weathering layer in the file (keyframe it to show decay
    spreading over a shot), or give each layer its own Age back"""

    bl_idname = "weathering.use_scene_age"
    bl_label = "Drive Layers by Scene Age"
    bl_options = {"REGISTER", "UNDO"}

    use: bpy.props.BoolProperty(name="Use", default=True)

    def execute(self, context):
        count = 0
        for material in bpy.data.materials:
            for node in layer_nodes(material):
                if self.use:
                    stop_driving_age(material.node_tree, node)  # never two drivers on one Age
                    drive_age(node, context.scene)
                else:
                    stop_driving_age(material.node_tree, node)
                count += 1
        action = "follow the scene's age" if self.use else "have their own age again"
        self.report({"INFO"}, f"{count} layer(s) {action}")
        return {"FINISHED"}
