"""`neuronet train --resume CHECKPOINT` alone continues a run with the settings saved in the checkpoint."""

from __future__ import annotations

import os
import shlex
import signal

import numpy as np
import pytest

import neuronet.callbacks
from neuronet import cli, modelfile
from neuronet.history import read_history
from neuronet.schedules import CosineDecay

pytest.importorskip("sklearn")

# Non-default settings throughout, so that a resume which fell back to the defaults would show.
RUN = ["--dataset", "digits", "--layers", "16", "--dropout", "0.2", "--batch-size", "64",
       "--optimizer", "sgd", "--momentum", "0.9", "--lr", "0.05", "--seed", "3", "--val-split", "0.2"]


class _CtrlC:
    """Stands in for the progress bar and sends this process a real SIGINT after epoch 2, batch 5."""

    at = (1, 4)   # 0-based (epoch, batch)

    def __init__(self, epochs, file=None):
        pass

    def on_batch_end(self, network, epoch, batch, n_batches, loss):
        if (epoch, batch) == self.at:
            os.kill(os.getpid(), signal.SIGINT)

    def on_epoch_end(self, network, epoch, logs):
        pass


def _weights(path) -> dict:
    return modelfile.load(path).get_weights()


def _same_weights(a, b) -> bool:
    wa, wb = _weights(a), _weights(b)
    return wa.keys() == wb.keys() and all(np.array_equal(wa[k], wb[k]) for k in wa)


def _history(path) -> dict:
    history = modelfile.info(path)["metadata"]["history"]
    return {k: v for k, v in history.items() if k != "seconds"}


@pytest.fixture
def interrupted(tmp_path, monkeypatch, capsys):
    """(checkpoint, printed resume line): a 4-epoch run stopped by Ctrl-C in epoch 2."""
    monkeypatch.chdir(tmp_path)
    with monkeypatch.context() as m:
        m.setattr(neuronet.callbacks, "ProgressBar", _CtrlC)
        assert cli.main(["train", *RUN, "--epochs", "4"]) == cli.EXIT_INTERRUPTED
    err = capsys.readouterr().err
    line = next(x for x in err.splitlines() if x.startswith("resume with: "))
    checkpoint = tmp_path / "models" / "digits.ckpt.npz"
    assert checkpoint.exists() and not (tmp_path / "models" / "digits.npz").exists()
    return checkpoint, line[len("resume with: "):]


def _reference(tmp_path, epochs: int):
    out = tmp_path / f"reference{epochs}.npz"
    assert cli.main(["train", *RUN, "--epochs", str(epochs), "--no-progress", "-o", str(out)]) == 0
    return out


def test_printed_short_command_resumes_bit_identically(interrupted, tmp_path, capsys):
    checkpoint, command = interrupted
    assert command == "neuronet train --resume models/digits.ckpt.npz --epochs 4"   # only what was typed
    argv = shlex.split(command)
    assert cli.main(argv[1:] + ["--no-progress"]) == 0
    assert "model saved to models/digits.npz" in capsys.readouterr().out
    assert not checkpoint.exists()   # the finished run removes it, as an uninterrupted one would
    reference = _reference(tmp_path, 4)
    resumed = tmp_path / "models" / "digits.npz"
    assert _same_weights(resumed, reference)
    assert _history(resumed) == _history(reference)
    settings = [modelfile.info(path)["metadata"]["training"] for path in (resumed, reference)]
    assert settings[0] == settings[1]


def test_longer_epochs_continue_the_run(interrupted, tmp_path):
    checkpoint, _ = interrupted
    assert cli.main(["train", "--resume", str(checkpoint), "--epochs", "6", "--no-progress"]) == 0
    resumed = tmp_path / "models" / "digits.npz"
    assert len(_history(resumed)["loss"]) == 6
    assert modelfile.info(resumed)["metadata"]["training"]["epochs"] == 6
    assert _same_weights(resumed, _reference(tmp_path, 6))


@pytest.mark.parametrize("option, value, saved", [("--layers", "32", "16"), ("--seed", "0", "3"),
                                                  ("--dataset", "moons", "digits"),
                                                  ("--batch-size", "32", "64")])
def test_conflicting_option_is_refused_in_one_line(interrupted, capsys, option, value, saved):
    checkpoint, _ = interrupted
    assert cli.main(["train", "--resume", str(checkpoint), option, value, "--no-progress"]) == 2
    err = capsys.readouterr().err.strip()
    assert "\n" not in err and "Traceback" not in err
    assert f"{option} {value} differs from {saved}" in err and str(checkpoint) in err
    assert checkpoint.exists()


def test_repeating_the_original_options_still_works(interrupted, tmp_path):
    checkpoint, _ = interrupted
    assert cli.main(["train", *RUN, "--epochs", "4", "--no-progress", "--resume", str(checkpoint)]) == 0
    assert _same_weights(tmp_path / "models" / "digits.npz", _reference(tmp_path, 4))


def test_interrupted_resume_prints_its_epochs(interrupted, monkeypatch, capsys):
    checkpoint, _ = interrupted
    class Later(_CtrlC):
        at = (2, 4)

    monkeypatch.setattr(neuronet.callbacks, "ProgressBar", Later)
    assert cli.main(["train", "--resume", str(checkpoint), "--epochs", "5"]) == cli.EXIT_INTERRUPTED
    err = capsys.readouterr().err
    # the checkpoint goes where the run recorded it, and the command names it so
    assert "resume with: neuronet train --resume models/digits.ckpt.npz --epochs 5\n" in err


def test_older_checkpoint_without_settings_uses_the_command_line(interrupted, tmp_path, capsys):
    checkpoint, _ = interrupted
    net, opt, state = modelfile.load_checkpoint(checkpoint)
    modelfile.save_checkpoint(checkpoint, net, opt, state)   # as neuronet wrote them before: no settings
    assert cli.main(["train", "--resume", str(checkpoint), "--no-progress"]) == 2   # defaults: 64 hidden
    err = capsys.readouterr().err
    assert "does not record its run's settings" in err and "different architecture" in err
    assert cli.main(["train", *RUN, "--epochs", "4", "--no-progress", "--resume", str(checkpoint)]) == 0
    assert _same_weights(tmp_path / "models" / "digits.npz", _reference(tmp_path, 4))


def test_resume_from_a_model_file_is_refused(tmp_path, capsys):
    out = tmp_path / "m.npz"
    assert cli.main(["train", "--dataset", "xor", "--epochs", "1", "--no-progress", "-o", str(out)]) == 0
    capsys.readouterr()
    assert cli.main(["train", "--resume", str(out)]) == 2
    assert "model file, not a training checkpoint" in capsys.readouterr().err


def test_cosine_schedule_stretches_to_the_longer_run(tmp_path, monkeypatch, capsys):
    """A cosine schedule spans the run; continued to more epochs it must span those, not sit at 0."""
    monkeypatch.chdir(tmp_path)
    run = [*RUN, "--schedule", "cosine"]
    with monkeypatch.context() as m:
        m.setattr(neuronet.callbacks, "ProgressBar", _CtrlC)
        assert cli.main(["train", *run, "--epochs", "4"]) == cli.EXIT_INTERRUPTED
    checkpoint = tmp_path / "models" / "digits.ckpt.npz"
    capsys.readouterr()
    assert cli.main(["train", "--resume", str(checkpoint), "--epochs", "8", "--no-progress"]) == 0
    assert "schedule now spans 8 epochs" in capsys.readouterr().err
    lrs = _history(tmp_path / "models" / "digits.npz")["lr"]
    cosine4, cosine8 = CosineDecay(0.05, epochs=4), CosineDecay(0.05, epochs=8)
    assert lrs[0] == pytest.approx(cosine4(0))                     # before the interruption
    assert lrs[1:] == pytest.approx([cosine8(e) for e in range(1, 8)])
    assert min(lrs) > 0


def test_cosine_resume_with_the_same_epochs_is_bit_identical(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    run = [*RUN, "--schedule", "cosine", "--epochs", "4"]
    with monkeypatch.context() as m:
        m.setattr(neuronet.callbacks, "ProgressBar", _CtrlC)
        assert cli.main(["train", *run]) == cli.EXIT_INTERRUPTED
    assert cli.main(["train", "--resume", "models/digits.ckpt.npz", "--no-progress"]) == 0
    assert "schedule now spans" not in capsys.readouterr().err
    reference = tmp_path / "reference.npz"
    assert cli.main(["train", *run, "--no-progress", "-o", str(reference)]) == 0
    assert _same_weights(tmp_path / "models" / "digits.npz", reference)
    assert _history(tmp_path / "models" / "digits.npz") == _history(reference)


@pytest.mark.parametrize("option", ["-o", "--history"])
def test_an_output_over_the_checkpoint_being_resumed_is_refused(interrupted, capsys, option):
    """The model (or the history) written at the end would replace the checkpoint this run started
    from, and with it the way to resume from there again (say, to more epochs)."""
    checkpoint, _ = interrupted
    before = checkpoint.read_bytes()
    assert cli.main(["train", "--resume", str(checkpoint), option, str(checkpoint), "--no-progress"]) == 2
    err = capsys.readouterr().err.strip()
    assert "\n" not in err and "Traceback" not in err
    assert f"{option} {checkpoint} is the checkpoint being resumed" in err
    assert checkpoint.read_bytes() == before


def test_an_output_through_a_symlink_to_the_checkpoint_is_refused(interrupted, tmp_path, capsys):
    checkpoint, _ = interrupted
    before = checkpoint.read_bytes()
    os.symlink(checkpoint, tmp_path / "alias.npz")
    assert cli.main(["train", "--resume", str(checkpoint), "-o", "alias.npz", "--no-progress"]) == 2
    err = capsys.readouterr().err
    assert "-o alias.npz is the checkpoint being resumed (--resume" in err
    assert checkpoint.read_bytes() == before


def test_checkpoint_may_name_the_checkpoint_being_resumed(interrupted, tmp_path):
    """--resume CKPT --checkpoint CKPT is how a run goes on writing where it was."""
    checkpoint, _ = interrupted
    assert cli.main(["train", "--resume", str(checkpoint), "--checkpoint", "./models/digits.ckpt.npz",
                     "--no-progress"]) == 0
    assert not checkpoint.exists()
    assert _same_weights(tmp_path / "models" / "digits.npz", _reference(tmp_path, 4))


# Every option of `neuronet train` that shapes a run, each interrupted by a real Ctrl-C and resumed
# with --resume alone: the model file must hold the uninterrupted run's weights and history, bit for
# bit. (id, options, where Ctrl-C lands as a 0-based (epoch, batch)); digits, 4 epochs, unless given.
EVERY_OPTION = [
    ("adam", ["--optimizer", "adam", "--lr", "0.01"], (1, 4)),
    ("adamw", ["--optimizer", "adamw"], (1, 4)),
    ("adamw-decay", ["--optimizer", "adamw", "--weight-decay", "0.1"], (1, 4)),
    ("rmsprop", ["--optimizer", "rmsprop"], (1, 4)),
    ("sgd", ["--optimizer", "sgd", "--lr", "0.1"], (1, 4)),
    ("sgd-momentum-decay", ["--optimizer", "sgd", "--lr", "0.05", "--momentum", "0.9",
                            "--weight-decay", "0.01"], (2, 0)),
    ("adam-decay", ["--weight-decay", "0.001"], (1, 4)),
    ("step", ["--schedule", "step", "--epochs", "6"], (3, 2)),
    ("exponential", ["--schedule", "exponential"], (1, 4)),
    ("cosine", ["--schedule", "cosine", "--optimizer", "rmsprop"], (1, 4)),
    ("dropout", ["--dropout", "0.4", "--layers", "32,16"], (1, 4)),
    ("conv", ["--conv", "4,8", "--dropout", "0.2", "--layers", "16"], (1, 4)),
    ("conv-batch-norm", ["--conv", "4", "--batch-norm", "--layers", "16"], (1, 4)),
    ("augment", ["--augment", "1", "--flip"], (1, 4)),
    ("threads", ["--threads", "1"], (1, 4)),
    ("batch-size", ["--batch-size", "100"], (1, 4)),
    ("batch-size-1", ["--batch-size", "1", "--epochs", "2", "--val-split", "0.8"], (0, 100)),
    ("last-batch-of-an-epoch", ["--batch-size", "64"], (1, 17)),   # 1150 examples: batches 0..17
    ("tanh", ["--activation", "tanh"], (1, 4)),
    ("mse", ["--loss", "mse", "--optimizer", "sgd", "--lr", "0.5"], (1, 4)),
    ("logits", ["--output-activation", "linear"], (1, 4)),
    ("float64", ["--dtype", "float64"], (1, 4)),
    ("no-hidden-layers", ["--layers", "none"], (1, 4)),
    ("no-validation", ["--val-split", "0"], (1, 4)),
    ("seed", ["--seed", "11"], (1, 4)),
    ("csv-file", ["--dataset", "points.csv"], (1, 3)),   # 192 examples after the two splits
    # early stopping: the best epoch is the 5th; Ctrl-C lands in the 7th (one epoch without gain
    # already counted), and the run stops after it with the 5th epoch's weights
    ("patience", ["--patience", "2", "--lr", "0.03", "--epochs", "12"], (6, 4)),
]


def _ctrl_c_at(at):
    class At(_CtrlC):
        pass

    At.at = at
    return At


@pytest.mark.parametrize("case, extra, at", EVERY_OPTION, ids=[case[0] for case in EVERY_OPTION])
def test_every_option_resumes_bit_identically(tmp_path, monkeypatch, capsys, case, extra, at):
    monkeypatch.chdir(tmp_path)
    rng = np.random.default_rng(5)
    X = rng.normal(size=(300, 4))
    rows = [",".join(f"{v:.4f}" for v in x) + f",{int(x[0] + x[1] > 0) + int(x[2] > 1)}" for x in X]
    (tmp_path / "points.csv").write_text("a,b,c,d,label\n" + "\n".join(rows) + "\n")
    run = ["--dataset", "digits", "--layers", "16", "--seed", "3", "--val-split", "0.2", "--epochs", "4",
           "--history", "run.json", *extra]
    with monkeypatch.context() as m:
        m.setattr(neuronet.callbacks, "ProgressBar", _ctrl_c_at(at))
        assert cli.main(["train", *run, "-o", "run.npz"]) == cli.EXIT_INTERRUPTED
    # Ctrl-C in an epoch's last batch lets the epoch end: the run stops before the next one
    where = (at[0] + 2, 0) if case == "last-batch-of-an-epoch" else (at[0] + 1, at[1] + 1)
    assert f"interrupted at epoch {where[0]}, after batch {where[1]};" in capsys.readouterr().err
    assert cli.main(["train", "--resume", "run.ckpt.npz", "--no-progress"]) == 0
    assert "model saved to run.npz" in capsys.readouterr().out
    assert cli.main(["train", *run, "-o", "reference.npz", "--history", "reference.json",
                     "--no-progress"]) == 0
    assert _same_weights("run.npz", "reference.npz")
    assert _history("run.npz") == _history("reference.npz")
    written = [read_history(name) for name in ("run.json", "reference.json")]
    assert [{k: v for k, v in h.items() if k != "seconds"} for h in written] == [_history("run.npz")] * 2
    if "--patience" in extra:   # it did stop early, after the interruption
        assert len(_history("run.npz")["loss"]) == 7
