"""Conv2D and MaxPool2D at the edges: odd sizes, odd arrays, odd data, and every way in from the CLI.

The slow loop references and the finite-difference checks live in ``test_conv.py``; this file asks
what happens around them: a batch of one, inputs of the other dtype or in Fortran order, 1-pixel
images, NaN, predict in uneven batches, memory on a large predict, and each CLI command on a conv
model file that was saved from Python.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np
import pytest
from modelfile_bytes import edit_doc
from test_conv import naive_conv, naive_maxpool

import neuronet as nn
from neuronet import cli
from neuronet.errors import ConfigError, ModelFileError, ShapeError
from neuronet.gradcheck import gradcheck

ROOT = Path(__file__).resolve().parents[1]


def small_net(dtype="float32", dropout_first=False) -> nn.Network:
    head = [nn.Dropout(0.4)] if dropout_first else []
    return nn.Network([*head, nn.Conv2D((6, 6, 2), 3, 3, activation="relu"), nn.MaxPool2D((4, 4, 3)),
                       nn.Dense(12, 3, activation="softmax")], seed=0, dtype=dtype)


# --- sizes at the edges, against the loop references -----------------------------------------------------
@pytest.mark.parametrize("case", [
    # (H, W, C, filters, kernel, stride, padding): each compared with naive_conv, forward and dL/dx
    (1, 1, 3, 2, 1, 1, "valid"),        # a 1-pixel image: a Dense layer over its channels
    (1, 1, 2, 2, 1, 3, "same"),         # ... with a stride that overshoots it
    (5, 4, 2, 3, (5, 4), 1, "valid"),   # kernel = image: one output pixel per filter
    (3, 3, 1, 2, 3, 2, "same"),         # kernel = image with padding: every window mostly zeros
    (7, 7, 1, 2, 2, 3, "valid"),        # stride > kernel: pixels no window reads get no gradient
    (7, 8, 2, 2, 2, 3, "same"),         # ... with 'same' padding
    (1, 6, 1, 2, (1, 3), 1, "valid"),   # a 1-pixel-high strip
])
def test_conv_edge_sizes_match_the_loop_reference(case):
    H, W, C, F, k, s, padding = case
    rng = np.random.default_rng(20)
    layer = nn.Conv2D((H, W, C), F, k, stride=s, padding=padding, seed=0, dtype=np.float64)
    layer.params["b"][...] = rng.normal(size=F)
    x = rng.normal(size=(2, H, W, C))
    expected = naive_conv(x, layer.W, layer.b, s, padding)
    out = layer.forward(x.reshape(2, -1))
    np.testing.assert_allclose(out, expected.reshape(2, -1), rtol=1e-12, atol=1e-12)
    # dL/dx for L = Σ out·R is linear in R, so its finite difference is exact up to rounding.
    R = rng.normal(size=out.shape)
    dx = layer.backward(R)
    flat, h = x.reshape(2, -1).copy(), 1e-6
    numeric = np.zeros_like(flat)
    for idx in np.ndindex(*flat.shape):
        flat[idx] += h
        up = (layer.forward(flat) * R).sum()
        flat[idx] -= 2 * h
        down = (layer.forward(flat) * R).sum()
        flat[idx] += h
        numeric[idx] = (up - down) / (2 * h)
    np.testing.assert_allclose(dx, numeric, rtol=1e-6, atol=1e-8)
    if s > (k if isinstance(k, int) else max(k)) and padding == "valid":
        # Rows and columns between the windows are never read, so nothing flows back to them.
        assert np.all(dx.reshape(x.shape)[:, k:s] == 0)


@pytest.mark.parametrize("case", [(1, 1, 2, 1, None), (3, 4, 1, 3, None), (5, 5, 2, 2, None),
                                  (6, 5, 1, 2, 4)])
def test_maxpool_edge_sizes_match_the_loop_reference(case):
    """1-pixel images, a pool as tall as the image, and leftover rows/columns that no window covers."""
    H, W, C, p, s = case
    rng = np.random.default_rng(21)
    layer = nn.MaxPool2D((H, W, C), pool_size=p, stride=s)
    x = rng.normal(size=(2, H, W, C))
    out = layer.forward(x.reshape(2, -1))
    g = rng.normal(size=out.shape)
    expected, expected_dx = naive_maxpool(x, p, s or p, g.reshape(2, *layer.output_shape))
    np.testing.assert_array_equal(out, expected.reshape(2, -1))
    dx = layer.backward(g).reshape(x.shape)
    np.testing.assert_array_equal(dx, expected_dx)
    (out_h, out_w, _), step = layer.output_shape, s or p
    # The leftover bottom rows / right columns are dropped, so their gradient is exactly zero.
    assert np.all(dx[:, (out_h - 1) * step + p:] == 0) and np.all(dx[:, :, (out_w - 1) * step + p:] == 0)


@pytest.mark.parametrize("case", [(4, 4, 2, 2, None), (7, 7, 1, 3, 2), (8, 7, 2, 2, 3), (6, 6, 1, 3, 1)])
def test_maxpool_ties_send_the_gradient_to_the_first_maximum(case):
    """Pixels drawn from {0, 1, 2}: most windows hold several equal maxima, and each window's gradient
    must go to the first of them in row-major order, also where overlapping windows share pixels."""
    H, W, C, p, s = case
    rng = np.random.default_rng(22)
    layer = nn.MaxPool2D((H, W, C), pool_size=p, stride=s)
    x = rng.integers(0, 3, size=(3, H, W, C)).astype(np.float32)
    out = layer.forward(x.reshape(3, -1))
    g = rng.normal(size=out.shape).astype(np.float32)
    expected, expected_dx = naive_maxpool(x, p, s or p, g.reshape(3, *layer.output_shape))
    np.testing.assert_array_equal(out, expected.reshape(3, -1))
    np.testing.assert_allclose(layer.backward(g), expected_dx.reshape(3, -1), rtol=1e-6)


def test_maxpool_with_more_window_offsets_than_a_byte_can_count():
    """A 17×17 pool has 289 offsets: the recorded offset of each maximum needs more than 8 bits."""
    rng = np.random.default_rng(23)
    layer = nn.MaxPool2D((17, 18, 2), pool_size=17)
    x = rng.normal(size=(2, 17, 18, 2))
    x[0, 16, 16, 0] = 10.0              # offset 16·17 + 16 = 288, the last of the first window
    out = layer.forward(x.reshape(2, -1))
    g = rng.normal(size=out.shape)
    expected, expected_dx = naive_maxpool(x, 17, 17, g.reshape(2, *layer.output_shape))
    np.testing.assert_array_equal(out, expected.reshape(2, -1))
    np.testing.assert_array_equal(layer.backward(g), expected_dx.reshape(2, -1))
    assert layer.backward(g).reshape(x.shape)[0, 16, 16, 0] == g[0, 0]


def test_a_kernel_larger_than_the_input_is_refused_with_either_padding():
    for padding in ("valid", "same"):
        with pytest.raises(ShapeError, match=r"^Conv2D: kernel 4×4 is larger than the 3×3 input; use a "
                                             r"kernel_size of at most 3×3$"):
            nn.Conv2D((3, 3, 1), 2, 4, padding=padding)
    # A mistyped size is refused before anything is allocated (it used to ask for terabytes).
    with pytest.raises(ShapeError, match="kernel 1000000×1000000 is larger"):
        nn.Conv2D((28, 28, 1), 8, 10**6, padding="same")


def test_huge_image_shapes_count_exactly():
    """np.prod wraps around in int64 (2**32 · 2**32 = 0); the flat widths must not."""
    layer = nn.Conv2D((2**32, 2**32, 1), 1, 1)
    assert layer.n_in == 2**64 and layer.n_out == 2**64
    assert nn.MaxPool2D((2**32, 2**32, 3), 2).n_out == 2**62 * 3


# --- batches and arrays as users pass them -------------------------------------------------------------
def test_a_batch_of_one_gives_the_rows_of_a_bigger_batch():
    net = small_net("float64")
    X = np.random.default_rng(22).random((5, 72))
    together = net.predict_proba(X)
    alone = np.vstack([net.predict_proba(X[i]) for i in range(5)])   # one 1-D row each
    np.testing.assert_allclose(alone, together, rtol=1e-12)
    assert gradcheck(net, X[:1], [2]).ok        # backprop through a batch of one
    net.fit(X, [0, 1, 2, 0, 1], epochs=1, batch_size=1, verbose=0)   # five steps of one example


@pytest.mark.parametrize("net_dtype,data_dtype", [("float32", np.float64), ("float64", np.float32)])
def test_inputs_of_the_other_float_type_are_converted(net_dtype, data_dtype):
    net = small_net(net_dtype)
    X = np.random.default_rng(23).random((4, 72)).astype(data_dtype)
    out = net.predict_proba(X)
    assert out.dtype == np.dtype(net_dtype)
    np.testing.assert_array_equal(out, net.predict_proba(X.astype(net_dtype)))
    assert net.evaluate(X, [0, 1, 2, 0]) == net.evaluate(X.astype(net_dtype), [0, 1, 2, 0])
    net.fit(X, [0, 1, 2, 0], epochs=1, batch_size=2, verbose=0)
    assert all(p.dtype == np.dtype(net_dtype) for _, p, _ in net.parameters())


def _odd_layouts(X: np.ndarray) -> dict[str, np.ndarray]:
    fortran = np.asfortranarray(X)
    return {"fortran": fortran, "fortran[:, ::1]": fortran[:, ::1], "transposed view": X.T.copy().T,
            "every other row": np.repeat(X, 2, axis=0)[::2], "read-only": _read_only(X)}


def _read_only(X: np.ndarray) -> np.ndarray:
    X = X.copy()
    X.flags.writeable = False
    return X


def test_non_contiguous_inputs_and_gradients_give_the_same_numbers():
    """Layers are handed strided views (a Dropout before them, a user calling them directly): the
    reshapes inside must copy when they have to, never reinterpret memory."""
    rng = np.random.default_rng(24)
    X = rng.normal(size=(3, 72))
    conv = nn.Conv2D((6, 6, 2), 3, 3, padding="same", activation="tanh", seed=0, dtype=np.float64)
    pool = nn.MaxPool2D((6, 6, 3), pool_size=2)
    out = conv.forward(X)
    G = rng.normal(size=out.shape)
    want = (out, conv.backward(G), conv.grads["W"].copy(), pool.forward(out), pool.backward(G[:, :27]))
    for name, x in _odd_layouts(X).items():
        for g in _odd_layouts(G).values():
            got_out = conv.forward(x)
            got = (got_out, conv.backward(g), conv.grads["W"].copy(),
                   pool.forward(np.asfortranarray(got_out)), pool.backward(np.asfortranarray(g[:, :27])))
            for a, b in zip(want, got, strict=True):
                np.testing.assert_array_equal(a, b, err_msg=name)
    net = small_net()
    np.testing.assert_array_equal(net.predict_proba(np.asfortranarray(X)), net.predict_proba(X))


def test_backward_after_a_forward_outside_training_rebuilds_the_patches():
    """Outside training the patch matrix is not kept (it is kh·kw times the input); backward then
    rebuilds it and must give exactly the gradients it gives after a training forward."""
    rng = np.random.default_rng(25)
    layer = nn.Conv2D((5, 5, 2), 3, 3, stride=2, padding="same", activation="relu", seed=0)
    x, g = rng.normal(size=(4, 50)).astype(np.float32), rng.normal(size=(4, 27)).astype(np.float32)
    layer.forward(x, training=True)
    assert layer._cols is not None
    dx_train = layer.backward(g)
    grads_train = {k: v.copy() for k, v in layer.grads.items()}
    layer.forward(x, training=False)
    assert layer._cols is None
    np.testing.assert_array_equal(layer.backward(g), dx_train)
    for k in grads_train:
        np.testing.assert_array_equal(layer.grads[k], grads_train[k])


def test_nan_and_inf_are_refused_by_the_network_and_propagate_through_the_layer():
    """As with Dense: the network's check_inputs refuses them in one line; a layer used on its own
    does arithmetic, so a NaN pixel spoils exactly the outputs whose windows contain it."""
    refused = r"^X contains NaN or infinity \(first at row 1, column 14\)$"
    net = small_net()
    X = np.random.default_rng(26).random((3, 72))
    for bad in (np.nan, np.inf, -np.inf):
        X_bad = X.copy()
        X_bad[1, 14] = bad
        for call, args in ((net.predict, ()), (net.evaluate, ([0, 1, 2],)),
                           (net.fit, ([0, 1, 2], 1))):
            with pytest.raises(ShapeError, match=refused):
                call(X_bad, *args)
    layer = nn.Conv2D((3, 3, 1), 1, 2, seed=0)
    x = np.zeros((2, 9))
    x[1, 0] = np.nan                       # pixel (0, 0) of example 1: only output (0, 0) reads it
    with np.errstate(invalid="ignore"):
        out = layer.forward(x)
    np.testing.assert_array_equal(np.isnan(out), [[False] * 4, [True, False, False, False]])


def test_conv_directly_after_dropout():
    net = small_net("float64", dropout_first=True)
    rng = np.random.default_rng(27)
    X, y = rng.random((6, 72)), rng.integers(0, 3, 6)
    report = gradcheck(net, X, y)            # one fixed dropout mask on the inputs for the whole check
    assert report.ok and {"1.W", "1.b", "3.W", "3.b"} <= set(report.errors), report
    plain = nn.Network(net.layers[1:], seed=None, dtype="float64")
    np.testing.assert_array_equal(net.predict_proba(X), plain.predict_proba(X))   # identity at test time
    net.fit(X, y, epochs=2, batch_size=3, verbose=0)


def test_predict_and_evaluate_in_batches_that_do_not_divide_the_data():
    net = small_net("float64")
    rng = np.random.default_rng(28)
    X, y = rng.random((11, 72)), rng.integers(0, 3, 11)
    whole = net.predict_proba(X)
    for batch_size in (1, 4, 10, 11, 12):
        np.testing.assert_allclose(net.predict_proba(X, batch_size=batch_size), whole, rtol=1e-13)
        np.testing.assert_array_equal(net.predict(X, batch_size=batch_size), whole.argmax(axis=1))
        loss, accuracy = net.evaluate(X, y, batch_size=batch_size)
        assert loss == pytest.approx(-np.mean(np.log(whole[np.arange(11), y])), rel=1e-12)
        assert accuracy == np.mean(whole.argmax(axis=1) == y)


def test_summary_of_a_network_that_ends_in_a_convolution():
    net = nn.Network([nn.Conv2D((5, 5, 1), 2, 3, activation="tanh"),
                      nn.Conv2D((3, 3, 2), 4, 3, activation="softmax")], seed=0)
    lines = net.summary().splitlines()
    assert "(batch, 1×1×4)" in lines[3] and lines[3].split()[-1] == "76"
    assert lines[-1].startswith("total parameters: 96 ")


# --- memory ---------------------------------------------------------------------------------------------
@pytest.mark.slow
def test_predict_on_ten_thousand_images_stays_modest_in_memory():
    """im2col copies each pixel kh·kw times; predict and evaluate go through batches, and the layers
    drop one batch's arrays before making the next, so 10,000 28×28 images stay far below a gigabyte
    (it was 670 MB before the layers freed their caches early)."""
    code = textwrap.dedent("""
        import numpy as np, neuronet as nn
        net = nn.Network([nn.Conv2D((28, 28, 1), 16, 3, padding="same", activation="relu"),
                          nn.MaxPool2D((28, 28, 16)),
                          nn.Conv2D((14, 14, 16), 32, 3, padding="same", activation="relu"),
                          nn.MaxPool2D((14, 14, 32)), nn.Dense(7 * 7 * 32, 10, "softmax")], seed=0)
        X = np.random.default_rng(0).random((10_000, 784), dtype=np.float32)
        net.predict(X)
        net.evaluate(X, np.zeros(10_000, dtype=int))
        # VmHWM is this process image's own peak; ru_maxrss would also count the pytest process that
        # spawned it (Linux keeps the larger of the two across exec), which grows past 600 MB in a
        # full run.
        print([line.split()[1] for line in open("/proc/self/status") if line.startswith("VmHWM")][0])
    """)
    if not Path("/proc/self/status").exists():
        pytest.skip("needs Linux's /proc/self/status")
    # A fixed glibc mmap threshold gives freed arrays back to the system at once (by default glibc keeps
    # some of them on its heap after large frees, 430 against 350 MB here), so the figure is neuronet's
    # own; one BLAS thread keeps the run the same every time.
    env = {"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin", "MALLOC_MMAP_THRESHOLD_": str(1 << 20),
           "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1"}
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120,
                          cwd=ROOT, env=env)
    assert done.returncode == 0, done.stderr
    peak_mb = int(done.stdout.split()[-1]) / 1024      # VmHWM is in kB
    assert peak_mb < 600, f"peak RSS {peak_mb:.0f} MB"


# --- figures and the command line with a conv model saved from Python ------------------------------------
def test_decision_regions_work_and_hidden_units_refuse_for_a_conv_net_of_2d_points(tmp_path):
    pytest.importorskip("matplotlib")
    from neuronet import viz

    net = nn.Network([nn.Conv2D((1, 2, 1), 3, 1, activation="tanh"), nn.Dense(6, 2, "softmax")], seed=0)
    X = np.random.default_rng(29).normal(size=(20, 2))
    y = (X[:, 0] > 0).astype(int)
    viz.plot_decision_regions(net, X, y, resolution=20, path=tmp_path / "regions.png")
    assert (tmp_path / "regions.png").stat().st_size > 1000
    only_conv = nn.Network([nn.Conv2D((1, 2, 1), 2, (1, 2), activation="softmax")], seed=0)
    viz.plot_decision_regions(only_conv, X, y, resolution=20)      # no Dense layer at all
    with pytest.raises(ConfigError, match="^plot_hidden_units draws networks of Dense layers only; this "
                                          "one has a Conv2D layer$"):
        viz.plot_hidden_units(net, X, y=y)


@pytest.fixture(scope="module")
def conv_model(tmp_path_factory) -> Path:
    """An 8×8-digits conv net trained briefly in Python and saved with no CLI metadata at all."""
    pytest.importorskip("sklearn")
    (X, y), _ = nn.datasets.load("digits")
    net = nn.Network([nn.Conv2D((8, 8, 1), 4, 3, padding="same", activation="relu"),
                      nn.MaxPool2D((8, 8, 4)), nn.Dense(64, 10, activation="softmax")], seed=0)
    net.fit(X, y, epochs=3, optimizer="adam", verbose=0)
    path = tmp_path_factory.mktemp("conv_cli") / "conv.npz"
    net.save(path)
    return path


def _cli(args, capsys) -> tuple[int, str, str]:
    code = cli.main([str(a) for a in args])
    out, err = capsys.readouterr()
    return code, out, err


def test_cli_evaluate_a_conv_model(conv_model, capsys):
    code, out, err = _cli(["evaluate", conv_model], capsys)
    assert code == 2 and err == f"neuronet: error: model {conv_model} does not record its dataset; " \
                                "give --dataset\n"
    code, out, err = _cli(["evaluate", conv_model, "--dataset", "digits"], capsys)
    assert code == 0 and err == ""
    net = nn.load(conv_model)
    _, (X_test, y_test) = nn.datasets.load("digits")
    loss, accuracy = net.evaluate(X_test, y_test)
    assert f"loss      {loss:.4f}" in out and f"accuracy  {accuracy:.4f}" in out


def test_cli_predict_with_a_conv_model(conv_model, tmp_path, capsys):
    PIL = pytest.importorskip("PIL")
    from PIL import ImageDraw

    image = PIL.Image.new("L", (60, 60), 255)
    ImageDraw.Draw(image).line([(30, 10), (30, 50)], fill=0, width=6)    # a dark "1" on white paper
    image.save(tmp_path / "one.png")
    code, out, err = _cli(["predict", conv_model, tmp_path / "one.png", "--top", "2"], capsys)
    assert code == 0 and err == ""
    name, probabilities = out.split(": ", 1)[1].split("   ")
    assert name in [str(d) for d in range(10)] and probabilities.count(",") == 1


def test_cli_info_on_a_conv_model(conv_model, capsys):
    code, out, err = _cli(["info", conv_model], capsys)
    assert code == 0 and err == ""
    assert "Conv2D(8×8×1, 4 filters 3×3, stride 1, same, activation='relu')" in out
    assert "total parameters: 690" in out


@pytest.mark.parametrize("kind,works", [("network", False), ("weights", False), ("confusion", True),
                                        ("mistakes", True), ("regions", False), ("hidden", False),
                                        ("history", False)])
def test_cli_plot_every_kind_with_a_conv_model(conv_model, tmp_path, capsys, kind, works):
    pytest.importorskip("matplotlib")
    out_path = tmp_path / f"{kind}.png"
    code, out, err = _cli(["plot", kind, "--model", conv_model, "--dataset", "digits", "-o", out_path],
                          capsys)
    if works:
        assert (code, err) == (0, "") and out_path.stat().st_size > 1000
    else:
        assert code == 2 and not out_path.exists()
        assert err.startswith("neuronet: error: ") and err.count("\n") == 1, err



def test_a_bad_setting_in_a_model_file_names_its_layer(tmp_path):
    """Two Conv2D layers: the message says which one holds the bad stride."""
    net = nn.Network([nn.Conv2D((6, 6, 1), 2, 3, padding="same"), nn.Conv2D((6, 6, 2), 2, 3),
                      nn.Dense(32, 2, "softmax")], seed=0)
    path = tmp_path / "two_convs.npz"
    net.save(path)
    edit_doc(path, lambda doc: doc["network"]["layers"][1].update(stride=0))
    with pytest.raises(ModelFileError) as exc:
        nn.load(path)
    assert str(exc.value) == (f"model file {path}: layers[1]: Conv2D: stride must be a positive integer, "
                              f"got 0")


# --- work arrays reused between batches ------------------------------------------------------------------
def test_arrays_the_layers_return_are_never_overwritten_by_the_next_batch():
    """In training Conv2D and MaxPool2D keep their patch matrices and gathered windows in scratch
    arrays that the next batch reuses; what they return (outputs, dL/dx) is new every call."""
    rng = np.random.default_rng(30)
    conv = nn.Conv2D((6, 6, 2), 4, 3, activation="relu", seed=0)
    pool = nn.MaxPool2D((4, 4, 4), pool_size=2)
    x1, x2 = (rng.normal(size=(5, 72)).astype(np.float32) for _ in range(2))
    g1, g2 = (rng.normal(size=(5, 64)).astype(np.float32) for _ in range(2))
    kept = []
    for x, g in ((x1, g1), (x2, g2)):
        a = conv.forward(x, training=True)
        y = pool.forward(a, training=True)
        da = pool.backward(rng.normal(size=y.shape).astype(np.float32))
        dx = conv.backward(g)
        kept.append([arr.copy() for arr in (a, y, da, dx)] + [(a, y, da, dx)])
    first_copies, first = kept[0][:4], kept[0][4]
    for copy_, arr in zip(first_copies, first, strict=True):
        np.testing.assert_array_equal(arr, copy_)                    # untouched by the second batch
    assert np.shares_memory(conv._cols, conv.scratch.array("cols", (5, 4, 4, 3, 3, 2), np.float32))
    net = small_net()
    X = rng.random((7, 72)).astype(np.float32)
    p1 = net.predict_proba(X)
    before = p1.copy()
    net.fit(X, [0, 1, 2, 0, 1, 2, 0], epochs=1, batch_size=3, verbose=0)
    net.predict_proba(X[::-1])
    np.testing.assert_array_equal(p1, before)


def test_a_smaller_last_batch_and_a_float64_network_use_the_scratch_arrays_rightly():
    rng = np.random.default_rng(31)
    for dtype in (np.float32, np.float64):
        conv = nn.Conv2D((5, 5, 3), 2, 3, padding="same", activation="relu", seed=0, dtype=dtype)
        for n in (4, 3, 4):                                 # a full batch, a short one, a full one again
            x = rng.normal(size=(n, 75)).astype(dtype)
            want = naive_conv(x.reshape(n, 5, 5, 3), conv.W, conv.b, 1, "same").reshape(n, -1)
            np.testing.assert_allclose(conv.forward(x, training=True), np.maximum(want, 0),
                                       rtol=1e-5 if dtype == np.float32 else 1e-12, atol=1e-6)
            dx = conv.backward(np.ones((n, conv.n_out), dtype=dtype))
            assert dx.shape == (n, 75) and dx.dtype == dtype


def test_inference_makes_the_patches_a_slice_of_the_batch_at_a_time(monkeypatch):
    """Outside training the patch matrix is made for a few examples at a time into one reused array:
    the same numbers (to rounding) as the whole batch at once, for any slice size, including one that
    does not divide the batch."""
    from neuronet import conv as conv_module

    rng = np.random.default_rng(32)
    layer = nn.Conv2D((7, 6, 3), 5, 3, stride=2, padding="same", activation="tanh", seed=0,
                      dtype=np.float64)
    x = rng.normal(size=(11, 126))
    whole = layer.forward(x, training=True)                  # patches for the whole batch
    one_example = 4 * 3 * 27 * 8                              # H'·W'·kh·kw·C float64 values
    for examples in (1, 3, 11, 20):
        monkeypatch.setattr(conv_module, "_SLICE_BYTES", examples * one_example)
        np.testing.assert_allclose(layer.forward(x), whole, rtol=1e-13, atol=1e-14)


def test_threads_predicting_with_one_network_at_once_get_their_own_answers():
    """Outside training the layers' work arrays belong to the call, not the layer (the lab serves
    predictions from Flask's threads with one network): answers never mix."""
    from concurrent.futures import ThreadPoolExecutor

    net = nn.Network([nn.Conv2D((16, 16, 1), 16, 3, activation="relu"), nn.MaxPool2D((14, 14, 16), 2),
                      nn.Conv2D((7, 7, 16), 16, 3, padding="same", activation="relu"),
                      nn.Dense(7 * 7 * 16, 4, activation="softmax")], seed=0)
    assert [getattr(layer, "algorithm", None) for layer in net.layers] == ["im2col", None, "winograd", None]
    rng = np.random.default_rng(33)
    inputs = [rng.random((64, 256), dtype=np.float32) for _ in range(8)]
    want = [net.predict_proba(x) for x in inputs]
    with ThreadPoolExecutor(4) as pool:
        for _ in range(5):
            got = list(pool.map(net.predict_proba, inputs))
            for a, b in zip(want, got, strict=True):
                np.testing.assert_array_equal(a, b)
