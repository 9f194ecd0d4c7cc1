"""Add-on preferences: where the backend is, and how to start one locally."""

from __future__ import annotations

import bpy

from ..core.client import BackendClient

# The extension's package ("bl_ext.<repo>.weathering"), which Blender files preferences under.
ADDON_ID = __package__.rpartition(".")[0]


class WeatheringPreferences(bpy.types.AddonPreferences):
    bl_idname = ADDON_ID

    backend_url: bpy.props.StringProperty(
        name="Backend URL",
        default="http://127.0.0.1:8765",
        description="Address of the Weathering backend (weathering serve)",
    )
    token: bpy.props.StringProperty(
        name="Token",
        subtype="PASSWORD",
        default="",
        description="Bearer token, needed when the backend listens beyond this machine",
    )
    timeout: bpy.props.FloatProperty(
        name="Timeout (s)",
        default=120.0,
        min=1.0,
        max=3600.0,
        description="How long to wait for one answer from the backend",
    )
    python_path: bpy.props.StringProperty(
        name="Backend Python",
        subtype="FILE_PATH",
        default="",
        description="Python with neural_backend installed (.venv/bin/python) for Start Backend",
    )

    def draw(self, context):
        layout = self.layout
        layout.prop(self, "backend_url")
        layout.prop(self, "token")
        layout.prop(self, "timeout")
        layout.prop(self, "python_path")
        row = layout.row()
        row.operator("weathering.start_backend")
        row.operator("weathering.stop_backend")
        row.operator("weathering.check_backend")


def preferences(context=None) -> WeatheringPreferences:
    context = context or bpy.context
    return context.preferences.addons[ADDON_ID].preferences


def backend_client(context=None) -> BackendClient:
    prefs = preferences(context)
    return BackendClient(prefs.backend_url, prefs.token, prefs.timeout)


CLASSES = (WeatheringPreferences,)
