"""The lecture stage in Voila (what `make lecture` serves) at 1280×720 and 1920×1080.

For units, timesteps and weight scale: move the control from the keyboard, check that the
views changed (their data-* attributes) and that the control and EVERY view it changes lie
inside the window — the lecturer never scrolls away from the slider to show its effect.
Then the stage switcher: keys 1–4 / g h d e and a click on a small view.
"""

from __future__ import annotations

import base64
import json
import time

import harness
import pytest
from pages import (
    DEFAULT_STATE,
    WEIGHT_UP,
    slider_handle,
    slider_typed_box,
    wait_view,
    wait_views,
)

pytestmark = pytest.mark.ui

SIZES = [(1280, 720), (1920, 1080)]
STAGE_NOTEBOOK = "stage.ipynb"
STAGE_CELLS = ["import rnnviz; ex = rnnviz.explore(presenter=True); ex"]
ALL_VIEWS = ("rnnviz-graph", "rnnviz-heatmap", "rnnviz-gradients", "rnnviz-eigen")
#: Each control: the key press, the attribute it changes, and the views whose picture
#: depends on it (W_hh's spectrum does not depend on the number of timesteps).
MOVES = {
    "units": ("ArrowRight", {"units": 17}, ALL_VIEWS),
    "timesteps": ("ArrowRight", {"timesteps": 21}, ALL_VIEWS[:3]),
    "weight scale": ("ArrowRight", {"weight-scale": WEIGHT_UP}, ALL_VIEWS),
}

# Bounding boxes (px, in the window) of the strip control labelled `label` and of the
# views, the window's size and how far anything is scrolled.
BOXES_JS = """
([label, ids]) => {
  const box = (e) => { const r = e.getBoundingClientRect();
    return [r.left, r.top, r.right, r.bottom].map((v) => Math.round(v * 10) / 10); };
  const strip = document.querySelector('.rnnviz-strip');
  const control = [...strip.querySelectorAll('.widget-hbox')].find((h) =>
    [...h.querySelectorAll('label.widget-label')].some((l) => l.textContent.trim() === label));
  const out = { control: control ? box(control) : null, views: {},
    window: [window.innerWidth, window.innerHeight], scrolled: 0 };
  for (const id of ids) {
    const r = [...document.querySelectorAll(`[data-testid="${id}"]`)].pop();
    out.views[id] = r ? box(r) : null;
  }
  for (const e of document.querySelectorAll('body, body *')) out.scrolled += e.scrollTop;
  out.scrolled += window.scrollY;
  const stage = document.querySelector('.rnnviz-stage');
  out.main = stage.dataset.main;
  out.zoom = Object.fromEntries([...stage.children].map((c) =>
    [[...c.classList].find((k) => k.startsWith('rnnviz-slot-')), Number(c.style.zoom || 1)]));
  return out;
}
"""

# True when the (last) root of view `id` has the attributes `want` (numbers compared as numbers).
DRAWN_JS = """
([id, want]) => {
  const r = [...document.querySelectorAll(`[data-testid="${id}"]`)].pop();
  return !!r && Object.entries(want).every(([k, v]) => {
    const got = r.getAttribute(`data-${k}`);
    const a = Number(got), b = Number(v);
    return Number.isFinite(a) && Number.isFinite(b) ? Math.abs(a - b) < 1e-9 : got === String(v);
  });
}
"""

ZOOMS_JS = """() => { const s = document.querySelector('.rnnviz-stage');
  return s && s.dataset.main ? [...s.children].map((c) => c.style.zoom).join(',') : null; }"""


def settle(page, tries: int = 60, steady: int = 3) -> None:
    """Wait until the stage's zooms stop changing (the fit reacts to redraws): the same
    zooms ``steady`` times in a row, 250 ms apart (on a loaded machine a fit can follow a
    redraw by more than one interval)."""
    last, same = None, 0
    for _ in range(tries):
        page.wait_for_timeout(250)
        now = page.evaluate(ZOOMS_JS)
        same = same + 1 if now is not None and now == last else 0
        if same >= steady - 1:
            return
        last = now
    raise AssertionError(f"the stage did not settle: zooms {last}")


def inside(rect, window) -> bool:
    left, top, right, bottom = rect
    return left >= -0.5 and top >= -0.5 and right <= window[0] + 0.5 and bottom <= window[1] + 0.5


def assert_on_screen(page, label: str, ids, wait_s: float = 5.0) -> dict:
    """The control and every view inside the window, with no scrolling. The fit follows a
    layout change asynchronously (a resize observer, then plotly's redraw), so the boxes
    are read again for up to ``wait_s`` seconds before a miss counts."""
    deadline = time.monotonic() + wait_s
    while True:
        got = page.evaluate(BOXES_JS, [label, list(ids)])
        window = got["window"]
        boxes = [got["control"], *got["views"].values()]
        fits = [inside(r, window) for r in boxes if r is not None]
        if (all(fits) and not got["scrolled"]) or time.monotonic() > deadline:
            break
        page.wait_for_timeout(250)
    if not all(fits) or got["scrolled"]:
        harness.screenshot(page, f"stage-failed-{window[0]}x{window[1]}")
    assert got["control"] is not None, f"no control {label!r} in the strip"
    assert got["scrolled"] == 0, f"the page is scrolled: {got}"
    assert inside(got["control"], got["window"]), f"{label} off screen: {got}"
    for id_, rect in got["views"].items():
        assert rect is not None, f"{id_} missing"
        assert inside(rect, got["window"]), f"{id_} off screen at {got['window']}: {rect}"
    return got


@pytest.fixture(scope="module")
def stage_url(voila_server, ui_dir):
    harness.write_notebook(ui_dir / "voila-root" / STAGE_NOTEBOOK, STAGE_CELLS)
    return f"{voila_server.url}/voila/render/{STAGE_NOTEBOOK}"


@pytest.fixture(scope="module", params=SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def stage_page(request, ui_browser, voila_guard, stage_url):
    width, height = request.param
    viewport = {"width": width, "height": height}
    with harness.guarded_page(ui_browser, voila_guard, viewport=viewport) as page:
        page.goto(stage_url, timeout=120_000)
        wait_views(page, {"units": 16, "presenter": "true"}, timeout=120_000)
        wait_view(page, "rnnviz-eigen", {"units": 16, "presenter": "true"}, timeout=120_000)
        settle(page)
        page.size = f"{width}x{height}"
        yield page


def test_the_stage_fits_the_window(stage_page):
    got = assert_on_screen(stage_page, "units", ALL_VIEWS)
    harness.screenshot(stage_page, f"stage-{stage_page.size}")
    window = got["window"]
    graph = got["views"]["rnnviz-graph"]
    # the large view takes most of the width; the small ones are beside it
    assert graph[2] - graph[0] > 0.55 * window[0], got
    for id_ in ALL_VIEWS[1:]:
        assert got["views"][id_][0] > graph[2], got
    assert got["main"] == "graph"
    print(f"\n{stage_page.size}: {json.dumps(got)}")
    # every plot is drawn at its box's width: none is cut off at a small view's edge
    widths = stage_page.evaluate(
        """() => [...document.querySelectorAll('.rnnviz-stage .rnnviz-plot')].map((p) =>
          [p.closest('[data-testid^="rnnviz-"]').dataset.testid, p.clientWidth,
           Number(p.querySelector('.main-svg')?.getAttribute('width'))])"""
    )
    assert widths, "no plot on the stage"
    assert all(abs(box - drawn) <= 1 for _, box, drawn in widths), widths


@pytest.mark.parametrize("label", list(MOVES))
def test_a_control_and_every_view_it_changes_share_the_screen(stage_page, label):
    key, change, ids = MOVES[label]
    handle = slider_handle(stage_page, label)
    handle.focus()
    handle.press(key)
    wait_views(stage_page, change)
    for id_ in ids:  # each view drew the new settings (the plotly ones: fully analysed)
        want = {k: str(v) for k, v in change.items()}
        want = want if id_ == "rnnviz-graph" else {**want, "updating": "false"}
        stage_page.wait_for_function(DRAWN_JS, arg=[id_, want])
    settle(stage_page)
    got = assert_on_screen(stage_page, label, ids)
    print(f"\n{stage_page.size} after {label} {key}: {json.dumps(got)}")
    handle.press("ArrowLeft" if key == "ArrowRight" else "ArrowRight")  # back, for the next
    wait_views(stage_page, {k: DEFAULT_STATE[k] for k in ("units", "timesteps", "weight-scale")})
    assert stage_page.page_errors == []


def test_keys_and_clicks_choose_the_large_view(stage_page):
    page = stage_page
    handle = slider_handle(page, "units")
    for key, name in (("2", "heatmap"), ("3", "gradients"), ("e", "eigen"), ("g", "graph")):
        handle.focus()  # a key pressed on a slider inside the Explorer
        handle.press(key)
        page.wait_for_function(
            "(n) => document.querySelector('.rnnviz-stage').dataset.main === n", arg=name
        )
        settle(page)
        got = assert_on_screen(page, "units", ALL_VIEWS)
        main = got["views"][f"rnnviz-{name}"]
        assert main[2] - main[0] > 0.55 * got["window"][0], got
        pressed = page.locator('[data-testid="rnnviz-stage-switch"] [aria-pressed="true"]')
        assert pressed.get_attribute("data-testid") == f"rnnviz-stage-{name}"
        if name == "eigen":
            harness.screenshot(page, f"stage-{page.size}-eigen")
    # with nothing focused (Voila, the lecturer just presses a key)
    page.evaluate("() => document.activeElement && document.activeElement.blur()")
    page.keyboard.press("h")
    page.wait_for_function(
        "() => document.querySelector('.rnnviz-stage').dataset.main === 'heatmap'"
    )
    # a click on a small view shows it large
    page.locator(".rnnviz-stage > .rnnviz-slot-graph").click(position={"x": 5, "y": 5})
    page.wait_for_function("() => document.querySelector('.rnnviz-stage').dataset.main === 'graph'")
    # ... and nothing else: the click hit the graph's "Roll up" button, which stayed unpressed
    assert page.get_attribute('[data-testid="rnnviz-graph"]', "data-rolled") == "false"
    settle(page)
    assert_on_screen(page, "units", ALL_VIEWS)
    # "more settings" opens the other settings under the strip: the stage shrinks to fit
    more = page.locator(".rnnviz-strip button", has_text="more settings")
    more.click()
    page.wait_for_selector(".rnnviz-more .rnnviz-controls", state="visible")
    settle(page)
    got = assert_on_screen(page, "units", ALL_VIEWS)
    activation = page.locator(".rnnviz-more .widget-dropdown", has_text="activation")
    box = activation.bounding_box()
    assert box is not None
    rect = [box["x"], box["y"], box["x"] + box["width"], box["y"] + box["height"]]
    assert inside(rect, got["window"]), box
    print(f"\n{page.size} with more settings open: {json.dumps(got)}")
    more.click()
    page.wait_for_selector(".rnnviz-more .rnnviz-controls", state="hidden")
    settle(page)
    assert_on_screen(page, "units", ALL_VIEWS)
    assert page.page_errors == []


def _typed(page, label: str, value: str) -> None:
    box = slider_typed_box(page, label)
    box.fill(value)
    box.press("Enter")


def test_units_change_at_a_glance(stage_page):
    """Screenshots for docs/: the same stage at 16 and at 128 units, side by side."""
    if stage_page.size != "1280x720":
        pytest.skip("one picture is enough")
    page = stage_page
    shots = {}
    for units in (16, 128):
        _typed(page, "units", str(units))
        wait_views(page, {"units": units})
        wait_view(page, "rnnviz-eigen", {"units": units, "updating": "false"})
        settle(page)
        assert_on_screen(page, "units", ALL_VIEWS)
        shots[units] = page.screenshot()
    _typed(page, "units", "16")
    wait_views(page, {"units": 16})
    pair = page.context.new_page()
    try:
        imgs = "".join(
            f'<figure><figcaption>units = {u}</figcaption><img src="data:image/png;base64,'
            f'{base64.b64encode(png).decode()}"></figure>'
            for u, png in shots.items()
        )
        pair.set_viewport_size({"width": 1280, "height": 400})
        pair.set_content(
            "<style>body{margin:0;display:flex;gap:8px;font:600 20px sans-serif}"
            "figure{margin:0;width:636px}img{width:636px}figcaption{padding:4px}</style>" + imgs
        )
        harness.screenshot(pair, "stage-units-16-vs-128", full_page=True)
    finally:
        pair.close()


def test_counts_are_singular_at_one(stage_page):
    """ "1 unit", "1 timestep" in the graph's texts (they read "1 units" before)."""
    if stage_page.size != "1280x720":
        pytest.skip("the texts do not depend on the window")
    page = stage_page
    _typed(page, "units", "1")
    _typed(page, "timesteps", "1")
    wait_views(page, {"units": 1, "timesteps": 1})
    texts = page.evaluate(
        """() => { const g = document.querySelector('[data-testid="rnnviz-graph"]');
          return [g.querySelector('svg[role="img"]').getAttribute('aria-label'),
                  ...[...g.querySelectorAll('title')].map((t) => t.textContent)]; }"""
    )
    assert texts[0] == "RNN with 1 unit unrolled over 1 timestep", texts[0]
    assert any("— 1 unit" in t for t in texts[1:]), texts
    assert not any("1 units" in t or "1 timesteps" in t for t in texts), texts
    _typed(page, "units", "16")
    _typed(page, "timesteps", "20")
    wait_views(page, {"units": 16, "timesteps": 20})


# For Explorer number `i` on the page: the heading before it, its strip, its views.
SCREEN_JS = """
(i) => {
  const ex = document.querySelectorAll('.rnnviz-explorer')[i];
  const before = (a, b) => a.compareDocumentPosition(b) & Node.DOCUMENT_POSITION_FOLLOWING;
  const heading = [...document.querySelectorAll('h2')].filter((h) => before(h, ex)).pop();
  heading.scrollIntoView({ block: 'start' });
  const box = (e) => { const r = e.getBoundingClientRect();
    return [r.left, r.top, r.right, r.bottom].map((v) => Math.round(v * 10) / 10); };
  const out = { heading: [heading.textContent.trim(), box(heading)],
    strip: box(ex.querySelector('.rnnviz-strip')), views: {},
    window: [window.innerWidth, window.innerHeight],
    main: ex.querySelector('.rnnviz-stage').dataset.main };
  for (const v of ex.querySelectorAll('[data-testid^="rnnviz-"][data-units]')) {
    out.views[v.dataset.testid] = box(v);
  }
  return out;
}
"""


def test_the_lecture_shows_one_idea_per_screen(ui_browser, voila_guard, voila_server):
    """notebooks/lecture.ipynb: scrolled to each idea's heading, the heading, the strip and
    every view of its Explorer are on one screen, at both projector sizes."""
    context = harness.new_context(ui_browser, voila_guard, viewport={"width": 1280, "height": 720})
    page = context.new_page()
    try:
        page.goto(f"{voila_server.url}/voila/render/notebooks/lecture.ipynb", timeout=180_000)
        page.wait_for_function(
            "document.querySelectorAll('[data-testid=rnnviz-eigen][data-units]').length === 6",
            timeout=180_000,
        )
        mains = []
        for width, height in SIZES:
            page.set_viewport_size({"width": width, "height": height})
            for i in range(6):
                last = None
                for _ in range(40):  # until this screen's fit has settled
                    got = page.evaluate(SCREEN_JS, i)
                    if got == last:
                        break
                    last = got
                    page.wait_for_timeout(250)
                assert set(got["views"]) == set(ALL_VIEWS), got
                for what, rect in [("heading", got["heading"][1]), ("strip", got["strip"]),
                                   *got["views"].items()]:  # fmt: skip
                    assert inside(rect, got["window"]), f"screen {i + 1}: {what} {rect} {got}"
                if width == 1280:
                    mains.append(got["main"])
                if i in (0, 4):
                    harness.screenshot(page, f"lecture-{width}x{height}-screen{i + 1}")
        assert mains == ["graph", "graph", "graph", "gradients", "eigen", "gradients"]
    finally:
        context.close()
