import bpy

from ...core.jobs import active_job


class WEATHERING_OT_cancel(bpy.types.Operator):
    """Stop the running weathering job; the scene is left as it was"""

    bl_idname = "weathering.cancel"
    bl_label = "Cancel"

    @classmethod
    def poll(cls, context):
        return active_job() is not None

    def execute(self, context):
        active_job().cancel()
        return {"FINISHED"}
