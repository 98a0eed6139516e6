"""Sweeps on a real Dask cluster: a scheduler and two single-threaded workers started here, as
separate processes listening on 127.0.0.1 only, and stopped at the end whatever happens."""

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

pytest.importorskip("distributed")
pytest.importorskip("sklearn")

import neuronet as nn  # noqa: E402
from neuronet import datasets  # noqa: E402
from neuronet.cli import main  # noqa: E402

ENV = {**os.environ, "OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}


def _stop(procs, address=None):
    """Ask the cluster to shut down, then make sure: SIGTERM, and SIGKILL for what is still there."""
    if address is not None:
        from distributed import Client

        try:
            with Client(address, timeout=5) as client:
                client.shutdown()
        except (OSError, TimeoutError):
            pass
    for p in procs:
        if p.poll() is None:
            p.terminate()
    for p in procs:
        try:
            p.wait(timeout=5)
        except subprocess.TimeoutExpired:
            p.kill()
            p.wait()


@pytest.fixture(scope="module")
def scheduler(tmp_path_factory):
    """The address of a scheduler with two workers (named w0 and w1), all on 127.0.0.1."""
    from distributed import Client

    where = tmp_path_factory.mktemp("dask")
    file = where / "scheduler.json"
    quiet = {"stdout": subprocess.DEVNULL, "stderr": subprocess.DEVNULL, "env": ENV, "cwd": where}
    address = None
    procs = [subprocess.Popen([sys.executable, "-m", "distributed.cli.dask_scheduler", "--host", "127.0.0.1",
                               "--port", "0", "--no-dashboard", "--scheduler-file", str(file)], **quiet)]
    try:
        deadline = time.monotonic() + 60
        while not file.exists():
            assert time.monotonic() < deadline and procs[0].poll() is None, "the scheduler did not start"
            time.sleep(0.1)
        time.sleep(0.2)   # the file is written whole, but give it a moment
        address = json.loads(file.read_text())["address"]
        for name in ("w0", "w1"):
            procs.append(subprocess.Popen(
                [sys.executable, "-m", "distributed.cli.dask_worker", address, "--nthreads", "1",
                 "--no-nanny", "--no-dashboard", "--host", "127.0.0.1", "--name", name,
                 "--death-timeout", "30"], **quiet))
        with Client(address, timeout=30) as client:
            client.wait_for_workers(2, timeout=60)
        yield address
    finally:
        _stop(procs, address)


def lone_run(settings):
    """The trial trained alone, in this process, with the calls `neuronet train` makes."""
    (x, y), (x_test, y_test) = datasets.load("digits")
    (x, y), val = datasets.train_val_split(x, y, val_fraction=settings["val_split"], seed=settings["seed"])
    net = nn.mlp([64, *settings["layers"], 10], activation=settings["activation"], seed=settings["seed"])
    opt = nn.optimizers.get(settings["optimizer"], lr=settings["lr"], momentum=settings["momentum"])
    history = net.fit(x, y, epochs=settings["epochs"], batch_size=settings["batch_size"], optimizer=opt,
                      validation_data=val, seed=settings["seed"])
    return net, history


def records(directory):
    return json.loads((Path(directory) / "results.json").read_text())["trials"]


GRID = ["--set", "optimizer=sgd", "--set", "activation=identity", "--set", "layers=16", "--set", "epochs=4",
        "--grid", "lr=0.01,0.03,10", "--grid", "momentum=0,0.5", "--grid", "seed=0,1"]


@pytest.fixture(scope="module")
def swept(scheduler, tmp_path_factory):
    """(status, output dir, stdout) of one sweep of twelve digit trials, four of them diverging."""
    out = tmp_path_factory.mktemp("sweep") / "digits"
    import contextlib
    import io

    text = io.StringIO()
    with contextlib.redirect_stdout(text):
        status = main(["sweep", "--dataset", "digits", *GRID, "--scheduler", scheduler, "-o", str(out),
                       "--no-progress"])
    return status, out, text.getvalue()


def test_a_sweep_through_the_scheduler_runs_on_both_workers_and_keeps_its_results(swept):
    status, out, text = swept
    assert status == 0
    got = records(out)
    assert len(got) == 12 and sorted(r["trial"] for r in got) == list(range(12))
    workers = {r["worker"] for r in got}
    assert len(workers) == 2 and all(w.startswith("tcp://127.0.0.1:") for w in workers)
    for worker in workers:   # each worker loaded the dataset once, for its first trial
        assert sum(r["data_seconds"] > 0 for r in got if r["worker"] == worker) == 1
    csv = (out / "results.csv").read_text().splitlines()
    assert len(csv) == 13 and csv[0].startswith("trial,status,layers,")
    assert (out / "results.png").stat().st_size > 1000
    assert "best: trial" in text and "val_acc" in text


def test_a_diverging_trial_is_recorded_with_its_reason_and_the_others_finish(swept):
    _, out, text = swept
    got = records(out)
    failed = [r for r in got if r["status"] == "failed"]
    assert sorted(r["settings"]["lr"] for r in failed) == [10.0] * 4
    assert all(r["reason"].startswith("DivergenceError: training diverged") for r in failed)
    assert all(r["status"] == "ok" for r in got if r["settings"]["lr"] != 10.0)
    assert "failed: DivergenceError" in text


def test_each_trial_ends_bit_for_bit_where_training_it_alone_does(swept):
    _, out, _ = swept
    got = [r for r in records(out) if r["status"] == "ok"]
    for r in got[:2]:
        _, history = lone_run(r["settings"])
        assert r["history"]["loss"] == history["loss"] and r["history"]["val_loss"] == history["val_loss"]
    best = max(got, key=lambda r: (r["best_val_accuracy"], -r["best_val_loss"]))
    net, _ = lone_run(best["settings"])
    saved = nn.load(out / "best.npz")
    (_, _), (x_test, y_test) = datasets.load("digits")
    assert net.evaluate(x_test, y_test)[1] == best["test_accuracy"]
    for name, w in net.get_weights().items():
        np.testing.assert_array_equal(saved.get_weights()[name], w)
    assert saved.class_names == [str(d) for d in range(10)]


@pytest.mark.slow
def test_an_interrupted_sweep_keeps_what_finished_and_resume_runs_only_the_rest(scheduler, tmp_path):
    out = tmp_path / "digits"
    argv = ["sweep", "--dataset", "digits", "--set", "layers=128x128", "--set", "epochs=200",
            "--grid", "lr=0.001,0.002,0.003,0.004", "--grid", "seed=0,1", "--scheduler", scheduler,
            "-o", str(out), "--no-progress", "--no-plot"]
    child = subprocess.Popen([sys.executable, "-m", "neuronet", *argv], stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, text=True, env=ENV,
                             # As from a terminal: a run started in the background of a script inherits
                             # an ignored SIGINT, and Python would then never see the Ctrl-C.
                             preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    try:
        deadline = time.monotonic() + 90
        while not ((out / "results.json").exists() and records(out)):
            assert child.poll() is None and time.monotonic() < deadline, child.communicate()
            time.sleep(0.05)
        child.send_signal(signal.SIGINT)   # Ctrl-C
        _, err = child.communicate(timeout=30)
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()
    assert child.returncode == 130, err
    assert "resume with: neuronet sweep" in err and "--resume" in err and "Traceback" not in err
    before = records(out)
    assert 1 <= len(before) < 8
    assert main([*argv, "--resume"]) == 0
    after = records(out)
    assert len(after) == 8 and {json.dumps(r["settings"]) for r in after} == \
        {json.dumps(r["settings"]) for r in records(out)}
    assert [r for r in after if r["trial"] in {b["trial"] for b in before}] == before   # not rerun


def test_grid_search_cv_on_the_estimator_runs_under_the_dask_joblib_backend(scheduler):
    import joblib
    from distributed import Client, get_task_stream
    from sklearn.model_selection import GridSearchCV

    (x, y), _ = datasets.load("digits")
    x, y = x[:600], y[:600]
    grid = {"lr": [1e-3, 1e-2], "hidden_layers": [(16,), (32,)]}

    def search():
        return GridSearchCV(nn.MLPClassifier(epochs=5, batch_size=32, seed=0), grid, cv=2).fit(x, y)

    alone = search()
    with Client(scheduler, timeout=30) as client, joblib.parallel_backend("dask"), \
            get_task_stream(client) as tasks:
        on_dask = search()
    assert len({t["worker"] for t in tasks.data}) == 2   # the fits ran on the cluster's two workers
    assert on_dask.best_params_ == alone.best_params_
    np.testing.assert_array_equal(on_dask.cv_results_["mean_test_score"],
                                  alone.cv_results_["mean_test_score"])
