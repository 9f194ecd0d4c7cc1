"""Start, stop and check the backend from Blender."""

import os
import tempfile

import bpy

from ...core import catalog
from ...core.errors import UserError
from ...core.local_backend import LocalBackend
from ..preferences import backend_client, preferences
from .background import BackgroundOperator

_local: LocalBackend | None = None  # the backend process this Blender session started


def local_backend() -> LocalBackend | None:
    return _local if _local is not None and _local.running else None


def stop_local_backend() -> None:
    global _local
    if _local is not None:
        _local.stop()
        _local = None


class WEATHERING_OT_start_backend(BackgroundOperator, bpy.types.Operator):
    """Start a backend on this machine with the Python set in the preferences"""

    bl_idname = "weathering.start_backend"
    bl_label = "Start Backend"

    @classmethod
    def poll(cls, context):
        return local_backend() is None

    def prepare(self, context):
        global _local
        prefs = preferences(context)
        python = bpy.path.abspath(prefs.python_path) if prefs.python_path else ""
        if not python or not os.path.isfile(python):
            raise UserError(
                "Set 'Backend Python' in the extension's preferences to the Python that has "
                f"neural_backend installed (now: {python or 'empty'})"
            )
        log = os.path.join(tempfile.gettempdir(), "weathering-backend.log")
        try:
            _local = LocalBackend(python, prefs.backend_url, log_path=log, token=prefs.token)
        except ValueError as error:
            raise UserError(str(error)) from None
        backend, client = _local, backend_client(context)

        def work(progress):
            progress.update(0.1, "Starting the backend")
            backend.start()
            return client.classes(), client.materials()

        return work

    def finish(self, context, result):
        classes, materials = result
        catalog.update(classes)
        catalog.update_materials(materials)
        self.report({"INFO"}, f"Backend running at {_local.url} with {len(classes)} classes")


class WEATHERING_OT_stop_backend(bpy.types.Operator):
    """Stop the backend this Blender session started"""

    bl_idname = "weathering.stop_backend"
    bl_label = "Stop Backend"

    @classmethod
    def poll(cls, context):
        return local_backend() is not None

    def execute(self, context):
        stop_local_backend()
        self.report({"INFO"}, "Backend stopped")
        return {"FINISHED"}


class WEATHERING_OT_check_backend(BackgroundOperator, bpy.types.Operator):
    """Ask the backend for its health and its weathering classes"""

    bl_idname = "weathering.check_backend"
    bl_label = "Check Backend"

    def prepare(self, context):
        client = backend_client(context)
        return lambda progress: (client.health(), client.classes(), client.materials())

    def finish(self, context, result):
        health, classes, materials = result
        catalog.update(classes)
        catalog.update_materials(materials)
        self.report(
            {"INFO"},
            f"Backend {health['version']} on {health['device']}: {len(classes)} classes, "
            f"generators {', '.join(health['generators'])}",
        )
