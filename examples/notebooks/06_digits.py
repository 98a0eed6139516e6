# ---
# jupyter:
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
# ---

# %% [markdown]
# # 06 - Reading handwritten digits
#
# scikit-learn's 8×8 digits: 1,797 small pictures, each a row of 64 pixels in [0, 1]. A network with
# one hidden layer learns them in seconds. The same code works for MNIST's 28×28 digits
# (`datasets.load("mnist")`, `mlp([784, 128, 10])`). (Source: `examples/notebooks/06_digits.py`, the
# notebook of `examples/06_digits.py`.)

# %%
# %matplotlib inline
import neuronet as nn
from neuronet import datasets, viz
from neuronet.notebook import LiveTraining, show_images

(x_train, y_train), (x_test, y_test) = datasets.load("digits")
print(x_train.shape, x_test.shape)
show_images(x_train[:24], y_train[:24])

# %% [markdown]
# 64 inputs, 32 ReLU units, 10 softmax outputs (one per digit), trained with Adam while the figure
# follows the training and the validation curves.

# %%
net = nn.mlp([64, 32, 10], activation="relu", seed=0)
epochs = 8
history = net.fit(x_train, y_train, epochs=epochs, batch_size=32, optimizer=nn.Adam(3e-3),
                  validation_data=(x_test, y_test), callbacks=[LiveTraining(epochs=epochs)])
loss, accuracy = net.evaluate(x_test, y_test)
print(f"test accuracy {accuracy:.1%}")
assert accuracy > 0.85

# %% [markdown]
# Which digits it confuses with which: row = the true digit, column = its answer.

# %%
viz.plot_confusion(y_test, net.predict(x_test), n_classes=10)

# %% [markdown]
# The ones it gets wrong, with what it answered:

# %%
wrong = net.predict(x_test) != y_test
show_images(x_test[wrong][:16], net.predict(x_test)[wrong][:16])

# %% [markdown]
# The network, drawn with its units lit by the first test image (only some of the 64 inputs fit):

# %%
viz.plot_network(net, x=x_test[0])

# %% [markdown]
# Saved with the dataset and image size recorded, the model file works with the command line:
# `neuronet evaluate digits.npz`, or `neuronet predict digits.npz my_digit.png` for a photo of your
# own digit. The table of its layers:

# %%
net.preprocessing = {"dataset": "digits", "image_shape": [8, 8]}
net.save("digits.npz")
net
