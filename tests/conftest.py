"""Shared by every test: the browser tests run last and share one Playwright and one Chromium.

Playwright's sync API keeps an asyncio loop running in the main thread while it is active.
Tests that start after it would see that loop (the Explorer then defers its updates to it,
and nbval's kernel client refuses to run), so every ``ui`` test is moved to the end of the
session and they all use the one browser started here.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent / "ui"))

import harness


def pytest_collection_modifyitems(config, items):
    """Browser tests last (stable order otherwise). Every test under tests/ui/ or using the
    shared browser counts as one, marked or not."""
    for item in items:
        browser = "ui_browser" in getattr(item, "fixturenames", ())  # nbval cells have none
        if browser or "/ui/" in item.nodeid.replace("\\", "/"):
            item.add_marker(pytest.mark.ui)
    items.sort(key=lambda item: item.get_closest_marker("ui") is not None)


@pytest.fixture(scope="session")
def chromium() -> str:
    """Path of Debian's Chromium; missing is a failure under CI and a loud skip elsewhere."""
    try:
        return harness.find_chromium()
    except harness.BrowserMissing as exc:
        if os.environ.get("CI"):
            pytest.fail(str(exc), pytrace=False)
        pytest.skip(str(exc))


@pytest.fixture(scope="session")
def ui_browser(chromium):
    """One headless Debian Chromium (Playwright sync API) for every browser test."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = harness.launch_browser(pw)
        yield browser
        browser.close()
