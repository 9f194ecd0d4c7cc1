import tempfile
from pathlib import Path

import bpy

from ...core.errors import UserError
from ...core.weather_image import fetch_weathered
from .. import compositor
from ..images import load_weathered, texture_directory
from ..preferences import backend_client
from .background import BackgroundOperator
from .settings import PanelDefaults

CAPTURE_INDEX = 31337  # pass index given to the selected objects for one capture render


class WEATHERING_OT_weather_render(PanelDefaults, BackgroundOperator, bpy.types.Operator):
    """Render, weather the selected objects in the render (exact masks from the object index
    pass), and set up the compositor so that re-renders keep the aging"""

    bl_idname = "weathering.weather_render"
    bl_label = "Weather Render"
    bl_options = {"REGISTER", "UNDO"}

    weathering_class: bpy.props.StringProperty(name="Class", description="e.g. rust, moss")
    age: bpy.props.FloatProperty(name="Age", min=0.0, max=1.0, default=0.5)
    seed: bpy.props.IntProperty(name="Seed", min=0, default=0)
    scale: bpy.props.FloatProperty(name="Scale", min=0.125, max=16.0, default=1.0)

    def prepare(self, context):
        scene = context.scene
        objects = [obj for obj in context.selected_objects if obj.type == "MESH"]
        if not objects:
            raise UserError("Select the mesh objects to weather in the render")
        if scene.camera is None:
            raise UserError("The scene has no camera to render from")
        if scene.render.engine == "BLENDER_WORKBENCH":  # it has no object index pass to mask by
            raise UserError("Weather Render needs Cycles or EEVEE: Workbench has no object index")
        order = self.image_order(context)
        render_png, mask_png = capture(scene, objects)
        directory, self._pack = texture_directory()
        self._name = f"{scene.name} render"
        client = backend_client(context)
        return lambda progress: fetch_weathered(
            client, order, render_png, mask_png, directory, self._name, progress
        )

    def finish(self, context, files):
        aged, decay = load_weathered(self._name, files, self._pack)
        compositor.use_group(context.scene, compositor.aged_group(aged, decay))
        self.report(
            {"INFO"},
            f"Weathered the render; the compositor now mixes it in ({compositor.AGED_GROUP})",
        )


def capture(scene, objects) -> tuple[bytes, bytes]:
    """One render with the capture compositor: the image and the objects' exact mask, as PNG
    bytes. Pass indices, passes and the compositor are restored afterwards, whatever happens."""
    view_layer = bpy.context.view_layer
    saved_indices = {obj.name: obj.pass_index for obj in scene.objects}
    saved_pass = view_layer.use_pass_object_index
    saved_group = scene.compositing_node_group
    with tempfile.TemporaryDirectory(prefix="weathering_capture_") as folder:
        try:
            selected = {obj.name for obj in objects}
            for obj in scene.objects:
                obj.pass_index = CAPTURE_INDEX if obj.name in selected else 0
            view_layer.use_pass_object_index = True
            scene.compositing_node_group = compositor.capture_group(Path(folder), CAPTURE_INDEX)
            bpy.ops.render.render(scene=scene.name)
            render_png, mask_png = (Path(folder) / f"{n}.png" for n in ("render", "mask"))
            if not render_png.exists() or not mask_png.exists():
                raise UserError(
                    "The render did not write its capture files; is compositing enabled?"
                )
            return render_png.read_bytes(), mask_png.read_bytes()
        finally:
            for obj in scene.objects:
                obj.pass_index = saved_indices.get(obj.name, obj.pass_index)
            view_layer.use_pass_object_index = saved_pass
            scene.compositing_node_group = saved_group
            capture_group = bpy.data.node_groups.get(compositor.CAPTURE_GROUP)
            if capture_group is not None:
                bpy.data.node_groups.remove(capture_group)
