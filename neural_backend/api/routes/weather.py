from fastapi import APIRouter, HTTPException, Request

from neural_backend.api.encoding import decode_base64, decode_field, encode_map
from neural_backend.api.schemas import WeatherRequest, WeatherResponse
from neural_backend.codecs import ImageDecodeError, decode_image_native
from neural_backend.pipeline.image_input import from_float_rgb, to_float_rgb

router = APIRouter(prefix="/v1", tags=["weather"])


@router.post("/weather", response_model=WeatherResponse, response_model_by_alias=True)
def weather(body: WeatherRequest, request: Request) -> WeatherResponse:
    """Age an image: decay where the targets (or the mask) are, the photo's light kept."""
    try:
        photo, original = to_float_rgb(decode_image_native(decode_base64("image", body.image)))
    except (ImageDecodeError, ValueError) as error:
        raise HTTPException(422, f"image: {error}") from None
    mask = None if body.mask is None else decode_field("mask", body.mask, mode="L") / 255.0
    try:
        result = request.app.state.weatherer.weather(
            photo,
            body.weathering_class,
            body.age,
            body.seed,
            body.targets,
            mask,
            body.scale,
            body.generator,
        )
    except ValueError as error:
        raise HTTPException(422, str(error)) from None
    return WeatherResponse(
        image=encode_map(from_float_rgb(result.image, original), bit_depth=original.bit_depth),
        decay_map=encode_map(result.decay, bit_depth=16, colour_space="linear"),
        texture=encode_map(result.texture),
        found=result.found,
        targets=result.targets,
    )
