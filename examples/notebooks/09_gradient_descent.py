# ---
# jupyter:
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
# ---

# %% [markdown]
# # 09 - Gradient descent and its optimisers; which loss keeps a neuron learning
#
# Every path below is drawn by neuronet's own optimiser objects, given the exact gradient at each
# step: SGD zigzags across a narrow valley and crawls along it, momentum builds speed, RMSprop and
# Adam rescale each coordinate. Then the losses: with a sigmoid output, the quadratic cost's gradient
# vanishes when the neuron is confidently wrong; cross-entropy's does not.
# (Source: `examples/notebooks/09_gradient_descent.py`, the notebook of `examples/09_gradient_descent.py`.)

# %%
# %matplotlib inline
import numpy as np

import neuronet as nn
from neuronet import surfaces, viz

# %% [markdown]
# How far from the minimum each optimiser ends, on three surfaces:

# %%
for name in ("bowl", "rosenbrock", "saddle"):
    f = surfaces.get(name)
    print(f"{name}: f = {f.formula}, start {f.start}, {f.steps} steps; f − f(minimum) at the end:")
    for opt in ("sgd", "momentum", "nesterov", "rmsprop", "adam"):
        path = surfaces.optimizer_path(opt, f)
        label = viz.optimizer_label(surfaces.make_optimizer(opt, f))
        print(f"  {label:<24} {f(path[-1]) - f.lowest:9.2e}")

# %% [markdown]
# Their paths on the bowl, with the loss along each path:

# %%
viz.plot_optimizer_paths()

# %% [markdown]
# Rosenbrock's curved valley, with optimisers you choose yourself (try other learning rates):

# %%
viz.plot_optimizer_paths({"SGD": nn.SGD(2e-3), "momentum": nn.SGD(1e-3, momentum=0.9),
                          "Adam": nn.Adam(0.1)}, function="rosenbrock")

# %% [markdown]
# A saddle: the gradient is zero at the centre, and which way a path leaves depends on the optimiser.

# %%
viz.plot_optimizer_paths(function="saddle")

# %% [markdown]
# The learning slowdown: a sigmoid neuron badly wrong (z = −5 for the target 1). The gradient dL/dz
# that reaches its weights, for the quadratic cost and for cross-entropy:

# %%
sigmoid, z = nn.activations.get("sigmoid"), np.array([[-5.0]])
a, y = sigmoid(z), np.ones((1, 1))
for loss in ("mse", "binary_crossentropy"):
    dz = nn.losses.get(loss).gradient(a, y) * sigmoid.derivative(z)
    print(f"{loss:<20} dL/dz = {dz[0, 0]:+.4f}")
viz.plot_losses()
