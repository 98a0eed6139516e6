"""The lab: a small local web page over the Python API to see networks at work.

* **Draw a digit**: every stroke goes to the server, which prepares it like an MNIST digit
  (:func:`neuronet.imaging.preprocess_digit`), runs the model's forward pass and sends back each
  Dense layer's activations, each Conv2D/MaxPool2D layer's feature maps and the class
  probabilities for the page to draw.
* **Playground**: train a small network on a generated 2-D set and watch its decision regions move.
* **Optimisers**: SGD, momentum, Nesterov, RMSprop and Adam walking down a 2-D surface (bowl,
  Rosenbrock, saddle) from a start you click, step by step (:mod:`neuronet.surfaces`).

The network always runs in Python; the page (``static/``) only draws. Flask is an optional extra::

    pip install "neuronet[lab]"
    neuronet lab                      # or: from neuronet.lab import create_app

Modules: :mod:`.digit` (a drawing -> layer activations), :mod:`.playground` (training sessions),
:mod:`.descent` (surfaces and optimiser paths), :mod:`.app` (the Flask app and the server).
"""

from .app import create_app, make_server

__all__ = ["create_app", "make_server"]
