"""NumPy arrays over the widget wire as float32 binary buffers (never JSON lists).

An array is sent as ``{"data": memoryview, "shape": [...], "dtype": "float32"}``.
ipywidgets moves the ``memoryview`` as a binary buffer; ``js/src/lib/buffers.js``
decodes it into a ``Float32Array`` view without copying.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from rnnviz.frame.draw import FLOAT32_MAX, beyond_float32

__all__ = ["ARRAY_SERIALIZERS", "FLOAT32_MAX", "array_to_json", "beyond_float32", "json_to_array"]


def array_to_json(value: Any, widget: Any = None) -> dict | None:
    """Serialise an array (or ``None``) to ``{"data", "shape", "dtype"}`` with float32 data.

    Values that overflowed stay ``inf`` (float32 keeps ±inf); the views draw them clipped
    with a marker. NaN is kept as NaN so that a bug is visible rather than hidden.
    """
    if value is None:
        return None
    with np.errstate(over="ignore"):  # beyond float32 becomes inf, which is intended
        arr = np.ascontiguousarray(np.asarray(value, dtype=np.float32))
    return {"data": memoryview(arr).cast("B"), "shape": list(arr.shape), "dtype": "float32"}


def json_to_array(value: Any, widget: Any = None) -> np.ndarray | None:
    """Inverse of :func:`array_to_json` (used when a front end sends an array back)."""
    if value is None:
        return None
    data = value["data"]
    buf = data.tobytes() if isinstance(data, memoryview) else bytes(data)
    return np.frombuffer(buf, dtype=np.float32).reshape(value["shape"]).copy()


ARRAY_SERIALIZERS = {"to_json": array_to_json, "from_json": json_to_array}
