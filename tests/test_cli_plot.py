"""`neuronet plot KIND` for every kind, `train --report`, and the one-line errors (exit status 2)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from neuronet import cli

pytest.importorskip("matplotlib")
pytest.importorskip("sklearn")


def _train(tmp: Path, dataset: str, layers: str, *extra: str) -> Path:
    model = tmp / f"{dataset}.npz"
    code = cli.main(["train", "--dataset", dataset, "--epochs", "2", "--layers", layers, "--output",
                     str(model), "--no-progress", "--history", str(model.with_suffix(".json")), *extra])
    assert code == 0
    return model


@pytest.fixture(scope="module")
def digits_model(tmp_path_factory):
    """A tiny 64-8-10 digits model, trained with --report so that the report can be checked."""
    tmp = tmp_path_factory.mktemp("plot_digits")
    return _train(tmp, "digits", "8", "--report", str(tmp / "report"))


@pytest.fixture(scope="module")
def moons_model(tmp_path_factory):
    """A tiny 2-4-2 model of two-dimensional points."""
    return _train(tmp_path_factory.mktemp("plot_moons"), "moons", "4")


def _image(path: Path) -> np.ndarray:
    from matplotlib.image import imread

    assert path.exists() and path.stat().st_size > 1000, path
    return imread(path)


CASES = {
    "activations": ["activations"],
    "activation": ["activation", "--name", "tanh"],
    "optimizers": ["optimizers"],
    "optimizers-rosenbrock": ["optimizers", "--name", "rosenbrock"],
    "losses": ["losses"],
    "history-json": ["history", "--history", "{history}"],
    "history-model": ["history", "--model", "{digits}"],
    "network": ["network", "--model", "{digits}"],
    "weights": ["weights", "--model", "{digits}"],
    "confusion": ["confusion", "--model", "{digits}"],
    "mistakes": ["mistakes", "--model", "{digits}"],
    "regions": ["regions", "--model", "{moons}"],
    "hidden": ["hidden", "--model", "{moons}"],
    "hidden-layer-1": ["hidden", "--model", "{moons}", "--layer", "1"],
    "moons-confusion": ["confusion", "--model", "{moons}"],
    "moons-network": ["network", "--model", "{moons}"],
}


def _fill(argv, digits_model, moons_model):
    names = {"digits": digits_model, "moons": moons_model, "history": digits_model.with_suffix(".json")}
    return [a.format(**names) for a in argv]


@pytest.mark.parametrize("case", CASES)
def test_every_kind_draws_a_figure(case, digits_model, moons_model, tmp_path, capsys):
    out = tmp_path / f"{case}.png"
    argv = ["plot", *_fill(CASES[case], digits_model, moons_model), "--output", str(out)]
    assert cli.main(argv) == 0, capsys.readouterr().err
    assert capsys.readouterr().out.strip() == f"figure written to {out}"
    pixels = _image(out)
    assert pixels.shape[0] > 100 and pixels.shape[1] > 100
    assert pixels[..., :3].std() > 0.05  # something was drawn, not a blank canvas


def test_history_from_the_model_matches_the_json_file(digits_model, tmp_path):
    """train stores the same history in the model file as in --history, so both figures agree."""
    a, b = tmp_path / "a.png", tmp_path / "b.png"
    history = digits_model.with_suffix(".json")
    assert cli.main(["plot", "history", "--history", str(history), "-o", str(a)]) == 0
    assert cli.main(["plot", "history", "--model", str(digits_model), "-o", str(b)]) == 0
    assert np.array_equal(_image(a), _image(b))


def test_svg_output(moons_model, tmp_path):
    out = tmp_path / "regions.svg"
    assert cli.main(["plot", "regions", "--model", str(moons_model), "-o", str(out)]) == 0
    assert out.read_text().lstrip().startswith(("<?xml", "<svg"))


def test_train_report_writes_an_html_page(digits_model):
    page = digits_model.parent / "report" / "index.html"
    text = page.read_text()
    assert len(text) > 1000
    assert "<html" in text.lower() and "data:image/png;base64," in text
    assert "digits" in text  # the settings table names the dataset


ERRORS = {
    "unknown kind": (["bogus"], "unknown figure 'bogus'"),
    "unknown kind with model": (["bogus", "--model", "{digits}"], "unknown figure 'bogus'"),
    "missing model": (["weights"], "plot weights needs --model"),
    "missing model regions": (["regions"], "plot regions needs --model"),
    "missing name": (["activation"], "needs --name"),
    "unknown activation": (["activation", "--name", "nope"], "unknown activation 'nope'"),
    "unknown test function": (["optimizers", "--name", "nope"], "unknown test function 'nope'"),
    "missing history": (["history"], "plot history needs --history"),
    "unreadable history": (["history", "--history", "{missing}"], "cannot read history"),
    "history not json": (["history", "--history", "{digits}"], "is not valid JSON"),
    "history a list": (["history", "--history", "{list_json}"], "is not a training history"),
    "history of text": (["history", "--history", "{text_json}"], "is not a training history"),
    "no such model": (["network", "--model", "{missing}"], "no such file"),
    "regions of images": (["regions", "--model", "{digits}"], "needs a model of 2-D points"),
    "hidden of images": (["hidden", "--model", "{digits}"], "needs a model of 2-D points"),
    "weights of points": (["weights", "--model", "{moons}"], "not an image"),
    "mistakes of points": (["mistakes", "--model", "{moons}"], "not an image"),
    "wrong dataset": (["confusion", "--model", "{moons}", "--dataset", "digits"], "64 features"),
    "bad layer": (["hidden", "--model", "{moons}", "--layer", "7"], "layer must be between"),
    "bad suffix": (["activations"], "use a .png, .svg or .pdf", "figure.jpg"),
}


@pytest.mark.parametrize("case", ERRORS)
def test_mistakes_are_one_line_and_exit_2(case, digits_model, moons_model, tmp_path, capsys):
    argv, fragment, *output = ERRORS[case]
    names = {"digits": digits_model, "moons": moons_model, "missing": tmp_path / "missing.npz",
             "list_json": tmp_path / "list.json", "text_json": tmp_path / "text.json"}
    names["list_json"].write_text("[1, 2]")
    names["text_json"].write_text('{"loss": ["x"]}')
    argv = [a.format(**names) for a in argv]
    out = tmp_path / (output[0] if output else "figure.png")
    assert cli.main(["plot", *argv, "--output", str(out)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("neuronet: error: "), err
    assert fragment in err
    assert not out.exists()


def test_output_is_required(capsys):
    with pytest.raises(SystemExit) as exc:
        cli.main(["plot", "activations"])
    assert exc.value.code == 2
    assert capsys.readouterr().err.count("\n") == 1
