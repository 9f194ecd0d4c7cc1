from fastapi import APIRouter, HTTPException, Request, Response
from pydantic import ValidationError

from neural_backend.api.bundle import MEDIA_TYPE, Bundle, write_bundle
from neural_backend.api.encoding import decode_field, decode_native_field, encode_map
from neural_backend.api.inference import run_in_queue
from neural_backend.api.schemas import WeatherOptions, WeatherRequest, WeatherResponse
from neural_backend.codecs import quantize
from neural_backend.decoding import unit_float
from neural_backend.pipeline.image_input import from_float_rgb, to_float_rgb
from neural_backend.pipeline.progress import Progress

router = APIRouter(prefix="/v1", tags=["weather"])

NPZ_BODY = {"content": {MEDIA_TYPE: {"schema": {"type": "string", "format": "binary"}}}}


@router.post("/weather", response_model=WeatherResponse, response_model_by_alias=True)
async def weather(body: WeatherRequest, request: Request) -> WeatherResponse:
    """Age an image: decay where the targets (or the mask) are, the photo's light kept."""
    state = request.app.state
    return await run_in_queue(request, "weather", lambda progress: age_image(body, state, progress))


@router.post(
    "/weather/npz",
    response_class=Response,
    responses={200: {**NPZ_BODY, "description": "image, decay_map, texture and result"}},
    openapi_extra={"requestBody": {"required": True, **NPZ_BODY}},
)
async def weather_npz(request: Request) -> Response:
    """POST /v1/weather for clients that hold arrays: an .npz (as np.savez writes it) both ways,
    with no base64, JSON or PNG around the pixels.

    In: `image` (uint8, uint16 or float32; (H, W) or (H, W, 1–4)), optionally `mask` ((H, W);
    uint8 255, uint16 65535 or float 1 = weather) and `options`, the other fields of
    POST /v1/weather as JSON text in a 0-d string array. Out: `image` in the input's type and
    channels, `decay_map` (uint16, linear), `texture` (uint8 sRGB albedo) and `result` (JSON
    text: found, targets)."""
    state, data = request.app.state, await request.body()
    return Response(
        await run_in_queue(request, "weather", lambda progress: age_npz(data, state, progress)),
        media_type=MEDIA_TYPE,
    )


def age_image(body: WeatherRequest, state, progress: Progress) -> WeatherResponse:
    limit = state.settings.max_image_side
    progress.update(0.02, "reading the image")
    image = decode_native_field("image", body.image, limit)
    mask = None if body.mask is None else decode_field("mask", body.mask, limit, "L") / 255.0
    result, original = _age(body, image, mask, state, progress)
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


def age_npz(data: bytes, state, progress: Progress) -> bytes:
    progress.update(0.02, "reading the arrays")
    limit = state.settings.max_image_side
    bundle = Bundle(data, state.settings.max_body_bytes)
    try:
        options = WeatherOptions.model_validate(bundle.json("options"))
    except ValidationError as error:
        raise HTTPException(422, f"options: {_first_error(error)}") from None
    image, mask = bundle.image("image", limit), bundle.image("mask", limit, required=False)
    if mask is not None and mask.ndim != 2:
        raise HTTPException(422, f"mask: expected (height, width), got shape {mask.shape}")
    mask = None if mask is None else unit_float(mask)
    result, original = _age(options, image, mask, state, progress)
    aged = from_float_rgb(result.image, original).reshape(image.shape)
    return write_bundle(
        {
            "image": aged if image.dtype.kind == "f" else quantize(aged, original.bit_depth),
            "decay_map": quantize(result.decay, 16),
            "texture": quantize(result.texture, 8),
        },
        result={"found": result.found, "targets": result.targets},
    )


def _age(options: WeatherOptions, image, mask, state, progress: Progress):
    """The weathered result and the input's description, with every refusal a 422."""
    if options.targets is not None and len(options.targets) > state.settings.max_targets:
        raise HTTPException(
            422, f"targets: {len(options.targets)} given; at most {state.settings.max_targets}"
        )
    try:
        photo, original = to_float_rgb(image)
    except ValueError as error:
        raise HTTPException(422, f"image: {error}") from None
    try:
        result = state.weatherer.weather(
            photo,
            options.weathering_class,
            options.age,
            options.seed,
            options.targets,
            mask,
            options.scale,
            options.generator,
            progress,
        )
    except ValueError as error:
        raise HTTPException(422, str(error)) from None
    progress.update(0.95, "encoding")
    return result, original


def _first_error(error: ValidationError) -> str:
    item = error.errors()[0]
    return f"{'.'.join(str(p) for p in item['loc']) or 'options'}: {item['msg']}"
