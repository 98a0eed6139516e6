"""`neuronet train --help` shows the default of every option that has one, the value a run takes."""

from __future__ import annotations

import inspect
import re

import pytest

import neuronet as nn
from neuronet import cli
from neuronet.cli.train import DEFAULTS, GENERIC, TRAIN_DEFAULTS

# Options whose absence means "don't": no checkpoint to resume, no history or report file, the bar.
NO_DEFAULT = {"help", "resume", "history", "report", "no_progress"}


def _train_options() -> dict:
    """dest -> help text of every option of `neuronet train`."""
    parser = cli.build_parser()
    sub = next(a for a in parser._actions if a.dest == "command")
    return {action.dest: action.help for action in sub.choices["train"]._actions}


def _number(value) -> str:
    return f"{value:g}" if isinstance(value, float) else str(value)


def test_every_option_with_a_default_shows_it():
    options = _train_options()
    assert NO_DEFAULT <= options.keys()
    missing = [dest for dest, text in options.items() if dest not in NO_DEFAULT and "default" not in text]
    assert missing == []


@pytest.mark.parametrize("key", sorted(TRAIN_DEFAULTS))
def test_the_shown_default_is_the_one_a_run_takes(key):
    text = _train_options()[key]
    assert re.search(rf"\bdefault {re.escape(_number(TRAIN_DEFAULTS[key]))}(?![\w.])", text), text


@pytest.mark.parametrize("key", ["layers", "epochs", "batch_size", "lr"])
def test_per_dataset_defaults_name_each_dataset(key):
    text = " ".join(_train_options()[key].split())
    assert f"{_number(GENERIC[key])} otherwise" in text
    for name, values in DEFAULTS.items():
        if values[key] != GENERIC[key]:
            # "<value> for <names...>" with this dataset among the names before the next ";"
            group = re.search(rf"{re.escape(_number(values[key]))} for ([^;)]*)", text)
            assert group and name in group.group(1).split(", "), (name, text)


def test_help_prints_the_defaults(capsys):
    with pytest.raises(SystemExit) as exit_:
        cli.main(["train", "--help"])
    assert exit_.value.code == 0
    out = " ".join(capsys.readouterr().out.split())
    assert "(default relu)" in out and "default 256,128 for mnist" in out
    assert "with --resume the options left out come from the checkpoint" in out


def test_help_says_why_the_optimiser_is_not_fits():
    """Network.fit keeps the textbook's SGD; the command line and the estimators use Adam."""
    assert inspect.signature(nn.Network.fit).parameters["optimizer"].default == "sgd"
    assert inspect.signature(nn.MLPClassifier).parameters["optimizer"].default == "adam"
    assert TRAIN_DEFAULTS["optimizer"] == "adam"
    text = _train_options()["optimizer"]
    assert "(default adam)" in text and "Network.fit defaults to sgd" in text


def test_readme_says_why_in_its_command_line_section():
    from pathlib import Path

    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text()
    section = readme.split("## Command line", 1)[1].split("\n## ", 1)[0]
    assert "keeps `optimizer=\"sgd\"`, the textbook's rule" in section
