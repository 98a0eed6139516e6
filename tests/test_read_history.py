"""history.read_history / check_history: a training history read back from JSON, checked where it enters."""

from __future__ import annotations

import json

import pytest

import neuronet as nn
from neuronet.errors import ConfigError
from neuronet.history import History, check_history, read_history


def test_a_fitted_history_round_trips_through_json(tmp_path):
    net = nn.mlp([2, 4, 2], seed=0)
    history = net.fit([[0, 0], [0, 1], [1, 0], [1, 1]], [0, 1, 1, 0], epochs=3, optimizer="adam", verbose=0)
    path = tmp_path / "history.json"
    path.write_text(json.dumps(dict(history)))
    data = read_history(path)
    assert data == json.loads(path.read_text()) and len(data["loss"]) == 3
    assert History(data).epochs == 3


def test_named_runs_to_overlay_and_gaps_are_histories():
    run = {"loss": [0.5, 0.4], "val_loss": [None, 0.45]}
    assert check_history(run) is run
    runs = {"adam": run, "sgd": {"loss": [0.7, 0.6]}}
    assert check_history(runs) is runs


@pytest.mark.parametrize("data", [
    [1, 2], {}, {"loss": "0.5"}, {"loss": ["x"]}, {"loss": [0.5], "lr": 0.1}, {"loss": [True]},
    {"adam": {"loss": [0.5]}, "sgd": [0.5]}, {"adam": {"val_loss": [0.5]}}, None,
])
def test_what_is_not_a_history_is_one_line(data):
    with pytest.raises(ConfigError, match="^the file x.json is not a training history") as exc:
        check_history(data, "the file x.json")
    assert "\n" not in str(exc.value)


def test_unreadable_and_invalid_files(tmp_path):
    with pytest.raises(ConfigError, match="cannot read history .*missing.json"):
        read_history(tmp_path / "missing.json")
    bad = tmp_path / "bad.json"
    bad.write_text("{loss: [1")
    with pytest.raises(ConfigError, match="is not valid JSON"):
        read_history(bad)
    binary = tmp_path / "model.npz"
    binary.write_bytes(b"PK\x03\x04\xff\xfe\x00")
    with pytest.raises(ConfigError, match="is not valid JSON"):
        read_history(binary)
    listed = tmp_path / "list.json"
    listed.write_text("[1, 2]")
    with pytest.raises(ConfigError, match=f"history {listed} is not a training history"):
        read_history(listed)
