from fastapi import APIRouter, HTTPException, Request

from neural_backend.api.encoding import decode_field, decode_native_field, encode_map
from neural_backend.api.inference import run_in_queue
from neural_backend.api.schemas import WeatherRequest, WeatherResponse
from neural_backend.codecs import quantize
from neural_backend.pipeline.image_input import from_float_rgb, to_float_rgb
from neural_backend.pipeline.progress import Progress

router = APIRouter(prefix="/v1", tags=["weather"])


@router.post("/weather", response_model=WeatherResponse, response_model_by_alias=True)
async def weather(body: WeatherRequest, request: Request) -> WeatherResponse:
    """Age an image: decay where the targets (or the mask) are, the photo's light kept."""
    state = request.app.state
    return await run_in_queue(request, "weather", lambda progress: age_image(body, state, progress))


def age_image(body: WeatherRequest, state, progress: Progress) -> WeatherResponse:
    limit = state.settings.max_image_side
    if body.targets is not None and len(body.targets) > state.settings.max_targets:
        raise HTTPException(
            422, f"targets: {len(body.targets)} given; at most {state.settings.max_targets}"
        )
    progress.update(0.02, "reading the image")
    try:
        photo, original = to_float_rgb(decode_native_field("image", body.image, limit))
    except ValueError as error:
        raise HTTPException(422, f"image: {error}") from None
    mask = None if body.mask is None else decode_field("mask", body.mask, limit, "L") / 255.0
    try:
        result = state.weatherer.weather(
            photo,
            body.weathering_class,
            body.age,
            body.seed,
            body.targets,
            mask,
            body.scale,
            body.generator,
            progress,
        )
    except ValueError as error:
        raise HTTPException(422, str(error)) from None
    progress.update(0.95, "encoding")
    image, decay = from_float_rgb(result.image, original), result.decay
    if body.format == "npy":  # integers, as PNG would carry them, without the compression
        image, decay = quantize(image, original.bit_depth), quantize(decay, 16)
    return WeatherResponse(
        image=encode_map(image, body.format, original.bit_depth),
        decay_map=encode_map(decay, body.format, 16, "linear"),
        texture=encode_map(result.texture),
        found=result.found,
        targets=result.targets,
    )
