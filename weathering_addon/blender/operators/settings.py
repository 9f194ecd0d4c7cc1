"""Operator arguments that fall back to the panel's values (scene.weathering) when unset."""

from __future__ import annotations

from ...core.errors import UserError
from ...core.textures import SIZES
from ...core.weather_image import WeatherImageOrder


def selected_meshes(context) -> list:
    objects = [obj for obj in context.selected_objects if obj.type == "MESH"]
    if not objects:
        raise UserError("Select at least one mesh object to weather")
    return objects


class PanelDefaults:
    """Mixin: self.setting(context, name) is the operator's value if a script set it, else the
    panel's, which is then stored on the operator so Redo shows what was used."""

    def setting(self, context, name: str, scene_name: str | None = None):
        if self.properties.is_property_set(name):
            return getattr(self, name)
        value = getattr(context.scene.weathering, scene_name or name)
        setattr(self, name, int(value) if name == "texture_size" else value)
        return getattr(self, name)

    def checked_texture_size(self, context) -> int:
        size = self.setting(context, "texture_size")
        if size not in SIZES:
            raise UserError(f"Texture size must be one of {SIZES}, got {size}")
        return size

    def image_order(self, context, targets=None):
        """The image-weathering order from the operator's or the panel's values.
        The panel's texture scale (up to 1000 for meshes) is clamped to the 0.125–16 of images."""
        try:
            return WeatherImageOrder(
                self.setting(context, "weathering_class"),
                self.setting(context, "age"),
                self.setting(context, "seed"),
                min(max(self.setting(context, "scale"), 0.125), 16.0),
                targets,
            )
        except ValueError as error:
            raise UserError(str(error)) from None
