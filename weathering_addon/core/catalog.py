"""The weathering classes and material presets the backend offers, cached from GET /v1/classes
and /v1/materials for the UI."""

from __future__ import annotations

# Shown until the backend has been reached once; the backend's list replaces it.
_FALLBACK = ("rust", "moss", "dirt", "peeling_paint", "water_stain", "weathered_concrete")

_classes: list[dict] = [
    {"name": name, "label": name.replace("_", " ").capitalize(), "description": ""}
    for name in _FALLBACK
]


def update(classes: list[dict]) -> None:
    if classes:
        _classes[:] = classes


def names() -> list[str]:
    return [entry["name"] for entry in _classes]


def enum_items() -> list[tuple[str, str, str]]:
    return [(c["name"], c["label"], c.get("description", "")) for c in _classes]


_materials: list[dict] = [
    {"name": name, "label": name.replace("_", " ").capitalize(), "description": ""}
    for name in ("painted_metal", "bare_iron", "concrete", "wood", "stone")
]


def update_materials(materials: list[dict]) -> None:
    if materials:
        _materials[:] = materials


def material_items() -> list[tuple[str, str, str]]:
    return [(m["name"], m["label"], m.get("description", "")) for m in _materials]
