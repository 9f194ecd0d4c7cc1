"""Operator arguments that fall back to the panel's values (scene.weathering) when unset."""

from __future__ import annotations


class PanelDefaults:
    """Mixin: self.setting(context, name) is the operator's value if a script set it, else the
    panel's, which is then stored on the operator so Redo shows what was used."""

    def setting(self, context, name: str, scene_name: str | None = None):
        if self.properties.is_property_set(name):
            return getattr(self, name)
        value = getattr(context.scene.weathering, scene_name or name)
        setattr(self, name, int(value) if name == "texture_size" else value)
        return getattr(self, name)
