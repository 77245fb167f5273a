"""Input presets."""

from __future__ import annotations

import numpy as np
import pytest

from rnnviz.sim import SimpleRNN, inputs


@pytest.mark.parametrize("name", inputs.PRESETS)
def test_every_preset_has_the_requested_shape(name):
    features = 5 if name == "sentence" else 4  # the sentence: its vocabulary size
    x = inputs.make(name, timesteps=7, features=features, batch=3, seed=1)
    assert x.shape == (3, 7, features)
    assert x.dtype == np.float64
    assert np.isfinite(x).all()
    SimpleRNN(units=2, features=features).run(x)


def test_noise_is_seeded():
    a = inputs.make("noise", 5, 2, seed=3)
    np.testing.assert_array_equal(a, np.random.default_rng(3).standard_normal((1, 5, 2)))
    assert not np.array_equal(a, inputs.make("noise", 5, 2, seed=4))


def test_impulse_and_zeros():
    x = inputs.make("impulse", 4, 2, batch=2)
    np.testing.assert_array_equal(x[:, 0], 1.0)
    np.testing.assert_array_equal(x[:, 1:], 0.0)
    np.testing.assert_array_equal(inputs.make("zeros", 3, 2), np.zeros((1, 3, 2)))


def test_sine_formula():
    x = inputs.make("sine", 24, 2, period=12)
    t = np.arange(1, 25)
    np.testing.assert_allclose(x[0, :, 0], np.sin(2 * np.pi * t / 12), atol=1e-15)
    np.testing.assert_allclose(x[0, :, 1], np.sin(2 * np.pi * t / 12 + np.pi), atol=1e-15)
    with pytest.raises(ValueError, match="period must be a number of timesteps > 0; got 0"):
        inputs.make("sine", 5, 1, period=0)


def test_sentence_one_hot_and_tokens():
    x, tokens = inputs.sentence()
    assert tokens == ["the", "cat", "sat", "on", "the", "mat"]
    assert inputs.vocabulary() == ["the", "cat", "sat", "on", "mat"]
    assert x.shape == (1, 6, 5)
    np.testing.assert_array_equal(x.sum(axis=-1), 1.0)
    assert x[0, 0, 0] == x[0, 4, 0] == 1.0  # "the" twice
    np.testing.assert_array_equal(inputs.make("sentence", 6, 5), x)


def test_sentence_shuffle_keeps_the_words():
    x, tokens = inputs.sentence(shuffle=True, seed=1)
    assert sorted(tokens) == sorted(inputs.sentence()[1])
    assert tokens != inputs.sentence()[1]
    np.testing.assert_array_equal(x.sum(axis=1), inputs.sentence()[0].sum(axis=1))
    assert inputs.tokens("sentence", 6, seed=1, shuffle=True) == tokens


def test_sentence_pads_with_zero_vectors_and_never_repeats():
    x = inputs.make("sentence", 9, 5)
    toks = inputs.tokens("sentence", 9)
    assert toks == ["the", "cat", "sat", "on", "the", "mat", "<pad>", "<pad>", "<pad>"]
    assert inputs.PAD == "<pad>"
    np.testing.assert_array_equal(x[0, :6], inputs.sentence()[0][0])  # the six words
    np.testing.assert_array_equal(x[0, 6:], 0.0)  # then zero vectors, no repetition
    np.testing.assert_array_equal(inputs.sentence(timesteps=9)[0], x)
    assert inputs.sentence(timesteps=9)[1] == toks
    assert inputs.tokens("noise", 8) is None


def test_sentence_shorter_timesteps_cut_it():
    x = inputs.make("sentence", 3, 5)
    assert inputs.tokens("sentence", 3) == ["the", "cat", "sat"]
    np.testing.assert_array_equal(x, inputs.sentence()[0][:, :3])
    np.testing.assert_array_equal(inputs.sentence(timesteps=3)[0], x)


def test_shuffled_sentence_keeps_its_padding_at_the_end():
    toks = inputs.tokens("sentence", 8, seed=1, shuffle=True)
    assert toks[:6] == inputs.sentence(shuffle=True, seed=1)[1]
    assert toks[6:] == ["<pad>", "<pad>"]
    x = inputs.make("sentence", 8, 5, batch=2, seed=1, shuffle=True)
    np.testing.assert_array_equal(x[:, 6:], 0.0)
    np.testing.assert_array_equal(x[0].sum(axis=0), x[1].sum(axis=0))  # same words


@pytest.mark.parametrize("features", [1, 3, 4, 6, 64])
def test_sentence_refuses_features_other_than_its_vocabulary_size(features):
    msg = (
        r"one-hot over its vocabulary of 5 words \(the, cat, sat, on, mat\), so features must "
        rf"be 5; got features={features}\."
    )
    with pytest.raises(ValueError, match=msg):
        inputs.make("sentence", 6, features)
    with pytest.raises(ValueError, match="features must be 3; got features=5"):
        inputs.make("sentence", 6, 5, text="a b a c")


def test_preset_errors():
    with pytest.raises(ValueError, match=r"unknown input preset 'pulse'; expected one of 'noise'"):
        inputs.make("pulse", 3, 2)
    with pytest.raises(TypeError, match=r"unexpected keyword\(s\) \['period'\]"):
        inputs.make("noise", 3, 2, period=4)
    with pytest.raises(ValueError, match="timesteps must be ≥ 1; got 0"):
        inputs.make("zeros", 0, 2)
    with pytest.raises(ValueError, match="at least one word"):
        inputs.sentence(text="  ... ")


def test_as_sequences_validates_user_arrays():
    np.testing.assert_array_equal(inputs.as_sequences([[1, 2]]), [[[1.0, 2.0]]])
    with pytest.raises(ValueError, match="2 features ≠ the cell's 3 features"):
        inputs.as_sequences(np.ones((1, 4, 2)), features=3)
    with pytest.raises(ValueError, match="finite"):
        inputs.as_sequences([[np.nan]])
