import bpy

from ..demo_scene import build_demo_scene


class WEATHERING_OT_add_demo_scene(bpy.types.Operator):
    """Add a barrel, a wall and a fence on a ground plane, with camera and sun, to try weathering"""

    bl_idname = "weathering.add_demo_scene"
    bl_label = "Add Demo Scene"
    bl_options = {"REGISTER", "UNDO"}

    def execute(self, context):
        for obj in context.selected_objects:
            obj.select_set(False)
        objects = build_demo_scene(context.scene)
        for obj in objects.values():
            obj.select_set(True)
        context.view_layer.objects.active = objects["Barrel"]
        return {"FINISHED"}
