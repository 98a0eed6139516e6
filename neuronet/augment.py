"""Data augmentation: each training batch drawn a little differently every epoch, so that a network
learns what a digit is rather than where its pixels were.

    net.fit(x, y, epochs=10, augment=RandomShift((28, 28, 1), max_shift=2))

An augmentation is applied by the training loop to each mini-batch of inputs, while training only
(evaluation and prediction see the data as it is). Its randomness comes from a generator seeded by
``(seed, epoch, batch)``, like the shuffling and the dropout masks, so a run stays reproducible bit for
bit and resumes from a checkpoint mid-epoch exactly.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

from . import checks
from .errors import ConfigError


class Augmentation:
    """Base class: ``__call__(x, rng)`` gives the augmented copy of a batch ``x`` (batch, n_in)."""

    n_in: int

    def __call__(self, x: np.ndarray, rng: np.random.Generator) -> np.ndarray:
        raise NotImplementedError


class RandomShift(Augmentation):
    """Move each image by a whole number of pixels, up to ``max_shift`` in each direction (the pixels
    that come in are 0), and with ``flip=True`` mirror half of them left to right.

        out[i, j, c] = x[i − dy, j − dx, c]   where it lies inside the image, else 0;
        dy, dx drawn uniformly from {−max_shift, …, max_shift} per image

    Shapes: ``x`` (batch, H*W*C) channels-last, as every image layer here; the output has the same shape.
    Flips suit photos of things (Fashion-MNIST's shirts), not digits (a mirrored 3 is not a 3).
    """

    def __init__(self, input_shape: Sequence[int], max_shift: int = 2, flip: bool = False):
        if not isinstance(input_shape, Sequence) or isinstance(input_shape, str) \
                or len(input_shape) not in (2, 3):
            raise ConfigError(f"RandomShift: input_shape must be (height, width) or (height, width, "
                              f"channels), got {checks.shown(input_shape)}")
        shape = tuple(checks.positive_int(s, "RandomShift: input_shape entry") for s in input_shape)
        self.input_shape = shape if len(shape) == 3 else (*shape, 1)
        self.max_shift = checks.non_negative_int(max_shift, "RandomShift: max_shift")
        H, W, _ = self.input_shape
        if self.max_shift >= min(H, W):
            raise ConfigError(f"RandomShift: max_shift {self.max_shift} would move a {H}×{W} image out of "
                              f"sight; use less than {min(H, W)}")
        self.flip = checks.flag(flip, "RandomShift: flip")
        self.n_in = math.prod(self.input_shape)

    def __call__(self, x, rng):
        k, (H, W, C) = self.max_shift, self.input_shape
        images = x.reshape(len(x), H, W, C)
        shifts = rng.integers(-k, k + 1, size=(len(x), 2))                   # (batch, 2): dy, dx
        # Padded by k zeros on every side, each shifted image is one H×W window of the padded one.
        padded = np.pad(images, ((0, 0), (k, k), (k, k), (0, 0)))           # (batch, H+2k, W+2k, C)
        out = np.empty_like(images)
        for dy in range(-k, k + 1):                                          # (2k+1)² groups at most
            for dx in range(-k, k + 1):
                rows = np.flatnonzero((shifts[:, 0] == dy) & (shifts[:, 1] == dx))
                if rows.size:
                    out[rows] = padded[rows, k - dy:k - dy + H, k - dx:k - dx + W, :]
        if self.flip:
            mirrored = rng.random(len(x)) < 0.5
            out[mirrored] = out[mirrored, :, ::-1, :]
        return out.reshape(x.shape)

    def __repr__(self):
        return f"RandomShift({self.input_shape}, max_shift={self.max_shift}, flip={self.flip})"
