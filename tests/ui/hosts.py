"""Servers for the other anywidget hosts the Explorer supports: Notebook 7 and marimo.

Each binds 127.0.0.1 on a free port, with the same isolated Jupyter directories as the
JupyterLab and Voila servers of ``harness``; Playwright locators pierce marimo's shadow
roots, so the views are found by their ``data-testid`` in every host.
"""

from __future__ import annotations

import contextlib
import os
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import harness
import pages

MARIMO_APP = """
import marimo

app = marimo.App()


@app.cell
def _():
    import marimo as mo
    import rnnviz

    ex = rnnviz.explore(units=8, timesteps=10)
    ex
    return ex, mo


@app.cell
def _(mo):
    units_slider = mo.ui.slider(1, 64, value=8, label="units set from a marimo slider")
    units_slider
    return (units_slider,)


@app.cell
def _(ex, units_slider):
    ex.units = units_slider.value
    return


if __name__ == "__main__":
    app.run()
"""


def start_marimo(
    root: Path, home: Path, timeout: float = 90.0, source: str = MARIMO_APP
) -> harness.Server:
    """``marimo run`` of an app (default: ``rnnviz.explore()`` and a marimo slider linked to it)."""
    app = root / "explore_app.py"
    app.parent.mkdir(parents=True, exist_ok=True)
    app.write_text(textwrap.dedent(source).lstrip())
    env = harness.jupyter_env(home)
    env["MARIMO_SKIP_UPDATE_CHECK"] = "1"
    port = harness.free_port()
    cmd = [
        sys.executable, "-m", "marimo", "run", str(app),
        "--headless", "--host", "127.0.0.1", "--port", str(port), "--no-token",
    ]  # fmt: skip
    server = harness.Server("marimo", harness._spawn("marimo", cmd, env, root, home / "marimo.log"),
                            f"http://127.0.0.1:{port}", home / "marimo.log")  # fmt: skip
    harness._wait_http(server, "/", timeout, any_status=True)
    return server


def start_notebook(root: Path, home: Path, timeout: float = 90.0) -> harness.Server:
    """Jupyter Notebook 7 on 127.0.0.1 serving ``root`` with the harness's known token."""
    env = harness.jupyter_env(home)
    port = harness.free_port()
    cmd = [
        sys.executable, "-m", "jupyter", "notebook",
        "--no-browser",
        "--ServerApp.ip=127.0.0.1",
        f"--ServerApp.port={port}",
        "--ServerApp.port_retries=0",
        f"--IdentityProvider.token={harness.TOKEN}",
        f"--ServerApp.root_dir={root}",
        "--JupyterNotebookApp.expose_app_in_browser=True",
        "--ServerApp.terminals_enabled=False",
    ]  # fmt: skip
    if os.geteuid() == 0:
        cmd.append("--allow-root")
    server = harness.Server("Notebook 7", harness._spawn("nb7", cmd, env, root, home / "nb7.log"),
                            f"http://127.0.0.1:{port}", home / "nb7.log", harness.TOKEN)  # fmt: skip
    harness._wait_http(server, f"/api/status?token={harness.TOKEN}", timeout)
    return server


def marimo_app(cell: str, returns: str) -> str:
    """The source of a marimo app of one cell: ``cell`` (Python lines), then ``return returns``."""
    body = textwrap.indent(textwrap.dedent(cell).strip(), "    ")
    return (
        "import marimo\n\napp = marimo.App()\n\n\n@app.cell\ndef _():\n"
        f'{body}\n    return {returns}\n\n\nif __name__ == "__main__":\n    app.run()\n'
    )


@contextlib.contextmanager
def marimo_page(browser: Any, ui_dir: Path, name: str, source: str = MARIMO_APP) -> Iterator[Any]:
    """``marimo run`` of ``source`` (in ``ui_dir/<name>-root``) open in a guarded page
    (:func:`harness.guarded_page`: ``page.guard``, ``page.page_errors``); all stopped on exit."""
    server = start_marimo(ui_dir / f"{name}-root", ui_dir / f"{name}-home", source=source)
    try:
        with harness.guarded_page(browser) as page:
            page.goto(server.url + "/")
            yield page
    finally:
        server.stop()


@contextlib.contextmanager
def notebook7_page(
    browser: Any, ui_dir: Path, name: str, notebook: str, cells: list[str]
) -> Iterator[pages.Notebook7]:
    """Notebook 7 serving ``ui_dir/<name>-root`` with ``notebook`` (code ``cells``), the notebook
    open and run in a guarded page (errors recorded with their JS stack); all stopped on exit."""
    root = ui_dir / f"{name}-root"
    harness.write_notebook(root / notebook, cells)
    server = start_notebook(root, ui_dir / f"{name}-home")
    try:
        with harness.guarded_page(browser, stack=True) as page:
            nb = pages.Notebook7(page, server)
            nb.open(notebook)
            nb.run_all()
            yield nb
    finally:
        server.stop()


def notebook7_errors(page: Any) -> list[str]:
    """The page's errors but one: Notebook 7's own bundle throws once while reading the
    isolated settings directory ("reading 'schema'", from /static/notebook/); no error may
    come from anything else."""
    return [e for e in page.page_errors if "/static/notebook/" not in e]
