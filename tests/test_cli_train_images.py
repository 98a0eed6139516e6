"""`neuronet train` with --batch-norm, --augment/--flip and --threads: the network and the run they make,
and one-line refusals where they cannot apply."""

import pytest

import neuronet as nn
from neuronet.cli import main


def _train(tmp_path, *options):
    out = tmp_path / "m.npz"
    code = main(["train", "--dataset", "digits", "--epochs", "2", "--no-progress", "-o", str(out), *options])
    return code, out


def test_batch_norm_builds_normalised_blocks_and_records_it(tmp_path, capsys):
    code, out = _train(tmp_path, "--conv", "4", "--batch-norm", "--layers", "16")
    assert code == 0
    kinds = [type(layer).__name__ for layer in nn.load(out).layers]
    assert kinds[:4] == ["Conv2D", "BatchNorm", "Activation", "MaxPool2D"]
    assert "conv4-bn-pool" in capsys.readouterr().err
    assert nn.modelfile.info(out)["metadata"]["training"]["batch_norm"] is True


def test_augment_changes_the_run_and_is_recorded(tmp_path):
    code, plain = _train(tmp_path, "--seed", "3")
    history_plain = nn.modelfile.info(plain)["metadata"]["history"]["loss"]
    (tmp_path / "b").mkdir()
    code2, shifted = _train(tmp_path / "b", "--seed", "3", "--augment", "1")
    info = nn.modelfile.info(shifted)["metadata"]
    assert code == code2 == 0 and info["training"]["augment"] == 1
    assert info["history"]["loss"] != history_plain


@pytest.mark.parametrize("options, message", [
    (["--batch-norm"], "--batch-norm goes with --conv"),
    (["--flip"], "--flip goes with --augment PIXELS"),
    (["--dataset", "moons", "--augment", "1"], "--augment shifts pictures, but moons has no image shape"),
])
def test_options_that_cannot_apply_are_one_line(tmp_path, capsys, options, message):
    code = main(["train", "--epochs", "1", "--no-progress", "-o", str(tmp_path / "m.npz"),
                 *(["--dataset", "digits"] if "--dataset" not in options else []), *options])
    err = capsys.readouterr().err.strip().splitlines()
    assert code == 2 and message in err[-1]
    assert not (tmp_path / "m.npz").exists()


def test_threads_is_taken(tmp_path):
    pytest.importorskip("threadpoolctl")
    code, out = _train(tmp_path, "--threads", "1")
    assert code == 0 and out.exists()
    with pytest.raises(SystemExit) as exc:                     # argparse: a usage error, exit 2
        _train(tmp_path, "--threads", "0")
    assert exc.value.code == 2
