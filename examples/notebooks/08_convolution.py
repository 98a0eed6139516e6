# ---
# jupyter:
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
# ---

# %% [markdown]
# # 08 - A convolutional network: the same small filters slid over the whole image
#
# Two networks of about the same size on the 8×8 digits: a dense one, where every hidden unit has
# its own weight per pixel, and a convolutional one, with 16 filters of 3×3 weights applied at every
# position, then 2×2 max pooling. Then every test image is moved by one pixel: the dense network
# learned "ink at pixel (3, 4)", the filters respond to a stroke wherever it is.
# (Source: `examples/notebooks/08_convolution.py`, the notebook of `examples/08_convolution.py`.)

# %%
# %matplotlib inline
import numpy as np

import neuronet as nn
from neuronet import datasets, viz

(X_train, y_train), (X_test, y_test) = datasets.load("digits")    # (n, 64): 8×8×1 images, row by row


def shifted(X: np.ndarray, dy: int, dx: int) -> np.ndarray:
    """The (n, 64) digits moved by (dy, dx) pixels, with blank (0) pixels coming in at the edge."""
    images = X.reshape(-1, 8, 8)                                       # (n, 8, 8)
    out = np.zeros_like(images)
    rows, cols = slice(max(dy, 0), 8 + min(dy, 0)), slice(max(dx, 0), 8 + min(dx, 0))
    out[:, rows, cols] = images[:, max(-dy, 0):8 + min(-dy, 0), max(-dx, 0):8 + min(-dx, 0)]
    return out.reshape(-1, 64)


# %% [markdown]
# The two networks. Conv2D reads each row of 64 as an 8×8 image with 1 channel and gives 8×8×16
# values per example; pooling halves that to 4×4×16 = 256, which the Dense layer classifies.

# %%
dense = nn.Network([nn.Dense(64, 36, activation="relu"), nn.Dense(36, 10, activation="softmax")], seed=0)
conv = nn.Network([nn.Conv2D((8, 8, 1), filters=16, kernel_size=3, padding="same", activation="relu"),
                   nn.MaxPool2D((8, 8, 16), pool_size=2),
                   nn.Dense(4 * 4 * 16, 10, activation="softmax")], seed=0)
conv

# %% [markdown]
# Training both the same way, then measuring on the test digits as they are and moved by one pixel
# up, down, left and right.

# %%
nets = {"dense 64-36-10": dense, "conv 16×3×3": conv}
moves = [(1, 0), (-1, 0), (0, 1), (0, -1)]
runs = {}
for name, net in nets.items():
    runs[name] = net.fit(X_train, y_train, epochs=6, batch_size=32, optimizer=nn.Adam(3e-3),
                         validation_data=(X_test, y_test), seed=0)
    accuracy = net.evaluate(X_test, y_test)[1]
    moved = np.mean([net.evaluate(shifted(X_test, dy, dx), y_test)[1] for dy, dx in moves])
    print(f"{name:>15}: {net.n_params:,} parameters; test accuracy {accuracy:.1%}, "
          f"moved by one pixel {moved:.1%}")
viz.plot_history(runs)

# %% [markdown]
# The 16 filters the convolutional network learned, and what each one makes of the first test image:

# %%
viz.plot_filters(conv, X_test[0])
