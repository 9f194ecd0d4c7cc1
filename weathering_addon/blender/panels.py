"""The Weathering tab in the 3D View's sidebar."""

import bpy

from ..core.jobs import active_job
from .operators.backend import local_backend
from .operators.queue_batch import last_log_line, latest_batch
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
        row = layout.row(align=True)
        row.enabled = job is None
        row.operator("weathering.weather_decay_maps", text="Decay Maps", icon="UV")
        row.operator("weathering.bake", text="Bake", icon="RENDER_RESULT")
        row.operator("weathering.restore_bake", text="", icon="LOOP_BACK")
        row = layout.row(align=True)
        row.enabled = job is None
        row.prop(settings, "material_preset", text="")
        row.operator("weathering.weather_material", text="Weather as Material", icon="MATERIAL")
        row = layout.row(align=True)
        row.prop(settings, "scene_age")
        row.operator("weathering.use_scene_age", text="", icon="DRIVER").use = True
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


class VIEW3D_PT_weathering_batch(bpy.types.Panel):
    """Aged versions of the whole shot: every layer at each age, over the scene's frames."""

    bl_label = "Batch"
    bl_space_type = "VIEW_3D"
    bl_region_type = "UI"
    bl_category = "Weathering"
    bl_parent_id = "VIEW3D_PT_weathering"
    bl_options = {"DEFAULT_CLOSED"}

    def draw(self, context):
        layout = self.layout
        settings, scene = context.scene.weathering, context.scene
        column = layout.column(align=True)
        for name in ("batch_ages", "batch_output", "batch_workers"):
            column.prop(settings, name)
        layout.label(text=f"Frames {scene.frame_start}–{scene.frame_end} (the scene's range)")
        layout.operator("weathering.queue_batch", icon="RENDER_ANIMATION")
        batch = latest_batch()
        if batch is not None:
            process, log = batch
            state = "running" if process.poll() is None else f"ended ({process.returncode})"
            layout.label(text=f"Last batch {state}: {last_log_line(log)}"[:120])


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


CLASSES = (VIEW3D_PT_weathering, VIEW3D_PT_weathering_batch, IMAGE_PT_weathering)
