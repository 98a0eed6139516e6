"""`neuronet train --data-dir DIR` then `evaluate` and `plot` without it: the model records where its data
was found (``training.data_path``) and the later commands look there; an explicit --data-dir still wins."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from modelfile_bytes import edit_doc

from neuronet import cli, datasets, modelfile
from neuronet.datasets.idx import write_idx


def tiny_fashion(folder: Path, n_test: int = 40, seed: int = 0) -> Path:
    """A Fashion-MNIST-shaped set of ``n_test`` test pictures (and 120 training ones): class k is a
    bright band at rows 2k..2k+4, so a small network learns it in a few epochs."""
    rng = np.random.default_rng(seed)
    folder.mkdir(parents=True)
    spec = datasets.info("fashion-mnist")
    arrays = []
    for n in (120, n_test):
        y = rng.integers(0, 10, n).astype(np.uint8)
        x = (rng.random((n, 28, 28)) * 40).astype(np.uint8)
        for k in range(10):
            x[y == k, 2 * k:2 * k + 5, :] = 255
        arrays += [x, y]
    for f, a in zip(spec.files, [arrays[0], arrays[1], arrays[2], arrays[3]], strict=True):
        write_idx(folder / f.name[: -len(".gz")], a)
    return folder


@pytest.fixture
def nowhere_else(tmp_path, monkeypatch):
    """No $NEURONET_DATA, an empty cache and system folder: only --data-dir can find a dataset."""
    monkeypatch.delenv("NEURONET_DATA", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.setattr(datasets.locate, "SYSTEM_DATA_DIR", tmp_path / "system")


def test_the_readme_sequence_with_a_data_dir_that_is_not_the_default(tmp_path, nowhere_else, capsys):
    data = tiny_fashion(tmp_path / "my data")
    model = tmp_path / "models" / "fashion.npz"
    assert cli.main(["train", "--dataset", "fashion-mnist", "--data-dir", str(data), "--layers", "16",
                     "--epochs", "3", "--no-progress", "-o", str(model)]) == 0
    capsys.readouterr()
    assert modelfile.info(model)["metadata"]["training"]["data_path"] == str(data.resolve())
    assert cli.main(["evaluate", str(model)]) == 0
    out = capsys.readouterr().out
    assert "fashion-mnist test set: 40 examples" in out and out.count("examples)") >= 5
    pytest.importorskip("matplotlib")
    for kind in ("confusion", "mistakes"):
        figure = tmp_path / f"{kind}.png"
        assert cli.main(["plot", kind, "--model", str(model), "-o", str(figure)]) == 0
        assert figure.stat().st_size > 0


def test_data_found_through_neuronet_data_is_found_again_once_it_is_unset(tmp_path, nowhere_else,
                                                                          monkeypatch, capsys):
    tiny_fashion(tmp_path / "shared" / "fashion-mnist")
    monkeypatch.setenv("NEURONET_DATA", str(tmp_path / "shared"))
    model = tmp_path / "f.npz"
    assert cli.main(["train", "--dataset", "fashion-mnist", "--layers", "8", "--epochs", "1",
                     "--no-progress", "-o", str(model)]) == 0
    monkeypatch.delenv("NEURONET_DATA")
    capsys.readouterr()
    assert cli.main(["evaluate", str(model)]) == 0
    assert "40 examples" in capsys.readouterr().out


def test_an_explicit_data_dir_still_wins(tmp_path, nowhere_else, capsys):
    model = tmp_path / "f.npz"
    assert cli.main(["train", "--dataset", "fashion-mnist", "--data-dir",
                     str(tiny_fashion(tmp_path / "a")), "--layers", "8", "--epochs", "1",
                     "--no-progress", "-o", str(model)]) == 0
    other = tiny_fashion(tmp_path / "b", n_test=25, seed=1)
    capsys.readouterr()
    assert cli.main(["evaluate", str(model), "--data-dir", str(other)]) == 0
    assert "25 examples" in capsys.readouterr().out
    # and a --data-dir that holds nothing is not quietly replaced by the recorded folder
    assert cli.main(["evaluate", str(model), "--data-dir", str(tmp_path / "empty")]) == 2
    assert "not found" in capsys.readouterr().err


def test_a_csv_model_is_evaluated_from_another_folder(tmp_path, monkeypatch, capsys):
    rows = ["a,b,label"] + [f"{i % 7 / 7:.3f},{i % 5 / 5:.3f},{i % 2}" for i in range(50)]
    (tmp_path / "train").mkdir()
    (tmp_path / "train" / "points.csv").write_text("\n".join(rows) + "\n")
    monkeypatch.chdir(tmp_path / "train")
    assert cli.main(["train", "--dataset", "points.csv", "--epochs", "1", "--no-progress",
                     "-o", str(tmp_path / "p.npz")]) == 0
    monkeypatch.chdir(tmp_path)   # points.csv is not here
    capsys.readouterr()
    assert cli.main(["evaluate", str(tmp_path / "p.npz")]) == 0
    assert "points.csv test set: 10 examples" in capsys.readouterr().out


def test_a_hand_edited_data_path_is_one_line(tmp_path, capsys):
    pytest.importorskip("sklearn")
    model = tmp_path / "d.npz"
    assert cli.main(["train", "--dataset", "digits", "--epochs", "1", "--no-progress", "-o", str(model)]) == 0
    assert modelfile.info(model)["metadata"]["training"]["data_path"] is None   # bundled: no folder
    edit_doc(model, lambda doc: doc["metadata"]["training"].update(data_path=[1] * 10_000))
    capsys.readouterr()
    assert cli.main(["evaluate", str(model)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "training.data_path must be a path" in err and len(err) < 300
