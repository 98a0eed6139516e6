# ---
# jupyter:
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
# ---

# %% [markdown]
# # 01 - A first network: XOR, the problem one neuron cannot solve
#
# A single neuron draws one straight line, and no line separates XOR's two classes. Two hidden units
# are enough. This notebook builds that network, looks at it, trains it while watching the loss fall,
# and reads the answers.
#
# (The source of this notebook is `examples/notebooks/01_first_network.py`; run it as a script too.)

# %%
import numpy as np

import neuronet as nn
from neuronet.notebook import LiveTraining

X = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=np.float32)
y = np.array([0, 1, 1, 0])

# %% [markdown]
# Two inputs, a hidden layer of four tanh units, and one sigmoid output for "is it 1?". A cell that
# ends with the network shows its layers and a diagram of its units and weights.

# %%
net = nn.mlp([2, 4, 1], activation="tanh", seed=1)
net

# %% [markdown]
# Training: the figure below redraws itself after every epoch (in a plain terminal it prints a line
# per epoch instead).

# %%
epochs = 150
history = net.fit(X, y, epochs=epochs, batch_size=4, optimizer=nn.Adam(0.05),
                  callbacks=[LiveTraining(epochs=epochs)])

# %%
print("probabilities:", net.predict_proba(X).ravel().round(3))
print("classes:      ", net.predict(X), " targets:", y)
assert (net.predict(X) == y).all()

# %% [markdown]
# The history of a run shows itself as its curves:

# %%
history
