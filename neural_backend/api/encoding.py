"""Images in and out of JSON bodies: base64 file bytes, with errors a client can act on."""

from __future__ import annotations

import base64
import binascii

import numpy as np
from fastapi import HTTPException

from neural_backend.api.schemas import EncodedMap
from neural_backend.codecs import encode, media_type
from neural_backend.decoding import ImageDecodeError, decode_image, decode_image_native


def encode_map(
    image: np.ndarray, image_format: str = "png", bit_depth: int = 8, colour_space: str = "sRGB"
) -> EncodedMap:
    return EncodedMap(
        format=image_format,
        media_type=media_type(image_format),
        width=image.shape[1],
        height=image.shape[0],
        channels=1 if image.ndim == 2 else image.shape[2],
        colour_space=colour_space,
        data=base64.b64encode(encode(image, image_format, bit_depth)).decode("ascii"),
    )


def decode_base64(name: str, data: str) -> bytes:
    """A base64 request field's bytes, or a 422 that names the field."""
    try:
        return base64.b64decode(data, validate=True)
    except (binascii.Error, ValueError):
        raise HTTPException(422, f"{name}: not valid base64") from None


def decode_field(name: str, data: str, max_side: int, mode: str = "RGB") -> np.ndarray:
    """A base64 image field of a request as uint8 RGB or L, or a 422 that names the field."""
    try:
        return decode_image(decode_base64(name, data), mode, max_side)
    except ImageDecodeError as error:
        raise HTTPException(422, f"{name}: {error}") from None


def decode_native_field(name: str, data: str, max_side: int) -> np.ndarray:
    """A base64 image field in its own bit depth and channels, or a 422 that names the field."""
    try:
        return decode_image_native(decode_base64(name, data), max_side)
    except ImageDecodeError as error:
        raise HTTPException(422, f"{name}: {error}") from None


def require_model(state, name: str):
    """The loaded model, or a 503 saying which weights are missing."""
    if name not in state.models:
        raise HTTPException(503, f"the {name} model is not loaded: its weights are missing")
    return state.models[name]
