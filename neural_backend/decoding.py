"""Image bytes from a client → arrays, refusing what cannot be read before it costs memory.

16-bit PNG (pypng: Pillow would keep only 8 bits of 16-bit RGB), NumPy .npy (uint8, uint16 or
float; never pickles), and through Pillow (fast, in C) 8-bit PNG, JPEG and the rest; grey and
alpha are kept. Sizes are checked from the header, before decoding, so a
decompression bomb is refused cheaply; every refusal says what was wrong and what is allowed.
"""

from __future__ import annotations

import io
import struct
import zlib

import numpy as np

from neural_backend.colour import LUMA

MAX_SIDE = 8192
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
NPY_MAGIC = b"\x93NUMPY"
NPY_DTYPES = ("uint8", "uint16", "float16", "float32", "float64")


class ImageDecodeError(ValueError):
    """Bytes that are not an image we can read, or one outside the limits."""


def check_size(width: int, height: int, max_side: int = MAX_SIDE) -> None:
    if width < 1 or height < 1:
        raise ImageDecodeError(f"the image is empty ({width}×{height} pixels)")
    if width > max_side or height > max_side:
        raise ImageDecodeError(
            f"the image is {width}×{height}; each side must be 1–{max_side} pixels"
        )


def decode_image_native(data: bytes, max_side: int = MAX_SIDE) -> np.ndarray:
    """Image bytes → array in the file's own pixel type and channels: (H, W) grey or (H, W, C)
    with C in 1–4; PNGs keep 16 bits, .npy keeps floats (finite ones only)."""
    if not data:
        raise ImageDecodeError("no image data (0 bytes)")
    if data.startswith(PNG_MAGIC) and data[24:25] == b"\x10":  # 16 bits: Pillow would drop 8
        return _decode_png16(data, max_side)
    if data.startswith(NPY_MAGIC):
        return _decode_npy(data, max_side)
    return _decode_pillow(data, max_side)


def decode_image(data: bytes, mode: str = "RGB", max_side: int = MAX_SIDE) -> np.ndarray:
    """Image bytes → uint8: (H, W, 3) for mode RGB, (H, W) for mode L. Alpha is dropped."""
    array = decode_image_native(data, max_side)
    values = unit_float(array)
    if values.ndim == 2:
        values = values[..., None]
    colour = values[..., :3] if values.shape[2] >= 3 else values[..., :1]
    if mode == "L":
        colour = colour[..., 0] if colour.shape[2] == 1 else colour @ LUMA
    elif colour.shape[2] == 1:
        colour = np.repeat(colour, 3, axis=2)
    return (colour * 255).round().astype(np.uint8)


def unit_float(array: np.ndarray) -> np.ndarray:
    """uint8, uint16 or float pixels as float32 in [0, 1]."""
    if array.dtype == np.uint8:
        return array.astype(np.float32) / 255
    if array.dtype == np.uint16:
        return array.astype(np.float32) / 65535
    return np.clip(array.astype(np.float32), 0.0, 1.0)


def _decode_png16(data: bytes, max_side: int) -> np.ndarray:
    fast = _decode_png16_fast(data, max_side)
    return fast if fast is not None else _decode_png16_pypng(data, max_side)


def _decode_png16_fast(data: bytes, max_side: int) -> np.ndarray | None:
    """16-bit PNGs whose rows use filters None, Sub or Up (what the extension and most encoders
    write for renders), unfiltered with numpy: pypng's pure-Python path takes about half a second
    for a 1080p frame. None when the file needs the general decoder."""
    chunks, offset = {}, 8
    try:
        while offset + 8 <= len(data):
            length, kind = struct.unpack(">I4s", data[offset : offset + 8])
            body = data[offset + 8 : offset + 8 + length]
            if (
                zlib.crc32(data[offset + 4 : offset + 8 + length])
                != struct.unpack(">I", data[offset + 8 + length : offset + 12 + length])[0]
            ):
                return None  # let the general decoder name the damage
            chunks.setdefault(kind, []).append(body)
            offset += 12 + length
        width, height, depth, colour, _, _, interlace = struct.unpack(
            ">IIBBBBB", chunks[b"IHDR"][0]
        )
        check_size(width, height, max_side)
        planes = {0: 1, 2: 3, 4: 2, 6: 4}.get(colour)
        if planes is None or interlace or depth != 16:
            return None
        stride = width * planes * 2
        raw = zlib.decompress(b"".join(chunks.get(b"IDAT", [])))
    except (KeyError, struct.error, zlib.error):
        return None
    if len(raw) != height * (stride + 1):
        return None
    rows = np.frombuffer(raw, np.uint8).reshape(height, stride + 1)
    filters, pixels = rows[:, 0], rows[:, 1:].copy()
    if not np.isin(filters, (0, 1, 2)).all():
        return None
    bytes_per_pixel = planes * 2
    for y in range(height):  # uint8 arithmetic wraps mod 256, exactly as PNG filters do
        if filters[y] == 1:
            per_byte = pixels[y].reshape(width, bytes_per_pixel)
            pixels[y] = np.cumsum(per_byte, axis=0, dtype=np.uint8).ravel()
        elif filters[y] == 2 and y:
            pixels[y] += pixels[y - 1]
    image = pixels.view(">u2").astype(np.uint16).reshape(height, width, planes)
    return image[..., 0] if planes == 1 else image


def _decode_png16_pypng(data: bytes, max_side: int) -> np.ndarray:
    import png

    try:
        reader = png.Reader(bytes=data)
        reader.preamble()  # the header alone: refuse huge images before inflating them
        check_size(reader.width, reader.height, max_side)
        width, height, rows, info = reader.asDirect()
        dtype = np.uint16 if info["bitdepth"] > 8 else np.uint8
        pixels = np.vstack([np.asarray(row, dtype) for row in rows])
    except (png.Error, ValueError, EOFError, OverflowError) as error:
        if isinstance(error, ImageDecodeError):
            raise
        raise ImageDecodeError(f"not a readable PNG ({error or 'truncated'})") from None
    planes = info["planes"]
    if pixels.size != width * height * planes:
        raise ImageDecodeError("not a readable PNG (truncated pixel data)")
    pixels = pixels.reshape(height, width, planes)
    return pixels[..., 0] if planes == 1 else pixels


def _decode_npy(data: bytes, max_side: int) -> np.ndarray:
    buffer = io.BytesIO(data)
    try:
        version = np.lib.format.read_magic(buffer)
        shape, _, dtype = np.lib.format._read_array_header(buffer, version)
    except (ValueError, SyntaxError, EOFError) as error:
        raise ImageDecodeError(f"not a readable .npy file ({error})") from None
    if dtype.name not in NPY_DTYPES:
        raise ImageDecodeError(f".npy pixel type {dtype} is not supported; use {NPY_DTYPES}")
    if len(shape) not in (2, 3) or (len(shape) == 3 and shape[2] not in (1, 2, 3, 4)):
        raise ImageDecodeError(
            f".npy array of shape {shape}: expected (height, width) or (height, width, 1–4)"
        )
    check_size(shape[1], shape[0], max_side)
    buffer.seek(0)
    try:
        array = np.load(buffer, allow_pickle=False)
    except (ValueError, EOFError, OSError) as error:
        raise ImageDecodeError(f"not a readable .npy file ({error})") from None
    if array.dtype.kind == "f":
        bad = int(np.count_nonzero(~np.isfinite(array)))
        if bad:
            raise ImageDecodeError(
                f"the image has {bad} NaN or infinite values; all must be finite"
            )
        array = array.astype(np.float32)
    return array


def _decode_pillow(data: bytes, max_side: int) -> np.ndarray:
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(io.BytesIO(data)) as image:
            check_size(image.width, image.height, max_side)
            mode = {"L": "L", "1": "L", "LA": "LA", "RGBA": "RGBA"}.get(image.mode, "RGB")
            if image.mode in ("P", "RGB") and "transparency" in image.info:
                mode = "RGBA"
            return np.asarray(image.convert(mode))
    except Image.DecompressionBombError:
        raise ImageDecodeError(
            f"the image is far too large; each side must be 1–{max_side} pixels"
        ) from None
    except UnidentifiedImageError:
        if data.startswith(PNG_MAGIC):
            raise ImageDecodeError("not a readable PNG (its header is damaged)") from None
        raise ImageDecodeError(
            "not a readable image (not PNG, JPEG, .npy or another known format)"
        ) from None
    except (OSError, SyntaxError, ValueError) as error:
        if isinstance(error, ImageDecodeError):
            raise
        kind = "PNG" if data.startswith(PNG_MAGIC) else "image"
        raise ImageDecodeError(f"not a readable {kind} ({error})") from None
