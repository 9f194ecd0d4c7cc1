"""The Weathering tab in the 3D View's sidebar."""

import bpy

from ..core.jobs import active_job
from .operators.backend import local_backend
from .preferences import preferences


def draw_job(layout):
    """The running job's progress and its Cancel button; returns the job (or None)."""
    job = active_job()
    if job is not None:
        row = layout.row()
        row.progress(factor=job.progress.fraction, type="BAR", text=job.progress.message)
        row.operator("weathering.cancel", text="", icon="CANCEL")
    return job


class VIEW3D_PT_weathering(bpy.types.Panel):
    bl_label = "Weathering"
    bl_space_type = "VIEW_3D"
    bl_region_type = "UI"
    bl_category = "Weathering"

    def draw(self, context):
        layout = self.layout
        settings = context.scene.weathering
        self._draw_backend(context, layout.box())
        column = layout.column(align=True)
        for name in ("weathering_class", "age", "seed", "scale", "texture_size"):
            column.prop(settings, name)
        job = draw_job(layout)
        row = layout.row(align=True)
        row.enabled = job is None
        row.operator("weathering.weather_selected", icon="BRUSH_DATA")
        row.operator("weathering.remove", icon="X")
        layout.operator("weathering.weather_render", icon="RENDER_STILL")
        layout.operator("weathering.add_demo_scene", icon="SCENE_DATA")

    @staticmethod
    def _draw_backend(context, box):
        box.label(text=preferences(context).backend_url, icon="URL")
        row = box.row(align=True)
        if local_backend() is None:
            row.operator("weathering.start_backend", icon="PLAY")
        else:
            row.operator("weathering.stop_backend", icon="PAUSE")
        row.operator("weathering.check_backend", icon="FILE_REFRESH")


class IMAGE_PT_weathering(bpy.types.Panel):
    """Photos and backplates: weather the Image Editor's image by segmentation classes."""

    bl_label = "Weathering"
    bl_space_type = "IMAGE_EDITOR"
    bl_region_type = "UI"
    bl_category = "Weathering"

    def draw(self, context):
        layout = self.layout
        settings = context.scene.weathering
        column = layout.column(align=True)
        for name in ("weathering_class", "age", "seed", "scale"):
            column.prop(settings, name)
        job = draw_job(layout)
        row = layout.row()
        row.enabled = job is None
        row.operator("weathering.weather_image", icon="IMAGE_DATA")
        if len(settings.image_targets):
            box = layout.box()
            box.label(text="Found in the image (ticked: weathered)")
            for target in settings.image_targets:
                box.prop(target, "use", text=f"{target.name} ({target.share:.0%})")


CLASSES = (VIEW3D_PT_weathering, IMAGE_PT_weathering)
