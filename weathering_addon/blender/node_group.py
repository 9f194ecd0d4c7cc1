"""The "Weathering Layer" node group: a Principled BSDF of the weathering mixed over the
material's own shader by a decay mask computed in the shader from geometry cues.

mask = smoothstep(e0, e0 + softness, score) * strength,  e0 = 1 - age * (1 + softness)
score = spread * weighted mean of cavity (1 - AO), edges (bevel vs. true normal), up-facing
        normals and low areas (generated Z), + breakup * gain * (texture height - its mean);
        the gain brings every texture's height to the same contrast (see HeightBreakup).
For a fixed point the score does not depend on age and e0 falls as age rises, so growth is
monotonic: whatever is weathered at age 0.3 is still weathered at 0.6.
"""

from __future__ import annotations

import bpy

from ..core.textures import HeightBreakup

GROUP_PREFIX = "Weathering Layer"
# (socket name, preset growth key, tooltip); the preset gives each class its defaults.
CUE_INPUTS = (
    ("Cavities", "cavity", "Weight of crevices and corners (ambient occlusion)"),
    ("Edges", "edge", "Weight of convex edges"),
    ("Up-facing", "up", "Weight of surfaces facing up"),
    ("Low areas", "low", "Weight of the object's lower part"),
    ("Breakup", "breakup", "Weight of the texture's height, which breaks the mask up"),
)


def group_name(texture_key: str, use_uv: bool) -> str:
    return f"{GROUP_PREFIX} {texture_key} {'UV' if use_uv else 'Box'}"


def is_weathering_group(tree: bpy.types.NodeTree | None) -> bool:
    return tree is not None and tree.get("weathering_texture_key") is not None


def float_input(group, name, default, low=0.0, high=1.0, description=""):
    socket = group.interface.new_socket(name, in_out="INPUT", socket_type="NodeSocketFloat")
    socket.default_value, socket.min_value, socket.max_value = default, low, high
    socket.description = description
    return socket


def _interface(group: bpy.types.NodeTree, preset: dict) -> None:
    shader = "NodeSocketShader"
    group.interface.new_socket("Shader", in_out="INPUT", socket_type=shader)
    float_input(group, "Age", 0.5, description="0: pristine, 1: fully weathered; keyframe it")
    float_input(group, "Strength", 1.0, description="Opacity of the layer")
    float_input(group, "Scale", 1.0, 0.01, 1000.0, "Texture repeats per unit")
    float_input(group, "Softness", 0.08, 0.001, 1.0, "Width of the mask's border")
    float_input(group, "Spread", 1.8, 0.1, 10.0, "How far decay reaches from where cues peak")
    for name, key, tooltip in CUE_INPUTS:
        float_input(group, name, preset["growth"][key], description=tooltip)
    group.interface.new_socket("Shader", in_out="OUTPUT", socket_type=shader)
    group.interface.new_socket("Mask", in_out="OUTPUT", socket_type="NodeSocketFloat")


class Builder:
    """Adds nodes in columns so the group stays readable when a user opens it."""

    def __init__(self, group: bpy.types.NodeTree):
        self.nodes, self.links = group.nodes, group.links
        self.inputs = self.add("NodeGroupInput", 0, 0)
        self.outputs = self.add("NodeGroupOutput", 9, 0)
        self._rows: dict[int, int] = {}

    def add(self, kind: str, column: int, row: int | None = None, **props):
        node = self.nodes.new(kind)
        if row is None:
            row = self._rows.get(column, 0)
            self._rows[column] = row + 1
        node.location = (column * 220, -row * 180)
        for key, value in props.items():
            setattr(node, key, value)
        return node

    def link(self, socket_from, socket_to) -> None:
        self.links.new(socket_from, socket_to)

    def math(self, column: int, operation: str, a, b=None, clamp: bool = False):
        """A Math node; a and b are sockets or numbers."""
        node = self.add("ShaderNodeMath", column, operation=operation, use_clamp=clamp)
        for socket, value in zip(node.inputs, (a, b), strict=False):
            if value is None:
                continue
            if isinstance(value, int | float):
                socket.default_value = value
            else:
                self.link(value, socket)
        return node.outputs[0]


def _textures(b: Builder, images: dict, use_uv: bool) -> dict:
    coords = b.add("ShaderNodeTexCoord", 0, 2)
    scale = b.add("ShaderNodeCombineXYZ", 1)
    for axis in range(3):
        b.link(b.inputs.outputs["Scale"], scale.inputs[axis])
    mapping = b.add("ShaderNodeMapping", 2)
    b.link(coords.outputs["UV" if use_uv else "Object"], mapping.inputs["Vector"])
    b.link(scale.outputs[0], mapping.inputs["Scale"])
    sampled = {}
    for name, image in images.items():
        node = b.add("ShaderNodeTexImage", 3, image=image, interpolation="Linear")
        node.label = name.capitalize()
        # Box projection blends the three axis projections where the mesh has no UVs.
        node.projection = "FLAT" if use_uv else "BOX"
        node.projection_blend = 0.25
        b.link(mapping.outputs[0], node.inputs["Vector"])
        sampled[name] = node.outputs["Color"]
    return {"coords": coords, **sampled}


def _cues(b: Builder, textures: dict) -> list:
    """The five cue values in CUE_INPUTS order, each in [0, 1]."""
    occlusion = b.add("ShaderNodeAmbientOcclusion", 4, samples=16)
    occlusion.inputs["Distance"].default_value = 0.25
    cavity = b.math(5, "SUBTRACT", 1.0, occlusion.outputs["AO"], clamp=True)

    bevel = b.add("ShaderNodeBevel", 4, samples=8)
    bevel.inputs["Radius"].default_value = 0.04
    geometry = b.add("ShaderNodeNewGeometry", 4)
    dot = b.add("ShaderNodeVectorMath", 5, operation="DOT_PRODUCT")
    b.link(bevel.outputs["Normal"], dot.inputs[0])
    b.link(geometry.outputs["Normal"], dot.inputs[1])
    # The bevelled normal leans away from the true one only near edges; amplify that lean.
    edge = b.math(6, "MULTIPLY", b.math(5, "SUBTRACT", 1.0, dot.outputs["Value"]), 6.0, True)

    normal = b.add("ShaderNodeSeparateXYZ", 5)
    b.link(geometry.outputs["Normal"], normal.inputs[0])
    up = b.math(6, "MAXIMUM", normal.outputs["Z"], 0.0)

    generated = b.add("ShaderNodeSeparateXYZ", 5)
    b.link(textures["coords"].outputs["Generated"], generated.inputs[0])
    low = b.math(6, "SUBTRACT", 1.0, generated.outputs["Z"], clamp=True)
    return [cavity, edge, up, low, textures["height"]]


def _mask(b: Builder, cues: list, breakup: HeightBreakup):
    geometric, weights = None, None
    for (name, _key, _tip), cue in zip(CUE_INPUTS[:-1], cues[:-1], strict=True):
        weight = b.inputs.outputs[name]
        if geometric is None:
            geometric = b.math(7, "MULTIPLY", cue, weight)
        else:
            geometric = _multiply_add(b, cue, weight, geometric)
        weights = weight if weights is None else b.math(7, "ADD", weights, weight)
    geometric = b.math(7, "DIVIDE", geometric, b.math(7, "MAXIMUM", weights, 1e-4))
    # A weighted mean of cues seldom nears 1 (a flat wall has no cavity or edge), so Spread
    # stretches it; the texture's height, centred on its mean and scaled to a common contrast
    # as the backend's decay maps are, then breaks the border up. (On 0.5, a texture whose
    # heights sit low, as the GAN's rust at 0.32, took decay away at every age instead of only
    # moving it.)
    centred_height = b.math(7, "SUBTRACT", cues[-1], breakup.centre)
    weight = b.math(7, "MULTIPLY", b.inputs.outputs["Breakup"], breakup.gain)
    score = _multiply_add(
        b, geometric, b.inputs.outputs["Spread"], b.math(7, "MULTIPLY", centred_height, weight)
    )

    return age_mask(b, score)


def age_mask(b: Builder, score):
    """The layer's mask: the smooth step of the score at the layer's Age, times its Strength.
    (The backend's pipeline.decay.threshold is the same step.)"""
    softness = b.inputs.outputs["Softness"]
    reach = b.math(8, "MULTIPLY", b.inputs.outputs["Age"], b.math(8, "ADD", softness, 1.0))
    start = b.math(8, "SUBTRACT", 1.0, reach)
    ramp = b.add("ShaderNodeMapRange", 8, interpolation_type="SMOOTHSTEP", clamp=True)
    b.link(score, ramp.inputs["Value"])
    b.link(start, ramp.inputs["From Min"])
    b.link(b.math(8, "ADD", start, softness), ramp.inputs["From Max"])
    return b.math(8, "MULTIPLY", ramp.outputs["Result"], b.inputs.outputs["Strength"], True)


def _multiply_add(b: Builder, a, factor, addend):
    node = b.add("ShaderNodeMath", 7, operation="MULTIPLY_ADD")
    for socket, source in zip(node.inputs, (a, factor, addend), strict=True):
        b.link(source, socket)
    return node.outputs[0]


def surface(b: Builder, textures: dict, pbr: dict):
    bsdf = b.add("ShaderNodeBsdfPrincipled", 8, 3)
    bsdf.inputs["Metallic"].default_value = pbr["metallic"]
    b.link(textures["albedo"], bsdf.inputs["Base Color"])
    roughness = b.add("ShaderNodeMapRange", 6, clamp=True)
    roughness.inputs["To Min"].default_value = pbr["roughness_min"]
    roughness.inputs["To Max"].default_value = pbr["roughness_max"]
    b.link(textures["roughness"], roughness.inputs["Value"])
    b.link(roughness.outputs["Result"], bsdf.inputs["Roughness"])
    bump = b.add("ShaderNodeBump", 6)
    bump.inputs["Strength"].default_value = pbr["bump_strength"]
    bump.inputs["Distance"].default_value = 0.02
    b.link(textures["height"], bump.inputs["Height"])
    b.link(bump.outputs["Normal"], bsdf.inputs["Normal"])
    return bsdf


def build_group(
    texture_key: str, preset: dict, images: dict, use_uv: bool, breakup: HeightBreakup
) -> bpy.types.NodeTree:
    """The layer group of one texture set and projection, made once and shared by materials;
    breakup says how its height breaks the mask up."""
    name = group_name(texture_key, use_uv)
    group = bpy.data.node_groups.get(name)
    if group is not None and is_weathering_group(group):
        return group
    group = bpy.data.node_groups.new(name, "ShaderNodeTree")
    group["weathering_texture_key"] = texture_key
    group["weathering_class"] = preset["name"]
    _interface(group, preset)
    b = Builder(group)
    textures = _textures(b, images, use_uv)
    mask = _mask(b, _cues(b, textures), breakup)
    mix_over(b, mask, surface(b, textures, preset["pbr"]))
    return group


def mix_over(b: Builder, mask, bsdf) -> None:
    """The weathering's shader over the material's own by the mask; the mask is an output too."""
    mix = b.add("ShaderNodeMixShader", 9, 1)
    b.link(mask, mix.inputs["Fac"])
    b.link(b.inputs.outputs["Shader"], mix.inputs[1])
    b.link(bsdf.outputs["BSDF"], mix.inputs[2])
    b.link(mix.outputs["Shader"], b.outputs.inputs["Shader"])
    b.link(mask, b.outputs.inputs["Mask"])
