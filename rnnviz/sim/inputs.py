"""Input presets, each an array of shape (batch, timesteps, features).

=============  ==============================================================================
preset         x[b, t−1, :] for t = 1..T
=============  ==============================================================================
``noise``      independent N(0, 1) numbers (seeded)
``sine``       sin(2π t / period + 2π j / features + φ_b) in feature j; φ_0 = 0, later
               sequences of the batch get seeded random phases φ_b
``impulse``    1 in every feature at t = 1, zeros after: the memory of one event
``zeros``      all zeros: only h_0 and the bias drive the cell
``sentence``   the words of a sentence ("the cat sat on the mat"), one token per timestep
=============  ==============================================================================

Sentence encoding: the vocabulary is the distinct words in order of first appearance
("the", "cat", "sat", "on", "mat"). When ``features`` equals the vocabulary size each x_t
is the one-hot vector of its word. Otherwise each word gets a fixed embedding vector (row
w of an N(0, 1) matrix of shape (vocab, features) drawn with a fixed seed, so a word
always has the same vector), which lets any preset feed any cell. A sentence shorter than
``timesteps`` is repeated; a longer one is cut. ``shuffle=True`` permutes the words
(sequence b of the batch uses seed + b): same words, different order — a recurrent cell
sees the difference, a bag of words would not.
"""

from __future__ import annotations

import re

import numpy as np

from rnnviz.sim import _validate

__all__ = ["PRESETS", "SENTENCE", "as_sequences", "make", "sentence", "tokens", "vocabulary"]

#: Names accepted by :func:`make`.
PRESETS: tuple[str, ...] = ("noise", "sine", "impulse", "zeros", "sentence")
#: The default sentence.
SENTENCE = "the cat sat on the mat"
_EMBEDDING_SEED = 1990  # Elman's year: fixed, so a word's vector never changes


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


def _token_sequence(words, timesteps, shuffle, seed):
    if shuffle:
        words = [words[i] for i in np.random.default_rng(seed).permutation(len(words))]
    reps = -(-timesteps // len(words))
    return (words * reps)[:timesteps]


def sentence(
    text: str = SENTENCE, shuffle: bool = False, seed: int = 0
) -> tuple[np.ndarray, list[str]]:
    """The sentence as one-hot tokens over its own vocabulary.

    Returns
    -------
    x : ndarray, shape (1, n_words, vocab)
        x[0, t−1] is the one-hot vector of word t.
    tokens : list of str
        The words in the order fed, length n_words.
    """
    words = _words(text)
    seed = _validate.seed(seed)
    shuffle = _validate.flag(shuffle, "shuffle")
    toks = _token_sequence(words, len(words), shuffle, seed)
    vocab = vocabulary(text)
    x = np.zeros((1, len(toks), len(vocab)))
    x[0, np.arange(len(toks)), [vocab.index(w) for w in toks]] = 1.0
    return x, toks


def _encode(toks: list[str], vocab: list[str], features: int) -> np.ndarray:
    onehot = np.zeros((len(toks), len(vocab)))
    onehot[np.arange(len(toks)), [vocab.index(w) for w in toks]] = 1.0
    if features == len(vocab):
        return onehot
    emb = np.random.default_rng(_EMBEDDING_SEED).standard_normal((len(vocab), features))
    return onehot @ emb


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
        (default "the cat sat on the mat") and ``shuffle`` (default False).

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
        [_encode(_token_sequence(words, T, shuffle, seed + b), vocab, F) for b in range(B)]
    )


def tokens(name: str, timesteps: int, seed: int = 0, **kw) -> list[str] | None:
    """Labels of x_1..x_T of sequence 0 for the ``sentence`` preset, else None."""
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
