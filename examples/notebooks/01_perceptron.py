# ---
# jupyter:
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
# ---

# %% [markdown]
# # 01 - The perceptron: logic gates, the learning rule, and why XOR defeats it
#
# A perceptron outputs 1 when w·x exceeds a threshold. With the right weights it computes AND, OR
# and NAND; the perceptron rule finds such weights by itself. No single line separates XOR's two
# classes, so the rule never settles there.
# (Source: `examples/notebooks/01_perceptron.py`, the notebook of `examples/01_perceptron.py`.)

# %%
# %matplotlib inline
import numpy as np

import neuronet as nn
from neuronet import viz

INPUTS = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=float)
GATES = {"AND": [0, 0, 0, 1], "OR": [0, 1, 1, 1], "NAND": [1, 1, 1, 0], "XOR": [0, 1, 1, 0]}

# %% [markdown]
# An AND gate by hand: weights (1, 1) and threshold 1.5, so only (1, 1) gets past it. The figure
# shows the neuron with its inputs, weights and output for the input (1, 1).

# %%
and_gate = nn.Perceptron(2, weights=[1, 1], threshold=1.5)
for x in INPUTS:
    print(f"{x.astype(int).tolist()} -> {and_gate.predict(x)}")
viz.plot_neuron(and_gate, [1, 1])

# %% [markdown]
# Now the perceptron rule finds the weights itself, gate by gate: after each mistake it moves the
# weights towards the right answer. For AND, OR and NAND it converges; for XOR it cannot.

# %%
histories = {}
for gate, targets in GATES.items():
    p = nn.Perceptron(2)
    histories[gate] = p.fit(INPUTS, np.array(targets), epochs=20)
    print(f"{gate:>4}: {histories[gate].message}; learned {p}")

# %% [markdown]
# The line moving while it learns OR: each panel is one update, the points coloured by their target.

# %%
viz.plot_perceptron_steps(histories["OR"], INPUTS, GATES["OR"])

# %% [markdown]
# And on XOR: the line keeps swinging, because whichever way it lies, one point is on the wrong side.

# %%
viz.plot_perceptron_steps(histories["XOR"], INPUTS, GATES["XOR"], max_panels=8)
