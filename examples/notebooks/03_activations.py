# ---
# jupyter:
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
# ---

# %% [markdown]
# # 03 - Activation functions and their derivatives
#
# The derivative is what backpropagation multiplies by: where it is near 0 (a saturated sigmoid, a
# negative ReLU) a neuron stops learning.
# (Source: `examples/notebooks/03_activations.py`, the notebook of `examples/03_activations.py`.)

# %%
# %matplotlib inline
import numpy as np

from neuronet import activations, viz

# %% [markdown]
# Every activation neuronet knows, on a few values of z, with its slope at 0:

# %%
z = np.array([-4.0, -1.0, 0.0, 1.0, 4.0])
print("z            " + "  ".join(f"{v:7.2f}" for v in z))
for name in activations.names():
    if name in ("softmax", "log_softmax"):
        continue          # these act on a whole row, not value by value: below
    f = activations.get(name)
    print(f"{name:<12} " + "  ".join(f"{v:7.3f}" for v in f(z)) +
          f"   f'(0) = {f.derivative(np.zeros(1))[0]:.3f}")

# %% [markdown]
# Softmax turns a whole row of scores into probabilities that add up to 1:

# %%
print("softmax of", z.tolist(), "=", np.round(activations.get("softmax")(z[None])[0], 3).tolist())

# %% [markdown]
# All of them side by side, each with its derivative:

# %%
viz.plot_activations()

# %% [markdown]
# ReLU alone: a slope of 1 for positive z and 0 for negative z (a "dead" unit learns nothing).

# %%
viz.plot_activation("relu")
