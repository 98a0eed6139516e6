"""The lab's web server: one static page and a small JSON API over neuronet.

Routes (every answer is JSON except the page and its files; every error is
``{"error": "one line"}`` with status 400 for a bad request, never a traceback page):

==========================================  ======================================================
``GET  /``                                  the page (``static/index.html``, ``lab.css`` and the
                                            ES modules ``static/js/*.js``, one per tab)
``GET  /api/info``                          the digit model (summary, input side, classes, note)
                                            and every tab's choices, limits and defaults
``POST /api/neuron``                        one neuron's inputs, weights, threshold or bias and
                                            activation -> each wᵢxᵢ, z, the output, the curve and
                                            a nudge's effect (:func:`.neuron.describe`)
``POST /api/neuron/softmax``                ``{"z": [...]}`` -> e^z and softmax(z) (:func:`.neuron.softmax`)
``POST /api/perceptron``                    a gate or clicked points -> every step of the perceptron
                                            rule and why it stopped (:func:`.rule.run`)
``POST /api/backprop``                      a small network and one example -> its forward and
                                            backward pass, gradcheck and the SGD update
                                            (:func:`.backprop.step`)
``POST /api/digit``                         ``{"image": "data:image/png;base64,..."}`` -> the
                                            prepared input, each Dense layer's activations,
                                            each Conv2D/MaxPool2D layer's feature maps and the
                                            class probabilities (:func:`.digit.describe`)
``POST /api/playground``                    settings (:func:`.playground.parse_settings`) -> a new
                                            session: ``id``, the data points and the first state
``POST /api/playground/<id>/step``          ``{"epochs": 5}`` -> trains that much more and returns
                                            epoch, losses, accuracy and the grid of answers
``POST /api/playground/upload``             ``{"name": "points.csv", "data": base64}`` -> the key
                                            of the uploaded CSV, its points and classes
                                            (:func:`.uploads.parse_upload`)
``GET  /api/playground/<id>/model``         the session's network as a model file (``.npz``)
``GET  /api/playground/<id>/code``          the Python script that makes the same run (``.py``)
``POST /api/digit/jobs``                    job settings (:func:`.jobs.parse_job`) -> a training job
                                            started in the background, and its first report
``GET  /api/digit/jobs/<id>``               where the job stands (:meth:`.jobs.Job.report`)
``POST /api/digit/jobs/<id>/stop``          stop it after the epoch it is in
``GET  /api/digit/jobs/<id>/model``         its network as a model file
``POST /api/digit/model``                   ``{"job": id}``: the digit tab uses that job's network;
                                            ``{"job": null}``: the model it started with
``POST /api/descent/surface``               ``{"surface": "bowl"}`` -> the surface's shading on a
                                            grid, minima, start and rates (:func:`.descent.describe`)
``POST /api/descent/paths``                 surface, start, steps and ``{optimiser: rate}`` -> each
                                            optimiser's path and f - f_min (:func:`.descent.paths`)
==========================================  ======================================================

Flask's development server is threaded, so each playground session trains under its own lock, and
training jobs run in threads of their own (:mod:`.jobs`).
"""

from __future__ import annotations

import dataclasses
import logging
import threading
from pathlib import Path

from .. import imaging
from ..errors import ConfigError, NeuronetError
from ..features import FEATURES
from ..network import Network
from ..viz import CLASS_COLOURS
from . import backprop, descent, digit, jobs, neuron, playground, rule, uploads
from .checks import json_object

STATIC = Path(__file__).with_name("static")
#: Addresses that only this computer can reach; bound to one of them, the lab trusts no other Host.
LOOPBACK = frozenset({"127.0.0.1", "localhost", "::1"})
#: The largest request body accepted: a PNG of the canvas is a few kB, settings far less.
MAX_REQUEST_BYTES = 2 * 1024 * 1024


def _flask():
    """Import Flask lazily, or raise ConfigError saying which extra to install."""
    try:
        import flask
    except ImportError:
        raise ConfigError('the lab needs Flask: pip install "neuronet[lab]"') from None
    return flask


def _digit_model(model) -> tuple[Network | None, str, str | None]:
    """(network or None, note for the page, why the digit tab is off or None)."""
    if model is None:
        try:
            net, note = digit.default_model()
        except NeuronetError as exc:   # e.g. no scikit-learn for the digits: the playground still works
            return None, "", f"no digit model: {exc}"
    elif isinstance(model, Network):
        net, note = model, "Model: given in Python"
    else:
        net, note = digit.load_model(model), f"Model: {model}"
    warning = imaging.photo_note(net)   # a model of the 8x8 digits, trained just now or not
    if warning:
        note += f" Note: {warning}."
    try:
        digit.input_geometry(net)
    except ConfigError as exc:
        return net, note, str(exc)
    return net, note, None


def _strict_json_provider():
    """Flask's JSON provider, but refusing NaN and infinities (which ``json.dumps`` writes as bare
    ``NaN``, a word no browser's ``JSON.parse`` accepts) and keeping keys in the order built."""
    from flask.json.provider import DefaultJSONProvider

    class StrictJSON(DefaultJSONProvider):
        sort_keys = False

        def dumps(self, obj, **kwargs) -> str:
            # The API sends null for what is not finite; a NaN reaching here is a bug in the lab,
            # better a logged 500 with a JSON line than a body the page cannot read.
            kwargs.setdefault("allow_nan", False)
            return super().dumps(obj, **kwargs)

    return StrictJSON


def create_app(model: Network | str | Path | None = None):
    """The lab as a Flask app.

    ``model`` is the digit tab's network: a :class:`~neuronet.network.Network`, a model file
    (loaded with :func:`neuronet.modelfile.load`, never unpickled), or None for the default
    (``models/mnist.npz`` or ``models/digits.npz`` if present, else a small network trained on
    the 8x8 digits in about a second). Raises ConfigError without Flask, ModelFileError for a
    bad model file.

    >>> app = create_app()                          # doctest: +SKIP
    >>> app.test_client().get("/api/info").json     # doctest: +SKIP
    """
    flask = _flask()
    net, note, digit_error = _digit_model(model)
    lab = {"sessions": playground.Sessions(), "uploads": uploads.Uploads(), "jobs": jobs.Jobs(),
           "digit": DigitTab(net, note, digit_error)}
    app = flask.Flask(__name__, static_folder=str(STATIC), static_url_path="/static")
    app.config["MAX_CONTENT_LENGTH"] = MAX_REQUEST_BYTES
    # Routing redirects skip the error handlers and answer an HTML page: "//" in a path (an empty
    # or slash-bearing session id) is a 404 like any other unknown path instead.
    app.url_map.merge_slashes = False
    app.extensions["neuronet_lab"] = lab   # for tests and embedding code
    app.json = _strict_json_provider()(app)
    # For the command line to print: which model the digit tab uses, or why it is off.
    app.config["NEURONET_MODEL_NOTE"] = note if digit_error is None else f"digit tab off: {digit_error}"
    _add_error_handlers(app, flask)
    _add_page_routes(app, flask)
    body = _body_reader(flask)
    _add_info_route(app, lab)
    _add_digit_routes(app, flask, body, lab)
    _add_playground_routes(app, flask, body, lab)
    _add_story_routes(app, body)
    _add_descent_routes(app, body)
    return app


class DigitTab:
    """The digit tab's model: the one the lab started with, or a network trained from the page.

    ``current`` is (network or None, note, why the tab is off or None); a request reads it once, so a
    switch while a drawing is on its way is seen by the next drawing.
    """

    def __init__(self, net: Network | None, note: str, error: str | None):
        self.original = self.current = (net, note, error)

    def network(self) -> Network:
        """The model to draw on, or the ConfigError saying why the tab is off."""
        net, _, error = self.current
        if error is not None:
            raise ConfigError(error)
        return net

    def use(self, net: Network | None, note: str = "") -> None:
        """Draw on ``net`` from now on (checked to take square pictures), or on the original (None)."""
        if net is None:
            self.current = self.original
            return
        digit.input_geometry(net)
        self.current = (net, note, None)

    def info(self) -> dict:
        """What ``/api/info`` says of the digit model: available, error, note, whether it was
        trained from the page, and summary, classes, side."""
        net, note, error = self.current
        info = {"available": error is None, "error": error, "note": note,
                "trained_here": self.current is not self.original}
        if net is not None:
            info.update(summary=net.summary(), classes=digit.class_names(net))
            if error is None:
                info["side"] = digit.input_geometry(net)[0]
        return info


def _add_error_handlers(app, flask) -> None:
    """Every error is JSON: a user's mistake a 400 with its one line, an HTTP error its own status, and
    anything else a logged 500 that names only the exception's type."""
    from werkzeug.exceptions import HTTPException

    @app.errorhandler(NeuronetError)
    def user_error(exc: NeuronetError):
        return flask.jsonify(error=str(exc)), 400

    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException):
        return flask.jsonify(error=f"{exc.name}: {exc.description}"), exc.code

    @app.errorhandler(Exception)
    def unexpected(exc: Exception):
        # Logged in full on the server's terminal; the page gets one line.
        app.logger.exception("unexpected error in the lab")
        return flask.jsonify(error=f"internal error ({type(exc).__name__}); see the server's output"), 500


def _add_page_routes(app, flask) -> None:
    @app.get("/")
    def index():
        return app.send_static_file("index.html")

    @app.after_request
    def javascript_type(response):
        # The page's scripts are ES modules, which a browser runs only when served as JavaScript;
        # Flask guesses types from the system's table, which on some machines (Windows' registry)
        # says text/plain for .js. Set here for this app, not in the global mimetypes table.
        path = flask.request.path
        if response.status_code == 200 and path.startswith("/static/") and path.endswith(".js"):
            response.mimetype = "text/javascript"
        return response

    @app.get("/favicon.ico")
    def favicon():   # browsers ask for one; "no content" keeps a 404 out of the page's console
        return "", 204


def _body_reader(flask):
    """A function giving the request's JSON object, or the one-line ConfigError that it is none."""
    def body() -> dict:
        try:
            data = flask.request.get_json(silent=True)
        except RecursionError:   # JSON nested too deep for Python's parser; not a ValueError
            data = None
        if not isinstance(data, dict):
            raise ConfigError("the request body must be a JSON object")
        return data
    return body


def _download(flask, data: bytes | str, name: str, mimetype: str):
    """A response the browser saves as the file ``name``."""
    response = flask.Response(data, mimetype=mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def _add_info_route(app, lab: dict) -> None:
    @app.get("/api/info")
    def info():
        return {"model": lab["digit"].info(),
                "playground": {"datasets": playground.DATASETS, "regression": playground.REGRESSION_SETS,
                               "features": {name: f.label for name, f in FEATURES.items()},
                               "activations": playground.ACTIVATIONS,
                               "optimizers": playground.OPTIMIZERS, "limits": playground.LIMITS,
                               "upload_limits": uploads.LIMITS, "colours": CLASS_COLOURS,
                               "defaults": _settings_json(playground.Settings())},
                "training": {"datasets": jobs.available(), "activations": jobs.ACTIVATIONS,
                             "optimizers": jobs.OPTIMIZERS, "limits": jobs.LIMITS,
                             "defaults": _settings_json(jobs.JobSettings())},
                "descent": descent.choices(), "neuron": neuron.choices(), "rule": rule.choices(),
                "backprop": backprop.choices()}


def _settings_json(settings) -> dict:
    """A settings dataclass as JSON data (its tuples as lists)."""
    return {k: list(v) if isinstance(v, tuple) else v for k, v in dataclasses.asdict(settings).items()}


def _add_digit_routes(app, flask, body, lab: dict) -> None:
    """The digit tab: a drawing's answer, training jobs, and which model the tab draws on."""
    tab, training = lab["digit"], lab["jobs"]

    @app.post("/api/digit")
    def predict_digit():
        net = tab.network()
        data = body()
        if set(data) != {"image"}:
            raise ConfigError('send {"image": "data:image/png;base64,..."} and nothing else')
        return digit.describe(net, digit.decode_png(data["image"]))

    @app.post("/api/digit/jobs")
    def start_job():
        return training.start(jobs.parse_job(body())).report()

    @app.get("/api/digit/jobs/<key>")
    def job_report(key: str):
        return training.get(key).report()

    @app.post("/api/digit/jobs/<key>/stop")
    def stop_job(key: str):
        json_object(body(), ())
        job = training.get(key)
        job.stop()
        return job.report()

    @app.get("/api/digit/jobs/<key>/model")
    def job_model(key: str):
        job = training.get(key)
        return _download(flask, job.model_bytes(), f"{job.settings.dataset}.npz", "application/octet-stream")

    @app.post("/api/digit/model")
    def use_model():
        data = json_object(body(), ("job",))
        if "job" not in data:
            raise ConfigError('send {"job": "<id>"} to draw on a trained network, or {"job": null}')
        if data["job"] is None:
            tab.use(None)
        else:
            job = training.get(data["job"])
            net = job.trained()
            epochs = len(job.history["loss"])
            tab.use(net, f"Model: trained here on {job.settings.dataset} ({epochs} epochs, test accuracy "
                         f"{100 * (job.history['val_accuracy'][-1]):.1f}%)")
        return {"model": tab.info()}


def _add_playground_routes(app, flask, body, lab: dict) -> None:
    sessions, kept = lab["sessions"], lab["uploads"]

    @app.post("/api/playground")
    def new_session():
        settings = playground.parse_settings(body())
        upload = kept.get(settings.upload) if settings.upload else None
        key, session = sessions.new(settings, upload)
        with session.lock:
            return {"id": key, "data": session.points(), **session.state()}

    @app.post("/api/playground/<key>/step")
    def step(key: str):
        epochs = playground.parse_epochs(body())
        session = sessions.get(key)
        with session.lock:
            return session.step(epochs)

    @app.post("/api/playground/upload")
    def upload_csv():
        return kept.add(uploads.parse_upload(body())).summary()

    @app.get("/api/playground/<key>/model")
    def session_model(key: str):
        session = sessions.get(key)
        with session.lock:
            data = session.model_bytes()
        return _download(flask, data, "playground.npz", "application/octet-stream")

    @app.get("/api/playground/<key>/code")
    def session_code(key: str):
        session = sessions.get(key)
        with session.lock:
            text = session.script()
        return _download(flask, text, "playground.py", "text/x-python")


def _add_descent_routes(app, body) -> None:
    @app.post("/api/descent/surface")
    def descent_surface():
        return descent.describe(body())

    @app.post("/api/descent/paths")
    def descent_paths():
        return descent.paths(body())


def _add_story_routes(app, body) -> None:
    """The story's tabs: one neuron, the perceptron rule, one step of backpropagation."""
    @app.post("/api/neuron")
    def one_neuron():
        return neuron.describe(body())

    @app.post("/api/neuron/softmax")
    def softmax():
        return neuron.softmax(body())

    @app.post("/api/perceptron")
    def perceptron_rule():
        return rule.run(body())

    @app.post("/api/backprop")
    def backpropagation():
        return backprop.step(body())


def make_server(app, host: str = "127.0.0.1", port: int = 8000):
    """A threaded WSGI server for ``app``, already listening (``port=0`` picks a free port).

    Bound to a loopback address, the app then answers only requests addressed to one (see
    ``LOOPBACK``). Returns the werkzeug server: ``server.serve_forever()`` runs it,
    ``server.shutdown()`` (from another thread) stops it, ``server.port`` is the port it got.
    Raises OSError if the port is taken or the address cannot be used.
    """
    import socket

    from werkzeug.serving import make_server as werkzeug_server
    from werkzeug.serving import select_address_family

    if host in LOOPBACK:
        # Only pages from this computer may drive the lab. A web page elsewhere cannot send it JSON
        # (that needs a CORS preflight, which is never answered), but after "DNS rebinding" its own
        # name may point at 127.0.0.1; the Host header then still carries that name, so refuse it.
        app.config["TRUSTED_HOSTS"] = sorted(LOOPBACK | {"[::1]"})
    # We bind the socket ourselves: werkzeug, binding it, would print and sys.exit on a busy port
    # instead of raising, and the command line could not say it in its own one line.
    family = select_address_family(host, port)
    with socket.create_server((host, port), family=family) as listening:
        # werkzeug duplicates the descriptor, so ours can be closed once it has its own.
        server = werkzeug_server(host, port, app, threaded=True, fd=listening.fileno())
    # One line per request on the terminal is noise for a lab; errors are still logged.
    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    return server


def serve(server, url: str, open_browser: bool = True) -> None:
    """Run ``server`` until Ctrl-C, first opening ``url`` in the browser (in the background)."""
    if open_browser:
        import webbrowser

        threading.Thread(target=webbrowser.open, args=(url,), daemon=True).start()
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
