import json

import imageio.v3 as iio
import pytest

from neural_backend.cli import main
from neural_backend.models.registry import WEIGHTS_DIR


def test_textures_writes_numbered_sets(tmp_path, capsys):
    main(
        [
            "textures",
            "--class",
            "moss",
            "--count",
            "2",
            "--size",
            "64",
            "--seed",
            "4",
            "--out-dir",
            str(tmp_path),
        ]
    )
    names = sorted(p.name for p in tmp_path.iterdir())
    assert names == [
        f"moss_{i:03d}_{m}.png" for i in range(2) for m in ("albedo", "height", "roughness")
    ]
    assert iio.imread(tmp_path / "moss_001_albedo.png").shape == (64, 64, 3)
    assert iio.imread(tmp_path / "moss_000_height.png").dtype.name == "uint16"
    assert "[2/2] moss seed 5" in capsys.readouterr().out


def test_unknown_class_lists_the_known_ones(tmp_path):
    with pytest.raises(SystemExit, match="unknown class 'lava'; allowed: dirt, moss"):
        main(["textures", "--class", "lava", "--out-dir", str(tmp_path)])


def test_size_out_of_range_is_refused(tmp_path, capsys):
    with pytest.raises(SystemExit):
        main(["textures", "--class", "rust", "--size", "32", "--out-dir", str(tmp_path)])
    assert "size must be 64..4096, got 32" in capsys.readouterr().err


def test_segment_writes_label_maps_at_input_size_and_says_which_exit(tmp_path, capsys):
    from PIL import Image

    photo = tmp_path / "street.jpg"
    Image.new("RGB", (150, 100), (90, 120, 200)).save(photo)
    main(["segment", str(photo), "--out-dir", str(tmp_path / "out"), "--exit", "2"])
    labels = iio.imread(tmp_path / "out" / "street.png")
    assert labels.shape == (100, 150) and labels.max() <= 10
    assert "street.jpg: exit 2" in capsys.readouterr().out


def test_segment_names_a_missing_image(tmp_path):
    with pytest.raises(SystemExit, match="nothing.jpg: no such file"):
        main(["segment", str(tmp_path / "nothing.jpg"), "--out-dir", str(tmp_path)])


def test_harmonize_then_evaluate_a_sample_folder(tmp_path, capsys):
    import numpy as np
    from PIL import Image

    rng = np.random.default_rng(0)
    for name in ("a", "b"):
        folder = tmp_path / "samples" / name
        folder.mkdir(parents=True)
        real = rng.integers(40, 200, (64, 96, 3)).astype(np.uint8)
        mask = np.zeros((64, 96), np.uint8)
        mask[16:48, 24:72] = 255
        composite = real.copy()
        composite[mask > 0] = np.clip(composite[mask > 0] * 1.4, 0, 255).astype(np.uint8)
        for file, image in (("real", real), ("composite", composite), ("mask", mask)):
            Image.fromarray(image).save(folder / f"{file}.png")
    main(["harmonize", str(tmp_path / "samples"), "--out-dir", str(tmp_path / "out")])
    assert iio.imread(tmp_path / "out" / "a.png").shape == (64, 96, 3)
    capsys.readouterr()
    main(["eval", "harmonization", "--data", str(tmp_path / "samples"), "--json", "--caution", "3"])
    report = json.loads(capsys.readouterr().out)
    assert report["samples"] == 2 and report["caution"] == 3.0
    assert set(report) >= {"model", "model_one_view", "composite", "reinhard"}
    assert 0 <= report["one_view_share_worse_than_composite"] <= 1
    assert report["composite"]["mse"] > 0 and report["composite"]["psnr"] < 100
    with pytest.raises(SystemExit):
        main(
            ["harmonize", str(tmp_path / "samples"), "--out-dir", str(tmp_path), "--caution", "-1"]
        )
    assert "--caution: must be 0 or more, got -1" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("value", "message"),
    [("-2", "must be 0 or more, got -2"), ("lots", "must be float, got 'lots'")],
)
def test_a_bad_caution_in_the_environment_is_named_not_a_traceback(
    tmp_path, monkeypatch, value, message
):
    monkeypatch.setenv("WEATHERING_HARMONIZATION_CAUTION", value)
    with pytest.raises(SystemExit, match=f"harmonization_caution {message}"):
        main(["eval", "harmonization", "--data", str(tmp_path), "--json"])


def test_harmonization_composites_made_from_camvid_follow_the_seed(tiny_camvid, capsys):
    def evaluate(*extra):
        main(["eval", "harmonization", "--data", str(tiny_camvid), "--json", *extra])
        return json.loads(capsys.readouterr().out)

    first = evaluate()
    assert first["seed"] == 0 and first["composite"]["mse"] > 0
    other = evaluate("--seed", "1")
    assert other["seed"] == 1 and other["composite"]["mse"] != first["composite"]["mse"]
    assert evaluate("--seed", "1") == other


def test_evaluate_segmentation_reports_every_exit_and_adaptive(tiny_camvid, capsys):
    main(["eval", "segmentation", "--data", str(tiny_camvid), "--json"])
    report = json.loads(capsys.readouterr().out)
    assert [e["exit"] for e in report["exits"]] == [1, 2, 3]
    assert all(e["ms_per_image"] > 0 and 0 <= e["miou"] <= 100 for e in report["exits"])
    assert sum(report["adaptive"]["exits"].values()) == report["images"] == 2


def test_calibration_stores_per_exit_thresholds_that_evaluation_then_uses(
    tiny_camvid, tmp_path, capsys
):
    import shutil

    from neural_backend.models.registry import WEIGHTS_DIR

    for file in ("segmentation.safetensors", "segmentation.json"):
        shutil.copy(WEIGHTS_DIR / file, tmp_path / file)
    main(
        ["eval", "segmentation", "--data", str(tiny_camvid), "--json", "--calibrate"]
        + ["--weights-dir", str(tmp_path)]
    )
    card = json.loads((tmp_path / "segmentation.json").read_text())
    assert len(card["adaptive_thresholds"]) == 2 and "adaptive_threshold" not in card
    assert card["adaptive_calibration"]["split"] == "val"
    report = json.loads(capsys.readouterr().out)
    assert report["adaptive"]["thresholds"] == card["adaptive_thresholds"]


def test_evaluate_textures_reports_baselines_and_floor(tiny_textures, capsys):
    def evaluate(*extra):
        command = ["eval", "textures", "--data", str(tiny_textures), "--json", "--count", "4"]
        main([*command, "--critic-steps", "5", *extra])
        return json.loads(capsys.readouterr().out)

    report = evaluate()
    moss = report["classes"]["moss"]
    assert (
        set(moss["spectrum"])
        == set(moss["colour"])
        == {
            "gan",
            "procedural",
            "floor",
            "sampler_floor",
        }
    )
    assert moss["seam_ratio"]["gan"] < 1.1 < moss["seam_ratio"]["photo_crops"]
    assert 0 <= report["two_sample_accuracy"]["gan"] <= 1
    # Another sampling seed draws other crops and textures, and is itself reproducible.
    other = evaluate("--seed", "1")
    assert other["seed"] == 1 and other["classes"]["moss"]["spectrum"] != moss["spectrum"]
    assert evaluate("--seed", "1") == other
    # Several draws: each as a single draw reports it, and their mean, number by number.
    both = evaluate("--draws", "2")
    assert both["draws"] == {"0": report, "1": other}
    mean = both["mean"]["classes"]["moss"]["spectrum"]["gan"]
    assert mean == pytest.approx(
        (moss["spectrum"]["gan"] + other["classes"]["moss"]["spectrum"]["gan"]) / 2
    )
    assert both["mean"]["seed"] == [0, 1]


def test_evaluate_textures_on_the_photos_the_weights_never_saw(
    textures_to_hold_out, tmp_path, capsys
):
    data = str(textures_to_hold_out)

    def evaluate(weights, *extra):
        command = ["eval", "textures", "--data", data, "--json", "--count", "4"]
        main([*command, "--critic-steps", "5", "--weights-dir", str(weights), *extra])
        return json.loads(capsys.readouterr().out)

    with pytest.raises(SystemExit, match="trained on every photo, so none is unseen"):
        evaluate(WEIGHTS_DIR, "--held-out")
    train = ["train", "textures", "--data", data, "--out-dir", str(tmp_path), "--steps", "1"]
    main([*train, "--batch", "2", "--sample-every", "1", "--hold-out", "0.25"])
    capsys.readouterr()
    report = evaluate(tmp_path, "--held-out", "--into-card")
    card = json.loads((tmp_path / "texture_gan.json").read_text())
    assert report["held_out_photos"] == card["held_out_photos"]
    assert report["sampler_draws"] == "the photos the weights were trained on"
    assert set(report["two_sample_accuracy"]) == {"gan", "procedural", "sampler"}
    # Recorded beside the scores on the training photos, not over them.
    assert card["evaluation"][f"{textures_to_hold_out.name}, held out"]["seed"] == 0
    # Moss's photos are four colours, so the three trained on, reproduced exactly (the sampler
    # floor), are far from the one held out, however alike that photo's halves are.
    moss = report["classes"]["moss"]["colour"]
    assert moss["sampler_floor"] > 3 * moss["floor"]


def test_photo_splits_say_how_far_a_class_s_photos_are_from_its_unseen_ones(
    textures_to_hold_out, capsys
):
    command = ["eval", "textures", "--data", str(textures_to_hold_out), "--photo-splits"]
    main([*command, "--json", "--count", "8"])
    report = json.loads(capsys.readouterr().out)
    moss, rust = report["classes"]["moss"], report["classes"]["rust"]
    assert moss["splits"] == rust["splits"] == 6  # every way of holding out two of four
    # Four colours: no copy of two of them comes near the other two; one picture four times:
    # a copy of any of them is as near as the held-out photos' own halves are.
    assert moss["colour"]["copy_over_floor_min"] > 3
    assert moss["colour"]["share_within_1.5x_floor"] == 0
    assert rust["colour"]["copy_over_floor_geometric_mean"] < 1.5
    with pytest.raises(SystemExit, match="measures photos, not weights"):
        main([*command, "--into-card"])


def test_weather_image_writes_the_aged_image_and_its_decay_map(tmp_path, capsys):
    import numpy as np
    from PIL import Image

    photo = np.full((60, 80, 3), 150, np.uint8)
    Image.fromarray(photo).save(tmp_path / "wall.png")
    mask = np.zeros((60, 80), np.uint8)
    mask[10:50, 10:70] = 255
    Image.fromarray(mask).save(tmp_path / "mask.png")
    main(
        [
            "weather-image",
            str(tmp_path / "wall.png"),
            "--class",
            "dirt",
            "--age",
            "0.8",
            "--mask",
            str(tmp_path / "mask.png"),
            "--out",
            str(tmp_path / "aged.png"),
            "--decay-map",
            str(tmp_path / "decay.png"),
        ]
    )
    aged, decay = iio.imread(tmp_path / "aged.png"), iio.imread(tmp_path / "decay.png")
    assert aged.shape == (60, 80, 3) and decay.shape == (60, 80) and decay.dtype.name == "uint16"
    assert np.array_equal(aged[mask == 0], photo[mask == 0]) and decay.max() > 0
    assert "wall.png: dirt at age 0.8" in capsys.readouterr().out


def test_a_caution_sweep_scores_each_caution_on_one_set_of_views(tiny_camvid, capsys):
    command = ["eval", "harmonization", "--data", str(tiny_camvid), "--json", "--split", "train"]
    main([*command, "--caution", "0", "--cautions", "0", "1e9"])
    report = json.loads(capsys.readouterr().out)
    assert report["split"] == "train" and report["samples"] == 4
    # The sweep's caution 0 is the harmonizer's own, reached by another path.
    assert report["cautions"]["0"]["mse"] == pytest.approx(report["model"]["mse"])
    # A caution this high drops every correction the views do not agree on exactly.
    dropped = report["cautions"]["1e+09"]
    assert dropped["mse"] == pytest.approx(report["composite"]["mse"])
    assert dropped["share_worse_than_composite"] == 0
    assert report["chosen_caution"] in (0, 1e9)
