"""Request and response bodies of the HTTP API."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from neural_backend.generators import DEFAULT_GENERATOR

# Small working values for /docs' "Try it out" (and the seeds schema fuzzers start from): a 16×16
# grey PNG, and a mask of its middle.
EXAMPLE_IMAGE = (
    "iVBORw0KGgoAAAANSUhEUgAAABAAAAAQCAIAAACQkWg2AAAAIElEQVR42mO0sbFhIAWwcHJy0lgDFxfXqJNGnTQgTgIABRwC"
    "lh8W2PwAAAAASUVORK5CYII="
)
EXAMPLE_MASK = (
    "iVBORw0KGgoAAAANSUhEUgAAABAAAAAQCAAAAAA6mKC9AAAAG0lEQVR42mNgoBwwMjAwMPxH4jChq6CPADUAANBEARBPoE73"
    "AAAAAElFTkSuQmCC"
)
IMAGE_FIELD = {"examples": [EXAMPLE_IMAGE]}
CLASS_FIELD = {"alias": "class", "examples": ["rust"]}


class HealthResponse(BaseModel):
    status: Literal["ok"] = "ok"
    version: str
    device: str
    generators: list[str] = Field(description="Texture generators that can be asked for")
    models: list[str] = Field(description="Neural models loaded at start-up")
    classes: list[str]


class PbrResponse(BaseModel):
    metallic: float
    roughness_min: float
    roughness_max: float
    bump_strength: float


class WeatheringClass(BaseModel):
    name: str
    label: str
    description: str
    pbr: PbrResponse
    growth: dict[str, float] = Field(description="Where it grows: weight of each cue, 0..1")
    palette: list[str]


class ClassesResponse(BaseModel):
    classes: list[WeatheringClass]


class MaterialLayer(BaseModel):
    model_config = ConfigDict(populate_by_name=True)

    weathering_class: str = Field(alias="class")
    age_factor: float = Field(description="This layer's age = the material's age × age_factor")
    strength: float = Field(description="The layer's opacity")


class MaterialPreset(BaseModel):
    name: str
    label: str
    description: str
    layers: list[MaterialLayer] = Field(description="Bottom layer first")


class MaterialsResponse(BaseModel):
    materials: list[MaterialPreset]


class TextureRequest(BaseModel):
    model_config = ConfigDict(populate_by_name=True)

    weathering_class: str = Field(description="A name from GET /v1/classes", **CLASS_FIELD)
    size: int = Field(
        1024, ge=64, le=4096, description="Width and height in pixels", examples=[256]
    )
    seed: int = Field(0, ge=0, le=2**31 - 1, description="Same seed, same texture")
    scale: float = Field(
        1.0, ge=0.125, le=16.0, description="Zoom: 2 makes features twice as large"
    )
    generator: str = Field(DEFAULT_GENERATOR, description="A name from GET /v1/health")
    variation: float = Field(
        0.0, ge=0.0, le=1.0, description="Blend smoothly from this seed (0) to the next (1)"
    )
    format: Literal["png", "npy"] = Field("png", description="png, or float32 .npy for linear data")
    bit_depth: Literal[8, 16] = Field(8, description="PNG bit depth (ignored for npy)")


class EncodedMap(BaseModel):
    format: Literal["png", "npy"]
    media_type: str
    width: int
    height: int
    channels: int
    colour_space: Literal["sRGB", "linear"]
    data: str = Field(description="The file's bytes, base64")


class TextureResponse(BaseModel):
    model_config = ConfigDict(populate_by_name=True)

    weathering_class: str = Field(alias="class")
    size: int
    seed: int
    scale: float
    variation: float
    generator: str
    maps: dict[str, EncodedMap] = Field(description="albedo (sRGB), height and roughness (linear)")
    height_mean: float = Field(
        description="The height map's mean: the level the texture's breakup of decay is centred "
        "on, so the texture moves where decay reaches first, not how much of it there is"
    )
    breakup_gain: float = Field(
        description="What the centred height is multiplied by before the preset's breakup "
        "weight, so every texture breaks decay up equally (the decay maps apply it too)"
    )


class SegmentRequest(BaseModel):
    image: str = Field(description="PNG or JPEG bytes, base64", **IMAGE_FIELD)
    exit: Literal[1, 2, 3, "auto"] = Field(
        "auto", description="1 fast and rough … 3 slow and precise; auto stops when confident"
    )
    budget_ms: float | None = Field(
        None, gt=0, description="Time budget: the deepest exit that fits (overrides exit)"
    )


class SegmentResponse(BaseModel):
    labels: EncodedMap = Field(description="8-bit PNG, one class index per pixel, input size")
    class_names: list[str]
    class_confidence: dict[str, float] = Field(description="Mean top probability per class found")
    exit: int = Field(description="The exit that produced the labels")
    ms: float = Field(description="Inference time in milliseconds")


class HarmonizeRequest(BaseModel):
    composite: str = Field(
        description="The composite image, PNG or JPEG bytes, base64", **IMAGE_FIELD
    )
    mask: str = Field(
        description="Foreground mask, same size, PNG base64 (255 = pasted region)",
        examples=[EXAMPLE_MASK],
    )
    caution: float | None = Field(
        None,
        ge=0.0,
        le=100.0,
        description="How readily a correction the network's views disagree on, or a small one, "
        "is dropped; 0 keeps every correction (default: the server's, "
        "WEATHERING_HARMONIZATION_CAUTION, 4)",
    )


class HarmonizeResponse(BaseModel):
    image: EncodedMap = Field(description="The harmonized image, 8-bit sRGB PNG, full size")


class WeatherOptions(BaseModel):
    """How to age an image: everything but the pixels (POST /v1/weather/npz's `options`)."""

    model_config = ConfigDict(populate_by_name=True, extra="forbid")

    weathering_class: str = Field(description="A name from GET /v1/classes", **CLASS_FIELD)
    age: float = Field(0.5, ge=0.0, le=1.0, description="0 new … 1 fully weathered")
    seed: int = Field(0, ge=0, le=2**31 - 1)
    targets: list[str] | None = Field(
        None, description="Segmentation classes to weather (default: built things)"
    )
    scale: float = Field(1.0, ge=0.125, le=16.0, description="Texture zoom")
    generator: str = Field(DEFAULT_GENERATOR)


class WeatherRequest(WeatherOptions):
    model_config = ConfigDict(populate_by_name=True, extra="ignore")

    image: str = Field(
        description="Photo or render: PNG (8/16-bit, grey/RGB/RGBA), JPEG or .npy, base64",
        **IMAGE_FIELD,
    )
    mask: str | None = Field(
        None, description="Instead of targets: PNG base64, 255 = weather", examples=[EXAMPLE_MASK]
    )
    format: Literal["png", "npy"] = Field(
        "png",
        description="png, or .npy in the input's bit depth (uint8/uint16): no compression, "
        "for clients that want pixels rather than files",
    )


class WeatherResponse(BaseModel):
    image: EncodedMap = Field(description="The aged image, in the input's channels and bit depth")
    decay_map: EncodedMap = Field(description="Where decay is, 0..1, 16-bit linear")
    texture: EncodedMap = Field(description="The albedo tile used")
    found: dict[str, float] = Field(description="Classes segmented → share of pixels")
    targets: list[str] = Field(description="The classes weathered (empty when a mask was given)")


class DecayMapsRequest(BaseModel):
    """An asset's cue maps baked in its UV space, all the same size, top row first."""

    model_config = ConfigDict(populate_by_name=True)

    weathering_class: str = Field(description="A name from GET /v1/classes", **CLASS_FIELD)
    age: float = Field(0.5, ge=0.0, le=1.0, description="0 new … 1 fully weathered")
    seed: int = Field(0, ge=0, le=2**31 - 1)
    scale: float = Field(1.0, ge=0.01, le=1000.0, description="Texture repeats per scene unit")
    generator: str = Field(DEFAULT_GENERATOR)
    texture_size: int = Field(512, ge=64, le=4096, description="The texture tile laid on")
    ambient_occlusion: str = Field(description="(H, W): 1 open, 0 enclosed; PNG or .npy, base64")
    curvature: str = Field(description="(H, W): 0 flat, 1 sharp edge; PNG or .npy, base64")
    normal: str = Field(
        description="(H, W, 3) float .npy, base64: world-space unit normals, 0 off the mesh"
    )
    position: str = Field(description="(H, W, 3) float .npy, base64: world-space positions")
    base_colour: str | None = Field(
        None, description="The material's base colour in UV space: sRGB PNG or .npy, base64"
    )
    base_colour_value: tuple[float, float, float] | None = Field(
        None, description="Or one sRGB colour, each 0..1, for a material without an image"
    )
    format: Literal["png", "npy"] = Field("png", description="png, or float32 .npy")


class DecayMapsResponse(BaseModel):
    score: EncodedMap = Field(
        description="Age-free score, linear: score = value × score_range − score_offset; "
        "decay at age a = smoothstep(e, e + softness, score), e = 1 − a·(1 + softness)"
    )
    decay: EncodedMap = Field(description="Decay at the requested age, 0..1, linear")
    albedo: EncodedMap = Field(description="Weathering albedo harmonized to the base colour, sRGB")
    height: EncodedMap = Field(description="Weathering height, linear")
    roughness: EncodedMap = Field(description="Weathering roughness, linear")
    score_offset: float
    score_range: float
    softness: float
    coverage: float = Field(description="Share of texels the mesh covers")
    generator: str


class JobError(BaseModel):
    status: int = Field(description="The HTTP status the synchronous route would have answered")
    detail: str


class JobStatus(BaseModel):
    id: str
    kind: Literal["weather", "textures", "decay-maps"]
    state: Literal["queued", "running", "cancelling", "done", "failed", "cancelled"]
    progress: float = Field(description="0..1")
    message: str = Field(description="The current step")
    result: dict | None = Field(None, description="When done: the synchronous route's response")
    error: JobError | None = None
