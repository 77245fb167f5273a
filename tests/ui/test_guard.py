"""The network guard itself: what counts as local, and that outside requests are stopped."""

from __future__ import annotations

import pytest
from harness import NetworkGuard, is_local, new_context

pytestmark = pytest.mark.ui


@pytest.mark.parametrize(
    ("url", "local"),
    [
        ("http://127.0.0.1:8888/lab", True),
        ("ws://127.0.0.1:8888/api/kernels/1/channels", True),
        ("http://localhost:8888/", True),
        ("http://[::1]:8888/", True),
        ("data:text/css,", True),
        ("blob:http://127.0.0.1:8888/5a1e", True),
        ("https://cdn.jsdelivr.net/npm/x.css", False),
        ("http://127.0.0.1.example.com/", False),
        ("http://localhost.evil.org:80/", False),
        ("wss://jupyterlab.github.io/assets/feed.xml", False),
    ],
)
def test_is_local(url, local):
    assert is_local(url) is local


def test_guard_blocks_and_counts_outside_requests(ui_browser):
    guard = NetworkGuard()
    context = new_context(ui_browser, guard)
    try:
        page = context.new_page()
        page.set_content("<p>offline</p>")
        outcome = page.evaluate(
            """async () => {
              const results = [];
              for (const url of ['https://example.com/a.css', 'http://10.1.2.3/b.js']) {
                try { await fetch(url); results.push('fetched'); }
                catch (e) { results.push('failed'); }
              }
              const ws = await new Promise((resolve) => {
                const s = new WebSocket('wss://example.com/socket');
                s.onopen = () => resolve('open');
                s.onclose = () => resolve('closed');
                s.onerror = () => resolve('error');
              });
              results.push(ws);
              return results;
            }"""
        )
        # fetches fail; the websocket is closed by the guard without ever opening
        assert outcome == ["failed", "failed", "closed"]
        assert "https://example.com/a.css" in guard.blocked
        assert "http://10.1.2.3/b.js" in guard.blocked
        assert "wss://example.com/socket" in guard.blocked
        assert set(guard.outside()) >= {"https://example.com/a.css", "http://10.1.2.3/b.js"}
    finally:
        context.close()
