"""Weathering: age assets and photos with rust, moss, dirt, peeling paint and water stains."""

import bpy

from .blender import operators, panels, preferences, properties

CLASSES = (*preferences.CLASSES, *properties.CLASSES, *operators.CLASSES, *panels.CLASSES)


def register():
    for cls in CLASSES:
        bpy.utils.register_class(cls)
    properties.register_settings()


def unregister():
    operators.stop_local_backend()
    properties.unregister_settings()
    for cls in reversed(CLASSES):
        bpy.utils.unregister_class(cls)
