"""Session fixtures of the browser tests: one JupyterLab, one Voila, one headless Chromium.

The servers bind 127.0.0.1 on free ports with isolated config/settings directories in a
temporary folder and are stopped (whole process group) at the end of the session.
Chromium is Debian's ``/usr/bin/chromium`` driven by Playwright; every request the pages
make is recorded and anything that would leave 127.0.0.1 is aborted and counted.
"""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

import harness
import pages
from harness import EXPLORE_CELLS, EXPLORE_NOTEBOOK


@pytest.fixture(scope="session")
def ui_dir(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("rnnviz-ui")


@pytest.fixture(scope="session")
def lab_server(ui_dir, chromium):
    root = ui_dir / "lab-root"
    root.mkdir()
    harness.write_notebook(root / EXPLORE_NOTEBOOK, EXPLORE_CELLS)
    server = harness.start_lab(root, ui_dir / "lab-home")
    yield server
    server.stop()


@pytest.fixture(scope="session")
def lab_guard() -> harness.NetworkGuard:
    """Requests of the JupyterLab browser context (recorded; non-loopback ones blocked)."""
    return harness.NetworkGuard()


@pytest.fixture(scope="session")
def lab_page(ui_browser, lab_guard, lab_server):
    """The JupyterLab page of the session (``page.page_errors``: its uncaught errors)."""
    with harness.guarded_page(ui_browser, lab_guard) as page:
        yield page


@pytest.fixture(scope="session")
def lab_notebook(ui_dir, lab_server, ui_browser, lab_guard):
    """``with lab_notebook(name, cells) as lab:`` a notebook of its own in the session's
    JupyterLab, open and run in a page of its own (the shared page keeps showing
    ``explore.ipynb`` for the other tests): a :class:`pages.Lab` whose ``page.page_errors``
    the tests read."""

    @contextlib.contextmanager
    def open_notebook(name: str, cells: list[str]) -> Iterator[pages.Lab]:
        harness.write_notebook(ui_dir / "lab-root" / name, cells)
        with harness.guarded_page(ui_browser, lab_guard) as page:
            lab = pages.Lab(page, lab_server)
            lab.open(name)
            lab.run_all()
            yield lab

    return open_notebook


@pytest.fixture(scope="session")
def explorer(lab_page, lab_server) -> pages.Lab:
    """JupyterLab with ``explore.ipynb`` open and run: the Explorer is showing its three views."""
    lab = pages.Lab(lab_page, lab_server)
    lab.open(EXPLORE_NOTEBOOK)
    lab.run_all()
    try:
        pages.wait_views(lab_page, {"units": 16}, timeout=90_000)
    except AssertionError as exc:
        harness.screenshot(lab_page, "lab-explore-failed")
        output = lab_page.locator(".jp-OutputArea").first.inner_text()
        pytest.fail(f"{exc}\nThe notebook's output reads:\n{output[:2000]}", pytrace=False)
    lab.wait_idle()
    return lab


@pytest.fixture
def fresh(explorer) -> pages.Lab:
    """The Explorer reset to its default settings (from Python) before a test."""
    d = pages.DEFAULT_STATE
    result = explorer.kernel_execute(
        f"ex.time = 0; ex.cell = {d['cell']!r}; ex.units = {d['units']}; "
        f"ex.timesteps = {d['timesteps']}; ex.weight_scale = {d['weight-scale']}"
    )
    assert result["status"] == "ok", result["text"]
    pages.wait_views(explorer.page, d)
    return explorer


@pytest.fixture(scope="session")
def voila_server(ui_dir, chromium):
    """Voila serving a folder with ``explore.ipynb`` and a copy of the course notebooks."""
    root = ui_dir / "voila-root"
    root.mkdir()
    harness.write_notebook(root / EXPLORE_NOTEBOOK, EXPLORE_CELLS)
    harness.copy_tree(harness.REPO / "notebooks", root / "notebooks")
    server = harness.start_voila(root, ui_dir / "voila-home")
    yield server
    server.stop()


@pytest.fixture(scope="session")
def voila_guard() -> harness.NetworkGuard:
    return harness.NetworkGuard()


@pytest.fixture(scope="session")
def voila_context(ui_browser, voila_guard, voila_server):
    context = harness.new_context(ui_browser, voila_guard)
    context.set_default_timeout(60_000)
    yield context
    context.close()
