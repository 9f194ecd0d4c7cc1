"""Each training command runs end to end on tiny data and leaves what it promises behind:
weights, a card with the command and metrics, learning curves (and texture sample grids)."""

import json
from argparse import Namespace

import pytest
import torch
from safetensors.torch import load_file

from neural_backend.cli import main
from neural_backend.data.camvid import load_split
from neural_backend.models.registry import WEIGHTS_DIR, create_model, load_model, save_model
from neural_backend.train.harmonization import starting_model, training_batches


def _card(out_dir, name):
    return json.loads((out_dir / f"{name}.json").read_text())


def test_segmentation_training_writes_weights_card_and_curves(tiny_camvid, tmp_path):
    main(
        [
            "train",
            "segmentation",
            "--data",
            str(tiny_camvid),
            "--out-dir",
            str(tmp_path),
            "--steps",
            "2",
            "--batch",
            "2",
            "--crop",
            "64",
            "96",
            "--eval-every",
            "2",
        ]
    )
    card = _card(tmp_path, "segmentation")
    assert card["command"].startswith("weathering train segmentation")
    assert len(card["val_metrics"]) == 3 and 0 <= card["val_metrics"][2]["miou"] <= 100
    assert card["class_names"][0] == "sky" and card["self_distillation"] is True
    assert (tmp_path / "segmentation_curves.png").stat().st_size > 0
    model, _ = load_model("segmentation", tmp_path)
    main(
        [
            "train",
            "segmentation",
            "--data",
            str(tiny_camvid),
            "--out-dir",
            str(tmp_path / "more"),
            "--resume",
            str(tmp_path),
            "--steps",
            "1",
            "--batch",
            "1",
            "--crop",
            "64",
            "96",
            "--no-distill",
        ]
    )
    resumed = _card(tmp_path / "more", "segmentation")
    assert resumed["self_distillation"] is False
    assert [run["steps"] for run in resumed["history"]] == [2]  # the run it continued
    # Its curves continue those of the weights it resumed from.
    log = (tmp_path / "more" / "segmentation_log.jsonl").read_text().splitlines()
    assert [json.loads(line)["step"] for line in log if '"val"' in line] == [2, 3]


def test_fine_tuning_one_exit_changes_nothing_else(tiny_camvid, tmp_path):
    import torch

    main(
        ["train", "segmentation", "--data", str(tiny_camvid), "--out-dir", str(tmp_path)]
        + ["--steps", "1", "--batch", "1", "--crop", "64", "96"]
    )
    before, _ = load_model("segmentation", tmp_path)
    main(
        ["train", "segmentation", "--data", str(tiny_camvid), "--out-dir", str(tmp_path / "one")]
        + ["--resume", str(tmp_path), "--steps", "3", "--batch", "2", "--crop", "64", "96"]
        + ["--only-exit", "1", "--lr", "0.01", "--eval-every", "3"]
    )
    after, card = load_model("segmentation", tmp_path / "one")
    old, new = before.state_dict(), after.state_dict()
    changed = {name for name in old if not torch.equal(old[name], new[name])}
    assert changed and all(name.startswith("exit1.") for name in changed)
    assert card["only_exit"] == 1
    with pytest.raises(SystemExit, match="1..2"):
        main(
            ["train", "segmentation", "--data", str(tiny_camvid), "--out-dir", str(tmp_path)]
            + ["--steps", "1", "--only-exit", "3"]
        )


def test_harmonization_training_writes_weights_card_and_curves(tiny_camvid, tmp_path):
    main(
        [
            "train",
            "harmonization",
            "--data",
            str(tiny_camvid),
            "--out-dir",
            str(tmp_path),
            "--steps",
            "2",
            "--batch",
            "2",
            "--eval-every",
            "2",
            "--precision",
            "auto",  # bfloat16 where native: the weights are saved in float32 either way
        ]
    )
    card = _card(tmp_path, "harmonization")
    assert card["val_metrics"]["composite_mse"] > 0
    assert 0 <= card["val_metrics"]["share_worse_than_composite"] <= 1
    assert (tmp_path / "harmonization_curves.png").exists()
    weights = load_file(tmp_path / "harmonization.safetensors")
    assert {t.dtype for k, t in weights.items() if "num_batches" not in k} == {torch.float32}


def test_harmonization_pairs_made_by_worker_processes_are_fresh_and_reproducible(tiny_camvid):
    photos = load_split(tiny_camvid, "train")
    textures = [torch.rand(64, 64, 3).numpy()]

    def first_batches(workers):
        args = Namespace(batch=2, weathering_share=0.5, seed=3, workers=workers)
        batches = training_batches(args, photos, textures, torch.device("cpu"))
        return [next(batches) for _ in range(4)]

    made = first_batches(workers=2)
    # Each worker draws its own stream: no batch is made twice.
    composites = [composite for composite, _, _ in made]
    assert all(not torch.equal(a, b) for i, a in enumerate(composites) for b in composites[:i])
    composite, mask, real = made[0]
    assert composite.shape[0] == 2 and mask.shape[1] == 1 and real.shape == composite.shape
    for again, before in zip(first_batches(workers=2), made, strict=True):
        assert all(torch.equal(a, b) for a, b in zip(again, before, strict=True))


@pytest.mark.skipif(torch.cuda.is_available(), reason="needs a machine without a CUDA GPU")
@pytest.mark.parametrize("model", ["harmonization", "textures"])
def test_training_on_a_missing_gpu_says_so_before_loading_data(model, tmp_path, capsys):
    with pytest.raises(SystemExit, match="sees no CUDA GPU"):
        main(
            ["train", model, "--data", str(tmp_path), "--out-dir", str(tmp_path)]
            + ["--device", "cuda"]
        )
    with pytest.raises(SystemExit):
        main(
            ["train", model, "--data", str(tmp_path), "--out-dir", str(tmp_path)]
            + ["--device", "gpu"]
        )
    assert "--device: invalid choice: 'gpu'" in capsys.readouterr().err


def test_resuming_harmonization_with_more_bottleneck_blocks_starts_where_the_weights_were(
    tmp_path,
):
    torch.manual_seed(0)
    config = {"widths": [4, 8, 8, 8, 8], "attention_width": 4, "working_size": 64}
    trained = create_model("harmonization", config)
    with torch.no_grad():  # stands in for training: the zero-started layers move
        for parameter in trained.parameters():
            parameter.add_(0.1 * torch.randn_like(parameter))
    save_model(trained, "harmonization", {}, tmp_path / "small")

    grown, _ = starting_model(Namespace(resume=tmp_path / "small", bottleneck_blocks=2))
    assert grown.config.bottleneck_blocks == 2 and len(grown.bottleneck) == 2
    composite, mask = torch.rand(1, 3, 48, 64), (torch.rand(1, 1, 48, 64) > 0.5).float()
    output = grown.eval()(composite, mask)
    torch.testing.assert_close(output, trained.eval()(composite, mask), rtol=0, atol=0)
    output.sum().backward()  # the new blocks start as identities but do learn
    assert grown.bottleneck[0].body[-1].weight.grad.abs().sum() > 0

    save_model(grown, "harmonization", {}, tmp_path / "grown")
    with pytest.raises(ValueError, match="added but not removed"):
        starting_model(Namespace(resume=tmp_path / "grown", bottleneck_blocks=1))


def test_texture_training_writes_weights_card_curves_and_samples(tiny_textures, tmp_path):
    main(
        [
            "train",
            "textures",
            "--data",
            str(tiny_textures),
            "--out-dir",
            str(tmp_path),
            "--steps",
            "2",
            "--batch",
            "2",
            "--sample-every",
            "2",
        ]
    )
    card = _card(tmp_path, "texture_gan")
    assert card["config"]["classes"] == ["moss", "rust"]  # the classes are the data's folders
    for name in ("texture_gan_curves.png", "texture_gan_samples.png"):
        assert (tmp_path / name).stat().st_size > 0


@pytest.mark.parametrize(
    "mix, message",
    [
        (["--procedural-mix", "1.5"], "a share from 0 to 1, got 1.5"),
        (["--procedural-mix", "0.2", "--procedural-classes", "lava"], "no preset for lava"),
    ],
)
def test_a_bad_procedural_mix_is_refused_by_name(tiny_textures, tmp_path, mix, message):
    with pytest.raises(SystemExit, match=message):
        main(["train", "textures", "--data", str(tiny_textures), "--out-dir", str(tmp_path), *mix])


def test_texture_training_never_sees_the_photos_it_holds_out(
    textures_to_hold_out, tmp_path, monkeypatch
):
    import neural_backend.train.texture_gan as trainer

    cropped = set()

    def recording_crop(photo, *args, **kwargs):
        cropped.add(photo.name)
        return original_crop(photo, *args, **kwargs)

    original_crop = trainer.random_crop
    monkeypatch.setattr(trainer, "random_crop", recording_crop)
    data, out = str(textures_to_hold_out), str(tmp_path)
    train = ["train", "textures", "--data", data, "--steps", "2", "--batch", "2"]
    main([*train, "--out-dir", out, "--sample-every", "2", "--hold-out", "0.25"])
    held = _card(tmp_path, "texture_gan")["held_out_photos"]
    assert {name: len(chosen) for name, chosen in held.items()} == {"moss": 1, "rust": 1}
    unseen = {photo for chosen in held.values() for photo in chosen}
    assert len(cropped) == 6 and not cropped & unseen  # every other photo, never those
    # Resumed on every photo, the weights would see them: refused, naming them.
    with pytest.raises(SystemExit, match=f"trained without moss: {held['moss'][0]}; rust"):
        main([*train, "--out-dir", str(tmp_path / "more"), "--resume", out])
    # Nor can weights that saw every photo claim to have been trained without some.
    for start in ("--resume", "--init-from"):
        with pytest.raises(SystemExit, match="trained on every photo, so none would be unseen"):
            main(
                [
                    *train,
                    "--out-dir",
                    str(tmp_path / "more"),
                    start,
                    str(WEIGHTS_DIR),
                    "--hold-out",
                    "0.25",
                ]
            )


def test_training_without_data_says_so(tmp_path):
    with pytest.raises(SystemExit, match="is not a folder"):
        main(["train", "textures", "--data", str(tmp_path / "nowhere"), "--out-dir", str(tmp_path)])


def test_harmonization_training_with_ema_saves_the_average_not_the_last_step(tiny_camvid, tmp_path):
    save_model(create_model("harmonization"), "harmonization", {}, tmp_path / "start")
    start = load_file(tmp_path / "start" / "harmonization.safetensors")

    def largest_change(*ema):
        out = tmp_path / ("ema" if ema else "plain")
        main(
            ["train", "harmonization", "--data", str(tiny_camvid), "--out-dir", str(out)]
            + ["--resume", str(tmp_path / "start"), "--steps", "2", "--batch", "2"]
            + ["--eval-every", "2", "--lr", "1.0", *ema]
        )
        validations = [
            json.loads(line)
            for line in (out / "harmonization_log.jsonl").read_text().splitlines()
            if '"val"' in line
        ]
        # Beside the average, the log scores the weights as trained: what the average buys.
        assert ("trained_mse" in validations[-1]) == bool(ema)
        saved = load_file(out / "harmonization.safetensors")
        floats = [k for k in start if start[k].is_floating_point()]
        return max(float((saved[k] - start[k]).abs().max()) for k in floats)

    # An average that decays this slowly has barely left the weights it started from.
    assert largest_change() > 1e-2
    assert largest_change("--ema-decay", "0.99999") < 1e-3
