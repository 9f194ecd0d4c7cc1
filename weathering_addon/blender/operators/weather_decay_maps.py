import bpy

from ...core.client import BackendError
from ...core.decay_maps import DecayOrder, fetch_decay_maps
from ...core.errors import UserError
from ..apply import apply_decay_maps, check_single_users
from ..bake_cues import bake_cues, plan_uv_map
from ..images import texture_directory
from ..preferences import backend_client
from .background import BackgroundOperator
from .settings import PanelDefaults, selected_meshes


class WEATHERING_OT_weather_decay_maps(PanelDefaults, BackgroundOperator, bpy.types.Operator):
    """Bake the selected meshes' cues (occlusion, curvature, normal, position, base colour) with
    Cycles and add a layer whose decay and harmonized textures the backend made in each mesh's
    UV space (meshes without UVs get a Smart UV Project map)"""

    bl_idname = "weathering.weather_decay_maps"
    bl_label = "Weather with Decay Maps"
    bl_options = {"REGISTER", "UNDO"}

    weathering_class: bpy.props.StringProperty(name="Class", description="e.g. rust, moss")
    age: bpy.props.FloatProperty(name="Age", min=0.0, max=1.0, default=0.5)
    seed: bpy.props.IntProperty(name="Seed", min=0, default=0)
    scale: bpy.props.FloatProperty(
        name="Scale", min=0.01, max=1000.0, default=1.0, description="Texture repeats per unit"
    )
    texture_size: bpy.props.IntProperty(
        name="Map Size", min=64, max=4096, default=1024, description="Cue and decay maps, pixels"
    )

    def prepare(self, context):
        objects = selected_meshes(context)
        check_single_users(objects)
        size = self.checked_texture_size(context)
        try:
            order = DecayOrder(
                self.setting(context, "weathering_class"),
                self.setting(context, "age"),
                self.setting(context, "seed"),
                self.setting(context, "scale"),
            )
        except ValueError as error:
            raise UserError(str(error)) from None
        # Baking reads the scene, so it happens here, on the main thread; nothing is changed.
        self._uv_plans = [plan_uv_map(obj) for obj in objects]
        cues = [
            bake_cues(obj, size, plan) for obj, plan in zip(objects, self._uv_plans, strict=True)
        ]
        self._object_names = [obj.name for obj in objects]
        self._age = order.age
        client = backend_client(context)
        directory, self._pack = texture_directory()
        names = list(self._object_names)

        def work(progress):
            presets = {preset["name"]: preset for preset in client.classes()}
            if order.weathering_class not in presets:
                raise BackendError(
                    f"The backend has no class {order.weathering_class!r}; it offers "
                    f"{', '.join(sorted(presets))}"
                )
            map_sets = []
            for name, cue_maps in zip(names, cues, strict=True):
                map_sets.append(
                    fetch_decay_maps(client, order, name, cue_maps, directory, progress)
                )
            return presets[order.weathering_class], map_sets

        return work

    def finish(self, context, result):
        preset, map_sets = result
        objects = [bpy.data.objects.get(name) for name in self._object_names]
        if any(obj is None for obj in objects):
            raise UserError("An object to weather was deleted while its decay maps were made")
        count = apply_decay_maps(objects, map_sets, self._uv_plans, preset, self._age, self._pack)
        self.report(
            {"INFO"},
            f"Weathered {count} material(s) on {len(objects)} object(s) with {preset['label']} "
            "decay maps",
        )
