"""The lecture runs as a Voila app that asks nothing of the network.

Voila's stock "lab" template links two Font Awesome stylesheets from a CDN; the
``rnnviz-offline`` template (``notebooks/share/jupyter/voila/templates/``) drops them, so
the lecture page's only requests go to 127.0.0.1 (plus in-memory blob:/data: URLs).
"""

from __future__ import annotations

import os
import pathlib
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request

import pytest

REPO = pathlib.Path(__file__).resolve().parents[2]
SCREENSHOTS = REPO / "artifacts" / "screenshots"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def lecture_url(tmp_path_factory):
    home = tmp_path_factory.mktemp("voila-home")
    port = _free_port()
    env = {
        **os.environ,
        "JUPYTER_PATH": str(REPO / "notebooks" / "share" / "jupyter"),
        "JUPYTER_CONFIG_DIR": str(home / "config"),
        "JUPYTER_RUNTIME_DIR": str(home / "runtime"),
        "IPYTHONDIR": str(home / "ipython"),
        "ANYWIDGET_HMR": "0",
        "NO_PROXY": "127.0.0.1,localhost",
    }
    cmd = [sys.executable, "-m", "voila", str(REPO / "notebooks" / "lecture.ipynb"),
           "--template=rnnviz-offline", "--no-browser", "--Voila.ip=127.0.0.1",
           f"--Voila.port={port}", "--Voila.port_retries=0"]  # fmt: skip
    log = open(home / "voila.log", "w")  # noqa: SIM115 - the server owns it while it runs
    proc = subprocess.Popen(
        cmd, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
    )
    url = f"http://127.0.0.1:{port}/"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                urllib.request.urlopen(url + "voila/static/", timeout=2)
                break
            except urllib.error.HTTPError:
                break  # the server answers
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    pytest.fail("Voila did not start:\n" + (home / "voila.log").read_text())
                time.sleep(0.5)
        yield url
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(15)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(5)
        log.close()


@pytest.mark.ui
@pytest.mark.slow
def test_lecture_renders_in_presenter_mode_without_network(lecture_url, ui_browser):
    outside: list[str] = []

    def route(r):
        url = r.request.url
        if url.startswith(("http://127.0.0.1", "ws://127.0.0.1", "blob:", "data:")):
            r.continue_()
        else:
            outside.append(url)
            r.abort()

    context = ui_browser.new_context(viewport={"width": 1280, "height": 720})
    try:
        page = context.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.route("**/*", route)
        page.goto(lecture_url, timeout=180_000)
        page.wait_for_function(
            "document.querySelectorAll('[data-testid=rnnviz-gradients][data-units]').length === 6",
            timeout=180_000,
        )
        for testid in ("rnnviz-graph", "rnnviz-heatmap", "rnnviz-gradients", "rnnviz-eigen"):
            flags = page.eval_on_selector_all(
                f'[data-testid="{testid}"]', "els => els.map(e => e.dataset.presenter)"
            )
            assert flags == ["true"] * 6, testid
        timesteps = page.eval_on_selector_all(
            '[data-testid="rnnviz-graph"]', "els => els.map(e => e.dataset.timesteps)"
        )
        assert timesteps == ["8", "6", "12", "40", "40", "40"]  # one idea per screen
        text = page.inner_text("body")
        assert "Units: every" in text
        assert "rnnviz.explore(" not in text  # the code is hidden
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / "lecture-1280x720.png"))
        assert errors == []
    finally:
        context.close()
    assert outside == []
