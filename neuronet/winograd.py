"""Winograd's minimal filtering F(4×4, 3×3): a 3×3 convolution with four times fewer multiplications.

For a 6×6 tile d of an image and a 3×3 kernel g (one channel in, one out), the 4×4 outputs of the
correlation z[i, j] = Σ_{u,v<3} d[i + u, j + v] g[u, v] are exactly (Winograd 1980; Lavin & Gray,
"Fast Algorithms for Convolutional Neural Networks", 2016)

    z = Aᵀ [ (G g Gᵀ) ⊙ (Bᵀ d B) ] A

with the constant matrices Bᵀ (6×6), G (6×3) and Aᵀ (4×6) below: 36 products where the direct sum
takes 16·9 = 144. With C channels in and F filters out, the sum over the channels turns the
element-wise product ⊙ into one matrix product for each of the 36 tile positions ξν, over every
tile of the batch at once:

    V = Bᵀ d B      for every tile and channel:   V[ξν] is (tiles, C)      the input transform
    U = G g Gᵀ      for every channel and filter: U[ξν] is (C, F)          the kernel transform
    M[ξν] = V[ξν] U[ξν]                                                    36 matrix products
    z = Aᵀ M A      for every tile and filter                              the output transform

The tiles start every 4 pixels and overlap by 2, so that their 4×4 outputs tile the output image;
the image is padded with zeros up to a whole number of tiles, and the outputs past its edge dropped.
Each two-sided transform P X Pᵀ of every tile is ONE matrix product with the Kronecker product
P ⊗ P (36 × 36 for Bᵀ), since (P X Pᵀ)[a, b] = Σ_{r,s} P[a, r] P[b, s] X[r, s].

Every step is linear, so the gradients run the same steps transposed:

    dM = A dz Aᵀ                        each tile's 4×4 output gradient, back through Aᵀ · A
    dU[ξν] = V[ξν]ᵀ dM[ξν],  dg = Gᵀ dU G
    dV[ξν] = dM[ξν] U[ξν]ᵀ,  dd = B dV Bᵀ, added back where each tile came from (overlaps add up)

Layout: images channels-last (batch, H, W, C), kernels (3, 3, C, F), as in :class:`~neuronet.conv.Conv2D`,
which uses this for 3×3 kernels with stride 1 and enough channels (see there for the measured gain).
The exact arithmetic is the same as the direct sum; in float32 the rounding differs by ~1e-6 of
the largest output (the coefficients 1/24 ... 8 of the transforms).
"""

from __future__ import annotations

import numpy as np
from numpy.lib.stride_tricks import as_strided

# Lavin & Gray (2016), section 4.3, F(4×4, 3×3).
BT = np.array([[4, 0, -5, 0, 1, 0],
               [0, -4, -4, 1, 1, 0],
               [0, 4, -4, -1, 1, 0],
               [0, -2, -1, 2, 1, 0],
               [0, 2, -1, -2, 1, 0],
               [0, 4, 0, -5, 0, 1]], dtype=np.float64)                          # Bᵀ, (6, 6)
G = np.array([[1 / 4, 0, 0],
              [-1 / 6, -1 / 6, -1 / 6],
              [-1 / 6, 1 / 6, -1 / 6],
              [1 / 24, 1 / 12, 1 / 6],
              [1 / 24, -1 / 12, 1 / 6],
              [0, 0, 1]], dtype=np.float64)                                     # G, (6, 3)
AT = np.array([[1, 1, 1, 1, 1, 0],
               [0, 1, -1, 2, -2, 0],
               [0, 1, 1, 4, 4, 0],
               [0, 1, -1, 8, -8, 1]], dtype=np.float64)                         # Aᵀ, (4, 6)
TILE, OUT = 6, 4          # a tile's input and output sides; tiles start every OUT pixels


# Each two-sided transform as one matrix, P ⊗ P: row a·n + b, column r·m + s holds P[a, r] P[b, s].
_KRON = {"BT": np.kron(BT, BT), "AT": np.kron(AT, AT), "G": np.kron(G, G)}      # (36, 36), (16, 36), (36, 9)
_KRON_IN: dict[tuple[str, np.dtype], np.ndarray] = {}


def _kron(name: str, dtype) -> np.ndarray:
    """``_KRON[name]`` in ``dtype``, made once per dtype (np.kron each call cost 1.8 ms a batch)."""
    key = (name, np.dtype(dtype))
    if key not in _KRON_IN:
        _KRON_IN[key] = _KRON[name].astype(dtype)
    return _KRON_IN[key]


def grid(out_h: int, out_w: int) -> tuple[int, int]:
    """How many tiles down and across cover an out_h × out_w output: ⌈out / 4⌉ each way."""
    return -(-out_h // OUT), -(-out_w // OUT)


def _tiles(images: np.ndarray, th: int, tw: int) -> np.ndarray:
    """Every 6×6 tile of ``images`` (batch, H, W, C) as a read-only strided view
    (6, 6, batch, th, tw, C): entry [r, s, n, i, j, c] is pixel (4i + r, 4j + s, c) of image n."""
    sn, sh, sw, sc = images.strides
    return as_strided(images, (TILE, TILE, images.shape[0], th, tw, images.shape[3]),
                      (sh, sw, sn, OUT * sh, OUT * sw, sc), writeable=False)


def kernel_transform(W: np.ndarray) -> np.ndarray:
    """U = G g Gᵀ for every (channel, filter) of W (3, 3, C, F): (36, C, F)."""
    C, F = W.shape[2:]
    return (_kron("G", W.dtype) @ W.reshape(9, C * F)).reshape(TILE * TILE, C, F)


def kernel_gradient(dU: np.ndarray) -> np.ndarray:
    """dg = Gᵀ dU G, from dU (36, C, F) to (3, 3, C, F): the kernel transform transposed."""
    C, F = dU.shape[1:]
    return (_kron("G", dU.dtype).T @ dU.reshape(TILE * TILE, C * F)).reshape(3, 3, C, F)


def input_transform(images: np.ndarray, scratch) -> np.ndarray:
    """V = Bᵀ d B for every 6×6 tile d of ``images`` (batch, H, W, C): (36, tiles, C), tiles in
    (example, i, j) order. The work arrays come from ``scratch`` (a :class:`~neuronet.layers.Scratch`);
    V is one of them."""
    batch, H, W, C = images.shape
    th, tw = grid(H - 2, W - 2)
    dtype = np.result_type(images.dtype, np.float32)          # integer pixels are transformed as floats
    # Zeros past the image's bottom and right edge up to whole tiles (rewritten every call: the
    # memory may hold a larger batch's pixels).
    padded = scratch.array("wino_padded", (batch, OUT * th + 2, OUT * tw + 2, C), dtype)
    padded[:, :H, :W] = images
    padded[:, H:] = 0
    padded[:, :H, W:] = 0
    d = scratch.array("wino_d", (TILE * TILE, batch * th * tw, C), dtype)
    np.copyto(d.reshape(TILE, TILE, batch, th, tw, C), _tiles(padded, th, tw))   # (r, s, tile, c)
    V = scratch.array("wino_V", d.shape, dtype)
    np.matmul(_kron("BT", dtype), d.reshape(TILE * TILE, -1), out=V.reshape(TILE * TILE, -1))  # Bᵀ d B
    return V


def forward(images: np.ndarray, W: np.ndarray, scratch, out: np.ndarray) -> np.ndarray:
    """The 'valid' correlation of ``images`` (batch, H, W, C) with W (3, 3, C, F), stride 1, written
    into ``out`` (batch, H − 2, W − 2, F); returns V (36, tiles, C), the transformed input that
    :func:`backward` needs (in ``scratch``: the next call overwrites it)."""
    batch, H, Wd, _ = images.shape
    F = W.shape[3]
    out_h, out_w = H - 2, Wd - 2
    th, tw = grid(out_h, out_w)
    dtype = out.dtype
    V = input_transform(images, scratch)                                   # (36, tiles, C)
    M = scratch.array("wino_M", (TILE * TILE, V.shape[1], F), dtype)
    np.matmul(V, kernel_transform(W), out=M)                               # M[ξν] = V[ξν] U[ξν]
    Y = scratch.array("wino_Y", (OUT * OUT, V.shape[1], F), dtype)
    np.matmul(_kron("AT", dtype), M.reshape(TILE * TILE, -1), out=Y.reshape(OUT * OUT, -1))   # Aᵀ M A
    # Each tile's 4×4 outputs into place: output pixel (4i + p, 4j + q) is Y[p, q] of tile (i, j);
    # those past the image's edge are dropped.
    whole = scratch.array("wino_z", (batch, OUT * th, OUT * tw, F), dtype)
    by_tile = Y.reshape(OUT, OUT, batch, th, tw, F).transpose(2, 3, 0, 4, 1, 5)     # (n, i, p, j, q, f)
    np.copyto(whole.reshape(batch, th, OUT, tw, OUT, F), by_tile)
    np.copyto(out, whole[:, :out_h, :out_w])
    return V


def backward(dz: np.ndarray, V: np.ndarray, W: np.ndarray, scratch,
             need_input_grad: bool = True) -> tuple[np.ndarray, np.ndarray | None]:
    """(dL/dW (3, 3, C, F), dL/dx (batch, H, W, C) or None) from dz = dL/dz (batch, H − 2, W − 2, F)
    and the V that :func:`forward` returned. dL/dx is a new array; ``need_input_grad=False`` skips it."""
    batch, out_h, out_w, F = dz.shape
    C = W.shape[2]
    th, tw = grid(out_h, out_w)
    dtype = dz.dtype
    # dz padded to whole tiles (the outputs past the edge were dropped: their gradient is 0), then
    # each tile's 4×4 gradients gathered as (p, q, tile, f).
    padded = scratch.array("wino_dz", (batch, OUT * th, OUT * tw, F), dtype)
    padded[:, :out_h, :out_w] = dz
    padded[:, out_h:] = 0
    padded[:, :out_h, out_w:] = 0
    dY = scratch.array("wino_dY", (OUT * OUT, V.shape[1], F), dtype)
    by_tile = padded.reshape(batch, th, OUT, tw, OUT, F).transpose(2, 4, 0, 1, 3, 5)   # (p, q, n, i, j, f)
    np.copyto(dY.reshape(OUT, OUT, batch, th, tw, F), by_tile)
    dM = scratch.array("wino_dM", (TILE * TILE, V.shape[1], F), dtype)
    np.matmul(_kron("AT", dtype).T, dY.reshape(OUT * OUT, -1), out=dM.reshape(TILE * TILE, -1))   # A dY Aᵀ
    dW = kernel_gradient(np.matmul(V.transpose(0, 2, 1), dM))            # dU[ξν] = V[ξν]ᵀ dM[ξν]
    if not need_input_grad:
        return dW, None
    dV = scratch.array("wino_dV", V.shape, dtype)
    np.matmul(dM, kernel_transform(W).transpose(0, 2, 1), out=dV)       # dV[ξν] = dM[ξν] U[ξν]ᵀ
    dd = scratch.array("wino_dd", V.shape, dtype)
    np.matmul(_kron("BT", dtype).T, dV.reshape(TILE * TILE, -1), out=dd.reshape(TILE * TILE, -1))  # B dV Bᵀ
    # Back where each tile came from: tile position (r, s) of tile (i, j) is pixel (4i + r, 4j + s).
    # For one (r, s) those pixels never collide, so a strided slice takes them all; neighbouring tiles
    # share 2 rows and columns, which add up.
    dx = np.zeros((batch, OUT * th + 2, OUT * tw + 2, C), dtype=dtype)
    dd = dd.reshape(TILE, TILE, batch, th, tw, C)
    for r in range(TILE):
        for s in range(TILE):
            dx[:, r:r + OUT * th:OUT, s:s + OUT * tw:OUT] += dd[r, s]
    return dW, dx[:, :out_h + 2, :out_w + 2]
