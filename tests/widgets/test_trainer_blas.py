"""While the Trainer trains, OpenBLAS runs one thread; afterwards its count is restored."""

from __future__ import annotations

import pytest

from rnnviz.widgets import _trainer_blas as B
from rnnviz.widgets.trainer import train

pytestmark = pytest.mark.skipif(B.openblas() is None, reason="NumPy does not use OpenBLAS here")


def test_training_runs_with_one_blas_thread_and_restores_the_count():
    setter, getter = B.openblas()
    before = getter()
    setter(2)
    try:
        t = train("rnn", units=4, delay=6, batch=2, max_steps=5)
        seen: list[int] = []
        advance = t._advance

        def spy(stop):
            seen.append(getter())
            return advance(stop)

        t._advance = spy
        t.play()
        t.wait(60)
        t.close()
        assert seen
        assert set(seen) == {1}
        assert getter() == 2
    finally:
        setter(before)


def test_nested_uses_share_the_limit():
    setter, getter = B.openblas()
    before = getter()
    setter(2)
    try:
        with B.one_blas_thread():
            with B.one_blas_thread():
                assert getter() == 1
            assert getter() == 1
        assert getter() == 2
    finally:
        setter(before)
