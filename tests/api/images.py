"""Images as the API carries them: base64 file bytes."""

import base64
import io

import numpy as np
import png
from PIL import Image


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def png_bytes(array: np.ndarray) -> bytes:
    buffer = io.BytesIO()
    Image.fromarray(array).save(buffer, format="PNG")
    return buffer.getvalue()


def b64_png(array: np.ndarray) -> str:
    return b64(png_bytes(array))


def png16_bytes(array: np.ndarray) -> bytes:
    buffer = io.BytesIO()
    height, width, planes = array.shape
    png.Writer(width, height, greyscale=planes == 1, bitdepth=16).write(
        buffer, array.reshape(height, -1)
    )
    return buffer.getvalue()


def npy_bytes(array: np.ndarray, allow_pickle: bool = False) -> bytes:
    buffer = io.BytesIO()
    np.save(buffer, array, allow_pickle=allow_pickle)
    return buffer.getvalue()


def read_png(encoded: dict) -> np.ndarray:
    return np.asarray(Image.open(io.BytesIO(base64.b64decode(encoded["data"]))))
