"""Convolution and max pooling: layers that look at small patches of an image.

A :class:`~neuronet.layers.Dense` layer connects every pixel to every unit, so it must learn a "stroke
in the top-left corner" and a "stroke in the bottom-right corner" separately. A convolution slides one
small filter (say 3×3) over the whole image: the same few weights are used at every position, so a
pattern learned in one place is recognised everywhere, with far fewer parameters.

Both layers keep the library's flat interface: they take ``(batch, H*W*C)`` and give
``(batch, H'*W'*F)``, reading and writing the values channels-last (height, width, channel), so they
stack with Dense layers without any reshaping layer in between. ``datasets.load("digits")`` gives
``(n, 64)`` rows that are 8×8×1 images in exactly that order.

    net = Network([Conv2D((8, 8, 1), filters=8, kernel_size=3, padding="same", activation="relu"),
                   MaxPool2D((8, 8, 8), pool_size=2),
                   Dense(4 * 4 * 8, 10, activation="softmax")], seed=0)
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
from numpy.lib.stride_tricks import as_strided, sliding_window_view

from . import checks, threads, winograd
from .errors import ConfigError, ShapeError
from .layers import LAYERS, Layer, Scratch, WeightedLayer, along_rows, channel_sums


def _image_shape(layer: str, input_shape) -> tuple[int, int, int]:
    if not isinstance(input_shape, Sequence) or isinstance(input_shape, str) or len(input_shape) != 3:
        raise ConfigError(f"{layer}: input_shape must be [height, width, channels] of positive "
                          f"integers, got {checks.shown(input_shape)}")
    return tuple(checks.positive_int(s, f"{layer}: input_shape entry") for s in input_shape)  # type: ignore


def _pair(value, what: str) -> tuple[int, int]:
    pair = list(value) if isinstance(value, Sequence) and not isinstance(value, str) else [value, value]
    if len(pair) != 2 or not all(checks.is_integer(v) and v >= 1 for v in pair):
        raise ConfigError(f"{what} must be a positive integer or [height, width] of positive integers, "
                          f"got {checks.shown(value)}")
    return int(pair[0]), int(pair[1])


def _shape_text(shape: Sequence[int]) -> str:
    return "×".join(str(s) for s in shape)


# Outside training Conv2D makes its patch matrix for as many examples at a time as fit in this.
_SLICE_BYTES = 32 << 20


class _ImageLayer(Layer):
    """What both image layers share: the input's (H, W, C), flat widths, and the width check."""

    input_shape: tuple[int, int, int]
    output_shape: tuple[int, int, int]

    # math.prod, not np.prod: exact for any size, where int64 would silently wrap around.
    @property
    def n_in(self) -> int:
        return math.prod(self.input_shape)

    @property
    def n_out(self) -> int:
        return math.prod(self.output_shape)

    def output_dim(self, input_dim: int) -> int:
        if input_dim != self.n_in:
            raise ShapeError(f"{type(self).__name__} expects {_shape_text(self.input_shape)} = {self.n_in} "
                             f"inputs per example, got {input_dim}")
        return self.n_out

    def _images(self, x: np.ndarray) -> np.ndarray:
        """The flat batch (batch, H*W*C) as images (batch, H, W, C): a view, no copy."""
        if x.ndim != 2 or x.shape[1] != self.n_in:
            raise ShapeError(f"{type(self).__name__} expects input of shape (batch, {self.n_in}) "
                             f"({_shape_text(self.input_shape)} images), got {x.shape}")
        return x.reshape(x.shape[0], *self.input_shape)


@LAYERS.register
class Conv2D(WeightedLayer, _ImageLayer):
    """A 2-D convolution (strictly, a cross-correlation, as in every deep-learning library).

    Each of the ``F`` filters is a small (kh, kw, C) block of weights; output pixel (i, j) of filter f is

        z[i, j, f] = b[f] + Σ_{u<kh, v<kw, c<C} x[i·s + u, j·s + v, c] · W[u, v, c, f]
        a = activation(z)

    Shapes: input ``(batch, H*W*C)``, ``W`` (kh, kw, C, F), ``b`` (F,), output ``(batch, H'*W'*F)``,
    all channels-last. With ``padding="valid"`` the filter stays inside the image,
    H' = (H − kh) // s + 1; with ``"same"`` the image is padded with zeros so that H' = ⌈H / s⌉
    (the same size as the input for stride 1; any odd pixel of padding goes at the bottom/right).
    Either way the kernel must fit inside the input: kh ≤ H and kw ≤ W.

    **Why im2col.** The sum above, for every example, output pixel and filter, is a loop of
    batch·H'·W'·F dot products of length kh·kw·C. Copying every kh×kw×C patch into one row of a matrix
    (``im2col``: (batch·H'·W', kh·kw·C)) turns all of them into ONE matrix product with the kernel
    reshaped to (kh·kw·C, F), which NumPy hands to an optimised BLAS. The patches are read through a
    strided view of the input (no loop over pixels), at the cost of memory: each pixel appears in up
    to kh·kw rows.

    Backward, given g = dL/da reshaped to dz of shape (batch·H'·W', F):
        dL/dW = patchesᵀ dz                 (one matrix product, reshaped to (kh, kw, C, F))
        dL/db = Σ_rows dz
        dL/dx = col2im(dz Wᵀ)              each patch row's gradient added back where it came from

    **Why Winograd, for 3×3 kernels with stride 1 and at least 16 input channels.** There the same
    z, dL/dW and dL/dx come from :mod:`neuronet.winograd`'s F(4×4, 3×3), whose matrix products
    multiply 4× less (each 4×4 block of outputs from a 6×6 input tile, transformed by constant
    matrices); ``algorithm`` says which way a layer computes. Measured with one thread, batch 128,
    forward and backward with ReLU (CPU time, medians of 15 alternated calls): issue 15's second
    convolution (13×13×32 → 64 filters) 24.3 against 30.4 ms with im2col, 14×14×16 → 16 7.4 against
    9.7 ms. With fewer channels the transforms cost more than the products save (28×28×1 → 32: 35
    against 12 ms; 28×28×8 → 16: 27 against 19 ms), and so do outputs that fill their 4×4 tiles
    badly (7×7×64 → 5×5×64, 4 tiles of 16 for 25 pixels: 17 against 12 ms): those keep im2col. Both
    give the same numbers up to float rounding (~1e-6 of the largest output in float32).

    >>> layer = Conv2D((8, 8, 1), filters=4, kernel_size=3, seed=0)
    >>> layer.forward(np.ones((2, 64), dtype=np.float32)).shape      # 6×6×4 = 144
    (2, 144)
    """

    def __init__(self, input_shape: Sequence[int], filters: int, kernel_size: int | Sequence[int] = 3,
                 stride: int = 1, padding: str = "valid", activation=None, init: str | None = None,
                 use_bias: bool = True, seed: int | None = None, dtype=np.float32) -> None:
        super().__init__()
        kh, kw, _, self.filters = self.weight_shape_of(
            {"input_shape": input_shape, "filters": filters, "kernel_size": kernel_size})
        self.input_shape, self.kernel_size = _image_shape("Conv2D", input_shape), (kh, kw)
        self.stride = checks.positive_int(stride, "Conv2D: stride")
        if not (isinstance(padding, str) and padding in ("valid", "same")):
            raise ConfigError(f"Conv2D: padding must be 'valid' or 'same', got {checks.shown(padding)}")
        self.padding = padding
        H, W, C = self.input_shape
        s = self.stride
        # Refused with 'same' padding too: most of such a kernel would only ever multiply the padding's
        # zeros, and a mistyped kernel_size (300 for 3) would otherwise try to allocate its weights.
        if kh > H or kw > W:
            raise ShapeError(f"Conv2D: kernel {kh}×{kw} is larger than the {H}×{W} input; "
                             f"use a kernel_size of at most {H}×{W}")
        if padding == "valid":
            out_h, out_w = (H - kh) // s + 1, (W - kw) // s + 1
            self._pad = ((0, 0), (0, 0))
        else:
            out_h, out_w = -(-H // s), -(-W // s)
            # Just enough zeros for the last window to fit; the odd one goes after, as TensorFlow does.
            ph, pw = max((out_h - 1) * s + kh - H, 0), max((out_w - 1) * s + kw - W, 0)
            self._pad = ((ph // 2, ph - ph // 2), (pw // 2, pw - pw // 2))
        self.output_shape = (out_h, out_w, self.filters)
        # initializers._fans counts the kh·kw receptive field: fan_in = kh·kw·C, fan_out = kh·kw·F.
        self.weight_shape = (kh, kw, C, self.filters)
        # How forward and backward compute (see the class docstring): chosen from the shapes alone,
        # never saved (both give the same numbers); a test may set it to hold the two together.
        tiles_h, tiles_w = winograd.grid(out_h, out_w)
        filled = out_h * out_w / (16 * tiles_h * tiles_w)       # the outputs' share of their 4×4 tiles
        winograd_fits = (kh, kw) == (3, 3) and s == 1 and C >= 16 and filled >= 0.75
        self._algorithm, self._chosen = "winograd" if winograd_fits else "im2col", False
        self._used = self._algorithm          # what the last forward ran, so backward runs the same
        self._x = self._cols = self._V = self._z = self._a = None
        self._setup(activation, init, use_bias, seed, dtype)

    def _padded(self, images: np.ndarray) -> np.ndarray:
        """The images with the 'same' padding's zeros around them (as they are for 'valid')."""
        if self.padding == "valid":
            return images
        # A copy of the input, kh·kw times smaller than the patch matrix: cheap next to it.
        return np.pad(images, ((0, 0), *self._pad, (0, 0)))

    def _patches(self, images: np.ndarray, scratch: Scratch) -> np.ndarray:
        """im2col: every kh×kw×C window of the padded images as one row, (batch·H'·W', kh·kw·C).

        Row order is (example, i, j) and column order (u, v, c), matching ``W.reshape(-1, F)``. The
        matrix is written into ``scratch`` memory (the layer's own in training, which the next batch
        reuses instead of allocating and first touching as much memory again).
        """
        kh, kw = self.kernel_size
        s = self.stride
        out_h, out_w, C = self.output_shape[0], self.output_shape[1], self.input_shape[2]
        cols = scratch.array("cols", (images.shape[0], out_h, out_w, kh, kw, C), images.dtype)
        if C > 1:
            # A read-only view (batch, H'', W'', C, kh, kw) of every window; striding by s picks the
            # ones the convolution uses. Copying it in (u, v, c) order moves runs of kw·C values that
            # lie side by side in both the input and the patch row.
            windows = sliding_window_view(images, (kh, kw), axis=(1, 2))[:, ::s, ::s][:, :out_h, :out_w]
            np.copyto(cols, windows.transpose(0, 1, 2, 4, 5, 3))
        else:
            # With one channel (a grayscale first layer) those runs are only kw values long and the
            # copy is ~3× slower; copying one kernel offset (u, v) at a time, a whole (batch, H', W')
            # slice of pixels (i·s + u, j·s + v) into column u·kw + v, is faster there (and ~3× slower
            # for C > 1).
            for u in range(kh):
                for v in range(kw):
                    cols[:, :, :, u, v, :] = images[:, u:u + s * out_h:s, v:v + s * out_w:s, :]
        return cols.reshape(-1, kh * kw * C)

    @property
    def algorithm(self) -> str:
        """``"winograd"`` or ``"im2col"``: the way this layer's shapes are computed fastest with one BLAS
        thread. Setting it (``layer.algorithm = "im2col"``) makes the layer always compute that way."""
        return self._algorithm

    @algorithm.setter
    def algorithm(self, value: str) -> None:
        if value not in ("winograd", "im2col"):
            raise ConfigError(f"Conv2D: algorithm must be 'winograd' or 'im2col', got {checks.shown(value)}")
        if value == "winograd" and not (self.kernel_size == (3, 3) and self.stride == 1):
            raise ConfigError("Conv2D: Winograd's F(4×4, 3×3) needs a 3×3 kernel and stride 1")
        self._algorithm, self._chosen = value, True

    def _method(self) -> str:
        """The algorithm this call runs. Winograd's ~110 smaller matrix products a batch each wait for
        every BLAS thread: on the busy 2-core machine two threads made issue 15's second convolution
        18× slower than im2col (2.2 s against 0.12 s a batch), so unless the layer was told, it runs
        only where BLAS is known to use one thread (``threads.one_thread``)."""
        if self._algorithm == "winograd" and not self._chosen and not threads.one_thread():
            return "im2col"
        return self._algorithm

    def _product(self, images: np.ndarray, out: np.ndarray, scratch: Scratch, keep: bool = False) -> None:
        """The sum of the docstring without b: Σ x·W for every output pixel and filter of the padded
        ``images``, into ``out`` (batch·H'·W', F), the work arrays in ``scratch``. With ``keep``
        (training) what backward needs is kept: the patch matrix, or Winograd's transformed input V."""
        W = self.params["W"]
        self._used = self._method()
        if self._used == "winograd":
            z = out.reshape(images.shape[0], *self.output_shape)         # (batch, H', W', F)
            V = winograd.forward(images, W, scratch, out=z)               # (36, tiles, C)
            self._V = V if keep else None
        else:
            cols = self._patches(images, scratch)             # (batch·H'·W', kh·kw·C)
            np.matmul(cols, W.reshape(-1, self.filters), out=out)
            self._cols = cols if keep else None

    def forward(self, x: np.ndarray, training: bool = False) -> np.ndarray:
        batch = x.shape[0]
        # Let go of the previous batch's arrays before making this batch's: otherwise both are alive
        # at once, and in predict on many images that doubles the peak memory.
        self._x = self._cols = self._V = self._z = self._a = None
        images = self._padded(self._images(x))
        pixels = self.output_shape[0] * self.output_shape[1]
        z = np.empty((batch * pixels, self.filters), dtype=np.result_type(images, self.params["W"]))
        if training:
            self._product(images, z, self.scratch, keep=True)     # backward needs the whole batch's
        else:
            # Nothing is kept: a slice of the batch at a time (as many examples as 32 MB of patches
            # hold), each slice's work arrays in the same memory, this call's own (so that threads
            # predicting with one network at once never share it). Made whole for a batch of 1,000
            # images the patches were 139 MB of fresh memory per call in the second convolution of
            # benchmarks/lenet_speed.py (13×13×32 → 64 filters, im2col); in slices inference was 1.1×
            # faster (160 against 176 ms per 1,000 images, CPU time, alternated medians).
            kh, kw = self.kernel_size
            step = max(1, _SLICE_BYTES // (pixels * kh * kw * self.input_shape[2] * z.itemsize))
            work = Scratch()
            for lo in range(0, batch, step):
                self._product(images[lo:lo + step], z[lo * pixels:(lo + step) * pixels], work)
        z = z.reshape(batch, self.n_out)                      # rows were (example, i, j): a free reshape
        if self.use_bias:
            z += along_rows(self.params["b"], pixels)            # b at every pixel, along whole rows
        # ReLU overwrites z with a (its backward reads only a): one output-sized array fewer per batch.
        a = self.activation(z, out=z) if self.activation.in_place else self.activation(z)
        self._x, self._z, self._a = x, z, a
        return a

    def backward(self, grad: np.ndarray, need_input_grad: bool = True,
                 pre_activation: bool = False) -> np.ndarray | None:
        """Gradients from dL/da (or dL/dz when ``pre_activation``, after a fused loss).

        ``grad`` is (batch, H'*W'*F); fills ``grads["W"]`` (kh, kw, C, F) and ``grads["b"]`` (F,) and
        returns dL/dx, (batch, H*W*C). ``need_input_grad=False`` (the first layer) skips dL/dx: the
        col2im half of the work. After a forward outside training (which keeps nothing) the patches,
        or Winograd's V, are made again from x.
        """
        if self._x is None:
            raise ConfigError("Conv2D.backward called before forward")
        dz = grad if pre_activation else self.activation.backward(grad, self._z, self._a)
        batch = dz.shape[0]
        dz = dz.reshape(-1, self.filters)                     # (batch·H'·W', F)
        if self.use_bias:
            channel_sums(dz.reshape(batch, -1), self.filters, out=self.grads["b"])   # dL/db = Σ dz
        if self._used == "winograd":
            dx = self._winograd_backward(dz.reshape(batch, *self.output_shape), need_input_grad)
        else:
            dx = self._im2col_backward(dz, need_input_grad)
        if dx is None:
            return None
        (top, _), (left, _) = self._pad
        H, W, _ = self.input_shape
        return dx[:, top:top + H, left:left + W, :].reshape(batch, self.n_in)

    def _winograd_backward(self, dz: np.ndarray, need_input_grad: bool) -> np.ndarray | None:
        """dL/dW into grads and (if asked) dL/d(padded images) from dz (batch, H', W', F)."""
        V = self._V if self._V is not None else \
            winograd.input_transform(self._padded(self._images(self._x)), self.scratch)
        dW, dx = winograd.backward(dz, V, self.params["W"], self.scratch, need_input_grad)
        self.grads["W"][...] = dW
        return dx

    def _im2col_backward(self, dz: np.ndarray, need_input_grad: bool) -> np.ndarray | None:
        """dL/dW = patchesᵀ dz into grads and (if asked) dL/d(padded images) = col2im(dz Wᵀ)."""
        cols = self._cols if self._cols is not None else \
            self._patches(self._padded(self._images(self._x)), self.scratch)
        np.matmul(cols.T, dz, out=self.grads["W"].reshape(-1, self.filters))
        if not need_input_grad:
            return None
        kh, kw = self.kernel_size
        H, W, C = self.input_shape
        out_h, out_w, _ = self.output_shape
        s = self.stride
        (top, bottom), (left, right) = self._pad
        batch = dz.shape[0] // (out_h * out_w)
        # dz Wᵀ, computed as one (batch·H'·W', F) @ (F, C) product per kernel offset (a single stacked
        # matmul) so that the columns of offset (u, v) come out as one contiguous (batch, H', W', C)
        # block. Taking them as a slice of the (batch·H'·W', kh·kw·C) product instead leaves runs of
        # only C values for the additions below, which made them 2-3× slower for C > 1.
        W_offsets = self.params["W"].reshape(kh * kw, C, self.filters).transpose(0, 2, 1)   # (kh·kw, F, C)
        dcols = np.matmul(dz, W_offsets, out=self.scratch.array("dcols", (kh * kw, dz.shape[0], C), dz.dtype))
        dcols = dcols.reshape(kh, kw, batch, out_h, out_w, C)
        # col2im: kernel offset (u, v) of output pixel (i, j) read input pixel (i·s + u, j·s + v), so its
        # gradient goes back there. For one (u, v) those pixels never collide, so a strided slice takes
        # them all at once; only the kh·kw offsets are looped over. Overlaps between offsets add up.
        dx = np.zeros((batch, H + top + bottom, W + left + right, C), dtype=dz.dtype)
        for u in range(kh):
            for v in range(kw):
                dx[:, u:u + s * out_h:s, v:v + s * out_w:s, :] += dcols[u, v]
        return dx

    @classmethod
    def weight_shape_of(cls, config: dict) -> tuple[int, int, int, int]:
        image = _image_shape("Conv2D", config.get("input_shape"))
        kh, kw = _pair(config.get("kernel_size", 3), "Conv2D: kernel_size")
        filters = checks.positive_int(config.get("filters"), "Conv2D: filters")
        return kh, kw, image[2], filters                               # (kh, kw, C, F)

    def get_config(self) -> dict:
        return {"type": "Conv2D", "input_shape": list(self.input_shape), "filters": self.filters,
                "kernel_size": list(self.kernel_size), "stride": self.stride, "padding": self.padding,
                "activation": self.activation.get_config(), "init": self.init, "use_bias": self.use_bias}

    def __repr__(self) -> str:
        return (f"Conv2D({_shape_text(self.input_shape)}, {self.filters} filters "
                f"{_shape_text(self.kernel_size)}, stride {self.stride}, {self.padding}, "
                f"activation={self.activation.name!r})")


@LAYERS.register
class MaxPool2D(_ImageLayer):
    """Max pooling: each output pixel is the largest value in a ``pool_size``×``pool_size`` window.

        y[i, j, c] = max_{u, v < p} x[i·s + u, j·s + v, c]        (s = stride, default p)

    Shapes: input ``(batch, H*W*C)``, output ``(batch, H'*W'*C)`` with H' = (H − p) // s + 1; rows or
    columns left over at the bottom/right are dropped. No parameters.

    It halves the resolution (for p = s = 2) while keeping whether a feature was present somewhere
    nearby, which makes the next layer smaller and a little tolerant of small shifts.

    Backward: the max is the only input that changed the output, so the whole gradient goes to it
    (to the first of several equal maxima, in row-major window order), and the rest get zero.
    """

    def __init__(self, input_shape: Sequence[int], pool_size: int = 2, stride: int | None = None) -> None:
        super().__init__()
        kind = type(self).__name__   # MaxPool2D, or AvgPool2D, which shares these settings
        self.input_shape = _image_shape(kind, input_shape)
        self.pool_size = checks.positive_int(pool_size, f"{kind}: pool_size")
        self.stride = self.pool_size if stride is None else checks.positive_int(stride, f"{kind}: stride")
        H, W, C = self.input_shape
        p, s = self.pool_size, self.stride
        if p > H or p > W:
            raise ShapeError(f"{kind}: pool {p}×{p} is larger than the {H}×{W} input")
        self.output_shape = ((H - p) // s + 1, (W - p) // s + 1, C)
        self._x = self._stack = self._out = None

    def _windows(self, images: np.ndarray, writeable: bool = False) -> np.ndarray:
        """Every window of ``images`` (batch, H, W, C) as one strided view, (p, p, batch, H', W', C):
        entry [u, v, n, i, j, c] is pixel (i·s + u, j·s + v, c) of image n. No copy. Writeable only
        for windows that never overlap (stride ≥ pool), where each pixel has one place in it."""
        p, s = self.pool_size, self.stride
        out_h, out_w, C = self.output_shape
        sn, sh, sw, sc = images.strides
        return as_strided(images, (p, p, images.shape[0], out_h, out_w, C), (sh, sw, sn, s * sh, s * sw, sc),
                          writeable=writeable)

    def _offset(self, image: np.ndarray, k: int) -> np.ndarray:
        """The pixel at window offset k = u·p + v of every window: a strided view (batch, H', W', C)."""
        (u, v), s = divmod(k, self.pool_size), self.stride
        out_h, out_w, _ = self.output_shape
        return image[:, u:u + s * out_h:s, v:v + s * out_w:s, :]

    def forward(self, x: np.ndarray, training: bool = False) -> np.ndarray:
        images = self._images(x)                                       # (batch, H, W, C)
        self._x = self._stack = self._out = None   # the previous batch's, freed first (see Conv2D)
        if training:
            # Backward compares every window offset with the maximum: the windows are gathered once,
            # kept (as large as x) and read contiguously by both passes.
            stack = self._gathered(images, keep=True)                  # (p·p, batch, H', W', C)
            out = stack.max(axis=0)                                    # (batch, H', W', C)
        else:
            # Nothing is kept: a running maximum over the window offsets, each a strided view of x.
            stack, out = None, self._offset(images, 0).copy()
            for k in range(1, self.pool_size ** 2):
                np.maximum(out, self._offset(images, k), out=out)
        # (A NaN in a window makes its output NaN either way.)
        self._x, self._stack, self._out = images, stack, out
        return out.reshape(x.shape[0], self.n_out)

    def _gathered(self, images: np.ndarray, keep: bool) -> np.ndarray:
        """The windows copied out, offset by offset: (p·p, batch, H', W', C), each offset contiguous.

        Why: reading the window offsets in place means runs of only C values at a time; one copy into
        this layout (a single np.copyto) and then whole-array operations on it made forward and
        backward together 1.35× faster than a running maximum that also recorded the offset of each
        maximum on strided views (pool1 of benchmarks/lenet_speed.py, 26×26×32, batch 128: 8.7
        against 11.8 ms, CPU time, medians of 41 alternated calls)."""
        p = self.pool_size
        shape = (p * p, images.shape[0], *self.output_shape)
        stack = self.scratch.array("windows", shape, images.dtype) if keep else np.empty(shape, images.dtype)
        np.copyto(stack.reshape(p, p, *shape[1:]), self._windows(images))
        return stack

    def backward(self, grad: np.ndarray, need_input_grad: bool = True) -> np.ndarray | None:
        """dL/dx, (batch, H*W*C), from dL/dy, (batch, H'*W'*C)."""
        if not need_input_grad:
            return None
        if self._x is None:
            raise ConfigError("MaxPool2D.backward called before forward")
        training = self._stack is not None
        stack = self._stack if training else self._gathered(self._x, keep=False)
        p, s = self.pool_size, self.stride
        batch = grad.shape[0]
        # What is left of each window's dL/dy to hand out: all of it, until the first offset (in
        # row-major window order) that holds the window's maximum takes it; a later offset with an
        # equal value then finds nothing left. r − r·1 and r − r·0 are exact: the value moves whole.
        rest = grad.reshape(batch, *self.output_shape).copy()               # (batch, H', W', C)
        hit = np.empty(rest.shape, dtype=bool)
        shares = self.scratch.array("shares", stack.shape, grad.dtype) if training else np.empty_like(stack)
        for k in range(p * p):
            np.equal(stack[k], self._out, out=hit)                     # offset k holds the maximum
            np.multiply(rest, hit, out=shares[k])                      # ... and takes what is left
            if k < p * p - 1:
                rest -= shares[k]
        # Each offset's share goes back to the pixel it came from. Windows that never overlap (stride
        # ≥ pool) give each pixel at most one share: written in one copy, zeros only where no window
        # reaches (none when the windows tile the input). Overlapping windows add up their shares.
        H, W, _ = self.input_shape
        tiled = s == p and H == p * self.output_shape[0] and W == p * self.output_shape[1]
        dx = (np.empty if tiled else np.zeros)((batch, *self.input_shape), dtype=grad.dtype)
        if s >= p:
            np.copyto(self._windows(dx, writeable=True), shares.reshape(p, p, *rest.shape))
        else:
            for k in range(p * p):
                self._offset(dx, k)[...] += shares[k]
        return dx.reshape(batch, self.n_in)

    def get_config(self) -> dict:
        return {"type": "MaxPool2D", "input_shape": list(self.input_shape), "pool_size": self.pool_size,
                "stride": self.stride}

    def __repr__(self) -> str:
        return f"MaxPool2D({_shape_text(self.input_shape)}, pool {self.pool_size}, stride {self.stride})"


@LAYERS.register
class AvgPool2D(MaxPool2D):
    """Average pooling: each output pixel is the mean of a ``pool_size``×``pool_size`` window.

        y[i, j, c] = 1/p² Σ_{u, v < p} x[i·s + u, j·s + v, c]        (s = stride, default p)

    Shapes as :class:`MaxPool2D` (the same windows, the same output size). No parameters.

    Backward: every input of a window moved its output by 1/p², so each gets dL/dy / p² (overlapping
    windows, stride < pool_size, add up).
    """

    def forward(self, x: np.ndarray, training: bool = False) -> np.ndarray:
        images = self._images(x)
        out = self._offset(images, 0).copy()                          # (batch, H', W', C)
        for k in range(1, self.pool_size ** 2):                       # one strided view per offset
            out += self._offset(images, k)
        out *= out.dtype.type(1 / self.pool_size ** 2)
        self._x = images                                              # forward has run
        return out.reshape(x.shape[0], self.n_out)

    def backward(self, grad: np.ndarray, need_input_grad: bool = True) -> np.ndarray | None:
        if not need_input_grad:
            return None
        if self._x is None:
            raise ConfigError("AvgPool2D.backward called before forward")
        out_h, out_w, C = self.output_shape
        g = grad.reshape(grad.shape[0], out_h, out_w, C) * grad.dtype.type(1 / self.pool_size ** 2)
        dx = np.zeros((grad.shape[0], *self.input_shape), dtype=grad.dtype)
        for k in range(self.pool_size ** 2):
            self._offset(dx, k)[...] += g
        return dx.reshape(grad.shape[0], self.n_in)

    def get_config(self) -> dict:
        return {**super().get_config(), "type": "AvgPool2D"}

    def __repr__(self) -> str:
        return f"AvgPool2D({_shape_text(self.input_shape)}, pool {self.pool_size}, stride {self.stride})"


@LAYERS.register
class GlobalAvgPool2D(_ImageLayer):
    """Global average pooling: one number per channel, the mean over every position.

        y[c] = 1/(H·W) Σ_{i<H, j<W} x[i, j, c]

    Shapes: input ``(batch, H*W*C)``, output ``(batch, C)``. Often the last image layer before the
    classifier: it needs no weights, whatever the image size. Backward: dL/dx[i, j, c] = dL/dy[c] / (H·W).
    """

    def __init__(self, input_shape: Sequence[int]) -> None:
        super().__init__()
        self.input_shape = _image_shape("GlobalAvgPool2D", input_shape)
        self.output_shape = (1, 1, self.input_shape[2])
        self._batch = None

    def forward(self, x: np.ndarray, training: bool = False) -> np.ndarray:
        images = self._images(x)                                      # (batch, H, W, C)
        self._batch = x.shape[0]
        return images.mean(axis=(1, 2))                               # (batch, C)

    def backward(self, grad: np.ndarray, need_input_grad: bool = True) -> np.ndarray | None:
        if not need_input_grad:
            return None
        if self._batch is None:
            raise ConfigError("GlobalAvgPool2D.backward called before forward")
        H, W, C = self.input_shape
        share = grad * grad.dtype.type(1 / (H * W))                   # (batch, C)
        return np.broadcast_to(share[:, None, None, :], (grad.shape[0], H, W, C)).reshape(grad.shape[0], -1)

    def get_config(self) -> dict:
        return {"type": "GlobalAvgPool2D", "input_shape": list(self.input_shape)}

    def __repr__(self) -> str:
        return f"GlobalAvgPool2D({_shape_text(self.input_shape)})"
