"""Standalone HTML: views + precomputed sweep frames + an in-page model, in one file.

The page is ``page.html`` (markup and styles) with the page's own JS module
(``rnnviz/static/page.js``, built from ``js/src/page.js``), the views' JS modules and the
data inlined. What this module needs from the views and the Explorer is declared in
:mod:`rnnviz.export._interfaces`.
"""

from __future__ import annotations

import base64
import hashlib
import html as html_lib
import itertools
import json
import math
import os
import pathlib
import re
from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np
from traitlets import TraitError

from rnnviz.export._atomic import _checked_path, write_atomic
from rnnviz.export._interfaces import (
    Exportable,
    ViewsSource,
    bundle,
    bundle_name,
    is_view,
    page_bundle,
    page_globals,
    run_steps,
    scrubber_frame,
    selectors,
    timeline,
    view_class,
    view_names,
)
from rnnviz.export._sweep import (
    sweep_label,
    sweep_values_for,
    swept,
    value_text,
)

_TEMPLATE = pathlib.Path(__file__).with_name("page.html")
_PLACEHOLDER = re.compile(r"__(?:VIEW_CSS|NOTE|MODULES|TITLE|PAYLOAD|PAGE_SCRIPT)__")


# Widget bookkeeping that means nothing outside a Jupyter front end.
_SKIP_KEYS = {
    "_model_module",
    "_model_module_version",
    "_model_name",
    "_view_module",
    "_view_module_version",
    "_view_name",
    "_view_count",
    "_dom_classes",
    "layout",
    "tabbable",
    "tooltip",
    "_esm",
    "_css",
    "_anywidget_id",
    "comm",
    "keys",
    "log",
}


# ----------------------------------------------------------------------------------------
# collecting views and settings
# ----------------------------------------------------------------------------------------
def _as_exportable(source: Any) -> Exportable:
    """``source`` as an :class:`Exportable`: an Explorer is one; a view or a list of views
    becomes a :class:`ViewsSource`."""
    if isinstance(source, Exportable):
        views = [v for v in source.views if is_view(v)]
        if views:
            return source
    elif is_view(source):
        return ViewsSource([source])
    elif isinstance(source, (list, tuple)) and source and all(is_view(v) for v in source):
        return ViewsSource(list(source))
    if isinstance(source, (list, tuple)) and source:
        others = [f"{i} ({type(v).__name__})" for i, v in enumerate(source, 1) if not is_view(v)]
        items = "item" if len(others) == 1 else "items"
        are = "is no rnnviz view" if len(others) == 1 else "are no rnnviz views"
        got = f"a {type(source).__name__} whose {items} {', '.join(others)} {are}"
    elif isinstance(source, (list, tuple)):
        got = f"an empty {type(source).__name__}"
    else:
        got = f"{type(source).__name__} with no rnnviz view inside"
    raise TypeError(
        "to_html expects an Explorer (from rnnviz.explore()), an rnnviz view "
        f"({', '.join(view_names())}) or a list of views; got {got}."
    )


def _collect_views(source: Any) -> list:
    """The rnnviz views of an Explorer (in display order), a single view, or a list of them."""
    return [v for v in _as_exportable(source).views if is_view(v)]


def _module_source(name: str) -> str:
    return bundle(name).read_text(encoding="utf-8")


# ----------------------------------------------------------------------------------------
# widget state -> JSON with a shared table of base64 buffers
# ----------------------------------------------------------------------------------------
class _BufferTable:
    """Base64 buffers stored once each (the graph and the heatmap share ``h_t``)."""

    def __init__(self) -> None:
        self.items: list[str] = []
        self._index: dict[bytes, int] = {}

    def add(self, data: bytes) -> dict:
        key = hashlib.sha1(data).digest()
        if key not in self._index:
            self._index[key] = len(self.items)
            self.items.append(base64.b64encode(data).decode("ascii"))
        return {"$buffer": self._index[key]}


def _encode(value: Any, table: _BufferTable) -> Any:
    if isinstance(value, (memoryview, bytes, bytearray)):
        return table.add(bytes(value))
    if isinstance(value, np.ndarray):
        return table.add(np.ascontiguousarray(value).tobytes())
    if isinstance(value, dict):
        return {str(k): _encode(v, table) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_encode(v, table) for v in value]
    if isinstance(value, float) and not math.isfinite(value):
        # JSON has no inf/NaN: a marker the page turns back into the number.
        text = "NaN" if math.isnan(value) else ("Infinity" if value > 0 else "-Infinity")
        return {"$float": text}
    return value


def _fresh_copy(view: Any, frame: Any) -> Any:
    """A new view of the same class showing ``frame``, with the same display options (its
    ``VIEW_OPTIONS``; not the scrubber's cursor nor a transient "updating" veil)."""
    copy = view_class(view)(frame=frame)
    for name in type(view).VIEW_OPTIONS:
        if not copy.has_trait(name):
            continue
        try:
            setattr(copy, name, getattr(view, name))
        except (AttributeError, TypeError, ValueError, TraitError):
            continue  # an option the new frame does not offer (e.g. an LSTM-only quantity)
    return copy


def _variants(view: Any, base: dict) -> list[dict]:
    """What the kernel would answer when the page changes a view's selectors (its
    ``SELECTORS``, e.g. the heatmap's quantity).

    For every other combination of the selector values the view offers, the keys of its
    state that change, as ``{"key": {selector: value}, "patch": {...}}``. The view ends
    with its selectors as they were.
    """
    axes = []
    for selector, options_of in type(view).SELECTORS.items():
        options = list(getattr(view, options_of))  # declared: never skipped in silence
        values = [o[0] if isinstance(o, (list, tuple)) else i for i, o in enumerate(options)]
        if len(values) > 1:
            axes.append((selector, values))
    if not axes:
        return []
    names = [name for name, _ in axes]
    original = {name: getattr(view, name) for name in names}
    out = []
    try:
        for combo in itertools.product(*(values for _, values in axes)):
            key = dict(zip(names, combo, strict=True))
            if key == original:
                continue
            for name, value in key.items():
                setattr(view, name, value)
            state = view.get_state()
            patch = {
                k: v
                for k, v in state.items()
                if k not in _SKIP_KEYS and k not in key and v != base.get(k)
            }
            out.append({"key": key, "patch": patch})
    finally:
        for name, value in original.items():
            setattr(view, name, value)
    return out


def _render_frames(views: Sequence, frames: Sequence) -> list:
    """``[(value, frames, states, variants)]``: each ``(value, frames)`` (one frame per view)
    drawn by fresh copies of ``views``, with their display options. A copy per frame: a
    view keeps its options from one frame to the next only where the next has them (no c_t
    in an rnn frame), so a copy that went through other frames first would draw this one
    otherwise."""
    out = []
    for value, view_frames in frames:
        states, variants = [], []
        for view, frame in zip(views, view_frames, strict=True):
            copy = _fresh_copy(view, frame)
            try:
                state = copy.get_state()
                states.append(state)
                variants.append(_variants(copy, state))
            finally:
                copy.close()
        out.append((value, view_frames, states, variants))
    return out


def _frames_at(exportable: Exportable, views: list, sweep: str | None, value: Any) -> list:
    """The frame of each view at one sweep value (``sweep`` None: the frames shown). Views
    alone (:class:`ViewsSource`) each have their own; an Explorer's views share its frame."""
    if isinstance(exportable, ViewsSource):
        return exportable.frames_at(sweep, value, swept)
    if sweep is None:
        frame = exportable.frame
    else:
        frame = exportable.frame_for(**swept(dict(exportable.settings), sweep, value))
    return [frame] * len(views)


# ----------------------------------------------------------------------------------------
# the page
# ----------------------------------------------------------------------------------------
def page_html(
    source: Any,
    *,
    sweep: str | None = "weight_scale",
    sweep_values: Iterable | None = None,
    title: str = "rnnviz",
) -> str:
    """The standalone HTML page as a string (see :func:`to_html`)."""
    title = _check_title(title)
    exportable = _as_exportable(source)
    views = [v for v in exportable.views if is_view(v)]
    settings = dict(exportable.settings)
    table = _BufferTable()
    modules: dict[str, str] = {}
    view_meta = []
    for view in views:
        module = bundle_name(type(view))
        if module not in modules:
            modules[module] = _module_source(module)
        css = str(getattr(view, "_css", "") or "")  # anywidget's optional stylesheet
        view_meta.append({"name": module, "module": module, "css": css})

    if sweep is None:
        value = settings.get("weight_scale")
        frames = _render_frames(views, [(value, _frames_at(exportable, views, None, value))])
        initial = 0
    else:
        # Every frame from the model of the frame shown (a user's model, not rnnviz's own
        # cells): the Explorer's frame_for, or ViewsSource.frame_for for views alone.
        values = sweep_values_for(settings, sweep, sweep_values)
        frames = _render_frames(
            views, [(v, _frames_at(exportable, views, sweep, v)) for v in values]
        )
        initial = values.index(settings[sweep]) if settings.get(sweep) in values else 0

    # Libraries a kernel serves to the views (plotly.js): inlined once, set as page globals.
    globals_ = []
    for name, module in page_globals(views).items():
        modules.setdefault(module, _module_source(module))
        globals_.append({"name": name, "module": module})

    payload = {
        "globals": globals_,
        "views": [{"name": m["name"], "module": m["module"]} for m in view_meta],
        "sweep": {"name": sweep, "label": sweep_label(sweep)},
        "initial": initial,
        "frames": [
            {
                "value": value,
                "text": value_text(sweep, value) if sweep else "",
                # the scrubber walks every step of the run (seq2seq: encoder, then decoder)
                "timesteps": run_steps(scrubber_frame(views, view_frames).settings),
                "timeline": timeline(scrubber_frame(views, view_frames).settings),
                "views": [
                    {k: _encode(v, table) for k, v in st.items() if k not in _SKIP_KEYS}
                    for st in states
                ],
                "variants": [_encode(v, table) for v in variants],
            }
            for value, view_frames, states, variants in frames
        ],
        "selectors": selectors(views),
        "buffers": table.items,
    }
    payload_json = json.dumps(payload, separators=(",", ":"), allow_nan=False)
    payload_json = payload_json.replace("</", "<\\/")
    module_tags = "\n".join(
        f'<script type="application/octet-stream" id="rnnviz-esm-{name}">'
        f"{base64.b64encode(src.encode('utf-8')).decode('ascii')}</script>"
        for name, src in modules.items()
    )
    css = "\n".join(dict.fromkeys(m["css"] for m in view_meta if m["css"]))
    note = (
        f"{len(frames)} precomputed values of {sweep_label(sweep)}; "
        "other settings need the notebook."
        if sweep
        else "these settings only; other settings need the notebook."
    )
    fields = {
        "__VIEW_CSS__": css.replace("</", "<\\/"),
        "__NOTE__": html_lib.escape(note),
        "__MODULES__": module_tags,
        "__TITLE__": html_lib.escape(title),
        "__PAYLOAD__": payload_json,
        "__PAGE_SCRIPT__": _page_script(),
    }
    # One pass over the template: a value is never searched for another placeholder, so
    # a title that contains "__PAYLOAD__" stays that text.
    template = _TEMPLATE.read_text(encoding="utf-8")
    return _PLACEHOLDER.sub(lambda m: fields[m.group(0)], template)


def _page_script() -> str:
    """The page's own module, inlined in a ``<script type="module">`` element."""
    path = page_bundle()
    source = path.read_text(encoding="utf-8")
    if re.search(r"</script", source, re.IGNORECASE):
        # esbuild escapes "</script" in strings; a bundle that still holds one would end
        # the element early and break the page.
        raise ValueError(f"{path} contains '</script' and cannot be inlined in the page.")
    return source


def _check_title(title: object) -> str:
    if not isinstance(title, str):
        raise TypeError(
            f"title (the page's title and heading) must be a string; "
            f"got {type(title).__name__} {title!r}."
        )
    return title


def to_html(
    source: Any,
    path: str | os.PathLike,
    sweep: str | None = "weight_scale",
    sweep_values: Iterable | None = None,
    title: str = "rnnviz",
) -> pathlib.Path:
    """Write ONE self-contained HTML file that shows the same views without a kernel.

    Parameters
    ----------
    source : Explorer, view, or list of views
        What to export: ``rnnviz.explore(...)`` (all its views, in display order) or
        views of ``rnnviz.widgets`` (the graph, the heatmap, the gradient and eigen views).
    path : str or path-like
        Where to write the ``.html`` file (parent folders must exist).
    sweep : str or None
        The setting the page's slider sweeps over (default ``"weight_scale"``; also
        ``"units"``, ``"timesteps"``, ``"truncate"`` or any Explorer setting with
        ``sweep_values``). One frame per value is computed now with the simulator and
        stored in the file, so the export costs one simulator run per value (fast at the
        default sizes; at units 256 × timesteps 200 each run takes seconds).
        ``None``: no sweep, just the current state.
    sweep_values : iterable, optional
        The values to precompute (default :data:`DEFAULT_SWEEPS`, less those the other
        settings refuse, e.g. truncate above timesteps). Each moves its setting as the
        Explorer's control would (lowering timesteps lowers truncate with it). The current
        value is always added, and the page opens on it.
    title : str
        Page title and heading.

    Returns
    -------
    pathlib.Path
        The file written. It references nothing outside itself.

    Raises
    ------
    OSError
        When the file cannot be written completely (disk full, file-size limit): the
        page is written to a temporary file in the same folder and moved over ``path``
        only when complete, so an existing file at ``path`` is left as it was and no
        partial file remains.
    """
    path = _checked_path(path, "to_html")
    if path.suffix.lower() not in (".html", ".htm"):
        raise ValueError(f"to_html writes an .html file; got the path {str(path)!r}.")
    html = page_html(source, sweep=sweep, sweep_values=sweep_values, title=title)
    return write_atomic(path, html, what="to_html")
