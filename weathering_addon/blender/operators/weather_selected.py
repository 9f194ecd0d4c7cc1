import bpy

from ...core.errors import UserError
from ...core.textures import TextureOrder, fetch_texture_set
from ..apply import apply_texture_set
from ..images import texture_directory
from ..preferences import backend_client
from .background import BackgroundOperator
from .settings import PanelDefaults, selected_meshes


class WEATHERING_OT_weather_selected(PanelDefaults, BackgroundOperator, bpy.types.Operator):
    """Add a weathering layer to every material of the selected meshes"""

    bl_idname = "weathering.weather_selected"
    bl_label = "Weather Selected"
    bl_options = {"REGISTER", "UNDO"}

    # Unset properties take the panel's values (scene.weathering); scripts may set any of them.
    weathering_class: bpy.props.StringProperty(name="Class", description="e.g. rust, moss")
    age: bpy.props.FloatProperty(name="Age", min=0.0, max=1.0, default=0.5)
    seed: bpy.props.IntProperty(name="Seed", min=0, default=0)
    scale: bpy.props.FloatProperty(name="Scale", min=0.01, max=1000.0, default=1.0)
    texture_size: bpy.props.IntProperty(name="Texture Size", min=64, max=4096, default=1024)

    @classmethod
    def poll(cls, context):
        return context.scene is not None

    def prepare(self, context):
        objects = selected_meshes(context)
        size = self.checked_texture_size(context)
        try:
            order = TextureOrder(
                weathering_class=self.setting(context, "weathering_class"),
                seed=self.setting(context, "seed"),
                size=size,
                scale=1.0,
            )
        except ValueError as error:
            raise UserError(str(error)) from None
        self._object_names = [obj.name for obj in objects]
        self._age = self.setting(context, "age")
        self._scale = self.setting(context, "scale")
        client = backend_client(context)
        # Decided once: a file saved while textures are made still gets the maps it was sent.
        directory, self._pack = texture_directory()
        return lambda progress: fetch_texture_set(client, order, directory, progress)

    def finish(self, context, texture_set):
        objects = [bpy.data.objects[n] for n in self._object_names if n in bpy.data.objects]
        if not objects:
            raise UserError("The objects to weather were deleted while textures were made")
        count = apply_texture_set(objects, texture_set, self._age, self._scale, self._pack)
        self.report(
            {"INFO"},
            f"Weathered {count} material(s) on {len(objects)} object(s) with "
            f"{texture_set.preset['label']} ({texture_set.generator})",
        )
