"""Sweeps without a cluster: the search space, one trial run in this process, the results files.
(tests/test_sweeps_cluster.py runs sweeps on a real scheduler and workers.)"""

import json
import subprocess
import sys

import numpy as np
import pytest

import neuronet as nn
from neuronet.cli import main
from neuronet.errors import ConfigError
from neuronet.sweeps import Range, expand, results, space, trial


def digits_available():
    try:
        import sklearn  # noqa: F401
    except ImportError:
        return False
    return True


needs_digits = pytest.mark.skipif(not digits_available(), reason="the 8x8 digits need scikit-learn")


def test_a_grid_is_every_combination_in_order_over_the_defaults():
    trials = expand({"lr": [1e-3, 3e-3], "layers": [[128], [256, 128]]}, settings={"epochs": 5})
    assert [(t["lr"], t["layers"]) for t in trials] == [
        (1e-3, [128]), (1e-3, [256, 128]), (3e-3, [128]), (3e-3, [256, 128])]
    assert all(t["epochs"] == 5 and t["optimizer"] == "adam" and set(t) == set(space.DEFAULTS)
               for t in trials)
    assert expand({"layers": [256, 128]})[0]["layers"] == [256, 128]   # one architecture, not two


def test_trials_pick_from_the_grid_reproducibly_and_all_of_it_when_it_is_small():
    grid = {"lr": [1e-4, 1e-3, 1e-2], "dropout": [0.0, 0.2, 0.5]}
    picked = expand(grid, trials=4, search_seed=7)
    assert len(picked) == 4 and picked == expand(grid, trials=4, search_seed=7)
    assert picked != expand(grid, trials=4, search_seed=8)
    assert len(expand(grid, trials=20)) == 9


def test_random_settings_are_drawn_in_their_range_and_integers_rounded():
    trials = expand(random={"lr": Range(1e-4, 1e-1, log=True), "batch_size": Range(16, 64)}, trials=30)
    lrs = [t["lr"] for t in trials]
    assert all(1e-4 <= lr <= 1e-1 for lr in lrs) and min(lrs) < 1e-3 < max(lrs)   # log: spread out
    assert all(isinstance(t["batch_size"], int) and 16 <= t["batch_size"] <= 64 for t in trials)
    assert len({space.trial_key(t) for t in trials}) == len(trials)


@pytest.mark.parametrize("kwargs, message", [
    ({"grid": {"learning_rate": [1]}}, "unknown sweep setting 'learning_rate'"),
    ({"grid": {"lr": [1e-3, -1]}}, "lr must be a positive number, got -1"),
    ({"grid": {"activation": ["nope"]}}, "activation must be one of"),
    ({"grid": {"val_split": [0.0]}}, "val_split must be a number in (0, 1)"),
    ({"random": {"lr": Range(1e-3, 1e-2)}}, "random settings need a number of trials"),
    ({"random": {"lr": Range(1e-2, 1e-3)}, "trials": 2}, "need low < high"),
    ({"grid": {"lr": [1e-3]}, "random": {"lr": Range(1e-3, 1e-2)}, "trials": 2}, "in both the grid"),
])
def test_a_bad_search_is_one_config_error_before_anything_runs(kwargs, message):
    with pytest.raises(ConfigError) as err:
        expand(**kwargs)
    assert message in str(err.value) and "\n" not in str(err.value)


def test_command_line_values_read_as_settings():
    assert space.parse_value("layers", "256x128") == [256, 128]
    assert space.parse_value("layers", "none") == []
    assert space.parse_value("weight_decay", "default") is None
    assert space.parse_range("lr", "log:1e-4:1e-2") == Range(1e-4, 1e-2, log=True)
    with pytest.raises(ConfigError, match="cannot read 'abc'"):
        space.parse_value("lr", "abc")


@pytest.mark.parametrize("argv, message", [
    (["--grid", "lr"], "--grid lr: expected KEY=VALUE"),
    (["--grid", "lr=1e-3,x"], "lr: cannot read 'x'"),
    (["--grid", "lr=1e-3", "--grid", "lr=1e-2"], "--grid lr given twice"),
    (["--random", "lr=1e-3"], "expected LOW:HIGH or log:LOW:HIGH"),
    (["--dataset", "nosuch"], "unknown dataset 'nosuch'"),
])
def test_sweep_usage_mistakes_are_one_line_and_status_2(argv, message, capsys, tmp_path):
    assert main(["sweep", *argv, "-o", str(tmp_path / "out")]) == 2
    err = capsys.readouterr().err
    assert message in err and err.count("\n") == 1


def test_no_scheduler_at_the_address_is_one_config_error():
    from neuronet.sweeps import runner

    pytest.importorskip("distributed")
    with pytest.raises(ConfigError, match=r"scheduler tcp://127.0.0.1:9: no Dask scheduler answered"):
        with runner.connect("tcp://127.0.0.1:9", timeout=0.5):
            pass


def test_import_neuronet_does_not_import_dask():
    code = ("import sys, neuronet; neuronet.sweep; "
            "print('distributed' in sys.modules or 'dask' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "False"


SETTINGS = expand(settings={"layers": [16], "epochs": 3, "lr": 3e-3, "seed": 2})[0]


@needs_digits
def test_a_trial_is_bit_for_bit_the_run_neuronet_train_makes_with_the_same_options(tmp_path):
    record = trial.run_trial(0, SETTINGS, "digits")
    model = tmp_path / "alone.npz"
    assert main(["train", "--dataset", "digits", "--layers", "16", "--epochs", "3", "--lr", "3e-3",
                 "--seed", "2", "--batch-size", "32", "--no-progress", "-o", str(model)]) == 0
    alone = nn.load(model)
    for name, w in alone.get_weights().items():
        np.testing.assert_array_equal(record["weights"][name], w)
    assert record["history"]["val_loss"] == nn.modelfile.info(model)["metadata"]["history"]["val_loss"]
    assert record["status"] == "ok" and record["epochs_run"] == 3
    assert record["best_val_loss"] == min(record["history"]["val_loss"])
    assert record["worker"].startswith("local:")


@needs_digits
@pytest.mark.parametrize("change, reason", [
    ({"optimizer": "sgd", "activation": "identity", "lr": 10.0}, "DivergenceError: training diverged"),
    ({"momentum": 0.5}, "ConfigError: momentum=0.5 applies to optimizer sgd only"),
    ({"conv": [8, 8, 8]}, "ConfigError:"),
])
def test_a_trial_that_fails_comes_back_with_its_reason(change, reason):
    record = trial.run_trial(3, {**SETTINGS, **change}, "digits")
    assert record["status"] == "failed" and record["reason"].startswith(reason)
    assert "weights" not in record and record["trial"] == 3


def test_the_dataset_is_loaded_once_per_process(monkeypatch):
    calls = []
    from neuronet import datasets

    real = datasets.load
    monkeypatch.setattr(datasets, "load", lambda *a, **k: calls.append(a) or real(*a, **k))
    monkeypatch.setattr(trial, "_CACHE", {})
    first, seconds = trial.load("moons")
    again, none = trial.load("moons")
    assert again is first and len(calls) == 1 and seconds > 0 and none == 0.0


def _record(number, accuracy, loss=0.5, status="ok"):
    r = {"trial": number, "settings": {**SETTINGS, "seed": number}, "status": status, "reason": "",
         "worker": "w"}
    if status == "ok":
        r.update(best_val_accuracy=accuracy, best_val_loss=loss, test_accuracy=accuracy, test_loss=loss,
                 seconds=1.0, history={})
    else:
        r["reason"] = "DivergenceError: training diverged"
    return r


def test_the_store_writes_after_every_trial_and_refuses_to_overwrite(tmp_path):
    store = results.Store(tmp_path / "s", "digits")
    assert store.add(_record(1, 0.8)) and not store.add(_record(0, 0.7)) and store.add(_record(2, 0.9))
    store.add(_record(3, None, status="failed"))
    data = json.loads(store.json.read_text())
    assert [r["trial"] for r in data["trials"]] == [0, 1, 2, 3] and data["dataset"] == "digits"
    assert store.csv.read_text().splitlines()[4].startswith("3,failed,16,")
    assert store.best()["trial"] == 2
    with pytest.raises(ConfigError, match="already holds a sweep's results"):
        results.Store(tmp_path / "s", "digits")
    with pytest.raises(ConfigError, match="is a sweep on digits, not moons"):
        results.Store(tmp_path / "s", "moons", resume=True)
    again = results.Store(tmp_path / "s", "digits", resume=True)
    assert len(again.done()) == 4
    store.json.write_text("{not json")
    with pytest.raises(ConfigError, match="not a neuronet sweep's results file"):
        results.Store(tmp_path / "s", "digits", resume=True)


def test_the_table_ranks_the_best_first_and_says_why_trials_failed():
    text = results.table([_record(0, 0.7), _record(1, None, status="failed"), _record(2, 0.9)], ["seed"])
    lines = text.splitlines()
    assert lines[0].split()[:2] == ["trial", "seed"]
    assert [line.split()[0] for line in lines[1:4]] == ["2", "0", "1"]
    assert lines[-1] == "trial 1 failed: DivergenceError: training diverged"


@needs_digits
@pytest.mark.slow
def test_without_a_scheduler_a_local_cluster_runs_the_sweep(tmp_path):
    pytest.importorskip("distributed")
    result = nn.sweep("digits", {"lr": [1e-3, 3e-3]}, settings={"layers": [16], "epochs": 2}, workers=2,
                      output_dir=tmp_path / "s", progress=False, plot=False)
    assert result.ran == 2 and not result.failed and result.model.exists()
    assert all(r["worker"].startswith("tcp://127.0.0.1:") for r in result.records)
    again = nn.sweep("digits", {"lr": [1e-3, 3e-3]}, settings={"layers": [16], "epochs": 2},
                     output_dir=tmp_path / "s", resume=True, plot=False)   # nothing left: no cluster
    assert again.ran == 0 and again.skipped == 2


def test_a_resumed_sweep_with_a_changed_grid_gives_new_trials_numbers_of_their_own(tmp_path, monkeypatch):
    from neuronet.sweeps import runner

    ran = []
    monkeypatch.setattr(runner, "connect", lambda *a, **k: __import__("contextlib").nullcontext(None))
    monkeypatch.setattr(runner, "run", lambda client, pending, *a, **k: ran.extend(pending))
    store = results.Store(tmp_path / "s", "moons")
    for i, lr in enumerate([1e-3, 2e-3, 3e-3]):
        store.add({**_record(i, 0.5), "settings": expand(settings={"lr": lr})[0]})
    nn.sweep("moons", {"lr": [4e-3, 5e-3, 6e-3, 7e-3, 1e-3]}, output_dir=tmp_path / "s", resume=True,
             plot=False)
    numbers = [number for number, _ in ran]
    assert [t["lr"] for _, t in ran] == [4e-3, 5e-3, 6e-3, 7e-3]   # 1e-3 was done
    assert numbers == [5, 6, 7, 3] and len(set(numbers) | {0, 1, 2}) == 7


@needs_digits
@pytest.mark.slow
def test_ctrl_c_on_a_local_sweep_is_one_message_from_the_sweep_and_no_worker_tracebacks(tmp_path):
    import os
    import signal
    import time

    pytest.importorskip("distributed")
    out = tmp_path / "s"
    child = subprocess.Popen([sys.executable, "-m", "neuronet", "sweep", "--grid", "lr=1e-3,2e-3,3e-3,4e-3",
                              "--grid", "seed=0,1", "--set", "layers=128x128", "--set", "epochs=400",
                              "--workers", "2", "-o", str(out), "--no-plot", "--no-progress"],
                             start_new_session=True, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                             text=True,
                             # As from a terminal: a run started in the background of a script inherits
                             # an ignored SIGINT, and Python would then never see the Ctrl-C.
                             preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    try:
        deadline = time.monotonic() + 120
        file = out / "results.json"
        while not (file.exists() and json.loads(file.read_text())["trials"]):
            assert child.poll() is None and time.monotonic() < deadline, child.communicate()
            time.sleep(0.05)
        os.killpg(child.pid, signal.SIGINT)   # a terminal's Ctrl-C reaches the whole group, workers too
        _, err = child.communicate(timeout=60)
    finally:
        if child.poll() is None:
            os.killpg(child.pid, signal.SIGKILL)
            child.wait()
    assert child.returncode == 130, err
    assert "Traceback" not in err and "neuronet: sweep interrupted:" in err
    deadline = time.monotonic() + 15
    try:   # the workers go with it, not at once: each finishes its batch, the nanny reaps it
        while time.monotonic() < deadline:
            os.killpg(child.pid, 0)
            time.sleep(0.1)
        os.killpg(child.pid, signal.SIGKILL)
        pytest.fail("worker processes outlived the interrupted sweep by 15 s")
    except ProcessLookupError:
        pass
