"""Base for operators that wait on the backend: off the main thread when a person clicks,
synchronous in scripts and in background mode. Nothing in the scene changes until the work is
done, so a failure or a Cancel leaves the scene exactly as it was."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import bpy

from ...core.client import BackendError
from ...core.errors import UserError
from ...core.jobs import Cancelled, Progress, start_job

REPORTED = (BackendError, UserError, Cancelled)


class BackgroundOperator:
    """Subclasses define prepare() (main thread: read the scene, return the work) and
    finish() (main thread: apply the work's result to the scene)."""

    def prepare(self, context) -> Callable[[Progress], Any]:
        raise NotImplementedError

    def finish(self, context, result) -> None:
        raise NotImplementedError

    def execute(self, context):
        try:
            work = self.prepare(context)
            self.finish(context, work(Progress()))
        except REPORTED as error:
            self.report({"ERROR"}, str(error) or "Cancelled")
            return {"CANCELLED"}
        return {"FINISHED"}

    def invoke(self, context, event):
        if bpy.app.background:
            return self.execute(context)
        try:
            self._job = start_job(self.bl_label, self.prepare(context))
        except (*REPORTED, RuntimeError) as error:
            self.report({"ERROR"}, str(error))
            return {"CANCELLED"}
        manager = context.window_manager
        self._timer = manager.event_timer_add(0.1, window=context.window)
        manager.modal_handler_add(self)
        return {"RUNNING_MODAL"}

    def modal(self, context, event):
        job = self._job
        if event.type == "ESC" and event.value == "PRESS":
            job.cancel()
        if event.type != "TIMER":
            return {"PASS_THROUGH"}
        _redraw_panels(context)
        if not job.done:
            return {"PASS_THROUGH"}
        context.window_manager.event_timer_remove(self._timer)
        if job.cancelled or isinstance(job.error, Cancelled):
            self.report({"WARNING"}, f"{self.bl_label} cancelled; nothing was changed")
            return {"CANCELLED"}
        if job.error is not None:
            self.report({"ERROR"}, str(job.error))
            return {"CANCELLED"}
        try:
            self.finish(context, job.result)
        except REPORTED as error:
            self.report({"ERROR"}, str(error))
            return {"CANCELLED"}
        return {"FINISHED"}


def _redraw_panels(context) -> None:
    for area in context.screen.areas if context.screen else []:
        if area.type in {"VIEW_3D", "IMAGE_EDITOR", "PREFERENCES"}:
            area.tag_redraw()
