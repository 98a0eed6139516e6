"""`neuronet train --conv`: convolutional blocks from the command line, and the commands that read
the model it writes (evaluate, predict, info, --resume)."""

from __future__ import annotations

import io
import signal
from contextlib import redirect_stderr, redirect_stdout

import pytest
from cli_helpers import drawn_one

from neuronet import cli, modelfile
from neuronet.callbacks import Callback
from neuronet.conv import Conv2D, MaxPool2D
from neuronet.errors import ConfigError
from neuronet.layers import Dense, Dropout
from neuronet.network import Network, cnn, max_conv_blocks

pytest.importorskip("sklearn")   # the 8x8 digits

TRAIN = ["train", "--dataset", "digits", "--conv", "8,16", "--layers", "32", "--no-progress"]


def _accuracy(out: str) -> float:
    return float(out.split("test accuracy:")[1].split()[0])


@pytest.fixture(scope="module")
def conv_run(tmp_path_factory):
    """(model path, stdout, stderr) of a short convolutional run on the 8x8 digits."""
    out = tmp_path_factory.mktemp("cliconv") / "conv.npz"
    stdout, stderr = io.StringIO(), io.StringIO()
    with redirect_stdout(stdout), redirect_stderr(stderr):   # capsys is per test, this runs once
        code = cli.main([*TRAIN, "--epochs", "15", "--output", str(out)])
    assert code == 0, stderr.getvalue()
    return out, stdout.getvalue(), stderr.getvalue()


def test_model_file_holds_the_conv_blocks_then_the_dense_layers(conv_run):
    net = modelfile.load(conv_run[0])
    assert [type(layer) for layer in net.layers] == [Conv2D, MaxPool2D, Conv2D, MaxPool2D, Dense, Dense]
    c1, p1, c2, p2, d1, d2 = net.layers
    assert (c1.input_shape, c1.output_shape) == ((8, 8, 1), (8, 8, 8))
    assert (c1.kernel_size, c1.stride, c1.padding) == ((3, 3), 1, "same")
    assert (p1.output_shape, p1.pool_size) == ((4, 4, 8), 2)
    assert (c2.input_shape, c2.output_shape) == ((4, 4, 8), (4, 4, 16))
    assert p2.output_shape == (2, 2, 16)
    assert c1.activation.name == c2.activation.name == "relu"
    assert (d1.W.shape, d2.W.shape) == ((64, 32), (32, 10))
    assert net.n_in == 64 and net.preprocessing["image_shape"] == [8, 8]


def test_settings_and_network_line_describe_the_blocks(conv_run):
    path, _, err = conv_run
    assert "network 8x8x1-conv8-pool-conv16-pool(2x2x16=64)-32-10" in err
    training = modelfile.info(path)["metadata"]["training"]
    assert training["layers"] == [64, 32, 10]
    assert training["conv"] == {"filters": [8, 16], "kernel_size": 3, "padding": "same",
                                "activation": "relu", "pool_size": 2, "input_shape": [8, 8, 1],
                                "output_shape": [2, 2, 16]}


def test_conv_network_learns_the_digits(conv_run):
    # 15 epochs reach about 0.96 on the 360 held-out digits; chance is 0.1.
    assert _accuracy(conv_run[1]) > 0.9


def test_evaluate_info_and_predict_read_the_conv_model(conv_run, tmp_path, capsys):
    path, out, _ = conv_run
    assert cli.main(["evaluate", str(path)]) == 0
    evaluated = capsys.readouterr().out
    assert f"accuracy  {_accuracy(out):.4f}" in evaluated and "360 examples" in evaluated

    assert cli.main(["info", str(path)]) == 0
    info = capsys.readouterr().out
    assert "Conv2D(8×8×1, 8 filters 3×3" in info and "MaxPool2D(4×4×16, pool 2" in info
    assert '"conv": {"filters": [8, 16]' in info

    picture = drawn_one(tmp_path)
    assert cli.main(["predict", str(path), str(picture), "--top", "2"]) == 0
    line = capsys.readouterr().out.strip()
    assert line.startswith(f"{picture}: ") and line.count(",") == 1


def test_dropout_follows_the_dense_hidden_layers_only(tmp_path):
    out = tmp_path / "drop.npz"
    assert cli.main([*TRAIN, "--dropout", "0.2", "--epochs", "1", "--output", str(out)]) == 0
    kinds = [type(layer) for layer in modelfile.load(out).layers]
    assert kinds == [Conv2D, MaxPool2D, Conv2D, MaxPool2D, Dense, Dropout, Dense]


def _one_line_error(capsys, argv, fragment):
    try:
        code = cli.main(argv)
    except SystemExit as exc:   # argparse's own refusals
        code = exc.code
    assert code == 2
    lines = capsys.readouterr().err.strip().splitlines()
    assert len(lines) == 1 and fragment in lines[0], lines


@pytest.mark.parametrize("value, fragment", [
    ("0", "filter counts must be positive, got '0'"),
    ("-4", "filter counts must be positive, got '-4'"),
    ("8,-1", "filter counts must be positive"),
    ("eight", "comma-separated filter counts like 16,32, got 'eight'"),
    ("8,,16", "comma-separated filter counts"),
    ("2.5", "comma-separated filter counts"),
    ("", "comma-separated filter counts"),
])
def test_bad_filter_counts_are_refused(value, fragment, capsys):
    _one_line_error(capsys, ["train", "--dataset", "digits", "--conv", value], fragment)


@pytest.mark.parametrize("filters, path", [
    ("8,8,8,8", "8x8 -> 4x4 -> 2x2 -> 1x1 -> 0x0"),   # the images would vanish
    ("8,8,8", "8x8 -> 4x4 -> 2x2 -> 1x1"),            # the third 3x3 kernel would not fit in 2x2
])
def test_too_many_blocks_for_the_image_is_one_line(filters, path, tmp_path, capsys):
    n = filters.count(",") + 1
    argv = ["train", "--dataset", "digits", "--conv", filters, "-o", str(tmp_path / "m.npz")]
    _one_line_error(capsys, argv,
                    f"--conv {filters}: {n} blocks are too many for the 8x8 images of digits (each halves "
                    f"them: {path}; a 3x3 convolution needs at least 3x3); use at most 2")
    assert not (tmp_path / "m.npz").exists()


def test_as_many_blocks_as_fit_the_8x8_digits(tmp_path):
    out = tmp_path / "m.npz"
    assert cli.main(["train", "--dataset", "digits", "--conv", "4,4", "--epochs", "1", "--no-progress",
                     "--output", str(out)]) == 0
    assert modelfile.load(out).layers[3].output_shape == (2, 2, 4)


def test_how_many_blocks_fit(monkeypatch):
    """4 on 28x28 (28 -> 14 -> 7 -> 3 -> 1), 5 on 48x48, whatever the other side allows."""
    assert len(cnn((28, 28), [2] * 4, [10]).layers[:-1]) == 8     # 4 blocks of 2 layers, then the output
    assert len(cnn((48, 60), [2] * 5, [10]).layers[:-1]) == 10
    assert (max_conv_blocks(28, 28), max_conv_blocks(48, 60), max_conv_blocks(8, 8)) == (4, 5, 2)
    for filters, shape in (([2] * 5, [28, 28]), ([2] * 2, [5, 40]), ([2], [2, 2])):
        with pytest.raises(ConfigError, match=f"use at most {len(filters) - 1}$"):
            cnn(shape, filters, [10])


def test_conv_needs_image_data(tmp_path, capsys):
    _one_line_error(capsys, ["train", "--dataset", "moons", "--conv", "8"], "--conv needs image data")
    csv = tmp_path / "points.csv"
    csv.write_text("a,b,label\n" + "".join(f"{i / 10},{i % 3},{i % 2}\n" for i in range(20)))
    _one_line_error(capsys, ["train", "--dataset", str(csv), "--conv", "8"],
                    f"--conv needs image data (a dataset of pictures such as digits, mnist, fashion-mnist "
                    f"or an image folder), but {csv} has no image shape")


def test_conv_on_an_image_folder(tmp_path):
    Image = pytest.importorskip("PIL.Image")
    for k, name in enumerate(["dark", "light"]):
        (tmp_path / "pics" / name).mkdir(parents=True)
        for i in range(5):
            Image.new("L", (20, 30), 40 + 170 * k + i).save(tmp_path / "pics" / name / f"{i}.png")
    out = tmp_path / "pics.npz"
    assert cli.main(["train", "--dataset", str(tmp_path / "pics"), "--conv", "4", "--layers", "8",
                     "--epochs", "1", "--no-progress", "--output", str(out)]) == 0
    first = modelfile.load(out).layers[0]
    assert isinstance(first, Conv2D) and first.input_shape == (28, 28, 1)   # folders load as 28x28


class _CtrlCAfterFirstEpoch(Callback):
    def on_epoch_end(self, network, epoch, logs):
        if epoch == 0:
            signal.raise_signal(signal.SIGINT)   # fit's handler: stop after the next batch


def test_resume_a_conv_run_and_refuse_other_blocks(tmp_path, monkeypatch, capsys):
    fit = Network.fit

    def fit_then_ctrl_c(self, *args, callbacks=(), **kwargs):
        return fit(self, *args, callbacks=[*callbacks, _CtrlCAfterFirstEpoch()], **kwargs)

    out = tmp_path / "m.npz"
    argv = [*TRAIN, "--epochs", "3", "--output", str(out)]
    with monkeypatch.context() as m:
        m.setattr(Network, "fit", fit_then_ctrl_c)
        assert cli.main(argv) == cli.EXIT_INTERRUPTED
    checkpoint = out.with_suffix(".ckpt.npz")
    assert checkpoint.exists() and not out.exists()
    capsys.readouterr()

    # The blocks are part of the architecture that the checkpoint records: other ones are refused.
    other = ["train", "--dataset", "digits", "--conv", "8,8", "--layers", "32", "--epochs", "3",
             "--output", str(out), "--resume", str(checkpoint), "--no-progress"]
    assert cli.main(other) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert err[-1].startswith(f"neuronet: error: --conv 8,8 differs from 8,16 in checkpoint {checkpoint};")
    assert cli.main([*argv, "--resume", str(checkpoint)]) == 0
    assert len(modelfile.info(out)["metadata"]["history"]["loss"]) == 3
    assert _accuracy(capsys.readouterr().out) > 0.5
