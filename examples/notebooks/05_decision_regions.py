# ---
# jupyter:
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
# ---

# %% [markdown]
# # 05 - Decision regions on two-dimensional data: two moons and a three-armed spiral
#
# A linear model can only cut the plane with a line; a hidden layer bends the boundary. Both data
# sets come from `neuronet.datasets` (generated, no download), split 80/20 into training and test
# points. (Source: `examples/notebooks/05_decision_regions.py`, the notebook of
# `examples/05_2d_decision_regions.py`.)

# %%
# %matplotlib inline
import neuronet as nn
from neuronet import datasets, viz

(X, y), (X_test, y_test) = datasets.load("moons", n_samples=375, noise=0.15, seed=0)
print(X.shape, X_test.shape)

# %% [markdown]
# Two networks on the moons: one with no hidden layer (a single sigmoid unit, so a straight
# boundary) and one with a hidden layer of 16 tanh units.

# %%
linear = nn.mlp([2, 1], seed=0)
linear.fit(X, y, epochs=60, batch_size=32, optimizer=nn.Adam(0.05))
hidden = nn.mlp([2, 16, 1], activation="tanh", seed=0)
history = hidden.fit(X, y, epochs=100, batch_size=32, optimizer=nn.Adam(0.02),
                     validation_data=(X_test, y_test))
print(f"test accuracy: linear {linear.evaluate(X_test, y_test)[1]:.1%}, "
      f"one hidden layer of 16 {hidden.evaluate(X_test, y_test)[1]:.1%}")

# %% [markdown]
# The linear model's regions: one straight cut, which leaves the moons' tips on the wrong side.

# %%
viz.plot_decision_regions(linear, X, y)

# %% [markdown]
# With the hidden layer the boundary bends between the moons:

# %%
viz.plot_decision_regions(hidden, X, y)

# %% [markdown]
# Three classes on a spiral need more: two hidden layers of 64 ReLU units and a softmax output.
# (`noise` is in radians here: 0.1 keeps the three arms apart but touching.)

# %%
(Xs, ys), (Xs_test, ys_test) = datasets.load("spiral", n_samples=375, noise=0.1, n_classes=3, seed=0)
net = nn.mlp([2, 64, 64, 3], activation="relu", seed=0)
spiral_history = net.fit(Xs, ys, epochs=150, batch_size=32, optimizer=nn.Adam(0.01),
                         validation_data=(Xs_test, ys_test))
print(f"spiral (3 classes): test accuracy {net.evaluate(Xs_test, ys_test)[1]:.1%}")
viz.plot_decision_regions(net, Xs, ys)

# %% [markdown]
# What some of the first hidden layer's units see: each ReLU is off on one side of a line.

# %%
viz.plot_hidden_units(net, Xs, layer=0, y=ys)

# %% [markdown]
# Both runs' training and validation curves in one figure:

# %%
viz.plot_history({"moons": history, "spiral": spiral_history})
