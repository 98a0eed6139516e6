"""A small, fixed training run for the resume tests, usable in-process or as a subprocess:

    python tests/resume_helper.py --epochs 30 --checkpoint ck.npz [--resume ck.npz] [--out final.npz]
                                  [--pause-at EPOCH,BATCH --marker PATH]

``--pause-at`` makes the run touch ``--marker`` after that (0-based) batch and then dawdle, so that a
test can send a signal while a known batch is in flight. On TrainingInterrupted the message goes to
stdout and the exit code is 3.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

import neuronet as nn

EPOCHS = 30


def problem():
    """2000 examples, 3 classes; each epoch is 125 batches of 16 (a few tens of milliseconds)."""
    rng = np.random.default_rng(0)
    X = rng.normal(size=(2000, 10)).astype(np.float32)
    y = (X[:, :3].sum(axis=1) > 0).astype(int) + (X[:, 3] > 0.5)
    return X, y, (X[:200], y[:200])


def network():
    return nn.Network([nn.Dense(10, 16, "relu"), nn.Dropout(0.3), nn.Dense(16, 3, "softmax")], seed=1)


def train(epochs=EPOCHS, checkpoint=None, resume=None, callbacks=()):
    net = network()
    X, y, val = problem()
    history = net.fit(X, y, epochs=epochs, batch_size=16, optimizer=nn.Adam(3e-3), validation_data=val,
                      checkpoint=checkpoint, resume=resume, callbacks=callbacks)
    return net, history


def comparable(history) -> dict:
    """The history without wall-clock times."""
    return {k: list(v) for k, v in history.items() if k != "seconds"}


class Pause(nn.Callback):
    def __init__(self, epoch, batch, marker):
        self.at, self.marker = (epoch, batch), Path(marker)

    def on_batch_end(self, network, epoch, batch, n_batches, loss):
        if (epoch, batch) == self.at:
            self.marker.touch()
            time.sleep(0.5)   # the test's signal arrives while this batch is the current one


class Slow(nn.Callback):
    def __init__(self, seconds):
        self.seconds = seconds

    def on_batch_end(self, network, epoch, batch, n_batches, loss):
        time.sleep(self.seconds)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--epochs", type=int, default=EPOCHS)
    parser.add_argument("--checkpoint")
    parser.add_argument("--resume")
    parser.add_argument("--out")
    parser.add_argument("--pause-at")
    parser.add_argument("--marker")
    parser.add_argument("--batch-sleep", type=float, default=0.0,
                        help="seconds to sleep after every batch, so a kill lands mid-run however fast")
    args = parser.parse_args(argv)
    callbacks = []
    if args.batch_sleep:
        callbacks.append(Slow(args.batch_sleep))
    if args.pause_at:
        epoch, batch = map(int, args.pause_at.split(","))
        callbacks.append(Pause(epoch, batch, args.marker))
    try:
        net, history = train(args.epochs, args.checkpoint, args.resume, callbacks)
    except nn.TrainingInterrupted as exc:
        print(exc, flush=True)
        return 3
    if args.out:
        net.save(args.out, history=comparable(history))
    return 0


if __name__ == "__main__":
    sys.exit(main())
