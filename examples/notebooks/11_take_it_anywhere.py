# ---
# jupyter:
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
# ---

# %% [markdown]
# # 11 - Taking a trained network anywhere: ONNX and PyTorch
#
# A small convolutional network trained on the 8×8 digits, then written as an ONNX graph (for
# onnxruntime and every runtime that reads ONNX) and as PyTorch weights in a safetensors file.
# Needs `pip install "neuronet[export]"`; the PyTorch part runs where PyTorch is installed.
# (Source: `examples/notebooks/11_take_it_anywhere.py`.)

# %%
import numpy as np

import neuronet as nn
from neuronet import datasets, torch_weights

(x_train, y_train), (x_test, y_test) = datasets.load("digits")
net = nn.cnn((8, 8), [8], [32, 10], seed=0)
net.fit(x_train, y_train, epochs=3, batch_size=32, optimizer=nn.Adam(3e-3))
print(f"test accuracy {net.evaluate(x_test, y_test)[1]:.1%}")
net

# %% [markdown]
# ## ONNX
# The graph gives what `predict_proba` gives, for the same flat rows.

# %%
import onnxruntime as ort

nn.export(net, "digits.onnx")
session = ort.InferenceSession("digits.onnx", providers=["CPUExecutionProvider"])
by_onnx = session.run(None, {"input": x_test})[0]
print("largest difference from predict_proba:", np.abs(by_onnx - net.predict_proba(x_test)).max())

# %% [markdown]
# ## PyTorch
# The weights, named and laid out as the equivalent `nn.Sequential` has them, and that network's
# source (what `neuronet export MODEL --print-torch` prints), kept as a module to import:

# %%
from pathlib import Path

nn.export(net, "digits.safetensors")
Path("digits_torch.py").write_text(torch_weights.torch_source(net))
print(torch_weights.torch_source(net))

# %%
try:
    import torch
except ImportError:
    torch = None
if torch is not None:
    import importlib
    import sys

    import safetensors.torch

    sys.path.insert(0, ".")
    model = importlib.import_module("digits_torch").model.eval()
    model.load_state_dict(safetensors.torch.load_file("digits.safetensors"))
    images = torch.from_numpy(x_test.reshape(-1, 8, 8, 1).transpose(0, 3, 1, 2).copy())
    with torch.no_grad():
        by_torch = model(images).numpy()
    print("largest difference from neuronet:", np.abs(by_torch - net.outputs(x_test)).max())
