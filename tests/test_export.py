"""rnnviz.export: one self-contained HTML file, plotly figures, graph SVG."""

from __future__ import annotations

import ast
import base64
import contextlib
import dataclasses
import html.parser
import json
import math
import pathlib
import re
from typing import ClassVar

import numpy as np
import pytest

pytest.importorskip("anywidget")

from rnnviz.export import DEFAULT_SWEEPS, graph_svg, page_html, to_figures, to_html
from rnnviz.widgets import build_frame, explore

REPO = pathlib.Path(__file__).resolve().parent.parent
SCREENSHOTS = REPO / "artifacts" / "screenshots"
NAMESPACES = {"http://www.w3.org/2000/svg", "http://www.w3.org/1999/xhtml"}


class _Tags(html.parser.HTMLParser):
    """Every (tag, attrs) of a page."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict]] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))


def _payload(text: str) -> dict:
    match = re.search(
        r'<script type="application/json" id="rnnviz-payload">(.*?)</script>', text, re.S
    )
    assert match, "the page has no inline data"
    return json.loads(match.group(1))


def _modules(text: str) -> dict[str, str]:
    found = re.findall(
        r'<script type="application/octet-stream" id="rnnviz-esm-([\w-]+)">(.*?)</script>',
        text,
        re.S,
    )
    return {name: base64.b64decode(b64).decode("utf-8") for name, b64 in found}


def _array(payload: dict, value: dict) -> np.ndarray:
    """An array trait as the page stores it: {data: {$buffer: i}, shape, dtype}."""
    assert value["dtype"] == "float32"
    data = base64.b64decode(payload["buffers"][value["data"]["$buffer"]])
    return np.frombuffer(data, dtype=np.float32).reshape(value["shape"])


@pytest.fixture(scope="module")
def explorer():
    return explore(units=6, timesteps=8, weight_scale=1.0)


@pytest.fixture(scope="module")
def page(explorer, tmp_path_factory):
    path = tmp_path_factory.mktemp("export") / "rnn.html"
    to_html(explorer, path)
    return path


def test_one_file_that_references_nothing_outside_itself(page):
    text = page.read_text(encoding="utf-8")
    parser = _Tags()
    parser.feed(text)
    assert [t for t, _ in parser.tags].count("script") >= 5  # data, loader, 3 view modules+
    for tag, attrs in parser.tags:
        assert "src" not in attrs, f"<{tag} src=...> would be fetched"
        assert tag != "link", "a <link> would be fetched"
        assert not (attrs.get("href") or "").startswith(("http:", "https:", "//"))
    urls = set(re.findall(r"https?://[^\s\"'<>)]+", text))
    assert urls <= NAMESPACES, f"URLs in the page: {urls - NAMESPACES}"
    # The inlined modules import nothing from the network either.
    for name, source in _modules(text).items():
        assert not re.search(r"""(?:from|import)\s*\(?\s*["'](?:https?:)?//""", source), name
        assert "@import url(" not in source, name


def test_page_embeds_the_views_bundles_and_plotly_once(page):
    modules = _modules(page.read_text(encoding="utf-8"))
    assert {"graph", "heatmap", "gradients", "plotly_runtime"} <= set(modules)
    static = REPO / "rnnviz" / "static"
    for name in ("graph", "heatmap", "gradients", "plotly_runtime"):
        assert modules[name] == (static / f"{name}.js").read_text(encoding="utf-8")
    payload = _payload(page.read_text(encoding="utf-8"))
    assert payload["globals"] == [{"name": "Plotly", "module": "plotly_runtime"}]
    assert [v["name"] for v in payload["views"]] == ["graph", "heatmap", "gradients", "eigen"]


def test_the_page_inlines_the_libraries_its_views_declare_and_no_other(monkeypatch):
    """plotly.js is inlined because a view declares it (PAGE_GLOBALS), not because its
    bundle's text mentions the kernel's plotly message (how the export used to decide)."""
    from rnnviz.widgets import StateHeatmap, UnrolledGraph

    frame = build_frame(units=2, timesteps=3)

    class PlottedGraph(UnrolledGraph):  # a graph that reads plotly.js from the page
        PAGE_GLOBALS: ClassVar[dict[str, str]] = {"Plotly": "plotly_runtime"}

    text = page_html(PlottedGraph(frame=frame), sweep=None)
    assert set(_modules(text)) == {"graph", "plotly_runtime"}
    assert _payload(text)["globals"] == [{"name": "Plotly", "module": "plotly_runtime"}]

    monkeypatch.setattr(StateHeatmap, "PAGE_GLOBALS", {})  # a heatmap that needs none
    text = page_html(StateHeatmap(frame=frame), sweep=None)
    assert set(_modules(text)) == {"heatmap"}
    assert _payload(text)["globals"] == []


def test_every_view_whose_bundle_asks_the_kernel_for_plotly_declares_it():
    """The JS side (lib/plotly.js asks the kernel) and the Python declaration agree."""
    from rnnviz.widgets import EigenView, GradientFlow, StateHeatmap, UnrolledGraph
    from rnnviz.widgets._base import bundle

    for view in (UnrolledGraph, StateHeatmap, GradientFlow, EigenView):
        asks = "plotly:request" in bundle(view.__module__.rsplit(".", 1)[-1]).read_text("utf-8")
        assert (view.PAGE_GLOBALS == {"Plotly": "plotly_runtime"}) == asks, view.__name__


def test_sweep_frames_carry_the_simulator_numbers(page):
    payload = _payload(page.read_text(encoding="utf-8"))
    values = [f["value"] for f in payload["frames"]]
    assert values == list(DEFAULT_SWEEPS["weight_scale"])  # 1.0 is already in the list
    assert payload["initial"] == values.index(1.0)
    assert payload["sweep"] == {"name": "weight_scale", "label": "weight scale"}
    names = [v["name"] for v in payload["views"]]
    heat = names.index("heatmap")
    for frame in (payload["frames"][0], payload["frames"][-1]):
        expected = build_frame(units=6, timesteps=8, weight_scale=frame["value"])
        state = frame["views"][heat]
        assert state["frame_info"]["settings"]["weight_scale"] == frame["value"]
        assert frame["timesteps"] == 8
        values_ = _array(payload, state["values"])
        assert values_.shape == (6, 8)
        np.testing.assert_array_equal(values_, expected.states[-1].T.astype(np.float32))
    # h_t is shared by the graph and the heatmap: each distinct buffer is stored once.
    assert len(payload["buffers"]) == len(set(payload["buffers"]))


def test_every_sweep_frame_of_the_page_carries_its_own_bounds(page):
    """The page's weight-scale slider shows each frame's own ∏-of-step-norms bound."""
    payload = _payload(page.read_text(encoding="utf-8"))
    grad = [v["name"] for v in payload["views"]].index("gradients")
    for frame in payload["frames"]:
        state = frame["views"][grad]
        curve = _array(payload, state["log10_jacobian_norms"])
        bound = _array(payload, state["log10_product_bound"])
        expected = build_frame(units=6, timesteps=8, weight_scale=frame["value"])
        np.testing.assert_array_equal(bound, np.log10(expected.product_bound).astype(np.float32))
        assert np.all(curve <= bound + 1e-6)
        assert (
            state["frame_info"]["theory"]["pascanu_holds"] is True
        )  # the Elman RNN keeps its bound


def test_gated_cell_page_states_no_pascanu_bound():
    payload = _payload(page_html(explore(cell="gru", units=4, timesteps=6), sweep=None))
    grad = [v["name"] for v in payload["views"]].index("gradients")
    state = payload["frames"][0]["views"][grad]
    assert state["log10_bound"] is None
    assert state["frame_info"]["theory"]["vanishing_sufficient"] is None
    assert state["log10_product_bound"]["shape"] == [7]


def test_current_value_is_added_and_opened(tmp_path):
    ex = explore(units=4, timesteps=5, weight_scale=1.35)
    payload = _payload(page_html(ex, sweep_values=[0.5, 2.0]))
    assert [f["value"] for f in payload["frames"]] == [0.5, 1.35, 2.0]
    assert payload["initial"] == 1


def test_sweep_over_units_and_no_sweep(explorer):
    payload = _payload(page_html(explorer, sweep="units", sweep_values=[2, 6]))
    assert [f["views"][0]["frame_info"]["settings"]["units"] for f in payload["frames"]] == [2, 6]
    single = _payload(page_html(explorer, sweep=None))
    assert len(single["frames"]) == 1
    assert single["frames"][0]["views"][0]["frame_info"]["settings"]["units"] == 6


def test_a_sweep_moves_one_setting_as_its_control_would():
    """Every other setting was passed as asked for, so the rules refused what the Explorer
    does: the default timesteps sweep with truncate 3 (timesteps 1 < truncate) and the
    default truncate sweep at 8 timesteps (truncate 10) failed the whole export."""
    ex = explore(units=3, timesteps=8, truncate=3)
    payload = _payload(page_html(ex, sweep="timesteps"))
    settings = [f["views"][0]["frame_info"]["settings"] for f in payload["frames"]]
    assert [s["timesteps"] for s in settings] == [1, 2, 5, 8, 10, 20, 30, 50, 100, 200]
    assert [s["truncate"] for s in settings] == [1, 2, 3, 3, 3, 3, 3, 3, 3, 3]  # as the slider
    payload = _payload(page_html(ex, sweep="truncate"))
    assert [f["value"] for f in payload["frames"]] == [0, 1, 2, 3, 5]  # 10 and 20 > 8 steps
    with pytest.raises(ValueError, match=r"the sweep cannot show truncate=9: truncate .* got 9"):
        page_html(ex, sweep="truncate", sweep_values=[2, 9])
    with pytest.raises(ValueError, match=r"sweep must be a setting .*did you mean 'units'"):
        page_html(ex, sweep="unit")


def test_the_sweep_slider_is_named_and_valued_as_the_settings_say():
    """Its name is the control's label (SPECS), its values a choice's label or a number in
    the views' format (the page showed 'forget_bias', 'sentence', 0.30000000000000004)."""
    from rnnviz.settings import SPECS

    ex = explore(units=3, timesteps=4, cell="lstm")
    payload = _payload(page_html(ex, sweep="forget_bias", sweep_values=[0.1 + 0.2, 2.0]))
    assert payload["sweep"] == {"name": "forget_bias", "label": SPECS["forget_bias"].label}
    assert [f["text"] for f in payload["frames"]] == ["0.3", "1", "2"]
    payload = _payload(page_html(ex, sweep="input", sweep_values=["noise", "sentence"]))
    assert [f["text"] for f in payload["frames"]] == [
        SPECS["input"].choice_label(v) for v in ("noise", "sentence", "sine")
    ]
    assert payload["frames"][1]["views"][0]["frame_info"]["settings"]["features"] == 5


def test_every_sweep_frame_is_drawn_with_the_views_options_whatever_came_before():
    """One copy of each view drew the frames in turn and kept an option only where the
    previous frame had it: after an rnn frame the LSTM one showed h, not the c_t chosen
    (the page opened on it), after one layer the heatmap showed the top layer, not layer 1."""
    ex = explore(cell="lstm", units=3, timesteps=4, layers=2)
    ex.heatmap.quantity, ex.heatmap.layer = "c", 0
    heat = [v.NAME for v in ex.views].index("heatmap")
    payload = _payload(page_html(ex, sweep="cell", sweep_values=["rnn", "lstm"]))
    shown = [(f["views"][heat]["quantity"], f["views"][heat]["layer"]) for f in payload["frames"]]
    assert shown == [("h", 0), ("c", 0)]
    assert payload["initial"] == 1
    payload = _payload(page_html(ex, sweep="layers", sweep_values=[1, 3]))
    assert [f["views"][heat]["layer"] for f in payload["frames"]] == [0, 0, 0]


def test_the_page_keeps_display_options_not_a_transient_updating_veil():
    """Every synced non-data trait was copied: a view caught while newer settings were
    analysed (updating=True) drew its "updating" veil in the page for ever."""
    ex = explore(units=4, timesteps=6)
    ex.gradients.updating = True
    ex.graph.rolled = True
    payload = _payload(page_html(ex, sweep_values=[0.5]))
    names = [v["name"] for v in payload["views"]]
    for f in payload["frames"]:
        assert not any(state["updating"] for state in f["views"])
        assert f["views"][names.index("graph")]["rolled"] is True


def test_sweep_values_may_be_a_numpy_array():
    """The values went into the page as given: np.int64 failed the export ('Object of type
    int64 is not JSON serializable'); they are now the settings' checked values."""
    ex = explore(units=3, timesteps=4)
    payload = _payload(page_html(ex, sweep="units", sweep_values=np.array([2, 5])))
    assert [f["value"] for f in payload["frames"]] == [2, 3, 5]
    payload = _payload(page_html(ex, sweep_values=np.linspace(0.5, 1.5, 3)))
    assert [f["text"] for f in payload["frames"]] == ["0.5", "1", "1.5"]


@pytest.fixture(scope="module")
def lstm_page(tmp_path_factory):
    path = tmp_path_factory.mktemp("export-lstm") / "lstm.html"
    to_html(explore(cell="lstm", units=5, timesteps=7), path, sweep_values=[0.5, 2.0])
    return path


def test_heatmap_choices_are_precomputed_for_every_frame(lstm_page):
    payload = _payload(lstm_page.read_text(encoding="utf-8"))
    heat = [v["name"] for v in payload["views"]].index("heatmap")
    assert payload["selectors"] == ["quantity", "layer"]
    for frame in payload["frames"]:
        expected = build_frame(cell="lstm", units=5, timesteps=7, weight_scale=frame["value"])
        variants = {tuple(v["key"].items()): v["patch"] for v in frame["variants"][heat]}
        assert set(variants) == {
            (("quantity", q),) for q in ("c", "gate_i", "gate_f", "gate_c", "gate_o")
        }
        c_values = _array(payload, variants[(("quantity", "c"),)]["values"])
        np.testing.assert_array_equal(c_values, expected.cell_states[-1].T.astype(np.float32))
        f_values = _array(payload, variants[(("quantity", "gate_f"),)]["values"])
        np.testing.assert_array_equal(f_values, expected.gates[-1]["f"].T.astype(np.float32))
        assert frame["variants"][0] == []  # the graph has no such selector


def test_sweep_over_cells_keeps_their_order(explorer):
    payload = _payload(page_html(explorer, sweep="cell", sweep_values=["rnn", "lstm", "gru"]))
    assert [f["value"] for f in payload["frames"]] == ["rnn", "lstm", "gru"]
    assert [f["views"][0]["frame_info"]["settings"]["cell"] for f in payload["frames"]] == [
        "rnn",
        "lstm",
        "gru",
    ]
    assert payload["initial"] == 0


def test_non_finite_numbers_survive_json():
    from rnnviz.export._html import _BufferTable, _encode

    table = _BufferTable()
    encoded = _encode({"a": float("inf"), "b": [-float("inf"), float("nan")], "c": 1.5}, table)
    assert encoded == {
        "a": {"$float": "Infinity"},
        "b": [{"$float": "-Infinity"}, {"$float": "NaN"}],
        "c": 1.5,
    }
    json.dumps(encoded, allow_nan=False)  # valid JSON: the page turns the markers back


def test_identical_buffers_are_stored_once():
    from rnnviz.export._html import _BufferTable, _encode

    table = _BufferTable()
    data = np.arange(6, dtype=np.float32)
    refs = _encode(
        [memoryview(data.copy()).cast("B"), data.copy(), memoryview(data[:3].copy()).cast("B")],
        table,
    )
    assert refs == [{"$buffer": 0}, {"$buffer": 0}, {"$buffer": 1}]
    assert np.frombuffer(base64.b64decode(table.items[1]), np.float32).tolist() == [0.0, 1.0, 2.0]


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({"source": object()}, TypeError, "expects an Explorer"),
        ({"path": "rnn.png"}, ValueError, "writes an .html file"),
        ({"sweep": "seed"}, ValueError, "no default values for a sweep over 'seed'"),
        ({"sweep_values": []}, ValueError, "sweep_values is empty"),
    ],
)
def test_bad_arguments_are_rejected_and_write_nothing(explorer, tmp_path, kwargs, error, message):
    args = {"source": explorer, "path": "rnn.html", **kwargs}
    args["path"] = tmp_path / args["path"]
    with pytest.raises(error, match=re.escape(message)):
        to_html(args.pop("source"), args.pop("path"), **args)
    assert list(tmp_path.iterdir()) == []


# ----------------------------------------------------------------------------------------
# the page's own JS module and the declared interfaces the export depends on
# ----------------------------------------------------------------------------------------
EXPORT = REPO / "rnnviz" / "export"


def test_the_page_script_is_the_built_page_module_inlined_once(page):
    """page.html holds markup only; its JS is js/src/page.js, bundled and inlined."""
    template = (EXPORT / "page.html").read_text(encoding="utf-8")
    scripts = re.findall(r"<script\b[^>]*>(.*?)</script>", template, re.S)
    assert [s.strip() for s in scripts] == ["__PAYLOAD__", "__PAGE_SCRIPT__"]
    text = page.read_text(encoding="utf-8")
    inline = re.findall(r'<script type="module">(.*?)</script>', text, re.S)
    assert inline == [(REPO / "rnnviz" / "static" / "page.js").read_text(encoding="utf-8")]


def test_a_page_bundle_that_would_end_its_script_element_is_refused(monkeypatch, tmp_path):
    from rnnviz.export import _html

    bad = tmp_path / "page.js"
    bad.write_text('console.log("</SCRIPT><b>")', encoding="utf-8")
    monkeypatch.setattr(_html, "page_bundle", lambda: bad)
    with pytest.raises(ValueError, match="contains '</script'"):
        page_html(explore(units=2, timesteps=2), sweep=None)


def _anywidget_private_names() -> set[str]:
    """Private attributes of anywidget's objects: a widget's and a FileContents' own."""
    import anywidget
    from anywidget._file_contents import FileContents, VirtualFileContents

    contents = FileContents(REPO / "rnnviz" / "static" / "page.js", start_thread=False)
    objects = (anywidget.AnyWidget, FileContents, VirtualFileContents, contents)
    names = {n for obj in objects for n in [*dir(obj), *vars(obj)] if n.startswith("_")}
    documented = {"_esm", "_css"}  # anywidget's API: a widget's module and stylesheet
    return {n for n in names if not n.startswith("__") and n not in documented}


def test_the_export_reads_no_private_attribute_of_anywidget():
    """Neither ``x._path`` nor ``getattr(x, "_path")``: anywidget's internals may change."""
    private = _anywidget_private_names()
    assert "_path" in private  # what the export used to read (FileContents._path)
    used = []
    for path in sorted(EXPORT.glob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Attribute) and node.attr in private:
                used.append(f"{path.name}:{node.lineno} .{node.attr}")
            if (
                isinstance(node, ast.Call)
                and getattr(node.func, "id", None) in ("getattr", "hasattr", "setattr")
                and len(node.args) > 1
                and isinstance(node.args[1], ast.Constant)
                and node.args[1].value in private
            ):
                used.append(f"{path.name}:{node.lineno} {node.func.id}(…, {node.args[1].value!r})")
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("anywidget._"):
                used.append(f"{path.name}:{node.lineno} from {node.module} import …")
    assert used == []


def test_a_view_whose_module_is_given_as_text_is_exported_under_its_bundle_name(monkeypatch):
    """anywidget takes ``_esm`` as a path or as text: the export finds the view's bundle
    from the declared rule (module heatmap.py ↔ rnnviz/static/heatmap.js) either way."""
    from rnnviz.widgets import StateHeatmap

    source = (REPO / "rnnviz" / "static" / "heatmap.js").read_text(encoding="utf-8")
    monkeypatch.setattr(StateHeatmap, "_esm", source)
    text = page_html([StateHeatmap(frame=build_frame(units=2, timesteps=3))], sweep=None)
    assert _modules(text)["heatmap"] == source
    assert [v["name"] for v in _payload(text)["views"]] == ["heatmap"]


def test_any_object_with_the_exportable_interface_is_exported_with_its_own_frames():
    """Not only the Explorer: settings, frame, views and frame_for are all the export uses."""
    from rnnviz.export._interfaces import Exportable
    from rnnviz.widgets import GradientFlow, StateHeatmap

    frame = build_frame(units=3, timesteps=4, weight_scale=1.0)

    class Lesson:
        def __init__(self):
            self.frame = frame
            self.settings = dict(frame.settings)
            self.views = (StateHeatmap(frame=frame), GradientFlow(frame=frame))
            self.asked = []

        def frame_for(self, **settings):
            self.asked.append(settings["weight_scale"])
            return build_frame(**settings)

    lesson = Lesson()
    assert isinstance(lesson, Exportable)
    assert isinstance(explore(units=2, timesteps=2), Exportable)
    payload = _payload(page_html(lesson, sweep_values=[0.5, 2.0]))
    assert lesson.asked == [0.5, 1.0, 2.0]
    assert [v["name"] for v in payload["views"]] == ["heatmap", "gradients"]
    assert [f["views"][0]["frame_info"]["settings"]["weight_scale"] for f in payload["frames"]] == [
        0.5,
        1.0,
        2.0,
    ]


def test_views_alone_are_swept_with_build_frame_and_other_objects_are_refused():
    from rnnviz.widgets import EigenView, StateHeatmap

    heat = StateHeatmap(frame=build_frame(units=3, timesteps=4, weight_scale=0.5))
    payload = _payload(page_html([heat, EigenView()], sweep_values=[0.5, 2.0]))
    assert [v["name"] for v in payload["views"]] == ["heatmap", "eigen"]
    assert [f["value"] for f in payload["frames"]] == [0.5, 2.0]
    assert payload["initial"] == 0
    for bad, got in (
        ([], "got an empty list"),
        ([heat, "not a view"], r"got a list whose item 2 \(str\) is no rnnviz view"),
        ({"views": [heat]}, "got dict with no rnnviz view inside"),
    ):  # a list holding a view was said to have 'no rnnviz view inside'
        with pytest.raises(TypeError, match=f"expects an Explorer.*{got}"):
            page_html(bad)


def test_views_of_a_users_model_are_swept_with_that_model():
    """Views exported alone were swept with rnnviz's own cells built from the settings:
    the page of a user's model showed another network, even at the current value."""
    from rnnviz.sim import make_cell
    from rnnviz.widgets import StateHeatmap

    cell = make_cell("rnn", units=4, features=2, seed=11, weight_scale=1.2)
    ex = explore([cell], timesteps=5)
    payload = _payload(page_html([ex.heatmap], sweep_values=[0.5, 1.0]))
    assert [f["value"] for f in payload["frames"]] == [0.5, 1.0]
    for f, scale in zip(payload["frames"], (0.5, 1.0), strict=True):
        expected = ex._model.cells_at(scale)[0].run(ex.frame.x[None]).states[0]
        np.testing.assert_allclose(_array(payload, f["views"][0]["values"]), expected.T, rtol=1e-6)
    with pytest.raises(ValueError, match="units is fixed by your model"):
        page_html(StateHeatmap(frame=ex.frame), sweep="units")


def test_figures_take_a_frame_an_explorer_or_a_view():
    ex = explore(units=3, timesteps=4)
    expected = to_figures(ex.frame)["heatmap"].data[0].z
    for source in (ex, ex.heatmap, ex.graph):
        np.testing.assert_array_equal(to_figures(source)["heatmap"].data[0].z, expected)


# ----------------------------------------------------------------------------------------
# plotly.py figures
# ----------------------------------------------------------------------------------------
def test_figures_hold_the_frame_data():
    frame = build_frame(units=5, timesteps=7, weight_scale=0.8, truncate=3)
    figs = to_figures(frame)
    assert set(figs) == {"heatmap", "gradients"}
    heat = figs["heatmap"].data[0]
    np.testing.assert_array_equal(np.asarray(heat.z), frame.states[-1].T)
    assert list(heat.x) == [1, 2, 3, 4, 5, 6, 7]
    assert (heat.zmin, heat.zmax) == (-1.0, 1.0)
    grad = figs["gradients"]
    curve, bound = grad.data[0], grad.data[1]
    np.testing.assert_array_equal(np.asarray(curve.y), frame.jacobian_norms[::-1])
    assert list(curve.x) == list(range(8))
    np.testing.assert_array_equal(np.asarray(bound.y), frame.bound[::-1])
    assert "Elman RNN only" in bound.name
    product = grad.data[2]
    assert product.name == "∏ of per-step norms: always ≥ the curve"
    np.testing.assert_array_equal(np.asarray(product.y), frame.product_bound[::-1])
    assert grad.layout.yaxis.type == "log"
    (band,) = grad.layout.shapes
    assert (band.x0, band.x1) == (-0.5, 3.5)  # kept: steps back 0 … 3 (h_4 … h_7)
    assert "ρ = 0.8" in grad.layout.title.text


@pytest.mark.parametrize("cell", ["lstm", "gru"])
def test_gated_cell_figures_state_no_pascanu_bound_and_draw_every_sweep_bound(cell):
    frame = build_frame(cell=cell, units=5, timesteps=7, overlay="weight_scale")
    grad = to_figures(frame)["gradients"]
    names = [trace.name for trace in grad.data]
    assert not any("Pascanu" in n for n in names)
    assert "sufficient for vanishing" not in grad.layout.title.text
    assert "Elman RNN only" in grad.layout.title.text
    bounds = [t for t in grad.data if t.name.startswith("∏ of per-step norms")]
    assert len(bounds) == 1 + len(frame.overlays)  # one per curve, in the curve's colour
    curves = {t.name: t for t in grad.data[: len(bounds)]}
    for b in bounds:
        owner = b.name.split("(", 1)[1].split(")")[0]
        curve = next(c for name, c in curves.items() if owner == name or owner in name)
        assert b.line.color == curve.line.color
        assert np.all(np.asarray(curve.y) <= np.asarray(b.y) * (1 + 1e-9))


def test_overflow_and_underflow_are_drawn_on_the_axis_edges():
    frame = build_frame(units=3, timesteps=4)
    norms = np.array([np.inf, np.inf, 1e-3, 0.5, 1.0])  # t = 0..4
    frame = dataclasses.replace(
        frame, jacobian_norms=norms, bound=np.array([0.0, 1e-9, 1e-6, 1e-3, 1.0])
    )
    grad = to_figures(frame)["gradients"]
    names = [trace.name for trace in grad.data]
    assert "▲ overflow (inf)" in names
    over = grad.data[names.index("▲ overflow (inf)")]
    assert list(over.x) == [3, 4]  # steps back of t = 1 and t = 0
    _lo, hi = grad.layout.yaxis.range
    assert list(over.y) == [10.0**hi, 10.0**hi]
    assert list(grad.data[0].x) == [0, 1, 2]  # the finite values, none dropped silently
    under_bound = [n for n in names if "underflow" in n]
    assert under_bound == []  # the curve itself has no zero here
    frame0 = dataclasses.replace(frame, jacobian_norms=np.array([0.0, 1e-4, 1e-3, 0.5, 1.0]))
    grad0 = to_figures(frame0)["gradients"]
    under = next(t for t in grad0.data if t.name == "▼ underflow (0)")
    assert list(under.x) == [4]
    assert list(under.y) == [10.0 ** grad0.layout.yaxis.range[0]]


def test_figures_reject_other_objects():
    with pytest.raises(TypeError, match="to_figures expects a Frame"):
        to_figures({"states": []})


# ----------------------------------------------------------------------------------------
# in a real browser, with every network request refused
# ----------------------------------------------------------------------------------------
@contextlib.contextmanager
def _context(browser):
    """A fresh browser context of the session's shared Chromium, closed afterwards."""
    context = browser.new_context(viewport={"width": 1280, "height": 1000})
    try:
        yield context
    finally:
        context.close()


@pytest.mark.ui
def test_page_renders_offline_and_the_sweep_slider_switches_frames(page, ui_browser):
    url = page.as_uri()
    requests, blocked = [], []

    def route(r):
        requests.append(r.request.url)
        if r.request.url == url:
            r.continue_()
        else:
            blocked.append(r.request.url)
            r.abort()

    with _context(ui_browser) as context:
        tab = context.new_page()
        errors = []
        tab.on("pageerror", lambda e: errors.append(str(e)))
        tab.route("**/*", route)
        tab.goto(url)
        tab.wait_for_selector("body[data-rnnviz-ready=true]", timeout=60_000)
        roots = ["rnnviz-graph", "rnnviz-heatmap", "rnnviz-gradients", "rnnviz-eigen"]
        for testid in roots:
            tab.wait_for_selector(
                f'[data-testid="{testid}"][data-weight-scale="1"]', timeout=30_000
            )
            assert tab.get_attribute(f'[data-testid="{testid}"]', "data-units") == "6"
        ts = tab.eval_on_selector_all('[data-testid="h-node"]', "els => els.map(e => e.dataset.t)")
        assert sorted(map(int, ts)) == list(range(9))  # h_0 … h_8
        # Keyboard on the sweep slider: Home = first precomputed value (0.25).
        tab.focus("#rnnviz-sweep")
        tab.keyboard.press("Home")
        for testid in roots:
            tab.wait_for_selector(
                f'[data-testid="{testid}"][data-weight-scale="0.25"]', timeout=30_000
            )
        assert tab.text_content("#rnnviz-sweep-value") == "0.25"
        # The time scrubber drives t_cursor on every view.
        tab.focus("#rnnviz-time")
        tab.keyboard.press("ArrowRight")
        tab.keyboard.press("ArrowRight")
        assert tab.evaluate("window.rnnvizExport.models.map(m => m.get('t_cursor'))") == [2] * 4
        assert tab.text_content("#rnnviz-time-value") == "→ t = 2"
        # A view moving the cursor itself (set + save_changes, as in a notebook) moves the
        # others too; a set that is not saved stays in that view, as with a kernel.
        tab.evaluate("window.rnnvizExport.models[0].set('t_cursor', 4)")
        assert tab.evaluate("window.rnnvizExport.models.map(m => m.get('t_cursor'))") == [
            4,
            2,
            2,
            2,
        ]
        tab.evaluate(
            "{ const m = window.rnnvizExport.models[0]; m.set('t_cursor', 5); m.save_changes(); }"
        )
        assert tab.evaluate("window.rnnvizExport.models.map(m => m.get('t_cursor'))") == [5] * 4
        assert tab.input_value("#rnnviz-time") == "5"
        # Play steps on from there; pressing again pauses where it is, every view following.
        tab.click("#rnnviz-play")
        tab.wait_for_function("Number(document.querySelector('#rnnviz-time').value) > 5")
        tab.click("#rnnviz-play")
        position = int(tab.input_value("#rnnviz-time"))
        cursors = tab.evaluate(
            "window.rnnvizExport.models.map(m => [m.get('t_cursor'), m.get('phase')])"
        )
        expected = [position, "forward"] if position <= 8 else [17 - position, "backward"]
        assert cursors == [expected] * 4
        assert tab.input_value("#rnnviz-time") == str(position)  # paused
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        tab.screenshot(path=str(SCREENSHOTS / "export.png"), full_page=True)
        assert errors == []
    assert blocked == [], f"the page tried to fetch {blocked}"
    assert set(requests) == {url}


@pytest.mark.ui
def test_heatmap_selector_works_without_a_kernel(lstm_page, ui_browser):
    url = lstm_page.as_uri()
    with _context(ui_browser) as context:
        tab = context.new_page()
        tab.route("**/*", lambda r: r.continue_() if r.request.url == url else r.abort())
        tab.goto(url)
        tab.wait_for_selector('[data-testid="rnnviz-heatmap"][data-quantity="h"]', timeout=60_000)
        heat = tab.evaluate(
            "window.rnnvizExport.models.findIndex(m => m.get('frame_info').quantities)"
        )
        first = "(i) => { const v = window.rnnvizExport.models[i].get('values'); return v.data.getFloat32(0, true); }"
        tab.select_option('[data-testid="heatmap-quantity"]', "c")
        tab.wait_for_selector('[data-testid="rnnviz-heatmap"][data-quantity="c"]', timeout=30_000)
        expected = build_frame(cell="lstm", units=5, timesteps=7)
        assert tab.evaluate(first, heat) == float(np.float32(expected.cell_states[-1][0, 0]))
        # The choice survives a move of the sweep slider, with that frame's numbers.
        tab.focus("#rnnviz-sweep")
        tab.keyboard.press("End")
        tab.wait_for_selector(
            '[data-testid="rnnviz-heatmap"][data-weight-scale="2"]', timeout=30_000
        )
        assert tab.get_attribute('[data-testid="rnnviz-heatmap"]', "data-quantity") == "c"
        other = build_frame(cell="lstm", units=5, timesteps=7, weight_scale=2.0)
        assert tab.evaluate(first, heat) == float(np.float32(other.cell_states[-1][0, 0]))


# The shared model, alone: rnnviz/static/page.js imported on a blank page starts nothing and
# gives PageModel (the JS tests' fake model) and the payload decoding; one view is mounted
# with it, its state encoded as the export does.
MOUNT_JS = """async ({ page, view, state, buffers }) => {
  const load = async (source) => {
    const url = URL.createObjectURL(new Blob([source], { type: "text/javascript" }));
    try { return await import(url); } finally { URL.revokeObjectURL(url); }
  };
  const { PageModel, decodeBuffers, hydrate } = await load(page);
  const widget = (await load(view)).default;
  window.saves = [];
  window.model = new PageModel(hydrate(state, decodeBuffers(buffers)), {
    onSave: (_model, changes) => window.saves.push(changes),
  });
  await widget.render({ model: window.model, el: document.getElementById("host") });
  return typeof window.rnnvizExport;
}"""


@pytest.mark.ui
def test_the_shared_model_drives_a_view_alone_in_the_browser(ui_browser):
    from rnnviz.export._html import _BufferTable, _encode
    from rnnviz.widgets import UnrolledGraph

    graph = UnrolledGraph.from_settings(units=3, timesteps=4, layers=2)
    table = _BufferTable()
    state = _encode(graph.get_state(), table)
    static = REPO / "rnnviz" / "static"
    with _context(ui_browser) as context:
        context.route("**/*", lambda route: route.abort())  # nothing may leave the page
        tab = context.new_page()
        errors = []
        tab.on("pageerror", lambda e: errors.append(str(e)))
        tab.set_content('<!doctype html><meta charset="utf-8"><body><div id="host"></div>')
        args = {
            "page": (static / "page.js").read_text(encoding="utf-8"),
            "view": (static / "graph.js").read_text(encoding="utf-8"),
            "state": state,
            "buffers": table.items,
        }
        assert tab.evaluate(MOUNT_JS, args) == "undefined"  # the export page did not start
        tab.wait_for_selector('[data-testid="rnnviz-graph"][data-units="3"]', timeout=30_000)
        assert tab.locator('[data-testid="h-node"]').count() == 2 * 5  # h_0 … h_4, 2 layers
        tab.click("button.rg-roll")
        tab.wait_for_selector('[data-testid="rnnviz-graph"][data-rolled="true"]')
        assert tab.evaluate("window.saves") == [{"rolled": True}]
        # the kernel's side: a change pushed into the model redraws the view
        tab.evaluate("window.model.update({ rolled: false })")
        tab.wait_for_selector('[data-testid="rnnviz-graph"][data-rolled="false"]')
        assert errors == []


@pytest.mark.ui
def test_graph_svg_is_drawn_by_the_graph_view(tmp_path):
    pytest.importorskip("playwright.sync_api")
    ex = explore(units=4, timesteps=6)
    out = tmp_path / "graph.svg"
    svg = graph_svg(ex, out)
    assert svg.startswith("<svg")
    assert 'xmlns="http://www.w3.org/2000/svg"' in svg
    assert svg.count('data-testid="h-node"') == 7  # h_0 … h_6
    assert out.read_text(encoding="utf-8") == svg


def test_figures_relu_heatmap_is_sequential_from_zero():
    frame = build_frame(units=6, timesteps=9, activation="relu", weight_scale=1.5)
    heat = to_figures(frame)["heatmap"].data[0]
    h = frame.states[-1]
    assert (heat.zmin, heat.zmax) == (0.0, float(np.max(h.astype(np.float32))))  # as the views
    assert heat.colorscale[0][1] == "#f7f7f7"  # 0 is the neutral colour, no blue half
    tanh = to_figures(build_frame(units=6, timesteps=9))["heatmap"].data[0]
    assert tanh.colorscale[0][1] == "#2166ac"  # tanh stays diverging


def test_figures_at_one_unit_and_one_step_have_integer_axes_and_singular_titles():
    figs = to_figures(build_frame(units=1, timesteps=1))
    heat = figs["heatmap"].layout
    assert "1 unit × 1 timestep" in heat.title.text
    assert "units" not in heat.title.text
    assert "timesteps" not in heat.title.text
    grad = figs["gradients"].layout
    for axis in (heat.xaxis, heat.yaxis, grad.xaxis):
        assert axis.tickformat == "d"
        assert axis.dtick >= 1
        assert float(axis.dtick).is_integer()
    assert "16 units × 20 timesteps" in to_figures(build_frame())["heatmap"].layout.title.text


def test_figures_log_axis_is_labelled_at_powers_of_ten_only():
    grad = to_figures(build_frame(units=4, timesteps=60, weight_scale=0.5))["gradients"]
    y = grad.layout.yaxis
    assert y.tickmode == "array"
    ks = [round(math.log10(v)) for v in y.tickvals]
    assert [10.0**k for k in ks] == pytest.approx(list(y.tickvals), rel=1e-12)
    assert 2 <= len(ks) <= 8
    assert all(t == "1" or t == "10" or t.startswith("10<sup>") for t in y.ticktext)


def test_figures_overlay_colours_are_fixed_by_value():
    def colours(scale):
        frame = build_frame(units=4, timesteps=6, overlay="weight_scale", weight_scale=scale)
        return {t.name: t.line.color for t in to_figures(frame)["gradients"].data}

    # the overlays are the sweep without the current scale, so positions differ
    at2, at05 = colours(2.0), colours(0.5)
    for name in ("s = 1", "s = 1.5"):
        assert at2[name] == at05[name], name


def test_views_exported_together_are_each_drawn_with_their_own_frame():
    from rnnviz.widgets import GradientFlow, StateHeatmap

    heat = StateHeatmap.from_settings(units=4, timesteps=5, weight_scale=0.5)
    grad = GradientFlow.from_settings(units=6, timesteps=5, weight_scale=1.5, cell="lstm")
    payload = _payload(page_html([heat, grad], sweep=None))
    drawn = [v["frame_info"]["settings"] for v in payload["frames"][0]["views"]]
    assert [(s["units"], s["weight_scale"], s["cell"]) for s in drawn] == [
        (4, 0.5, "rnn"),
        (6, 1.5, "lstm"),
    ]
    # a sweep moves each view's own settings (the swept one is the page's: the same)
    lstm = GradientFlow.from_settings(units=6, timesteps=5, weight_scale=0.5, cell="lstm")
    sweep = _payload(page_html([heat, lstm], sweep="weight_scale", sweep_values=[0.5, 1.5]))
    for frame in sweep["frames"]:
        cells = [v["frame_info"]["settings"]["cell"] for v in frame["views"]]
        scales = {v["frame_info"]["settings"]["weight_scale"] for v in frame["views"]}
        assert (cells, scales) == (["rnn", "lstm"], {frame["value"]})


def test_views_that_cannot_share_the_page_controls_are_refused():
    from rnnviz.widgets import StateHeatmap

    five = StateHeatmap.from_settings(units=4, timesteps=5)
    seven = StateHeatmap.from_settings(units=4, timesteps=7)
    with pytest.raises(
        ValueError, match=r"same timesteps.*StateHeatmap: 5 steps, StateHeatmap: 7 steps"
    ):
        page_html([five, seven], sweep=None)
    other_scale = StateHeatmap.from_settings(units=4, timesteps=5, weight_scale=1.5)
    with pytest.raises(ValueError, match="same weight_scale"):
        page_html([five, other_scale])
    assert _payload(page_html([five, other_scale], sweep="units", sweep_values=[4, 8]))


def test_seq2seq_page_scrubber_walks_the_whole_run_with_its_timeline():
    """The page's scrubber counted encoder steps while its heatmap and gradient panel read
    that t against the decoder: they marked decoder steps during the encoder's pass."""
    from rnnviz.widgets import StateHeatmap

    view = StateHeatmap.from_settings(architecture="seq2seq", timesteps=4, decoder_steps=2)
    frame = _payload(page_html(view, sweep=None))["frames"][0]
    assert frame["timesteps"] == 6  # N = T + S: the scrubber's forward positions
    assert [(s["name"], s["start"], s["steps"]) for s in frame["timeline"]] == [
        ("encoder", 0, 4),
        ("decoder", 4, 2),
    ]
    assert frame["views"][0]["frame_info"]["timeline"] == frame["timeline"]
