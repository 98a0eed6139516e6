"""Data augmentation in fit: RandomShift moves images as its formula says, draws the same shifts for
the same (seed, epoch, batch), leaves the data and evaluation alone, and resumes bit-identically."""

import os
import signal

import numpy as np
import pytest

import neuronet as nn
from neuronet import modelfile
from neuronet.augment import RandomShift


def test_a_shift_moves_the_image_and_fills_with_zeros():
    image = np.arange(1, 26, dtype=np.float32).reshape(1, 25)       # one 5×5 image
    shift = RandomShift((5, 5), max_shift=1)

    class Fixed:                                                    # a generator that always says (1, -1)
        def integers(self, low, high, size):
            return np.tile([1, -1], (size[0], 1))

    out = shift(image, Fixed()).reshape(5, 5)
    expected = np.zeros((5, 5), dtype=np.float32)
    expected[1:, :4] = image.reshape(5, 5)[:4, 1:]                   # down by one, left by one
    np.testing.assert_array_equal(out, expected)


def test_shifts_are_reproducible_and_flips_mirror():
    x = np.random.default_rng(0).normal(size=(64, 6 * 6 * 2)).astype(np.float32)
    shift = RandomShift((6, 6, 2), max_shift=2, flip=True)
    a = shift(x, np.random.default_rng([1, 2, 3]))
    b = shift(x, np.random.default_rng([1, 2, 3]))
    np.testing.assert_array_equal(a, b)
    assert a.shape == x.shape and not np.array_equal(a, x)
    still = RandomShift((6, 6, 2), max_shift=0, flip=True)(x, np.random.default_rng(0)).reshape(64, 6, 6, 2)
    imgs = x.reshape(64, 6, 6, 2)
    same = np.all(still == imgs, axis=(1, 2, 3))
    mirrored = np.all(still == imgs[:, :, ::-1, :], axis=(1, 2, 3))
    assert same.any() and mirrored.any() and (same | mirrored).all()


def _digits():
    (x, y), (x_test, y_test) = nn.datasets.load("digits")
    return x[:500], y[:500], x_test[:200], y_test[:200]


def test_fit_with_augmentation_trains_leaves_the_data_and_evaluates_plainly():
    x, y, x_test, y_test = _digits()
    before = x.copy()
    net = nn.cnn((8, 8), [8], [10], seed=0)
    history = net.fit(x, y, epochs=4, batch_size=32, optimizer=nn.Adam(0.01), shuffle=False,
                      augment=RandomShift((8, 8), max_shift=1), validation_data=(x_test, y_test))
    np.testing.assert_array_equal(x, before)                        # X itself is never changed
    assert history["val_accuracy"][-1] > 0.6
    plain = nn.cnn((8, 8), [8], [10], seed=0)
    plain_history = plain.fit(x, y, epochs=4, batch_size=32, optimizer=nn.Adam(0.01), shuffle=False)
    assert plain_history["loss"] != history["loss"]                 # it did augment
    assert net.evaluate(x_test, y_test) == net.evaluate(x_test, y_test)


def test_an_augmented_run_resumes_bit_identically_mid_epoch(tmp_path):
    x, y, _, _ = _digits()

    def run(epochs=4, **kwargs):
        net = nn.cnn((8, 8), [4], [10], seed=0)
        history = net.fit(x, y, epochs=epochs, batch_size=25, optimizer=nn.Adam(0.01), seed=3,
                          augment=RandomShift((8, 8), max_shift=1), **kwargs)
        return net, history

    ref_net, ref_history = run()

    class CtrlC(nn.Callback):
        def on_batch_end(self, network, epoch, batch, n_batches, loss):
            if (epoch, batch) == (2, 7):
                os.kill(os.getpid(), signal.SIGINT)

    ck = tmp_path / "ck.npz"
    with pytest.raises(nn.TrainingInterrupted):
        run(checkpoint=ck, callbacks=[CtrlC()])
    assert modelfile.load_checkpoint(ck)[2].batch == 8
    net, history = run(resume=ck)
    for name, a in ref_net.get_weights().items():
        np.testing.assert_array_equal(net.get_weights()[name], a, err_msg=name)
    assert history["loss"] == ref_history["loss"]


@pytest.mark.parametrize("make, match", [
    (lambda: RandomShift(64), "input_shape must be"),
    (lambda: RandomShift((8, 8), max_shift=8), "out of sight"),
    (lambda: RandomShift((8, 8), max_shift=-1), "max_shift must be a non-negative integer"),
    (lambda: RandomShift((8, 8), flip="yes"), "flip must be True or False"),
    (lambda: nn.mlp([64, 10]).fit(np.ones((4, 64)), [0] * 4, augment=RandomShift((4, 4))),
     "augment must be an Augmentation for 64 inputs"),
])
def test_bad_augmentation_settings_are_one_line(make, match):
    with pytest.raises(nn.ConfigError, match=match):
        make()
