"""Material presets (GET /v1/materials): a kind of surface as stacked weathering layers, each
with its share of the material's age and its strength. Fetching one fetches every layer's maps."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .client import BackendClient, BackendError
from .jobs import Progress
from .textures import TextureOrder, TextureSet, fetch_texture_set


@dataclass
class FetchedLayer:
    texture_set: TextureSet
    age: float
    strength: float
    age_factor: float


class _Share:
    """One step's progress as its share of the whole: step i of n runs from i/n to (i+1)/n."""

    def __init__(self, progress: Progress, index: int, count: int):
        self.progress, self.index, self.count = progress, index, count

    def update(self, fraction: float, message: str) -> None:
        self.progress.update((self.index + fraction) / self.count, message)

    def check(self) -> None:
        self.progress.check()


def fetch_material(
    client: BackendClient,
    name: str,
    age: float,
    seed: int,
    size: int,
    directory: Path,
    progress: Progress,
) -> list[FetchedLayer]:
    """Every layer of the material preset, bottom first, with its maps written to directory."""
    materials = {material["name"]: material for material in client.materials()}
    if name not in materials:
        raise BackendError(
            f"The backend has no material preset {name!r}; it offers {', '.join(sorted(materials))}"
        )
    layers = materials[name]["layers"]
    fetched = []
    for index, layer in enumerate(layers):
        order = TextureOrder(weathering_class=layer["class"], seed=seed, size=size, scale=1.0)
        texture_set = fetch_texture_set(
            client, order, directory, _Share(progress, index, len(layers))
        )
        factor = layer["age_factor"]
        fetched.append(FetchedLayer(texture_set, min(1.0, age * factor), layer["strength"], factor))
    return fetched
