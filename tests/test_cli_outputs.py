"""`neuronet train` refuses, before it trains, outputs that would overwrite each other or the data.

Two of -o, --checkpoint, --history and --report naming one file used to end with the model deleted
(the finished run removes its checkpoint) or overwritten by the history, while the command still said
"model saved". The paths are compared as files, not as text: ./x and x, an absolute path, a symlink
and a hard link all name the same file.
"""

from __future__ import annotations

import os

import numpy as np
import pytest

from neuronet import checks, cli

KEEP = b"a file the run must not touch"
XOR = ["train", "--dataset", "xor", "--epochs", "2", "--no-progress"]


def _refused(capsys, argv, *fragments) -> str:
    assert cli.main(argv) == 2
    captured = capsys.readouterr()
    err = captured.err.strip()
    assert "\n" not in err and "Traceback" not in err, err
    assert "training xor" not in err and "model saved" not in captured.out   # refused before training
    for fragment in fragments:
        assert fragment in err, err
    return err


@pytest.mark.parametrize("argv, first, second", [
    (["-o", "m.npz", "--checkpoint", "m.npz"], "-o m.npz", "--checkpoint m.npz"),
    (["-o", "m.npz", "--history", "m.npz"], "-o m.npz", "--history m.npz"),
    (["--checkpoint", "c.npz", "--history", "./c.npz"], "--checkpoint c.npz", "--history c.npz"),
    (["-o", "sub/../m.npz", "--checkpoint", "m.npz"], "-o sub/../m.npz", "--checkpoint m.npz"),
    (["-o", "m.npz", "--history", "m.ckpt.npz"], "--checkpoint m.ckpt.npz", "--history m.ckpt.npz"),
    (["-o", "rep/index.html", "--report", "rep"], "-o rep/index.html", "--report rep/index.html"),
    (["-o", "rep", "--report", "rep"], "-o rep", "--report rep"),
])
def test_two_outputs_with_one_name_are_refused(tmp_path, monkeypatch, capsys, argv, first, second):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "sub").mkdir()
    (tmp_path / "m.npz").write_bytes(KEEP)   # a model from an earlier run, say
    _refused(capsys, [*XOR, *argv], first, second, "name the same file")
    assert (tmp_path / "m.npz").read_bytes() == KEEP
    assert not (tmp_path / "m.ckpt.npz").exists() and not (tmp_path / "rep").exists()


def test_an_absolute_and_a_relative_name_are_one_file(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    _refused(capsys, [*XOR, "-o", "m.npz", "--history", str(tmp_path / "m.npz")], "name the same file")


def test_a_symlink_and_its_target_are_one_file(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "real.npz").write_bytes(KEEP)
    os.symlink("real.npz", "link.npz")
    _refused(capsys, [*XOR, "-o", "link.npz", "--history", "real.npz"], "-o link.npz", "--history real.npz")
    os.symlink("missing.npz", "dangling.npz")   # a write to it would create missing.npz
    _refused(capsys, [*XOR, "-o", "dangling.npz", "--checkpoint", "missing.npz"], "name the same file")
    assert (tmp_path / "real.npz").read_bytes() == KEEP


def test_a_hard_link_is_the_same_file(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "m.npz").write_bytes(KEEP)
    os.link("m.npz", "other-name.json")
    _refused(capsys, [*XOR, "-o", "m.npz", "--history", "other-name.json"], "name the same file")
    assert (tmp_path / "m.npz").read_bytes() == KEEP


def test_the_same_file_name_in_two_folders_is_fine(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    assert cli.main([*XOR, "-o", "a/m.npz", "--checkpoint", "b/m.npz", "--history", "m.npz"]) == 0
    assert (tmp_path / "a" / "m.npz").exists() and (tmp_path / "m.npz").exists()
    assert "model saved to a/m.npz" in capsys.readouterr().out


def test_a_report_folder_that_is_a_file_is_refused(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "notes.txt").write_bytes(KEEP)
    _refused(capsys, [*XOR, "--report", "notes.txt"], "--report notes.txt is a file")


@pytest.mark.parametrize("option", ["-o", "--history", "--checkpoint"])
def test_an_output_that_is_the_data_file_is_refused(tmp_path, monkeypatch, capsys, option):
    monkeypatch.chdir(tmp_path)
    rng = np.random.default_rng(0)
    rows = [f"{a:.3f},{b:.3f},{int(a > b)}" for a, b in rng.normal(size=(40, 2))]
    (tmp_path / "points.csv").write_text("x1,x2,label\n" + "\n".join(rows) + "\n")
    before = (tmp_path / "points.csv").read_bytes()
    assert cli.main(["train", "--dataset", "points.csv", "--epochs", "1", "--no-progress",
                     option, "./points.csv"]) == 2
    err = capsys.readouterr().err.strip()
    assert f"{option} points.csv is the data file points.csv" in err and "\n" not in err
    assert (tmp_path / "points.csv").read_bytes() == before


def test_same_file_compares_files_not_spellings(tmp_path):
    (tmp_path / "a").write_bytes(KEEP)
    os.link(tmp_path / "a", tmp_path / "b")
    assert checks.same_file(tmp_path / "a", tmp_path / "b")
    assert checks.same_file(tmp_path / "x", tmp_path / "." / "x")      # neither exists yet
    assert not checks.same_file(tmp_path / "a", tmp_path / "x")
    assert not checks.same_file(tmp_path / "x", tmp_path / "y")
    checks.distinct_files([("-o", tmp_path / "a"), ("--history", None), ("--checkpoint", tmp_path / "x")])
