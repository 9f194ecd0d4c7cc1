"""What every model's config shares: a frozen dataclass that round-trips through a JSON card."""

from __future__ import annotations

from dataclasses import asdict


class JsonConfig:
    """Mixin for frozen config dataclasses: JSON lists come back as the tuples they were."""

    def to_json(self) -> dict:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict):
        return cls(**{key: tuple(v) if isinstance(v, list) else v for key, v in data.items()})
