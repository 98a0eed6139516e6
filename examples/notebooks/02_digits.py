# ---
# jupyter:
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
# ---

# %% [markdown]
# # 02 - Reading handwritten digits
#
# scikit-learn's 8×8 digits: 1,797 small pictures, each a row of 64 pixels in [0, 1]. A network with
# one hidden layer learns them in seconds. (Source: `examples/notebooks/02_digits.py`.)

# %%
import neuronet as nn
from neuronet import datasets
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
# The ones it gets wrong, with what it answered:

# %%
wrong = net.predict(x_test) != y_test
show_images(x_test[wrong][:16], net.predict(x_test)[wrong][:16])

# %%
net
