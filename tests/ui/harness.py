"""Drive rnnviz in a real browser: JupyterLab / Voila servers on 127.0.0.1 and headless Chromium.

Shared by the browser tests (``tests/ui``) and the latency benchmark (``benchmarks/bench_ui.py``).
Everything runs offline: the servers bind the loopback interface, JupyterLab's news feed,
update check and PyPI extension manager are switched off, and :class:`NetworkGuard` aborts
(and counts) any request the page tries to send anywhere but 127.0.0.1.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import nbformat

from rnnviz.export._svg import CHROMIUM_ARGS  # one list of flags for every headless run

REPO = Path(__file__).resolve().parents[2]
ARTIFACTS = REPO / "artifacts"
SCREENSHOTS = ARTIFACTS / "screenshots"

CHROMIUM = "/usr/bin/chromium"
ENSURE_SCRIPT = "scripts/ensure-chromium.sh"
TOKEN = "rnnviz-ui-test"
EXPLORE_NOTEBOOK = "explore.ipynb"
EXPLORE_CELLS = ["import rnnviz; ex = rnnviz.explore(); ex"]
LECTURE = REPO / "notebooks" / "lecture.ipynb"
VIEW_TESTIDS = ("rnnviz-graph", "rnnviz-heatmap", "rnnviz-gradients")

# Anything that is not http(s)/ws(s) to a loopback host: this is what gets blocked.
# (A JavaScript-compatible pattern: Playwright matches it in the browser driver.)
NON_LOOPBACK = re.compile(r"^(?!(https?|wss?)://(127\.0\.0\.1|localhost|\[::1\])(:\d+)?([/?#]|$))")
LOCAL_SCHEMES = ("data:", "blob:", "about:")


class BrowserMissing(RuntimeError):
    """The Chromium binary the browser tests drive is not installed."""


def find_chromium() -> str:
    """Path of Debian's Chromium (``/usr/bin/chromium``) or :class:`BrowserMissing`."""
    if os.access(CHROMIUM, os.X_OK):
        return CHROMIUM
    raise BrowserMissing(
        f"The browser tests drive Debian's Chromium at {CHROMIUM}, which is not installed. "
        f"Install it with `bash {ENSURE_SCRIPT}` (or `make chromium`). "
        "Playwright's own browser download is not used (it needs the network)."
    )


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def is_local(url: str) -> bool:
    """True for loopback http(s)/ws(s) URLs and for data:/blob:/about: (no network)."""
    if url.startswith(LOCAL_SCHEMES):
        return True
    return NON_LOOPBACK.match(url) is None


# --------------------------------------------------------------------------- servers

#: What ``make lab`` installs as the venv's JupyterLab defaults (no news prompt).
LAB_OVERRIDES = json.loads((Path(__file__).parents[2] / "share" / "lab-overrides.json").read_text())

LAB_SETTINGS = {
    # No news feed, no "new version available" toast, no consent question.
    "@jupyterlab/apputils-extension:notification": {
        **LAB_OVERRIDES["@jupyterlab/apputils-extension:notification"],
        "doNotDisturbMode": True,
    },
    # Render every cell (no virtual scrolling), so off-screen widgets exist in the DOM.
    "@jupyterlab/notebook-extension:tracker": {"windowingMode": "none"},
    "@jupyterlab/apputils-extension:themes": {"theme": "JupyterLab Light"},
    "@jupyterlab/docmanager-extension:plugin": {"autosave": False},
}


def jupyter_env(home: Path) -> dict[str, str]:
    """Environment isolating the servers' config, settings, runtime and IPython dirs in ``home``."""
    env = dict(os.environ)
    dirs = {
        "JUPYTER_CONFIG_DIR": home / "config",
        "JUPYTERLAB_SETTINGS_DIR": home / "lab-settings",
        "JUPYTERLAB_WORKSPACES_DIR": home / "lab-workspaces",
        "JUPYTER_RUNTIME_DIR": home / "runtime",
        "IPYTHONDIR": home / "ipython",
        "JUPYTER_DATA_DIR": home / "data",
    }
    for name, path in dirs.items():
        path.mkdir(parents=True, exist_ok=True)
        env[name] = str(path)
    for plugin, values in LAB_SETTINGS.items():
        package, _, name = plugin.partition(":")
        target = dirs["JUPYTERLAB_SETTINGS_DIR"] / package / f"{name}.jupyterlab-settings"
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(json.dumps(values, indent=2))
    env["ANYWIDGET_HMR"] = "0"
    env.pop("JUPYTER_TOKEN", None)
    env["NO_PROXY"] = env["no_proxy"] = "127.0.0.1,localhost"
    return env


@dataclass
class Server:
    """A Jupyter server (JupyterLab or Voila) running in its own process group."""

    name: str
    proc: subprocess.Popen
    url: str
    log_path: Path
    token: str = ""

    def stop(self, timeout: float = 10.0) -> None:
        """Terminate the whole process group (server + kernels), then kill what remains."""
        if self.proc.poll() is not None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.proc.pid, signal.SIGTERM)
        try:
            self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait(5)

    def log_tail(self, n: int = 40) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-n:])
        except OSError:
            return "(no log)"


def _wait_http(server: Server, path: str, timeout: float, any_status: bool = False) -> None:
    """Poll ``path`` until it answers 200 (or any HTTP status with ``any_status``)."""
    deadline = time.monotonic() + timeout
    last = ""
    while time.monotonic() < deadline:
        if server.proc.poll() is not None:
            raise RuntimeError(
                f"{server.name} exited with code {server.proc.returncode} before answering.\n"
                f"{server.log_tail()}"
            )
        try:
            with urllib.request.urlopen(server.url + path, timeout=5) as r:
                if r.status == 200:
                    return
        except urllib.error.HTTPError as exc:
            if any_status:
                return
            last = repr(exc)
        except (urllib.error.URLError, OSError) as exc:
            last = repr(exc)
        time.sleep(0.25)
    server.stop()
    raise TimeoutError(
        f"{server.name} did not answer {server.url + path} within {timeout:.0f} s ({last}).\n"
        f"{server.log_tail()}"
    )


def _spawn(name: str, cmd: list[str], env: dict, cwd: Path, log_path: Path) -> subprocess.Popen:
    log_path.parent.mkdir(parents=True, exist_ok=True)
    log = open(log_path, "w")  # noqa: SIM115 - the child owns it for its lifetime
    return subprocess.Popen(
        cmd, cwd=cwd, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
    )


def start_lab(root: Path, home: Path, timeout: float = 90.0) -> Server:
    """Start JupyterLab on 127.0.0.1 serving ``root`` with a known token; wait until it answers."""
    env = jupyter_env(home)
    port = free_port()
    cmd = [
        sys.executable, "-m", "jupyter", "lab",
        "--no-browser",
        "--ServerApp.ip=127.0.0.1",
        f"--ServerApp.port={port}",
        "--ServerApp.port_retries=0",
        f"--IdentityProvider.token={TOKEN}",
        f"--ServerApp.root_dir={root}",
        "--LabApp.news_url=None",
        "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
        "--LabApp.extension_manager=readonly",
        "--LabApp.expose_app_in_browser=True",
        "--ServerApp.terminals_enabled=False",
    ]  # fmt: skip
    if os.geteuid() == 0:  # containers and CI runners often run as root
        cmd.append("--allow-root")
    server = Server("JupyterLab", _spawn("lab", cmd, env, root, home / "lab.log"),
                    f"http://127.0.0.1:{port}", home / "lab.log", TOKEN)  # fmt: skip
    _wait_http(server, f"/api/status?token={TOKEN}", timeout)
    return server


VOILA_TEMPLATES = REPO / "notebooks" / "share" / "jupyter"
VOILA_TEMPLATE = "rnnviz-offline"  # Voila's "lab" template without its CDN stylesheets


def start_voila(
    root: Path, home: Path, template: str | None = VOILA_TEMPLATE, timeout: float = 60.0
) -> Server:
    """Start Voila on 127.0.0.1 serving the notebooks under ``root``; wait until it answers.

    A notebook ``root/a/b.ipynb`` is rendered at ``<url>/voila/render/a/b.ipynb``. By default
    with rnnviz's offline template, as ``make lecture`` runs it (``template=None``: Voila's
    stock "lab" template).
    """
    env = jupyter_env(home)
    if template is not None:
        env["JUPYTER_PATH"] = os.pathsep.join(
            p for p in (str(VOILA_TEMPLATES), env.get("JUPYTER_PATH", "")) if p
        )
    port = free_port()
    cmd = [
        sys.executable, "-m", "voila", str(root),
        "--no-browser",
        "--Voila.ip=127.0.0.1",
        f"--Voila.port={port}",
        "--Voila.port_retries=0",
        "--show_tracebacks=True",
    ]  # fmt: skip
    if template is not None:
        cmd.append(f"--template={template}")
    server = Server("Voila", _spawn("voila", cmd, env, root, home / "voila.log"),
                    f"http://127.0.0.1:{port}", home / "voila.log")  # fmt: skip
    _wait_http(server, "/voila/static/", timeout, any_status=True)
    return server


def write_notebook(path: Path, cells: list[str]) -> Path:
    """Write a Python 3 notebook whose code cells hold ``cells``."""
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    nb.cells = [nbformat.v4.new_code_cell(src) for src in cells]
    path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, path)
    return path


def copy_tree(src: Path, dest: Path) -> Path:
    """Copy a folder of notebooks (and the files they read), without checkpoints."""
    if src.is_dir():
        shutil.copytree(src, dest, ignore=shutil.ignore_patterns(".ipynb_checkpoints"))
    else:
        dest.mkdir(parents=True)
    return dest


# --------------------------------------------------------------------------- browser


def launch_browser(playwright: Any):
    """Launch headless Debian Chromium through Playwright (never Playwright's own download)."""
    return playwright.chromium.launch(executable_path=find_chromium(), args=CHROMIUM_ARGS)


@dataclass
class NetworkGuard:
    """Records every request of a browser context and aborts any that would leave 127.0.0.1."""

    requests: list[str] = field(default_factory=list)
    websockets: list[str] = field(default_factory=list)
    blocked: list[str] = field(default_factory=list)

    def attach(self, context: Any) -> NetworkGuard:
        context.on("request", lambda req: self.requests.append(req.url))
        context.route(NON_LOOPBACK, self._block)
        context.route_web_socket(NON_LOOPBACK, self._block_ws)
        context.on("page", self._watch_page)
        return self

    def _watch_page(self, page: Any) -> None:
        page.on("websocket", lambda ws: self.websockets.append(ws.url))

    def _block(self, route: Any) -> None:
        url = route.request.url
        if url.startswith(LOCAL_SCHEMES):
            route.fallback()
            return
        self.blocked.append(url)
        route.abort("blockedbyclient")

    def _block_ws(self, ws: Any) -> None:
        # Not connecting to the server: Playwright keeps the socket mocked; close it at once.
        self.blocked.append(ws.url)
        ws.close(code=1008, reason="rnnviz tests: non-loopback websocket blocked")

    def outside(self) -> list[str]:
        """Every recorded URL (requests and websockets) that is not on 127.0.0.1."""
        return [u for u in self.requests + self.websockets if not is_local(u)]


def new_context(browser: Any, guard: NetworkGuard, **kw: Any):
    kw.setdefault("viewport", {"width": 1280, "height": 900})
    context = browser.new_context(service_workers="block", **kw)
    guard.attach(context)
    return context


def record_errors(page: Any, stack: bool = False) -> list[str]:
    """Record the page's uncaught errors in ``page.page_errors`` (read by the tests that check
    the console stayed clean), each with its JS stack when ``stack``; returns that list."""
    page.page_errors = []
    if stack:
        page.on("pageerror", lambda exc: page.page_errors.append(f"{exc}\n{exc.stack}"))
    else:
        page.on("pageerror", lambda exc: page.page_errors.append(str(exc)))
    return page.page_errors


@contextlib.contextmanager
def guarded_page(
    browser: Any, guard: NetworkGuard | None = None, stack: bool = False, **kw: Any
) -> Iterator[Any]:
    """A page in a new browser context whose requests ``guard`` records (a fresh
    :class:`NetworkGuard` by default; ``page.guard``), with a 60 s default timeout and its
    errors in ``page.page_errors`` (:func:`record_errors`). The context closes on exit."""
    guard = NetworkGuard() if guard is None else guard
    context = new_context(browser, guard, **kw)
    try:
        page = context.new_page()
        page.set_default_timeout(60_000)
        page.guard = guard
        record_errors(page, stack)
        yield page
    finally:
        context.close()


@dataclass
class WsCounter:
    """Bytes of websocket frames sent and received by a page (kernel traffic)."""

    sent: int = 0
    received: int = 0
    frames: int = 0

    def attach(self, page: Any) -> WsCounter:
        page.on("websocket", self._on_ws)
        return self

    def _on_ws(self, ws: Any) -> None:
        ws.on("framesent", lambda payload: self._add("sent", payload))
        ws.on("framereceived", lambda payload: self._add("received", payload))

    def _add(self, direction: str, payload: str | bytes) -> None:
        n = len(payload.encode() if isinstance(payload, str) else payload)
        setattr(self, direction, getattr(self, direction) + n)
        self.frames += 1

    def reset(self) -> None:
        self.sent = self.received = self.frames = 0


def screenshot(target: Any, name: str, **kw: Any) -> Path:
    """Save a PNG of a page or a locator to ``artifacts/screenshots/<name>.png``."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    target.screenshot(path=str(path), **kw)
    return path
