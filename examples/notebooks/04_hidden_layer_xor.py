# ---
# jupyter:
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
# ---

# %% [markdown]
# # 04 - One hidden layer solves XOR
#
# A single neuron draws one straight line, and no line separates XOR's two classes (notebook 01).
# A hidden layer is enough: each hidden unit draws a line, and the output unit combines them. This
# notebook builds that network, looks at it, trains it while watching the loss fall, reads the
# answers, and draws what each hidden unit learned.
#
# (Source: `examples/notebooks/04_hidden_layer_xor.py`, the notebook of `examples/04_hidden_layer_xor.py`;
# it runs as a script too.)

# %%
# %matplotlib inline
import numpy as np

import neuronet as nn
from neuronet import viz
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

# %% [markdown]
# The trained network with its weights (blue excites, red inhibits), its units lit by the input (0, 1):

# %%
viz.plot_network(net, x=X[1])

# %% [markdown]
# What each hidden unit responds to over the whole square: each one cuts the plane along one line.

# %%
viz.plot_hidden_units(net, X, layer=0, y=y)

# %% [markdown]
# Combined by the output unit, those lines give a region that no single line could draw:

# %%
viz.plot_decision_regions(net, X, y)
