"""The lab: a small local web page over the Python API to see networks at work.

* **A neuron**: a perceptron with three inputs on sliders, then a sigmoid (or any other activation)
  neuron, its curve and derivative, what a small nudge of an input does; softmax over a few z's.
* **The perceptron rule**: Rosenblatt's rule on a logic gate or clicked points, one update at a time,
  and why it stops (converged, or the points are not linearly separable).
* **Backpropagation**: one example through a small network: every z, a, dL/da, dL/dz, dL/dW and dL/db,
  the SGD update, and gradcheck's verdict on the gradients.
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

Modules: :mod:`.neuron` (one neuron, softmax), :mod:`.rule` (the perceptron rule, separability),
:mod:`.backprop` (one forward and backward pass), :mod:`.digit` (a drawing -> layer activations),
:mod:`.jobs` (the digit tab's training), :mod:`.playground` (training sessions), :mod:`.uploads`
(CSVs of points), :mod:`.descent` (surfaces and optimiser paths), :mod:`.checks` (what every request
is checked with), :mod:`.app` (the Flask app and the server). The page is ``static/``:
``index.html``, ``lab.css`` and one ES module per tab (and a few shared ones) in ``static/js/``.
"""

from .app import create_app, make_server

__all__ = ["create_app", "make_server"]
