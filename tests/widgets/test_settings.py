"""Settings validation shared by the frame builder, the Explorer and its controls."""

from __future__ import annotations

import numpy as np
import pytest

from rnnviz.settings import (
    CONTROLS,
    DEFAULTS,
    SPECS,
    check_setting,
    implied_changes,
    non_default,
    validate_settings,
)


def test_defaults_are_the_documented_ones():
    assert DEFAULTS == {
        "units": 16,
        "timesteps": 20,
        "weight_scale": 1.0,
        "cell": "rnn",
        "forget_bias": 1.0,
        "activation": "tanh",
        "input": "sine",
        "architecture": "many-to-many",
        "return_sequences": True,
        "layers": 1,
        "truncate": 0,
        "features": 3,
        "batch": 1,
        "seed": 0,
        "init": "orthogonal",
        "output_units": 0,
        "decoder_steps": 0,
        "overlay": "none",
    }


def test_numpy_numbers_are_normalised_to_python():
    assert check_setting("units", np.int64(32)) == 32
    assert type(check_setting("units", np.int64(32))) is int
    assert check_setting("units", 32.0) == 32
    assert check_setting("weight_scale", 2) == 2.0
    assert type(check_setting("weight_scale", np.float32(0.5))) is float
    assert check_setting("cell", "LSTM") == "lstm"


@pytest.mark.parametrize(
    ("name", "value", "error", "words"),
    [
        ("units", 0, ValueError, ["units", "1 to 256", "got 0"]),
        ("units", 300, ValueError, ["units", "hidden units", "got 300"]),
        ("units", 2.5, TypeError, ["units", "integer", "2.5"]),
        ("units", "16", TypeError, ["units", "str"]),
        ("units", True, TypeError, ["units", "bool"]),
        ("timesteps", 201, ValueError, ["timesteps", "1 to 200"]),
        ("weight_scale", 0.0, ValueError, ["weight_scale", "0.05 to 3.0"]),
        ("weight_scale", float("nan"), ValueError, ["weight_scale"]),
        ("weight_scale", float("inf"), ValueError, ["weight_scale"]),
        ("cell", "transformer", ValueError, ["'rnn'", "'lstm'", "'gru'", "transformer"]),
        ("cell", 3, TypeError, ["cell", "int"]),
        ("return_sequences", 1, TypeError, ["return_sequences", "True or False"]),
        ("layers", 4, ValueError, ["layers", "1 to 3"]),
        ("forget_bias", -0.5, ValueError, ["forget_bias", "forget-gate bias b_f", "0.0 to 5.0"]),
        ("forget_bias", 5.5, ValueError, ["forget_bias", "0.0 to 5.0", "got 5.5"]),
        ("forget_bias", float("nan"), ValueError, ["forget_bias"]),
        ("forget_bias", "1", TypeError, ["forget_bias", "str"]),
        ("forget_bias", True, TypeError, ["forget_bias", "bool"]),
    ],
)
def test_bad_values_say_what_was_expected_and_given(name, value, error, words):
    with pytest.raises(error) as info:
        check_setting(name, value)
    for word in words:
        assert word in str(info.value)


def test_unknown_setting_lists_valid_ones_and_suggests_the_closest():
    with pytest.raises(TypeError) as info:
        validate_settings({"unit": 4})
    message = str(info.value)
    assert "'unit'" in message
    assert "did you mean 'units'" in message
    for name in SPECS:
        assert name in message


def test_architecture_implies_return_sequences_and_back():
    assert validate_settings({"architecture": "many-to-one"})["return_sequences"] is False
    assert validate_settings({"return_sequences": False})["architecture"] == "many-to-one"
    base = validate_settings({"architecture": "many-to-one"})
    assert validate_settings({"return_sequences": True}, base=base)["architecture"] == (
        "many-to-many"
    )
    assert validate_settings({"architecture": "seq2seq"}, base=base)["return_sequences"] is True


def test_contradicting_architecture_and_return_sequences_are_rejected():
    with pytest.raises(ValueError, match=r"many-to-one.*return_sequences=False"):
        validate_settings({"architecture": "many-to-one", "return_sequences": True})
    base = validate_settings({"architecture": "seq2seq"})
    with pytest.raises(ValueError, match="architecture='many-to-one'"):
        validate_settings({"return_sequences": False}, base=base)


def test_truncate_beyond_timesteps_is_rejected_but_follows_a_timesteps_change():
    with pytest.raises(ValueError, match=r"truncate.*timesteps=20"):
        validate_settings({"truncate": 21})
    base = validate_settings({"truncate": 15})
    assert validate_settings({"timesteps": 10}, base=base)["truncate"] == 10


def test_validation_does_not_modify_its_inputs():
    given = {"units": 8}
    base = dict(DEFAULTS)
    out = validate_settings(given, base=base)
    assert given == {"units": 8}
    assert base == DEFAULTS
    assert out["units"] == 8


def test_non_default_keeps_only_what_differs_and_drops_implied_settings():
    s = validate_settings({"units": 32, "architecture": "many-to-one", "cell": "gru"})
    assert non_default(s) == {"units": 32, "architecture": "many-to-one", "cell": "gru"}
    assert validate_settings(non_default(s)) == s
    assert non_default(DEFAULTS) == {}


# -- implied_changes: the one place where settings are linked ------------------------------
@pytest.mark.parametrize(
    ("change", "current", "implied"),
    [
        ({"architecture": "many-to-one"}, {}, {"return_sequences": False}),
        ({"return_sequences": False}, {}, {"architecture": "many-to-one"}),
        (
            {"architecture": "many-to-many"},
            {"architecture": "seq2seq", "decoder_steps": 7},
            {"decoder_steps": 0},
        ),
        ({"timesteps": 5}, {"truncate": 12}, {"truncate": 5}),
        ({"units": 32}, {}, {}),
        # the sentence: one-hot over its 5 words, one column per word unless T is given
        ({"input": "sentence"}, {}, {"features": 5, "timesteps": 6}),
        ({"input": "sentence", "timesteps": 20}, {}, {"features": 5}),
        ({"input": "sentence"}, {"truncate": 12}, {"features": 5, "timesteps": 6, "truncate": 6}),
        ({"timesteps": 200}, {"input": "sentence", "features": 5}, {}),
        # leaving the sentence: its forced 5 features go (no chosen value: the default)
        ({"input": "sine"}, {"input": "sentence", "features": 5}, {"features": 3}),
        ({"input": "sine", "features": 5}, {"input": "sentence", "features": 5}, {}),
    ],
)
def test_implied_changes_returns_the_change_and_everything_it_implies(change, current, implied):
    before = {**DEFAULTS, **current}
    assert implied_changes(change, before) == {**change, **implied}


def test_leaving_the_sentence_gives_back_the_features_the_learner_chose():
    sentence = {**DEFAULTS, "input": "sentence", "features": 5, "timesteps": 6}
    out = implied_changes({"input": "noise"}, sentence, chosen={"features": 8})
    assert out == {"input": "noise", "features": 8}  # timesteps stays: its slider shows it
    # a value chosen in the same change wins; the chosen one is only a fallback
    assert implied_changes({"input": "noise", "features": 2}, sentence, {"features": 8}) == {
        "input": "noise",
        "features": 2,
    }
    # another input than the sentence forces nothing, so nothing comes back
    assert implied_changes({"input": "noise"}, DEFAULTS | {"features": 7}, {"features": 8}) == {
        "input": "noise"
    }


def test_the_explorer_gives_back_the_features_from_before_the_sentence():
    import rnnviz
    from rnnviz.sim import make_cell

    ex = rnnviz.explore(units=4, timesteps=8, features=8)
    ex.input = "sentence"
    assert (ex.features, ex.timesteps) == (5, 6)
    ex.input = "noise"
    assert (ex.features, ex.timesteps) == (8, 6)
    assert ex.frame.x.shape == (6, 8)
    # chosen through the input control (the ipywidgets round trip): none chosen -> default
    ex = rnnviz.explore(units=4, input="sentence")
    ex.controls.by_setting["input"].value = "zeros"
    assert (ex.input, ex.features) == ("zeros", DEFAULTS["features"])
    ex.features = 2
    ex.controls.by_setting["input"].value = "sentence"
    ex.controls.by_setting["input"].value = "impulse"
    assert ex.features == 2
    # a model that reads the sentence's 5 features keeps them (its features are fixed)
    ex = rnnviz.explore(make_cell("rnn", units=4, features=5), input="sentence")
    ex.input = "sine"
    assert (ex.input, ex.features) == ("sine", 5)


@pytest.mark.parametrize(
    ("change", "current", "words"),
    [
        ({"truncate": 30}, {}, "truncate"),
        ({"decoder_steps": 4}, {}, "seq2seq"),
        ({"return_sequences": False}, {"architecture": "seq2seq"}, "many-to-one"),
        ({"architecture": "many-to-one", "return_sequences": True}, {}, "return_sequences"),
        ({"input": "sentence", "features": 3}, {}, r"features must be 5; got features=3"),
        ({"features": 4}, {"input": "sentence", "features": 5}, r"one-hot over its vocabulary"),
    ],
)
def test_implied_changes_refuses_what_a_rule_forbids(change, current, words):
    with pytest.raises(ValueError, match=words):
        implied_changes(change, {**DEFAULTS, **current})


SEQ2SEQ = {"architecture": "seq2seq", "decoder_steps": 3}


@pytest.mark.parametrize(
    ("start", "change"),
    [
        ({}, {"architecture": "many-to-one"}),
        ({}, {"return_sequences": False}),
        (SEQ2SEQ, {"architecture": "many-to-many"}),
        ({}, {"timesteps": 4}),
        ({}, {"input": "sentence"}),
    ],
)
def test_the_explorer_follows_implied_changes(start, change):
    import rnnviz

    ex = rnnviz.explore(units=4, timesteps=8, truncate=6, **start)
    before = ex.settings
    for name, value in change.items():
        setattr(ex, name, value)
    assert ex.settings == {**before, **implied_changes(change, before)}


def test_one_spec_describes_a_setting_on_every_control(monkeypatch):
    """A label, a step or a choice text changed in the Spec shows in both control sets."""
    import dataclasses

    from rnnviz.widgets._controls import build_controls
    from rnnviz.widgets.control_panel import control_specs

    changed = {
        "units": dataclasses.replace(SPECS["units"], label="hidden units p"),
        "weight_scale": dataclasses.replace(SPECS["weight_scale"], step=0.25, decimals=3),
        "cell": dataclasses.replace(
            SPECS["cell"], choice_labels={"rnn": "Elman", "lstm": "LSTM", "gru": "GRU"}
        ),
    }
    for name, spec in changed.items():
        monkeypatch.setitem(SPECS, name, spec)
    controls = build_controls().by_setting
    panel = {c["name"]: c for c in control_specs()}
    assert controls["units"].description == panel["units"]["label"] == "hidden units p"
    assert controls["weight_scale"].step == panel["weight_scale"]["step"] == 0.25
    assert controls["weight_scale"].readout_format == ".3f"
    assert panel["weight_scale"]["decimals"] == 3
    assert controls["cell"].options[0] == ("Elman", "rnn")
    assert panel["cell"]["options"][0] == ["rnn", "Elman"]


def test_controls_are_the_labelled_settings_in_table_order():
    assert list(CONTROLS) == [n for n, spec in SPECS.items() if spec.label]
    assert CONTROLS[:4] == ("units", "timesteps", "weight_scale", "cell")
    assert SPECS["forget_bias"].only_for == ("lstm",)
    assert not SPECS["forget_bias"].applies_to("gru")


def test_every_setting_is_an_explorer_trait_and_every_labelled_one_a_control():
    """A new setting is one Spec: the Explorer's traits and both control sets follow it."""
    from rnnviz.widgets._controls import build_controls
    from rnnviz.widgets.control_panel import control_specs
    from rnnviz.widgets.explorer import Explorer

    assert set(Explorer.class_trait_names(setting=True)) == set(SPECS)
    assert list(build_controls().by_setting) == list(CONTROLS)
    assert [c["name"] for c in control_specs()] == list(CONTROLS)
