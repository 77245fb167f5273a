"""Input presets, each an array of shape (batch, timesteps, features).

=============  ==============================================================================
preset         x[b, t−1, :] for t = 1..T
=============  ==============================================================================
``noise``      independent N(0, 1) numbers (seeded)
``sine``       sin(2π t / period + 2π j / features + φ_b) in feature j; φ_0 = 0, later
               sequences of the batch get seeded random phases φ_b
``impulse``    1 in every feature at t = 1, zeros after: the memory of one event
``zeros``      all zeros: only h_0 and the bias drive the cell
``sentence``   the words of a sentence ("the cat sat on the mat"), one-hot, one word per
               timestep, then zero vectors (padding)
=============  ==============================================================================

Sentence encoding: the vocabulary is the distinct words in order of first appearance
("the", "cat", "sat", "on", "mat": V = 5), and x_t is the one-hot vector of word t, so
``features`` must equal V (anything else is refused, naming V). With ``timesteps`` larger
than the number of words n the steps n + 1 … T are padding: zero vectors, labelled
``PAD`` ("<pad>") in :func:`tokens`; a smaller ``timesteps`` cuts the sentence after word
T. Nothing is repeated. ``shuffle=True`` permutes the words (sequence b of the batch uses
seed + b; the padding stays at the end): same words, different order — a recurrent cell
sees the difference, a bag of words would not.
"""

from __future__ import annotations

import re

import numpy as np

from rnnviz.sim import _validate

__all__ = [
    "PAD",
    "PRESETS",
    "SENTENCE",
    "as_sequences",
    "make",
    "sentence",
    "sentence_features",
    "tokens",
    "vocabulary",
]

#: Names accepted by :func:`make`.
PRESETS: tuple[str, ...] = ("noise", "sine", "impulse", "zeros", "sentence")
#: The default sentence.
SENTENCE = "the cat sat on the mat"
#: The token of a padding step (a zero vector after the last word).
PAD = "<pad>"


def _words(text: object) -> list[str]:
    if not isinstance(text, str):
        raise TypeError(f"text must be a string; got {type(text).__name__} {text!r}")
    words = re.findall(r"[\w']+", text.lower())
    if not words:
        raise ValueError(f"text must contain at least one word; got {text!r}")
    return words


def vocabulary(text: str = SENTENCE) -> list[str]:
    """Distinct words of ``text`` in order of first appearance."""
    return list(dict.fromkeys(_words(text)))


def sentence_features(features: int, text: str = SENTENCE) -> int:
    """Check that ``features`` is the vocabulary size of ``text`` (one-hot words); return it.

    Raises
    ------
    ValueError
        ``features`` ≠ the vocabulary size; the message names the vocabulary.
    """
    vocab = vocabulary(text)
    if features != len(vocab):
        raise ValueError(
            f"the sentence input is one-hot over its vocabulary of {len(vocab)} words "
            f"({', '.join(vocab)}), so features must be {len(vocab)}; got features={features}."
        )
    return features


def _token_sequence(words: list[str], timesteps: int, shuffle: bool, seed: int) -> list[str]:
    """The words (permuted when ``shuffle``), cut to ``timesteps`` or padded with PAD."""
    if shuffle:
        words = [words[i] for i in np.random.default_rng(seed).permutation(len(words))]
    return (words + [PAD] * max(0, timesteps - len(words)))[:timesteps]


def _one_hot(toks: list[str], vocab: list[str]) -> np.ndarray:
    """(len(toks), len(vocab)): row t is the one-hot vector of word t, zeros for PAD."""
    x = np.zeros((len(toks), len(vocab)))
    for t, word in enumerate(toks):
        if word != PAD:
            x[t, vocab.index(word)] = 1.0
    return x


def sentence(
    text: str = SENTENCE, shuffle: bool = False, seed: int = 0, timesteps: int | None = None
) -> tuple[np.ndarray, list[str]]:
    """The sentence as one-hot words over its own vocabulary.

    Parameters
    ----------
    text : str
        The sentence; its distinct words, in order of first appearance, are the vocabulary.
    shuffle, seed
        Permute the words with this seed (same words, other order).
    timesteps : int, optional
        T: default the number of words n. T > n appends T − n zero vectors (padding, token
        ``PAD``); T < n keeps the first T words.

    Returns
    -------
    x : ndarray, shape (1, T, vocab)
        x[0, t−1] is the one-hot vector of word t (zeros for a padding step).
    tokens : list of str
        The words in the order fed, then ``PAD`` for each padding step; length T.
    """
    words = _words(text)
    seed = _validate.seed(seed)
    shuffle = _validate.flag(shuffle, "shuffle")
    T = len(words) if timesteps is None else _validate.positive_int(timesteps, "timesteps")
    _validate.check_memory(8 * T * len(vocabulary(text)), f"inputs.sentence(timesteps={T})")
    toks = _token_sequence(words, T, shuffle, seed)
    return _one_hot(toks, vocabulary(text))[None], toks


def make(
    name: str, timesteps: int, features: int, batch: int = 1, seed: int = 0, **kw
) -> np.ndarray:
    """Input sequences from a preset.

    Parameters
    ----------
    name : {"noise", "sine", "impulse", "zeros", "sentence"}
    timesteps, features, batch : int
        Shape of the result, (batch, timesteps, features).
    seed : int
        Seed for the random presets (noise, sine phases, sentence shuffles).
    **kw
        ``sine``: ``period`` (timesteps per cycle, default 12). ``sentence``: ``text``
        (default "the cat sat on the mat") and ``shuffle`` (default False); its
        ``features`` must be the vocabulary size (one-hot words), and ``timesteps`` beyond
        the number of words are padding (zero vectors).

    Returns
    -------
    ndarray, shape (batch, timesteps, features), float64
    """
    name = _validate.choice(name, PRESETS, "input preset")
    T = _validate.positive_int(timesteps, "timesteps")
    F = _validate.positive_int(features, "features")
    B = _validate.positive_int(batch, "batch")
    seed = _validate.seed(seed)
    allowed = {"sine": {"period"}, "sentence": {"text", "shuffle"}}.get(name, set())
    unknown = set(kw) - allowed
    if unknown:
        raise TypeError(
            f"input preset {name!r} got unexpected keyword(s) {sorted(unknown)}; "
            f"it accepts {sorted(allowed) if allowed else 'none'}"
        )
    shuffle = _validate.flag(kw.get("shuffle", False), "shuffle")
    if name == "sentence":
        sentence_features(F, kw.get("text", SENTENCE))
    # the result, and one work array as large (sine's phases, a sentence's encodings)
    _validate.check_memory(
        8 * 2 * B * T * F,
        f"inputs.make({name!r}, timesteps={T}, features={F}, batch={B})",
    )
    rng = np.random.default_rng(seed)
    if name == "noise":
        return rng.standard_normal((B, T, F))
    if name == "zeros":
        return np.zeros((B, T, F))
    if name == "impulse":
        x = np.zeros((B, T, F))
        x[:, 0, :] = 1.0
        return x
    if name == "sine":
        period = kw.get("period", 12.0)
        if (
            isinstance(period, bool)
            or not isinstance(period, (int, float))
            or not (np.isfinite(period) and period > 0)
        ):
            raise ValueError(f"period must be a number of timesteps > 0; got {period!r}")
        phase = np.concatenate(([0.0], rng.uniform(0, 2 * np.pi, B - 1)))
        t = np.arange(1, T + 1)
        j = np.arange(F)
        arg = 2 * np.pi * t[None, :, None] / period + 2 * np.pi * j / F + phase[:, None, None]
        return np.sin(arg)
    text = kw.get("text", SENTENCE)
    words, vocab = _words(text), vocabulary(text)
    return np.stack(
        [_one_hot(_token_sequence(words, T, shuffle, seed + b), vocab) for b in range(B)]
    )


def tokens(name: str, timesteps: int, seed: int = 0, **kw) -> list[str] | None:
    """Labels of x_1..x_T of sequence 0 for the ``sentence`` preset (its words, then
    ``PAD`` for each padding step), else None."""
    name = _validate.choice(name, PRESETS, "input preset")
    if name != "sentence":
        return None
    T = _validate.positive_int(timesteps, "timesteps")
    words = _words(kw.get("text", SENTENCE))
    shuffle = _validate.flag(kw.get("shuffle", False), "shuffle")
    _validate.check_memory(64 * T, f"inputs.tokens({name!r}, timesteps={T})")
    return _token_sequence(words, T, shuffle, _validate.seed(seed))


def as_sequences(x: object, features: int | None = None) -> np.ndarray:
    """Validate a user array: a float64 copy of shape (batch, timesteps, features).

    A 2-D array is one sequence (timesteps, features). NaN/inf, wrong rank or (when
    ``features`` is given) a different feature count raise ``ValueError``.
    """
    if features is not None:
        features = _validate.positive_int(features, "features")
    return _validate.sequence(x, features)
