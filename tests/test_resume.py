"""Resuming training gives bit-identical results: after a clean stop, a SIGKILL, or Ctrl-C mid-epoch.
And a diverging run stops with a clear DivergenceError, keeping its last good weights."""

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest
import resume_helper as helper

import neuronet as nn
from neuronet import modelfile

HELPER = Path(__file__).with_name("resume_helper.py")
ROOT = HELPER.parent.parent


@pytest.fixture(scope="module")
def reference():
    """The uninterrupted run everything is compared with: (weights, history without times)."""
    net, history = helper.train()
    return net.get_weights(), helper.comparable(history)


def assert_same(net, history, reference):
    weights, ref_history = reference
    got = net.get_weights()
    assert got.keys() == weights.keys()
    for k in weights:
        assert np.array_equal(got[k], weights[k]), f"{k} differs"
    assert history == ref_history


def spawn(*args):
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")])}
    return subprocess.Popen([sys.executable, str(HELPER), *map(str, args)], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def wait_for(path: Path, proc, timeout=30.0):
    deadline = time.monotonic() + timeout
    while not path.exists():
        assert proc.poll() is None, f"training ended early: {proc.communicate()}"
        assert time.monotonic() < deadline, f"{path} never appeared"
        time.sleep(0.002)


def test_resume_at_epoch_boundary(tmp_path, reference):
    ck = tmp_path / "ck.npz"
    helper.train(epochs=12, checkpoint=ck)
    assert modelfile.load_checkpoint(ck)[2].epoch == 12
    net, history = helper.train(resume=ck)        # a fresh network, weights from the checkpoint
    assert_same(net, helper.comparable(history), reference)


def test_resume_mid_epoch_in_process(tmp_path, reference):
    """Ctrl-C (a real SIGINT to this process) in the middle of epoch 5; Adam state, running sums and
    the dropout generators must all carry over."""

    class CtrlC(nn.Callback):
        def on_batch_end(self, network, epoch, batch, n_batches, loss):
            if (epoch, batch) == (4, 60):
                os.kill(os.getpid(), signal.SIGINT)

    ck = tmp_path / "ck.npz"
    with pytest.raises(nn.TrainingInterrupted) as exc:
        helper.train(checkpoint=ck, callbacks=[CtrlC()])
    assert str(exc.value) == f"training interrupted at epoch 5, after batch 61; checkpoint saved to {ck}"
    state = modelfile.load_checkpoint(ck)[2]
    assert (state.epoch, state.batch) == (4, 61) and state.seen == 61 * 16 and state.dropout_rng
    net, history = helper.train(resume=ck)
    assert_same(net, helper.comparable(history), reference)


@pytest.mark.parametrize("seed", [1, 2])
def test_resume_after_sigkill(tmp_path, reference, seed):
    ck, out = tmp_path / "ck.npz", tmp_path / "final.npz"
    # ~1 ms per batch keeps the run going for seconds, so the kill lands mid-run on any machine.
    proc = spawn("--checkpoint", ck, "--batch-sleep", 0.001)
    wait_for(ck, proc)
    time.sleep(random.Random(seed).uniform(0.0, 0.5))
    proc.kill()
    proc.communicate()
    assert proc.returncode == -signal.SIGKILL, "the run finished before it could be killed"
    epoch = modelfile.load_checkpoint(ck)[2].epoch   # whatever the moment, the checkpoint is whole
    assert 1 <= epoch < helper.EPOCHS

    resumed = spawn("--checkpoint", ck, "--resume", ck, "--out", out)
    stdout, stderr = resumed.communicate(timeout=120)
    assert resumed.returncode == 0, stderr
    assert_same(nn.load(out), modelfile.info(out)["metadata"]["history"], reference)


def test_ctrl_c_in_subprocess_then_resume(tmp_path, reference):
    ck, marker = tmp_path / "ck.npz", tmp_path / "paused"
    proc = spawn("--checkpoint", ck, "--pause-at", "2,3", "--marker", marker)
    wait_for(marker, proc)
    proc.send_signal(signal.SIGINT)
    stdout, stderr = proc.communicate(timeout=60)
    assert proc.returncode == 3, stderr
    assert stdout.strip() == f"training interrupted at epoch 3, after batch 4; checkpoint saved to {ck}"
    state = modelfile.load_checkpoint(ck)[2]
    assert (state.epoch, state.batch) == (2, 4)
    net, history = helper.train(resume=ck)
    assert_same(net, helper.comparable(history), reference)


def test_divergence_keeps_last_good_weights():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(200, 4)).astype(np.float32)
    y = X @ np.array([[1.0], [-2.0], [0.5], [3.0]], dtype=np.float32)
    net = nn.Network([nn.Dense(4, 8, "tanh"), nn.Dense(8, 1)], loss="mse", seed=0)
    net.fit(X, y, epochs=2, batch_size=8, optimizer=nn.SGD(0.01))
    good = net.get_weights()

    seen = []

    class Record(nn.Callback):
        def on_batch_end(self, network, epoch, batch, n_batches, loss):
            seen.append((epoch, batch))

    with pytest.raises(nn.DivergenceError) as exc:
        net.fit(X, y, epochs=3, batch_size=8, optimizer=nn.SGD(1e6), callbacks=[Record()])
    epoch, batch = seen[-1][0] + 1, seen[-1][1] + 2    # 1-based; the failing batch never finished
    message = str(exc.value)
    assert f"training diverged at epoch {epoch}, batch {batch}" in message
    assert "smaller learning rate (now 1e+06)" in message and "\n" not in message
    after = net.get_weights()
    assert all(np.isfinite(w).all() for w in after.values())
    assert all(np.array_equal(after[k], good[k]) for k in good)


@pytest.mark.parametrize("restore_best", [True, False])
def test_early_stopping_resumes_as_if_never_stopped(tmp_path, restore_best):
    """Killed after its best epoch and resumed, a run with EarlyStopping stops at the same epoch with
    the same weights: the callback's best value, wait count and best weights are in the checkpoint."""
    def stopper():
        return nn.EarlyStopping("val_loss", patience=3, min_delta=0.02, restore_best_weights=restore_best)

    ref_stop = stopper()
    ref_net, ref_history = helper.train(epochs=40, callbacks=[ref_stop])
    assert ref_stop.stopped_epoch is not None and ref_stop.best_epoch >= 1
    cut = ref_stop.best_epoch + 2                  # after the best epoch, while it is waiting
    assert cut <= ref_stop.stopped_epoch
    ck = tmp_path / "ck.npz"
    helper.train(epochs=cut, checkpoint=ck, callbacks=[stopper()])
    saved = modelfile.load_checkpoint(ck)[2]
    assert saved.callbacks[0]["type"] == "EarlyStopping" and saved.callbacks[0]["state"]["wait"] == 1
    assert bool(saved.callback_arrays[0]) == restore_best
    resumed = stopper()
    net, history = helper.train(epochs=40, resume=ck, callbacks=[resumed])
    assert resumed.stopped_epoch == ref_stop.stopped_epoch and resumed.best_epoch == ref_stop.best_epoch
    assert_same(net, helper.comparable(history), (ref_net.get_weights(), helper.comparable(ref_history)))


def test_resuming_with_other_stateful_callbacks_is_refused(tmp_path):
    ck = tmp_path / "ck.npz"
    helper.train(epochs=2, checkpoint=ck, callbacks=[nn.EarlyStopping(patience=5)])
    with pytest.raises(nn.ConfigError, match=r"callbacks \['EarlyStopping'\], but this run has \[\]"):
        helper.train(epochs=4, resume=ck)
