"""Hand-edited class names in a model file: one line and exit status 2 from every command that loads it
(the check is :func:`neuronet.checks.class_names`, called where the CLI and the lab load a model)."""

from __future__ import annotations

import pytest
from modelfile_bytes import edit_doc

import neuronet as nn
from neuronet import checks, cli
from neuronet.errors import ConfigError

TEN = [str(d) for d in range(10)]

BAD = {
    "numbers": ([0, 1, 2, 3, 4, 5, 6, 7, 8, 9], "class_names[0] must be a non-empty string, got 0"),
    "nested lists": ([["a", ["b"]], *TEN[1:]], "class_names[0] must be a non-empty string"),
    "null": ([None, *TEN[1:]], "class_names[0] must be a non-empty string, got None"),
    "empty string": (["", *TEN[1:]], "class_names[0] must be a non-empty string, got ''"),
    "blank string": ([*TEN[:9], "   "], "class_names[9] must be a non-empty string"),
    "duplicates": ([*TEN[:9], "3"], "class_names[9] repeats class_names[3], '3'"),
    "10 000 characters": (["x" * 10_000, *TEN[1:]], "class_names[0] is 10,000 characters long"),
    "a line break": (["seven\nnine", *TEN[1:]], "line break"),
    "too few": (TEN[:9], "9 class names for 10 outputs"),
    "too many": ([*TEN, "10"], "11 class names for 10 outputs"),
}


@pytest.fixture(scope="module")
def model(tmp_path_factory):
    pytest.importorskip("sklearn")
    path = tmp_path_factory.mktemp("names") / "digits.npz"
    assert cli.main(["train", "--dataset", "digits", "--epochs", "1", "--layers", "8",
                     "--no-progress", "-o", str(path)]) == 0
    return path


def edited(model, tmp_path, names):
    path = tmp_path / "edited.npz"
    path.write_bytes(model.read_bytes())
    edit_doc(path, lambda doc: doc["network"].update(class_names=names))
    return path


@pytest.mark.parametrize("kind", BAD)
@pytest.mark.parametrize("command", ["evaluate", "info", "predict", "plot"])
def test_odd_class_names_are_one_line_and_exit_2(kind, command, model, tmp_path, capsys):
    names, message = BAD[kind]
    path = edited(model, tmp_path, names)
    argv = {"evaluate": ["evaluate", str(path)], "info": ["info", str(path)],
            "predict": ["predict", str(path), str(tmp_path / "any.png")],
            "plot": ["plot", "confusion", "--model", str(path), "-o", str(tmp_path / "c.png")]}[command]
    capsys.readouterr()
    assert cli.main(argv) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.count("\n") == 1 and "Traceback" not in captured.err, captured.err
    assert message in captured.err and str(path) in captured.err and len(captured.err) < 300


def test_good_class_names_still_load(model, tmp_path, capsys):
    path = edited(model, tmp_path, ["zero", "one", "two", "three", "four", "five", "six", "seven",
                                    "eight", "émeu"])
    assert cli.main(["evaluate", str(path)]) == 0
    assert "émeu" in capsys.readouterr().out


@pytest.mark.parametrize("kind", ["numbers", "duplicates", "10 000 characters", "too few"])
def test_the_lab_refuses_them_at_startup(kind, model, tmp_path):
    pytest.importorskip("flask")
    from neuronet.lab import create_app

    names, message = BAD[kind]
    with pytest.raises(nn.ModelFileError, match=message.replace("[", r"\[").replace("]", r"\]")):
        create_app(edited(model, tmp_path, names))


def test_train_refuses_a_csv_whose_labels_it_could_not_print(tmp_path, capsys):
    rows = ["a,b,label"] + [f"{i % 7},{i % 5},{'y' * 300 if i % 2 else 'n'}" for i in range(20)]
    (tmp_path / "long.csv").write_text("\n".join(rows) + "\n")
    assert cli.main(["train", "--dataset", str(tmp_path / "long.csv"), "--epochs", "1",
                     "--no-progress", "-o", str(tmp_path / "m.npz")]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "class[1] is 300 characters long; at most 256" in err
    assert not (tmp_path / "m.npz").exists()


def test_the_check_itself():
    assert checks.class_names(None, 3) is None
    assert checks.class_names(("no", "yes"), 1) == ["no", "yes"]   # one sigmoid output: two classes
    assert checks.class_names(["a", "b", "c"]) == ["a", "b", "c"]   # any count when none is given
    with pytest.raises(ConfigError, match=r"1 class names for 1 outputs \(a single output stands for 2"):
        checks.class_names(["yes"], 1)
    with pytest.raises(ConfigError, match="must be a list of strings, got 'abc'"):
        checks.class_names("abc", 3)
