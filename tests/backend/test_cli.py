import imageio.v3 as iio
import pytest

from neural_backend.cli import main


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
