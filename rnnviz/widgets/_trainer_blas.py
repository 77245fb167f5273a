"""One BLAS thread while the Trainer trains.

A training step multiplies small matrices (units ≤ 256, batch 32): OpenBLAS's extra
threads cost more than they bring, and on a busy machine they spin waiting for a core —
measured in a JupyterLab kernel on a loaded 2-core machine, the demo trained 3.9 steps/s
with NumPy's default 2 OpenBLAS threads and 38 with one (``benchmarks/bench_trainer.py``).
So while its thread trains, the Trainer sets OpenBLAS to one thread and puts the previous
count back afterwards.

The count is set through OpenBLAS's own ``*_set_num_threads`` function in the library
NumPy loaded (found in ``/proc/self/maps``, as threadpoolctl does). Where there is no
such library (macOS Accelerate, MKL, Windows), nothing changes.
"""

from __future__ import annotations

import contextlib
import ctypes
import functools
import threading
from collections.abc import Iterator

__all__ = ["one_blas_thread", "openblas"]

_SETTERS = ("openblas_set_num_threads", "scipy_openblas_set_num_threads64_",
            "openblas_set_num_threads64_", "scipy_openblas_set_num_threads")  # fmt: skip
_lock = threading.Lock()
_depth = 0
_saved: int | None = None


def _library_paths() -> list[str]:
    try:
        with open("/proc/self/maps", encoding="utf-8", errors="replace") as f:
            lines = f.read().splitlines()
    except OSError:
        return []
    paths = {line.split()[-1] for line in lines if "openblas" in line.lower() and "/" in line}
    return sorted(p for p in paths if ".so" in p)


@functools.cache
def openblas() -> tuple | None:
    """``(set_num_threads, get_num_threads)`` of the OpenBLAS NumPy uses, or None."""
    for path in _library_paths():
        try:
            lib = ctypes.CDLL(path)
        except OSError:
            continue
        for name in _SETTERS:
            setter = getattr(lib, name, None)
            getter = getattr(lib, name.replace("set_num", "get_num"), None)
            if setter is not None and getter is not None:
                setter.argtypes, setter.restype = [ctypes.c_int], None
                getter.argtypes, getter.restype = [], ctypes.c_int
                return setter, getter
    return None


@contextlib.contextmanager
def one_blas_thread() -> Iterator[None]:
    """OpenBLAS uses one thread inside this block (nested and concurrent uses share it;
    the last to leave restores the count found by the first)."""
    global _depth, _saved
    funcs = openblas()
    with _lock:
        if funcs is not None and _depth == 0:
            _saved = int(funcs[1]())
            funcs[0](1)
        _depth += 1
    try:
        yield
    finally:
        with _lock:
            _depth -= 1
            if funcs is not None and _depth == 0 and _saved is not None:
                funcs[0](_saved)
                _saved = None
