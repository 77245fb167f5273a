"""The rules linking settings, in one function: :func:`implied_changes`.

Architecture ⇔ return_sequences, decoder_steps for seq2seq only, the sentence's features
and timesteps, truncate ≤ timesteps. :func:`non_default` is their inverse for a whole set
of settings: what differs from ``DEFAULTS`` and is not implied by another setting.
"""

from __future__ import annotations

from typing import Any

from rnnviz.settings.specs import DEFAULTS, SPECS
from rnnviz.sim import inputs

__all__ = ["implied_changes", "non_default"]


def _architecture_wants(architecture: str) -> bool:
    """return_sequences implied by an architecture (only many-to-one returns h_T alone)."""
    return architecture != "many-to-one"


def implied_changes(
    changed: dict[str, Any], current: dict[str, Any], chosen: dict[str, Any] | None = None
) -> dict[str, Any]:
    """Every change that ``changed`` implies, given the ``current`` settings.

    The one place where settings are linked. Returns ``changed`` together with the other
    settings that must change with it (only those whose value differs from ``current``):

    * ``architecture`` and ``return_sequences`` describe the same choice for the top
      layer: given one, the other follows (``"many-to-one"`` ⇔ ``return_sequences=False``);
      given both, they must agree;
    * ``decoder_steps`` applies to ``architecture="seq2seq"`` only: leaving seq2seq sets
      it back to 0;
    * ``input="sentence"`` feeds one-hot words: ``features`` is the sentence's vocabulary
      size (5 for "the cat sat on the mat") and any other value is refused. Choosing the
      sentence sets ``features`` to it and ``timesteps`` to the number of words (one
      column per word), unless the same change gives ``timesteps``: more steps than words
      are padding (zero vectors), fewer cut the sentence (``rnnviz.sim.inputs``).
      Leaving the sentence gives ``features`` back the learner's own value
      (``chosen["features"]``, the default when they never chose one), unless the same
      change gives it: 5 was forced by the sentence, not chosen. ``timesteps`` stays, as
      the sentence only suggested it (any value is allowed) and its slider shows it;
    * ``truncate`` ≤ ``timesteps``: lowering ``timesteps`` below ``truncate`` lowers it too.

    Parameters
    ----------
    changed : dict
        The new values, each already valid on its own (see :func:`check_setting`).
    current : dict
        Every setting before the change.
    chosen : dict, optional
        The values the learner gave settings themselves, not those a rule set (an Explorer
        keeps them; default: none, i.e. ``DEFAULTS`` where a rule gives a value back).

    Raises
    ------
    ValueError
        When ``changed`` contradicts itself or a rule (e.g. ``truncate`` > ``timesteps``
        asked for explicitly); the message says which setting to change instead.
    """
    out = dict(changed)
    state = {**current, **changed}

    if "architecture" in changed and "return_sequences" in changed:
        wants = _architecture_wants(changed["architecture"])
        if changed["return_sequences"] != wants:
            other = "many-to-one" if wants else "many-to-many"
            raise ValueError(
                f"architecture {changed['architecture']!r} means return_sequences={wants} "
                f"(the top layer returns {'every h_t' if wants else 'only h_T'}); got "
                f"return_sequences={changed['return_sequences']}. Use architecture={other!r} "
                "for the other choice."
            )
    elif "architecture" in changed:
        state["return_sequences"] = _architecture_wants(changed["architecture"])
    elif "return_sequences" in changed:
        arch = state["architecture"]
        if arch in ("many-to-many", "many-to-one"):
            state["architecture"] = "many-to-many" if changed["return_sequences"] else "many-to-one"
        elif not changed["return_sequences"]:
            raise ValueError(
                f"return_sequences=False (only h_T) is the many-to-one architecture; the "
                f"current architecture {arch!r} returns every h_t. Set "
                "architecture='many-to-one' instead."
            )

    if state["decoder_steps"] and state["architecture"] != "seq2seq":
        if "decoder_steps" in changed:
            raise ValueError(
                f"decoder_steps ({SPECS['decoder_steps'].meaning}) applies to "
                f"architecture='seq2seq' only; got decoder_steps={state['decoder_steps']} with "
                f"architecture={state['architecture']!r}. Set architecture='seq2seq' as well, "
                "or leave decoder_steps at 0."
            )
        state["decoder_steps"] = 0  # the architecture changed away from seq2seq

    if changed.get("input") == "sentence":
        if "features" not in changed:
            state["features"] = len(inputs.vocabulary())
        if "timesteps" not in changed:
            state["timesteps"] = len(inputs.sentence()[1])  # one column per word
    elif current["input"] == "sentence" and "input" in changed and "features" not in changed:
        # the sentence forced its vocabulary size: the learner's own features come back
        state["features"] = (chosen or {}).get("features", DEFAULTS["features"])
    if state["input"] == "sentence" and ("input" in changed or "features" in changed):
        try:
            inputs.sentence_features(state["features"])
        except ValueError as err:
            raise ValueError(
                f"{err} Leave features out (choosing input='sentence' sets it), or choose "
                "another input."
            ) from None

    if state["truncate"] > state["timesteps"]:
        if "truncate" in changed:
            raise ValueError(
                f"truncate (steps of truncated BPTT) must be from 0 to timesteps="
                f"{state['timesteps']} (0 = full BPTT); got {state['truncate']}."
            )
        state["truncate"] = state["timesteps"]

    for name, value in state.items():
        if name not in out and value != current.get(name):
            out[name] = value
    return out


def non_default(settings: dict[str, Any]) -> dict[str, Any]:
    """The settings that differ from ``DEFAULTS`` (and are not implied by another one).

    ``rnnviz.explore(**non_default(s))`` rebuilds exactly ``s``.
    """
    out = {k: v for k, v in settings.items() if k in SPECS and v != DEFAULTS[k]}
    arch = settings.get("architecture", DEFAULTS["architecture"])
    if "return_sequences" in out and out["return_sequences"] == _architecture_wants(arch):
        del out["return_sequences"]
    return out
