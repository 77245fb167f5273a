"""User text is text: markup in tokens, curve names and titles is never rendered as markup.

plotly.js and plotly.py read labels as a small HTML (<b>, <span style>, <a href>) and the
exported page is HTML: every user string must reach them escaped.
"""

from __future__ import annotations

import dataclasses
import html
import re

import numpy as np
import pytest

pytest.importorskip("anywidget")

from rnnviz.export import page_html, to_figures, to_html
from rnnviz.frame import build_frame
from rnnviz.widgets import GradientFlow, StateHeatmap

MARKUP = [
    "<b>bold</b>",
    '<a href="https://example.com/">link</a>',
    '<span style="font-size:80px;color:red">huge</span>',
    "<i>it</i>&amp;",
    "%{y}",
    "<br>",
]


def _markup_frame():
    frame = build_frame(input="sentence", timesteps=len(MARKUP), units=4)
    curve = np.asarray(frame.jacobian_norms)
    return dataclasses.replace(
        frame,
        tokens=list(MARKUP),
        overlays={"<b>overlay</b>": curve * 0.5, '<a href="https://e.com/">x</a>': curve},
    )


def test_figure_token_labels_are_escaped_for_plotly():
    fig = to_figures(_markup_frame())["heatmap"]
    ticktext = list(fig.layout.xaxis.ticktext)
    steps = list(fig.layout.xaxis.tickvals)
    shown = [text.removeprefix("<br>") for text in ticktext]  # 2nd row: one line lower
    assert steps[0] == 1  # long words are thinned, never all dropped
    assert len(steps) >= 3
    assert shown == [
        [
            "&lt;b&gt;bold&lt;/b&gt;",
            '&lt;a href="https://example.com/"&gt;link&lt;/a&gt;',
            '&lt;span style="font-size:80px;color:red"&gt;huge&lt;/span&gt;',
            "&lt;i&gt;it&lt;/i&gt;&amp;amp;",
            "&#37;{y}",
            "&lt;br&gt;",
        ][t - 1]
        for t in steps
    ]
    # the only tag plotly sees in a label is the line break rnnviz puts before a 2nd row
    for text in ticktext:
        assert re.findall(r"<[^>]*>", text) in ([], ["<br>"])
    figs = to_figures(_markup_frame())
    everything = figs["heatmap"].to_json() + figs["gradients"].to_json()
    for raw in MARKUP[:3]:
        assert raw not in everything


TITLE = "</title><script>alert(1)</script>__PAYLOAD__ & __TITLE__ <b>x</b>"


def test_a_crafted_title_stays_text_and_never_pulls_in_the_data_block():
    frame = build_frame(units=3, timesteps=4)
    page = page_html([StateHeatmap(frame=frame)], sweep=None, title=TITLE)
    head = re.search(r"<title>(.*?)</title>", page, re.S).group(1)
    heading = re.search(r"<h1>(.*?)</h1>", page, re.S).group(1)
    assert head == heading == html.escape(TITLE)
    assert html.unescape(head) == TITLE
    assert page.count('id="rnnviz-payload"') == 1
    assert len(head) < 200, "the data block must not be copied into the title"


@pytest.mark.parametrize("title", [None, 3, b"bytes", ["a"]])
def test_title_must_be_a_string(tmp_path, title):
    heat = StateHeatmap(frame=build_frame(units=3, timesteps=4))
    with pytest.raises(TypeError, match=r"title \(the page's title and heading\) must be a string"):
        to_html([heat], tmp_path / "p.html", sweep=None, title=title)
    assert list(tmp_path.iterdir()) == []


@pytest.mark.ui
def test_markup_in_an_exported_page_creates_no_elements(tmp_path, ui_browser):
    """Open an exported page in Chromium: user markup must not create <a>/bold text."""
    frame = _markup_frame()
    views = [StateHeatmap(frame=frame), GradientFlow(frame=frame)]
    path = to_html(views, tmp_path / "markup.html", sweep=None, title=MARKUP[0])
    url = path.as_uri()
    context = ui_browser.new_context(viewport={"width": 1280, "height": 1000})
    try:
        tab = context.new_page()
        tab.route("**/*", lambda r: r.continue_() if r.request.url == url else r.abort())
        tab.goto(url)
        tab.wait_for_selector("body[data-rnnviz-ready=true]", timeout=60_000)
        tab.wait_for_selector('[data-testid="rnnviz-heatmap"][data-drawn]', timeout=60_000)
        tab.wait_for_selector(".rnnviz-gradients .legendtext, .legendtext", timeout=60_000)
        found = tab.evaluate(
            """() => ({
              links: document.querySelectorAll("a").length,
              bold: [...document.querySelectorAll("tspan")]
                .filter((t) => /bold/.test(t.getAttribute("style") || "")).length,
              huge: [...document.querySelectorAll("tspan")]
                .filter((t) => /80px/.test(t.getAttribute("style") || "")).length,
              ticks: [...document.querySelectorAll(".xtick text")].map((t) => t.textContent),
              legend: [...document.querySelectorAll(".legendtext")].map((t) => t.textContent),
              heading: document.querySelector("h1").textContent,
              headingTags: document.querySelector("h1").children.length,
            })"""
        )
    finally:
        context.close()
    assert found["links"] == 0
    assert found["bold"] == 0
    assert found["huge"] == 0
    assert any("<b>bold</b>" in t for t in found["ticks"]), found["ticks"]
    assert any('<a href="https://example.com/">link</a>' in t for t in found["ticks"])
    assert "<b>overlay</b>" in found["legend"], found["legend"]
    assert found["heading"] == MARKUP[0]
    assert found["headingTags"] == 0
