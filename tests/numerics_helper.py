"""What the property-based numerics tests of activations and losses share: arrays of extreme values,
and running a function with every floating-point warning an error."""

from __future__ import annotations

import warnings

import numpy as np
from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

# Overflow, invalid operations and division by zero are errors; underflow to 0 is what exp(-big) does.
STRICT = {"over": "raise", "invalid": "raise", "divide": "raise", "under": "ignore"}
SETTINGS = settings(max_examples=60, deadline=None)


def arrays(dtype, bound=1e4):
    """(batch, k) arrays of ``dtype`` with values in [−bound, bound], 1 ≤ batch, k ≤ 8."""
    return hnp.arrays(dtype, hnp.array_shapes(min_dims=2, max_dims=2, min_side=1, max_side=8),
                      elements=st.floats(-bound, bound, width=np.dtype(dtype).itemsize * 8))


def strict(fn, *args):
    """``fn(*args)`` with every NumPy floating-point problem and warning raised as an error."""
    with warnings.catch_warnings(), np.errstate(**STRICT):
        warnings.simplefilter("error")
        return fn(*args)
