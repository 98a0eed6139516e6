"""The lab: a small local web page over the Python API to see networks at work.

* **Draw a digit**: every stroke goes to the server, which prepares it like an MNIST digit
  (:func:`neuronet.imaging.preprocess_digit`), runs the model's forward pass and sends back each
  Dense layer's activations, each Conv2D/MaxPool2D layer's feature maps and the class
  probabilities for the page to draw.
  The tab can also train a network on a picture set the machine has (the 8x8 digits, MNIST,
  Fashion-MNIST) in a background job, and its pad then draws on what it trained.
* **Playground**: train a small network on points in the plane (generated, regression sets, or an
  uploaded CSV) and watch every unit's map, every weight and the training and test loss move; the
  setting lives in the address, and the network downloads as a model file or as Python code.
* **Optimisers**: SGD, momentum, Nesterov, RMSprop and Adam walking down a 2-D surface (bowl,
  Rosenbrock, saddle) from a start you click, step by step (:mod:`neuronet.surfaces`).

The network always runs in Python; the page (``static/``) only draws. Flask is an optional extra::

    pip install "neuronet[lab]"
    neuronet lab                      # or: from neuronet.lab import create_app

Modules: :mod:`.digit` (a drawing -> layer activations), :mod:`.jobs` (the digit tab's training),
:mod:`.playground` (training sessions), :mod:`.uploads` (CSVs of points), :mod:`.descent` (surfaces
and optimiser paths), :mod:`.app` (the Flask app and the server).
"""

from .app import create_app, make_server

__all__ = ["create_app", "make_server"]
