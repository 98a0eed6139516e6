"""``python -m neuronet.cli ...``: the ``neuronet`` command."""

import sys

from . import main

sys.exit(main())
