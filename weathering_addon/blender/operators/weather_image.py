import bpy

from ...core.errors import UserError
from ...core.weather_image import fetch_weathered
from ..image_pixels import image_to_npy
from ..images import load_weathered, texture_directory
from ..preferences import backend_client
from ..properties import list_targets, ticked_targets
from .background import BackgroundOperator
from .settings import PanelDefaults


def source_image(context, name: str) -> bpy.types.Image:
    """The named image, else the Image Editor's, else the active camera's background image."""
    if name:
        if name not in bpy.data.images:
            raise UserError(f"No image called {name!r}")
        return bpy.data.images[name]
    space = getattr(context, "space_data", None)
    if space is not None and space.type == "IMAGE_EDITOR" and space.image is not None:
        return space.image
    camera = context.scene.camera
    if camera is not None and camera.type == "CAMERA":
        for background in camera.data.background_images:
            if background.image is not None:
                return background.image
    raise UserError("Open an image in the Image Editor or give the camera a background image")


class WEATHERING_OT_weather_image(PanelDefaults, BackgroundOperator, bpy.types.Operator):
    """Make an aged copy of a photo and its decay map: segmentation picks where, by class"""

    bl_idname = "weathering.weather_image"
    bl_label = "Weather Image"
    bl_options = {"REGISTER", "UNDO"}

    image_name: bpy.props.StringProperty(name="Image", description="Default: the editor's image")
    weathering_class: bpy.props.StringProperty(name="Class", description="e.g. rust, moss")
    age: bpy.props.FloatProperty(name="Age", min=0.0, max=1.0, default=0.5)
    seed: bpy.props.IntProperty(name="Seed", min=0, default=0)
    scale: bpy.props.FloatProperty(name="Scale", min=0.125, max=16.0, default=1.0)
    targets: bpy.props.StringProperty(
        name="Targets", description="Classes to weather, comma-separated (default: those ticked)"
    )

    def prepare(self, context):
        source = source_image(context, self.image_name)
        if source.get("weathering_source"):
            source = bpy.data.images.get(source["weathering_source"], source)  # re-age the original
        settings = context.scene.weathering
        targets = tuple(t.strip() for t in self.targets.split(",") if t.strip()) or ticked_targets(
            settings
        )
        order = self.image_order(context, targets)
        try:
            image_bytes = image_to_npy(source)
        except ValueError as error:
            raise UserError(str(error)) from None
        self._source = source.name
        directory, self._pack = texture_directory()
        client = backend_client(context)
        return lambda progress: fetch_weathered(
            client, order, image_bytes, None, directory, source.name, progress
        )

    def finish(self, context, files):
        aged, _ = load_weathered(self._source, files, self._pack)
        aged["weathering_source"] = self._source
        list_targets(context.scene.weathering, files.found, files.targets)
        space = getattr(context, "space_data", None)
        if space is not None and space.type == "IMAGE_EDITOR":
            space.image = aged
        self.report({"INFO"}, f"Weathered {', '.join(files.targets)} in {self._source}")
