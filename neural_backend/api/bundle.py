"""Arrays in and out of HTTP bodies as .npz archives: no base64, no JSON or PNG around the pixels.

A bundle is what `np.savez` writes: one .npy entry per array, plus JSON text stored as a 0-d
string array (readable with allow_pickle=False). Reading checks every entry as an uploaded
.npy is checked, and refuses entries whose declared size would outgrow the body limit.
"""

from __future__ import annotations

import io
import json
import zipfile

import numpy as np
from fastapi import HTTPException

from neural_backend.decoding import ImageDecodeError, decode_image_native

MEDIA_TYPE = "application/x-npz"


class Bundle:
    def __init__(self, data: bytes, max_bytes: int):
        try:
            self.archive = zipfile.ZipFile(io.BytesIO(data))
        except zipfile.BadZipFile:
            raise HTTPException(422, "body: not an .npz archive (zip of .npy files)") from None
        self.entries = {i.filename.removesuffix(".npy"): i for i in self.archive.infolist()}
        declared = sum(info.file_size for info in self.entries.values())
        if declared > max_bytes:
            raise HTTPException(
                413, f"body: its arrays unpack to {declared} bytes; the limit is {max_bytes}"
            )

    def image(self, name: str, max_side: int, required: bool = True) -> np.ndarray | None:
        """An image entry in its own type and channels, checked like an uploaded .npy."""
        if name not in self.entries:
            if required:
                raise HTTPException(422, f"{name}: missing from the .npz (entries: {self.names})")
            return None
        try:
            return decode_image_native(self._read(name), max_side)
        except ImageDecodeError as error:
            raise HTTPException(422, f"{name}: {error}") from None

    def json(self, name: str) -> dict:
        """A JSON object stored as a 0-d string array (np.array(json.dumps(...)))."""
        if name not in self.entries:
            return {}
        try:
            text = np.load(io.BytesIO(self._read(name)), allow_pickle=False)
            value = json.loads(str(text)) if text.dtype.kind == "U" and text.ndim == 0 else None
        except (ValueError, EOFError, OSError):
            value = None
        if not isinstance(value, dict):
            raise HTTPException(422, f"{name}: expected JSON object text as a 0-d string array")
        return value

    @property
    def names(self) -> str:
        return ", ".join(sorted(self.entries)) or "none"

    def _read(self, name: str) -> bytes:
        try:
            return self.archive.read(self.entries[name])
        except (zipfile.BadZipFile, OSError, EOFError, NotImplementedError) as error:
            raise HTTPException(422, f"{name}: unreadable .npz entry ({error})") from None


def write_bundle(arrays: dict[str, np.ndarray], **texts: dict) -> bytes:
    """Arrays and JSON-able objects as an uncompressed .npz (fast on loopback)."""
    buffer = io.BytesIO()
    np.savez(buffer, **arrays, **{name: np.array(json.dumps(v)) for name, v in texts.items()})
    return buffer.getvalue()
