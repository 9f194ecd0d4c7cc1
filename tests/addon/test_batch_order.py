import pytest
from core.batch import BatchOrder, parse_ages


@pytest.mark.parametrize(
    ("text", "ages"), [("0 0.5 1", (0.0, 0.5, 1.0)), ("0.2, 0.9", (0.2, 0.9)), (" 1 ", (1.0,))]
)
def test_ages_are_read_as_the_panel_shows_them(text, ages):
    assert parse_ages(text) == ages


@pytest.mark.parametrize(
    ("text", "message"),
    [("", "at least one age"), ("0 old", "numbers 0..1"), ("0.5 1.5", "0..1, got 1.5")],
)
def test_bad_ages_say_what_is_wrong(text, message):
    with pytest.raises(ValueError, match=message):
        parse_ages(text)


def test_the_order_becomes_a_batch_command(tmp_path):
    order = BatchOrder((0.0, 0.5), 1, 48, tmp_path, workers=2)
    assert order.command("py", tmp_path / "shot.blend") == [
        "py", "-m", "neural_backend.cli", "batch", "--scenes", str(tmp_path / "shot.blend"),
        "--ages", "0", "0.5", "--frames", "1-48", "--out", str(tmp_path), "--workers", "2",
    ]  # fmt: skip
    with pytest.raises(ValueError, match="frame range 5-4 is empty"):
        BatchOrder((0.5,), 5, 4, tmp_path)
