"""One file per user action; every operator is also a scripting API (bpy.ops.weathering.*)."""

from .add_demo_scene import WEATHERING_OT_add_demo_scene
from .backend import (
    WEATHERING_OT_check_backend,
    WEATHERING_OT_start_backend,
    WEATHERING_OT_stop_backend,
    stop_local_backend,
)
from .bake import WEATHERING_OT_bake, WEATHERING_OT_restore_bake
from .cancel import WEATHERING_OT_cancel
from .move_layer import WEATHERING_OT_move_layer
from .queue_batch import WEATHERING_OT_queue_batch
from .remove import WEATHERING_OT_remove
from .scene_age import WEATHERING_OT_use_scene_age
from .toggle_layer import WEATHERING_OT_toggle_layer
from .weather_decay_maps import WEATHERING_OT_weather_decay_maps
from .weather_image import WEATHERING_OT_weather_image
from .weather_material import WEATHERING_OT_weather_material
from .weather_render import WEATHERING_OT_weather_render
from .weather_selected import WEATHERING_OT_weather_selected

CLASSES = (
    WEATHERING_OT_weather_selected,
    WEATHERING_OT_weather_material,
    WEATHERING_OT_weather_decay_maps,
    WEATHERING_OT_weather_image,
    WEATHERING_OT_weather_render,
    WEATHERING_OT_remove,
    WEATHERING_OT_cancel,
    WEATHERING_OT_start_backend,
    WEATHERING_OT_stop_backend,
    WEATHERING_OT_check_backend,
    WEATHERING_OT_add_demo_scene,
    WEATHERING_OT_queue_batch,
    WEATHERING_OT_move_layer,
    WEATHERING_OT_toggle_layer,
    WEATHERING_OT_use_scene_age,
    WEATHERING_OT_bake,
    WEATHERING_OT_restore_bake,
)

__all__ = ["CLASSES", "stop_local_backend"]
