"""The command line: each command end to end, and one-line errors with exit status 2."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from cli_helpers import drawn_one, go_offline

from neuronet import cli, modelfile
from neuronet.imaging import prepare_image

ROOT = Path(__file__).resolve().parent.parent
pytest.importorskip("sklearn")


@pytest.fixture(scope="module")
def digits_model(tmp_path_factory):
    out = tmp_path_factory.mktemp("cli") / "digits.npz"
    code = cli.main(["train", "--dataset", "digits", "--epochs", "15", "--layers", "32",
                     "--output", str(out), "--no-progress", "--history", str(out.with_suffix(".json"))])
    assert code == 0
    return out


def test_train_writes_model_history_and_test_scores(digits_model):
    assert not digits_model.with_suffix(".ckpt.npz").exists()  # finished runs leave no checkpoint
    history = json.loads(digits_model.with_suffix(".json").read_text())
    assert len(history["loss"]) == 15 and history["loss"][-1] < history["loss"][0]
    metadata = modelfile.info(digits_model)["metadata"]
    assert metadata["history"] == history        # the model file keeps the same history
    assert metadata["training"]["epochs"] == 15 and metadata["training"]["layers"] == [64, 32, 10]
    assert 0.85 < metadata["test_accuracy"] <= 1.0


def test_evaluate_prints_accuracy_and_per_class(digits_model, capsys):
    assert cli.main(["evaluate", str(digits_model)]) == 0
    out = capsys.readouterr().out
    accuracy = float(out.split("accuracy")[1].split()[0])
    assert accuracy > 0.85
    assert out.count("examples)") == 10  # one line per class


def test_info_describes_the_model(digits_model, capsys):
    assert cli.main(["info", str(digits_model)]) == 0
    out = capsys.readouterr().out
    assert "Dense(64, 32" in out and "total parameters: 2,410" in out


def test_predict_classifies_a_drawn_digit(digits_model, tmp_path, capsys):
    path = drawn_one(tmp_path)
    assert cli.main(["predict", str(digits_model), str(path), "--top", "2"]) == 0
    line = capsys.readouterr().out.strip()
    assert line.startswith(f"{path}: ") and line.count(",") == 1


def test_datasets_lists_every_known_set(capsys, monkeypatch, tmp_path):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert cli.main(["datasets"]) == 0
    out = capsys.readouterr().out
    for name in ("mnist", "fashion-mnist", "kmnist", "digits", "moons"):
        assert name in out


def test_default_train_falls_back_to_digits_offline(monkeypatch, tmp_path, capsys):
    """No MNIST anywhere and no network: one line says so, then the 8x8 digits are used."""
    go_offline(monkeypatch, tmp_path)
    monkeypatch.setattr(cli.train, "DEFAULTS",
                        {**cli.train.DEFAULTS, "digits": {**cli.train.DEFAULTS["digits"], "epochs": 3}})
    monkeypatch.chdir(tmp_path)
    assert cli.main(["train", "--no-progress"]) == 0
    captured = capsys.readouterr()
    notes = [line for line in captured.err.splitlines() if "MNIST is not available" in line]
    assert len(notes) == 1
    assert "test accuracy:" in captured.out and "models/digits.npz" in captured.out
    assert (tmp_path / "models" / "digits.npz").exists()


@pytest.mark.parametrize("argv, fragment", [
    (["train", "--no-such-option"], "unrecognized arguments"),
    (["train", "--lr", "-1"], "positive number"),
    (["train", "--epochs", "zero"], "positive integer"),
    (["train", "--seed", "-1"], "non-negative integer"),
    (["train", "--weight-decay", "nan"], "non-negative number"),
    (["train", "--momentum", "1"], "in [0, 1)"),
    (["train", "--dataset", "no-such-set"], "no-such-set"),
    (["train", "--dataset", "moons", "--activation", "wobbly", "--epochs", "1"], "unknown activation"),
    (["evaluate", "missing-model.npz"], "missing-model.npz"),
    (["info", "missing-model.npz"], "missing-model.npz"),
    (["info", "."], "is a directory"),
    (["train", "--dataset", "xor", "--output", "."], "--output . is a directory"),
    (["train", "--dataset", "xor", "--history", "."], "--history . is a directory"),
    (["frobnicate"], "invalid choice"),
])
def test_user_mistakes_are_one_line_and_exit_2(argv, fragment, tmp_path):
    result = subprocess.run([sys.executable, "-m", "neuronet.cli", *argv], cwd=tmp_path,
                            capture_output=True, text=True, timeout=120,
                            env={**__import__("os").environ, "PYTHONPATH": str(ROOT)})
    assert result.returncode == 2, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert fragment in lines[0] and "Traceback" not in result.stderr


@pytest.mark.parametrize("extra, decay", [([], 0.01), (["--weight-decay", "0"], 0.0),
                                          (["--weight-decay", "0.1"], 0.1)])
def test_adamw_keeps_its_own_weight_decay_unless_given(extra, decay):
    args = cli.build_parser().parse_args(["train", "--optimizer", "adamw", *extra])
    assert cli.train.make_optimizer(args, 1e-3, 10).weight_decay == decay


def test_train_on_a_csv_file(tmp_path, capsys):
    rng = np.random.default_rng(0)
    X = rng.normal(size=(200, 3))
    y = (X[:, 0] + X[:, 1] > 0).astype(int)
    rows = ["a,b,c,label"] + [f"{a:.4f},{b:.4f},{c:.4f},{'yes' if t else 'no'}"
                              for (a, b, c), t in zip(X, y, strict=True)]
    csv = tmp_path / "points.csv"
    csv.write_text("\n".join(rows) + "\n")
    out = tmp_path / "csv.npz"
    assert cli.main(["train", "--dataset", str(csv), "--epochs", "30", "--output", str(out),
                     "--no-progress", "--val-split", "0"]) == 0
    accuracy = float(capsys.readouterr().out.split("test accuracy:")[1].split()[0])
    assert accuracy > 0.85


@pytest.mark.parametrize("dataset, expected", [("fashion-mnist", "fashion-mnist.npz"),
                                               ("data/points.csv", "points.npz"),
                                               ("photos/", "photos.npz"), ("photos", "photos.npz")])
def test_default_model_file_is_named_after_the_dataset(dataset, expected):
    assert cli.train.default_output(dataset) == Path("models") / expected


def test_train_on_a_csv_file_without_output_writes_models_stem(tmp_path, monkeypatch, capsys):
    """`neuronet train --dataset my_data.csv` writes models/my_data.npz (not models/my_data.csv.npz)."""
    rows = ["a,b,label"] + [f"{i % 7 / 7:.3f},{i % 5 / 5:.3f},{i % 2}" for i in range(40)]
    (tmp_path / "my_data.csv").write_text("\n".join(rows) + "\n")
    monkeypatch.chdir(tmp_path)
    assert cli.main(["train", "--dataset", "my_data.csv", "--epochs", "1", "--no-progress"]) == 0
    assert "model saved to models/my_data.npz" in capsys.readouterr().out
    assert sorted(p.name for p in (tmp_path / "models").iterdir()) == ["my_data.npz"]  # no checkpoint left


def test_evaluate_a_csv_model_on_the_split_it_was_trained_with(tmp_path, capsys):
    """The model records its CSV file and seed, so evaluate holds out exactly train's test rows."""
    rng = np.random.default_rng(1)
    X = rng.normal(size=(150, 2))
    rows = ["a,b,label"] + [f"{a:.4f},{b:.4f},{int(a > b)}" for a, b in X]
    csv = tmp_path / "points.csv"
    csv.write_text("\n".join(rows) + "\n")
    out = tmp_path / "csv.npz"
    assert cli.main(["train", "--dataset", str(csv), "--epochs", "3", "--output", str(out),
                     "--no-progress", "--val-split", "0", "--seed", "7"]) == 0
    trained = capsys.readouterr().out
    loss = trained.split("(loss ")[1].split(",")[0]
    assert cli.main(["evaluate", str(out)]) == 0
    evaluated = capsys.readouterr().out
    assert "30 examples" in evaluated and f"loss      {loss}" in evaluated


def test_ctrl_c_saves_a_checkpoint_and_says_how_to_resume(tmp_path):
    """SIGINT during `neuronet train`: stop after the batch, save, print the resume command, exit 130."""
    import os
    import signal
    import time

    out = tmp_path / "m.npz"
    argv = [sys.executable, "-m", "neuronet.cli", "train", "--dataset", "spiral", "--epochs", "100000",
            "--batch-size", "8", "--output", str(out), "--no-progress"]
    proc = subprocess.Popen(argv, cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True, env={**os.environ, "PYTHONPATH": str(ROOT)})
    checkpoint = out.with_suffix(".ckpt.npz")
    deadline = time.monotonic() + 60
    while not checkpoint.exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert checkpoint.exists(), "no checkpoint was written"
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 130, err
    assert "training interrupted" in err and "resume with: neuronet train" in err
    assert "Traceback" not in err
    resume_line = next(line for line in err.splitlines() if line.startswith("resume with:"))
    assert f"--resume {checkpoint}" in resume_line
    # the checkpoint it wrote loads and continues
    result = subprocess.run([sys.executable, "-m", "neuronet.cli", "train", "--dataset", "spiral",
                             "--epochs", "1", "--batch-size", "8", "--output", str(out), "--no-progress",
                             "--resume", str(checkpoint)], cwd=tmp_path, capture_output=True, text=True,
                            timeout=120, env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert result.returncode == 0, result.stderr


def test_fill_framing_undoes_light_paper(tmp_path):
    """A Fashion-style picture (light item on black) and the same picture inverted (dark on light
    paper) give the same model input."""
    Image = pytest.importorskip("PIL.Image")
    rng = np.random.default_rng(0)
    item = np.zeros((28, 28), np.uint8)
    item[4:24, 8:20] = rng.integers(120, 255, size=(20, 12))
    Image.fromarray(item).resize((112, 112), Image.Resampling.NEAREST).save(tmp_path / "dark.png")
    Image.fromarray(255 - item).resize((112, 112), Image.Resampling.NEAREST).save(tmp_path / "light.png")
    a = prepare_image(tmp_path / "dark.png", 28, "fill")
    b = prepare_image(tmp_path / "light.png", 28, "fill")
    assert a.shape == (784,) and np.allclose(a, b, atol=1 / 255 + 1e-6)
    # resizing back recovers the item (bilinear resampling blends neighbouring pixels a little)
    assert np.abs(a.reshape(28, 28) - item / 255).mean() < 0.05
    assert np.corrcoef(a, item.reshape(-1) / 255)[0, 1] > 0.9


def test_predict_reports_each_bad_image_and_goes_on(digits_model, tmp_path, capsys):
    Image = pytest.importorskip("PIL.Image")
    good = tmp_path / "good.png"
    canvas = np.full((80, 60), 255, np.uint8)
    canvas[10:70, 26:34] = 0
    Image.fromarray(canvas).save(good)
    assert cli.main(["predict", str(digits_model), str(tmp_path / "missing.png"), str(good)]) == 2
    captured = capsys.readouterr()
    assert "missing.png: no such image file" in captured.err
    assert captured.out.startswith(f"{good}: ")


def test_model_records_how_predict_frames_images(tmp_path):
    out = tmp_path / "d.npz"
    assert cli.main(["train", "--dataset", "digits", "--epochs", "1", "-o", str(out), "--no-progress"]) == 0
    from neuronet import load

    assert load(out).preprocessing["framing"] == "digit"


def test_predict_needs_a_model_of_pictures(tmp_path, capsys):
    import neuronet as nn

    points = tmp_path / "points.npz"
    nn.mlp([2, 3, 2], seed=0).save(points)
    assert cli.main(["predict", str(points), "any.png"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "predict classifies pictures" in err and "takes 2 inputs" in err


def test_predict_with_a_model_saved_from_python_that_declares_its_pictures(tmp_path, capsys):
    """A model saved from Python whose preprocessing says its 64 inputs are 8x8 pictures is read as such
    (one that says nothing is refused: see test_cli_predict.py)."""
    Image = pytest.importorskip("PIL.Image")
    import neuronet as nn

    model = tmp_path / "api.npz"
    net = nn.mlp([64, 10], seed=0)
    net.preprocessing = {"image_shape": [8, 8]}
    net.save(model)
    picture = tmp_path / "p.png"
    canvas = np.full((40, 30), 255, np.uint8)
    canvas[5:35, 12:18] = 0
    Image.fromarray(canvas).save(picture)
    assert cli.main(["predict", str(model), str(picture)]) == 0
    assert capsys.readouterr().out.startswith(f"{picture}: ")


def _python_m(module: str, *argv, cwd) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", module, *map(str, argv)], cwd=cwd, capture_output=True,
                          text=True, timeout=120,
                          env={**__import__("os").environ, "PYTHONPATH": str(ROOT)})


def test_python_m_neuronet_is_the_neuronet_command(tmp_path):
    helped = _python_m("neuronet", "--help", cwd=tmp_path)
    assert helped.returncode == 0 and helped.stdout.startswith("usage: neuronet [-h] [--version] COMMAND")
    assert all(f"\n    {name} " in helped.stdout for name in cli.COMMANDS)
    assert _python_m("neuronet", "--version", cwd=tmp_path).stdout.strip().startswith("neuronet ")
    out = tmp_path / "xor.npz"
    trained = _python_m("neuronet", "train", "--dataset", "xor", "--epochs", "2", "--no-progress",
                        "-o", out, cwd=tmp_path)
    assert trained.returncode == 0, trained.stderr
    assert f"model saved to {out}" in trained.stdout and out.exists()
    described = _python_m("neuronet", "info", out, cwd=tmp_path)
    assert described.returncode == 0 and f"model file: {out}" in described.stdout
    nothing = _python_m("neuronet", cwd=tmp_path)               # no command: the help, status 2
    assert nothing.returncode == 2 and "COMMAND" in nothing.stdout
    mistake = _python_m("neuronet", "train", "--epochs", "0", cwd=tmp_path)
    assert mistake.returncode == 2 and mistake.stderr.count("\n") == 1
