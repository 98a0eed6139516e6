"""How `neuronet train --resume CHECKPOINT` continues an interrupted run.

Every checkpoint that `neuronet train` writes records the run's options (``metadata.options``), so
that ``--resume CHECKPOINT`` alone continues it: the options not typed again are taken from there;
one typed again with another value is refused when it would change the network, its data or the
optimiser state the checkpoint holds (:data:`FIXED`), and taken when it may differ (:data:`FREE`).
"""

from __future__ import annotations

import sys

from ..errors import ConfigError, ModelFileError

# option -> the JSON types its recorded value may have
FIXED = {
    "dataset": (str,), "layers": (list,), "conv": (list, type(None)), "activation": (str,),
    "loss": (str,), "output_activation": (str, type(None)), "dropout": (float, int), "dtype": (str,),
    "seed": (int,), "val_split": (float, int), "batch_size": (int,), "optimizer": (str,),
    "lr": (float, int), "momentum": (float, int), "weight_decay": (float, int, type(None)),
    "schedule": (str,), "batch_norm": (bool,), "augment": (int,), "flip": (bool,),
}
FREE = {
    "threads": (int, type(None)),
    "epochs": (int,), "patience": (int, type(None)), "data_dir": (str, type(None)),
    "output": (str,), "checkpoint": (str,), "history": (str, type(None)), "report": (str, type(None)),
}


# Options that checkpoints written before them lack, with the value such a run had.
ADDED_LATER = {"batch_norm": False, "augment": 0, "flip": False, "threads": None}


def _option_text(value) -> str:
    """An option's value as typed: ``[256, 128]`` -> ``256,128``."""
    if value is None:
        return "(none)"
    if isinstance(value, list):
        return ",".join(map(str, value))
    return str(value)


def _recorded(key: str, kinds: tuple, options: dict, path):
    """The value the checkpoint ``path`` recorded for option ``key``, or a ModelFileError."""
    if key not in options and key in ADDED_LATER:   # a checkpoint from before the option existed
        return ADDED_LATER[key]
    saved = options.get(key)
    # bool is an int to Python, but a valid value only where the option is a switch
    switch_ok = not isinstance(saved, bool) or bool in kinds
    if key not in options or not switch_ok or not isinstance(saved, kinds) or (
            isinstance(saved, list) and not all(type(n) is int and n > 0 for n in saved)):
        expected = " or ".join(k.__name__ for k in kinds)
        if list in kinds:
            expected += " (of positive integers)"
        raise ModelFileError(f"{path}: metadata.options.{key} is missing or not {expected}")
    return saved


def settings_from_checkpoint(args) -> None:
    """Fill the options not given on the command line from the checkpoint ``args.resume``.

    Refuses (ConfigError) an option given with another value than the run had, where that value
    would change the network, the data or the optimiser. A checkpoint from before neuronet recorded
    its settings leaves ``args`` as typed, with a note.
    """
    from ..modelfile import info

    doc = info(args.resume)
    if doc["kind"] != "checkpoint":
        raise ModelFileError(f"{args.resume}: this is a model file, not a training checkpoint")
    options = doc["metadata"].get("options")
    if options is None:
        print(f"neuronet: checkpoint {args.resume} does not record its run's settings (written by an "
              f"older neuronet); using the options on this command line", file=sys.stderr)
        return
    if not isinstance(options, dict):
        raise ModelFileError(f"{args.resume}: metadata.options must be an object")
    for key, kinds in {**FIXED, **FREE}.items():
        saved = _recorded(key, kinds, options, args.resume)
        given = getattr(args, key)
        if given is None:
            setattr(args, key, saved)
        elif key in FIXED and given != saved:
            option = "--" + key.replace("_", "-")
            raise ConfigError(f"{option} {_option_text(given)} differs from {_option_text(saved)} in "
                              f"checkpoint {args.resume}; a resumed run keeps its network, data and "
                              f"optimiser (leave {option} out)")


def restore(path, net, optimizer, epochs: int) -> tuple:
    """(optimiser, state) from checkpoint ``path``, its weights copied into ``net``.

    A schedule that spans the run (step, cosine) is the one built for this run's ``epochs``: a
    20-epoch cosine run continued to 30 epochs would otherwise spend the last 10 at its final rate, 0.
    """
    from ..training import restore as restore_checkpoint

    saved, state = restore_checkpoint(net, path)
    if (saved.schedule is not None and optimizer.schedule is not None
            and saved.schedule.get_config() != optimizer.schedule.get_config()):
        print(f"neuronet: the learning-rate schedule now spans {epochs} epochs: {optimizer.schedule!r}",
              file=sys.stderr)
        saved.schedule = optimizer.schedule
    return saved, state


def resume_args(checkpoint, epochs: int | None = None, no_progress: bool = False) -> list[str]:
    """The options that continue an interrupted run: the checkpoint holds its settings, so only
    ``--resume`` and what the user chose for this session (``--epochs``, ``--no-progress``)."""
    argv = ["--resume", str(checkpoint)]
    if epochs is not None:
        argv += ["--epochs", str(epochs)]
    return [*argv, "--no-progress"] if no_progress else argv
