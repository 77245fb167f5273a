"""The Explorer in Jupyter Notebook 7 (the ``notebook`` package), in headless Chromium."""

from __future__ import annotations

import harness
import hosts
import pages
import pytest

pytestmark = pytest.mark.ui


class Notebook7(pages.Lab):
    """Notebook 7 exposes the same application object; only the notebook URL differs."""

    def open(self, path: str, timeout: float = 90_000) -> None:
        url = f"{self.server.url}/notebooks/{path}?token={self.server.token}"
        self.page.goto(url, timeout=timeout)
        self.page.wait_for_function(
            """(path) => {
              const w = window.jupyterapp && window.jupyterapp.shell.currentWidget;
              const k = w && w.context && w.context.path === path && w.sessionContext.session
                && w.sessionContext.session.kernel;
              return !!(k && k.connectionStatus === 'connected' && k.status === 'idle');
            }""",
            arg=path,
            timeout=timeout,
        )


@pytest.fixture(scope="module")
def notebook7(ui_browser, ui_dir):
    root = ui_dir / "nb7-root"
    root.mkdir()
    harness.write_notebook(root / harness.EXPLORE_NOTEBOOK, harness.EXPLORE_CELLS)
    server = hosts.start_notebook(root, ui_dir / "nb7-home")
    guard = harness.NetworkGuard()
    context = harness.new_context(ui_browser, guard)
    page = context.new_page()
    page.set_default_timeout(60_000)
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(f"{exc}\n{exc.stack}"))
    try:
        nb = Notebook7(page, server)
        nb.open(harness.EXPLORE_NOTEBOOK)
        nb.run_all()
        pages.wait_views(page, {"units": 16}, timeout=90_000)
        yield nb, guard, errors
    finally:
        context.close()
        server.stop()


def test_explorer_renders_and_a_slider_drives_every_view(notebook7):
    nb, guard, errors = notebook7
    page = nb.page
    # Notebook 7 swallows arrow keys on focused sliders (its notebook keyboard handling
    # prevents the default action), so the slider is moved with the mouse here.
    handle = pages.slider_handle(page, "units")
    track = handle.locator("xpath=ancestor::div[contains(@class,'noUi-target')]")
    box = track.bounding_box()
    page.mouse.click(box["x"] + box["width"] * 0.25, box["y"] + box["height"] / 2)
    page.wait_for_function(
        "(h) => h.getAttribute('aria-valuenow') !== '16.0'", arg=handle.element_handle()
    )
    units = int(float(handle.get_attribute("aria-valuenow")))
    assert 16 < units < 256
    pages.wait_views(page, {"units": units})
    assert pages.slider_readout(page, "units") == str(units)
    result = nb.kernel_execute("print(ex.units, ex.frame.settings['units'])")
    assert result["text"].split() == [str(units)] * 2
    nb.kernel_execute("ex.timesteps = 12")
    pages.wait_views(page, {"timesteps": 12})
    harness.screenshot(page, "notebook7-explorer")
    # Notebook 7's own bundle throws once while reading the isolated settings directory
    # ("reading 'schema'", from /static/notebook/); no error may come from anything else.
    assert [e for e in errors if "/static/notebook/" not in e] == []
    assert guard.outside() == []
