"""`neuronet lab`: the interactive lab in the browser (needs neuronet[lab])."""

from __future__ import annotations

import errno
import sys

from ..errors import ConfigError
from . import args as types

HELP = "the interactive lab in the browser: draw a digit, train on 2-D data"


def add_arguments(lab) -> None:
    lab.add_argument("--model", help="digit model file (default models/mnist.npz or models/digits.npz "
                                     "if present, else a small one trained on the 8x8 digits)")
    lab.add_argument("--host", default="127.0.0.1",
                     help="address to listen on (default 127.0.0.1: this computer only)")
    lab.add_argument("--port", type=types.port, default=8000, help="port (default 8000; 0 picks a free one)")
    lab.add_argument("--no-browser", action="store_true", help="only print the address")


def run(args) -> int:
    from ..lab.app import LOOPBACK, create_app, make_server, serve

    app = create_app(args.model)   # Flask missing or a bad model file: one line, status 2
    try:
        server = make_server(app, args.host, args.port)
    except OSError as exc:
        if exc.errno == errno.EADDRINUSE:
            raise ConfigError(f"port {args.port} on {args.host} is already in use; "
                              f"try another with --port (0 picks a free one)") from None
        raise ConfigError(f"cannot listen on {args.host}:{args.port}: {exc.strerror or exc}") from None
    host = f"[{args.host}]" if ":" in args.host else args.host
    url = f"http://{host}:{server.port}/"
    if args.host not in LOOPBACK:
        print(f"neuronet: warning: the lab has no password; listening on {args.host}, it can be used "
              f"by anyone who can reach this computer on port {server.port}", file=sys.stderr)
    print(app.config["NEURONET_MODEL_NOTE"], file=sys.stderr)
    print(f"neuronet lab running at {url}  (Ctrl-C stops it)", flush=True)
    serve(server, url, open_browser=not args.no_browser)
    return 0
