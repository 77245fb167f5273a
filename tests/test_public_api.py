"""Every public name reachable from a bare ``import rnnviz`` works in a fresh interpreter.

The lazy ``rnnviz.__getattr__`` once recursed forever for ``rnnviz.sim`` and
``from rnnviz import sim`` when nothing had imported the submodule yet; that depends on
import order, so each case runs in its own interpreter.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest

CASES = {
    "attribute sim": "import rnnviz; assert rnnviz.sim.from_torch is not None",
    "from-import sim": "import rnnviz\nfrom rnnviz import sim; assert sim.make_cell",
    "from-import explore": "from rnnviz import explore; assert callable(explore)",
    "attribute explore": "import rnnviz; assert callable(rnnviz.explore)",
    "every name in __all__": (
        "import rnnviz\nfor n in rnnviz.__all__: getattr(rnnviz, n)\n"
        "import rnnviz.sim as s\nfor n in s.__all__: getattr(s, n)"
    ),
    "unknown name": (
        "import rnnviz\ntry:\n    rnnviz.simm\nexcept AttributeError as e:\n"
        "    assert 'simm' in str(e)\nelse:\n    raise SystemExit('no error')"
    ),
}


@pytest.mark.parametrize("code", CASES.values(), ids=CASES.keys())
def test_public_name_in_fresh_interpreter(code):
    proc = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr[-2000:]


def test_bare_import_loads_no_widget_library():
    code = (
        "import sys, rnnviz\n"
        "bad = [m for m in ('ipywidgets', 'anywidget', 'plotly') if m in sys.modules]\n"
        "assert not bad, bad"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr[-2000:]
