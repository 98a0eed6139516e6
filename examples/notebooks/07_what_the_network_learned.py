# ---
# jupyter:
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
# ---

# %% [markdown]
# # 07 - Looking inside a trained digit recogniser
#
# A small network trained on the 8×8 digits while recording its gradient norms, then opened up: each
# hidden unit's weights as a picture, the activation histograms (with dead ReLUs), the confusion
# matrix, the mistakes, and an HTML report with all of it.
# (Source: `examples/notebooks/07_what_the_network_learned.py`, the notebook of
# `examples/07_what_the_network_learned.py`.)

# %%
# %matplotlib inline
import numpy as np

import neuronet as nn
from neuronet import datasets, viz
from neuronet.report import write_report

(X_train, y_train), (X_test, y_test) = datasets.load("digits")
net = nn.mlp([64, 32, 10], activation="relu", seed=0)
grads = viz.GradientNormRecorder()
epochs = 12
history = net.fit(X_train, y_train, epochs=epochs, batch_size=32, optimizer=nn.Adam(3e-3),
                  validation_data=(X_test, y_test), callbacks=[grads])
loss, acc = net.evaluate(X_test, y_test)
print(f"test accuracy {acc:.1%}, loss {loss:.3f}")

# %% [markdown]
# Each hidden unit's 64 incoming weights, laid out as an 8×8 picture: the strokes it looks for.

# %%
viz.plot_weights(net, image_shape=(8, 8))

# %% [markdown]
# The hidden layer's outputs, computed by hand: relu(x·W + b) for every test image at once. A unit
# that is zero on every image is "dead": it no longer learns.

# %%
hidden_layer = net.layers[0]
hidden = np.maximum(0, X_test @ hidden_layer.W + hidden_layer.b)       # (360, 32)
print(f"dead ReLUs in the hidden layer: {viz.dead_fraction(hidden):.0%}")
viz.plot_activation_histograms(net, X_test)

# %% [markdown]
# How large each layer's gradients were during training:

# %%
viz.plot_gradient_norms(grads)

# %% [markdown]
# Which digits it confuses, and the test images it got wrong:

# %%
viz.plot_confusion(y_test, net.predict(X_test), n_classes=10)

# %%
viz.plot_mistakes(net, X_test, y_test, image_shape=(8, 8))

# %% [markdown]
# All of it in one HTML page, to open in a browser:

# %%
report = write_report("07_report", net, history, X_test, y_test,
                      settings={"layers": "64-32-10", "activation": "relu", "optimizer": "Adam(3e-3)",
                                "epochs": epochs, "batch size": 32},
                      image_shape=(8, 8))
print(report)
