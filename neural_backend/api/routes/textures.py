import base64

from fastapi import APIRouter, HTTPException, Request

from neural_backend.api.schemas import EncodedMap, TextureRequest, TextureResponse
from neural_backend.codecs import encode, media_type

router = APIRouter(prefix="/v1", tags=["textures"])


def _choose(name: str, allowed: dict, what: str):
    if name not in allowed:
        raise HTTPException(422, f"unknown {what} {name!r}; allowed: {', '.join(sorted(allowed))}")
    return allowed[name]


# A plain def: FastAPI runs it in its thread pool, so generation never blocks the event loop.
@router.post("/textures", response_model=TextureResponse, response_model_by_alias=True)
def create_texture(body: TextureRequest, request: Request) -> TextureResponse:
    """Albedo, height and roughness maps of one class that tile exactly."""
    state = request.app.state
    preset = _choose(body.weathering_class, state.presets, "class")
    generate = _choose(body.generator, state.generators, "generator")
    maps = generate(preset, body.size, body.seed, body.scale)
    encoded = {}
    for name, image in maps.items():
        encoded[name] = EncodedMap(
            format=body.format,
            media_type=media_type(body.format),
            width=image.shape[1],
            height=image.shape[0],
            channels=1 if image.ndim == 2 else image.shape[2],
            colour_space="sRGB" if name == "albedo" else "linear",
            data=base64.b64encode(encode(image, body.format, body.bit_depth)).decode("ascii"),
        )
    return TextureResponse(
        weathering_class=preset.name,
        size=body.size,
        seed=body.seed,
        scale=body.scale,
        generator=body.generator,
        maps=encoded,
    )
