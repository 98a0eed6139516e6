# ---
# jupyter:
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
# ---

# %% [markdown]
# # 02 - The sigmoid neuron: a smooth threshold
#
# A perceptron's output jumps from 0 to 1; σ(w·x + b) glides. Small weight changes then make small
# output changes, which is what lets gradient descent learn: here one sigmoid neuron (a 2 → 1
# network) learns OR.
# (Source: `examples/notebooks/02_sigmoid_neuron.py`, the notebook of `examples/02_sigmoid_neuron.py`.)

# %%
# %matplotlib inline
import numpy as np

import neuronet as nn
from neuronet import viz

# %% [markdown]
# One neuron with weights (2, −1) and bias 0.5, on the input (1, 1): first the weighted sum z, then
# σ(z). The figure draws the same computation.

# %%
neuron = nn.Neuron(weights=[2.0, -1.0], bias=0.5)
x = [1.0, 1.0]
print(f"z = {neuron.weighted_sum(x):.3f}, output σ(z) = {neuron(x):.4f}")
viz.plot_neuron(neuron, x)

# %% [markdown]
# The sigmoid itself, and its derivative (how much the output moves when z moves):

# %%
viz.plot_activation("sigmoid")

# %% [markdown]
# Training: a network of one Dense layer with a single sigmoid unit, trained on OR with plain
# gradient descent on the cross-entropy loss.

# %%
X = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=np.float32)
y = np.array([0, 1, 1, 1])
net = nn.Network([nn.Dense(2, 1, "sigmoid")], loss="binary_crossentropy", seed=0)
history = net.fit(X, y, epochs=300, batch_size=4, optimizer=nn.SGD(2.0))
layer = net.layers[0]
trained = nn.Neuron(layer.W[:, 0], float(layer.b[0]))
print(f"after training on OR: {trained}; outputs {np.round(trained(X), 3).tolist()}")
viz.plot_neuron(trained, [0.0, 1.0])

# %% [markdown]
# The loss falling epoch by epoch (a history shows itself as its curves):

# %%
history
