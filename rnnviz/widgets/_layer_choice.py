"""The learner's layer choice across frames: one rule for every view with a layer menu.

A view's menu picks a layer by its index into the names of the frame shown then
(``frame.layer_names``: "layer 1" … "layer L", or "encoder i" / "decoder i" in seq2seq).
When a new frame arrives (``layers`` 3 → 2, another architecture), the choice is kept while
the new frame has a layer of the same name — at its new index — and otherwise falls back
to the top layer, with a note that says so (the choice is then forgotten: the menu and the
picture show the top layer, as for a learner who never chose).
"""

from __future__ import annotations

from collections.abc import Sequence

__all__ = ["follow_layer"]


def follow_layer(
    chosen: int, shown_names: Sequence[str], new_names: Sequence[str]
) -> tuple[int, str]:
    """Where the chosen layer is in a new frame.

    Parameters
    ----------
    chosen : int
        Index into ``shown_names`` of the layer the learner chose; -1: none (the top one).
    shown_names, new_names : sequence of str
        ``layer_names`` of the frame shown when the choice was made, and of the new frame.

    Returns
    -------
    index : int
        Index of the same layer in ``new_names``; -1 (the top layer) when none was chosen or
        when the new frame has no layer of that name.
    note : str
        "" unless a chosen layer is gone: then the sentence that says the top one is shown.
    """
    if not 0 <= chosen < len(shown_names):
        return -1, ""
    name = str(shown_names[chosen])
    names = [str(n) for n in new_names]
    if name in names:
        return names.index(name), ""
    top = names[-1] if names else "the top layer"
    return -1, f"the chosen {name} no longer exists: showing the top layer, {top}"
