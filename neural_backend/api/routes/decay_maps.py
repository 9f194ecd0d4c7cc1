import numpy as np
from fastapi import APIRouter, HTTPException, Request

from neural_backend.api.encoding import decode_native_field, encode_map
from neural_backend.api.inference import run_in_queue
from neural_backend.api.schemas import DecayMapsRequest, DecayMapsResponse
from neural_backend.decoding import unit_float
from neural_backend.pipeline.asset_cues import BakedCues
from neural_backend.pipeline.asset_decay import SCORE_OFFSET, SCORE_RANGE, SOFTNESS
from neural_backend.pipeline.progress import Progress

router = APIRouter(prefix="/v1", tags=["decay maps"])


@router.post("/decay-maps", response_model=DecayMapsResponse)
async def decay_maps(body: DecayMapsRequest, request: Request) -> DecayMapsResponse:
    """An asset's decay in its UV space from baked cues, with the weathering's maps laid on it
    and the albedo harmonized to the asset's base colour."""
    state = request.app.state
    return await run_in_queue(
        request, "decay-maps", lambda progress: make_decay_maps(body, state, progress)
    )


def make_decay_maps(body: DecayMapsRequest, state, progress: Progress) -> DecayMapsResponse:
    progress.update(0.02, "reading the cue maps")
    limit = state.settings.max_texture_size
    try:
        baked = BakedCues(
            ambient_occlusion=_unit_map(body, "ambient_occlusion", limit, channels=1),
            curvature=_unit_map(body, "curvature", limit, channels=1),
            normal=_float_map(body, "normal", limit),
            position=_float_map(body, "position", limit),
        )
        result = state.asset_decay.make(
            baked,
            _base_colour(body, baked.normal.shape[:2], limit),
            body.weathering_class,
            body.age,
            body.seed,
            body.scale,
            body.generator,
            min(body.texture_size, limit),
            progress,
        )
    except ValueError as error:
        raise HTTPException(422, str(error)) from None
    progress.update(0.97, "encoding")
    linear = {"image_format": body.format, "bit_depth": 16, "colour_space": "linear"}
    return DecayMapsResponse(
        score=encode_map(result.encoded_score(), **linear),
        decay=encode_map(result.decay, **linear),
        albedo=encode_map(result.albedo, body.format, 16),
        height=encode_map(result.height, **linear),
        roughness=encode_map(result.roughness, **linear),
        score_offset=SCORE_OFFSET,
        score_range=SCORE_RANGE,
        softness=SOFTNESS,
        coverage=round(float(baked.coverage.mean()), 4),
        generator=body.generator,
    )


def _unit_map(body, name: str, limit: int, channels: int) -> np.ndarray:
    """A PNG or .npy field as floats in [0, 1], with the channel count asked for."""
    array = unit_float(decode_native_field(name, getattr(body, name), limit))
    if channels == 1 and array.ndim == 3:
        array = array[..., 0]  # a grey map saved as RGB(A): every channel holds the value
    if channels == 3 and array.ndim == 2:
        array = np.repeat(array[..., None], 3, axis=2)
    return array[..., :3] if channels == 3 else array


def _float_map(body, name: str, limit: int) -> np.ndarray:
    """An (H, W, 3) .npy field kept as real numbers (positions and normals can be negative)."""
    array = decode_native_field(name, getattr(body, name), limit)
    if array.dtype.kind != "f" or array.ndim != 3 or array.shape[2] < 3:
        raise HTTPException(
            422,
            f"{name}: expected a float .npy of shape (height, width, 3), got "
            f"{array.dtype} {array.shape}",
        )
    return array[..., :3].astype(np.float32)


def _base_colour(body, shape: tuple[int, int], limit: int) -> np.ndarray:
    if (body.base_colour is None) == (body.base_colour_value is None):
        raise HTTPException(422, "give exactly one of base_colour (an image) and base_colour_value")
    if body.base_colour_value is not None:
        value = np.asarray(body.base_colour_value, np.float32)
        if not ((value >= 0) & (value <= 1)).all():
            raise HTTPException(422, f"base_colour_value must be 0..1 each, got {list(value)}")
        return value
    colour = _unit_map(body, "base_colour", limit, channels=3)
    if colour.shape[:2] != shape:
        raise HTTPException(
            422,
            f"base_colour is {colour.shape[1]}×{colour.shape[0]}; the cue maps are "
            f"{shape[1]}×{shape[0]}",
        )
    return colour
