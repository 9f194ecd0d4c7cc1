import bpy

from ...core.errors import UserError
from ...core.materials import fetch_material
from ..apply import apply_layers
from ..images import texture_directory
from ..layers import AGE_FACTOR, layer_nodes
from ..preferences import backend_client
from .background import BackgroundOperator
from .settings import PanelDefaults, selected_meshes


class WEATHERING_OT_weather_material(PanelDefaults, BackgroundOperator, bpy.types.Operator):
    """Stack a material preset's weathering layers (e.g. painted metal: peeling paint, rust,
    dirt) on every material of the selected meshes, each with its share of the age"""

    bl_idname = "weathering.weather_material"
    bl_label = "Weather as Material"
    bl_options = {"REGISTER", "UNDO"}

    material: bpy.props.StringProperty(name="Material", description="e.g. painted_metal")
    age: bpy.props.FloatProperty(name="Age", min=0.0, max=1.0, default=0.5)
    seed: bpy.props.IntProperty(name="Seed", min=0, default=0)
    scale: bpy.props.FloatProperty(name="Scale", min=0.01, max=1000.0, default=1.0)
    texture_size: bpy.props.IntProperty(name="Texture Size", min=64, max=4096, default=1024)

    def prepare(self, context):
        objects = selected_meshes(context)
        size = self.checked_texture_size(context)
        name = self.setting(context, "material", "material_preset")
        age, seed = self.setting(context, "age"), self.setting(context, "seed")
        self._object_names = [obj.name for obj in objects]
        self._scale = self.setting(context, "scale")
        self._material = name
        client = backend_client(context)
        directory, self._pack = texture_directory()
        return lambda progress: fetch_material(client, name, age, seed, size, directory, progress)

    def finish(self, context, fetched):
        objects = [bpy.data.objects[n] for n in self._object_names if n in bpy.data.objects]
        if not objects:
            raise UserError("The objects to weather were deleted while textures were made")
        stack = [(layer.texture_set, layer.age, layer.strength) for layer in fetched]
        count = apply_layers(objects, stack, self._scale, self._pack)
        for layer in fetched:  # kept, so the scene's age can drive the layer at its own pace
            for obj in objects:
                for slot in obj.material_slots:
                    for node in layer_nodes(slot.material, layer.texture_set.preset["name"]):
                        node[AGE_FACTOR] = layer.age_factor
        classes = ", ".join(layer.texture_set.preset["label"] for layer in fetched)
        self.report({"INFO"}, f"Weathered {count} material(s) as {self._material}: {classes}")
