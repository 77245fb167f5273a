"""Small sequence tasks to train a cell on — pure NumPy, seeded, batch by batch.

=========  ===============  ========================================================  ===========
task       kind             x (batch, timesteps, features) → target                 metric
=========  ===============  ========================================================  ===========
``copy``   classification   a symbol at t = 1, ``delay`` distractors, a cue at t = T  accuracy
                            → the symbol (T = delay + 2)
``adding`` regression       (value, marker) pairs; two steps are marked, one in each  r2
                            half → the sum of the two marked values (Hochreiter &
                            Schmidhuber 1997)
``sine``   regression       x_t = sin(2π t / period + φ) → x_{t+1} at every step      r2
                            (many-to-many)
``order``  classification   the words of a sentence, in order or shuffled             accuracy
                            → 1 (original order) or 0 (shuffled)
=========  ===============  ========================================================  ===========

Losses are those of ``torch.nn.functional`` with ``reduction="mean"``:

* classification: ``cross_entropy`` — L = mean_n (log Σ_c exp z_nc − z_n,label) over the
  batch (and over timesteps for ``every_step`` tasks), z the logits y_T;
* regression: ``mse_loss`` — L = mean of (y − target)² over every element.

Metrics: ``accuracy`` = fraction of argmax z = label; ``r2`` = 1 − MSE / baseline, where
``baseline`` is the MSE of always predicting the mean target (the targets' variance; 1/6
for ``adding``, ½ for ``sine``): 0 means "no better than the mean", 1 means perfect.

``task.batch(step)`` draws batch number ``step`` from ``numpy.random.default_rng((seed,
step))``: the same task and step always give the same arrays, in any order.
"""

from __future__ import annotations

import numbers

import numpy as np

from rnnviz.sim import _validate, inputs

__all__ = ["KINDS", "TASKS", "Task", "from_arrays", "make"]

#: Names accepted by :func:`make`.
TASKS: tuple[str, ...] = ("copy", "adding", "sine", "order")
#: Kinds of task accepted by :func:`from_arrays`.
KINDS: tuple[str, ...] = ("classification", "regression")
_LOSS = {"classification": "cross_entropy", "regression": "mse"}
_METRIC = {"classification": "accuracy", "regression": "r2"}
_DEFAULT_TIMESTEPS = {"adding": 50, "sine": 50}
_DEFAULT_DELAY = 10
_OPTIONS = {  # extra keywords of each task and their defaults
    "copy": {"symbols": 4, "distractors": 4},
    "adding": {},
    "sine": {"period": 12.0},
    "order": {"text": inputs.SENTENCE},
}


class Task:
    """A sequence task: how to draw batches, the loss and the metric.

    Attributes
    ----------
    name : str
        One of ``TASKS``, or ``"arrays"`` for :func:`from_arrays`.
    kind : {"classification", "regression"}
    features : int
        Size of each x_t.
    outputs : int
        Size of the output layer y_t: classes (classification) or target size (regression).
    timesteps : int
        T, the length of every sequence.
    every_step : bool
        True: a target at every step y_1..y_T (many-to-many); False: at y_T only.
    batch_size : int
        Sequences per batch.
    seed : int
    loss_name : {"cross_entropy", "mse"}
    metric_name : {"accuracy", "r2"}
    baseline : float or None
        Regression: the MSE of predicting the mean target (None for classification).
    options : dict
        The task's extra settings (``symbols``, ``distractors``, ``period``, ``text``).
    """

    def __init__(self, name, kind, features, outputs, timesteps, every_step, batch_size, seed,
                 draw, baseline=None, options=None) -> None:  # fmt: skip
        self.name = name
        self.kind = kind
        self.features = int(features)
        self.outputs = int(outputs)
        self.timesteps = int(timesteps)
        self.every_step = bool(every_step)
        self.batch_size = int(batch_size)
        self.seed = int(seed)
        self.loss_name = _LOSS[kind]
        self.metric_name = _METRIC[kind]
        self.baseline = None if baseline is None else float(baseline)
        self.options = dict(options or {})
        self._draw = draw

    def batch(self, step: int = 0) -> tuple[np.ndarray, np.ndarray]:
        """Batch number ``step`` (≥ 0): ``(x, target)``.

        x has shape (batch, timesteps, features). target: classification — integer labels
        (batch,) or (batch, timesteps) with ``every_step``; regression — (batch, outputs)
        or (batch, timesteps, outputs).
        """
        if isinstance(step, bool) or not isinstance(step, numbers.Integral) or step < 0:
            raise ValueError(f"step must be a whole number ≥ 0; got {step!r}")
        return self._draw(int(step))

    def loss(self, y: np.ndarray, target: np.ndarray) -> tuple[float, np.ndarray]:
        """The loss L and ∂L/∂y for outputs y (batch, outputs) or (batch, timesteps, outputs).

        Classification: y are logits, L = cross-entropy averaged over every labelled
        output. Regression: L = mean squared error over every element.
        """
        if self.kind == "classification":
            z = y.reshape(-1, y.shape[-1])
            labels = target.reshape(-1)
            zmax = z.max(axis=1, keepdims=True)
            e = np.exp(z - zmax)
            s = e.sum(axis=1, keepdims=True)
            n = z.shape[0]
            rows = np.arange(n)
            log_p = z[rows, labels] - zmax[:, 0] - np.log(s[:, 0])  # log softmax at the label
            dz = e / s  # softmax
            dz[rows, labels] -= 1.0
            dz /= n
            return float(-log_p.mean()), dz.reshape(y.shape)
        diff = y - target
        return float(np.mean(diff * diff)), diff * (2.0 / diff.size)

    def metric(self, y: np.ndarray, target: np.ndarray) -> float:
        """Accuracy (classification) or r2 = 1 − MSE / baseline (regression)."""
        if self.kind == "classification":
            return float(np.mean(np.argmax(y, axis=-1) == target))
        return 1.0 - float(np.mean((y - target) ** 2)) / self.baseline

    def __repr__(self) -> str:
        opts = "".join(f", {k}={v!r}" for k, v in self.options.items())
        return (
            f"Task({self.name!r}, kind={self.kind!r}, timesteps={self.timesteps}, "
            f"features={self.features}, outputs={self.outputs}, batch={self.batch_size}, "
            f"seed={self.seed}{opts})"
        )


def _timesteps_and_delay(name, timesteps, delay):
    if name == "copy":
        if delay is not None:
            delay = _validate.positive_int(delay, "delay")
        if timesteps is not None:
            timesteps = _validate.positive_int(timesteps, "timesteps")
            if timesteps < 3:
                raise ValueError(
                    "the copy task needs timesteps ≥ 3 (symbol, ≥ 1 distractor, cue); "
                    f"got {timesteps}"
                )
            if delay is not None and timesteps != delay + 2:
                raise ValueError(
                    f"the copy task has timesteps = delay + 2 (symbol, {delay} distractors, "
                    f"cue) = {delay + 2}; got timesteps={timesteps} and delay={delay}. "
                    "Give one of them."
                )
            return timesteps, timesteps - 2
        delay = _DEFAULT_DELAY if delay is None else delay
        return delay + 2, delay
    if delay is not None:
        raise ValueError(
            f"delay is the copy task's gap between symbol and cue; the {name} task takes "
            f"timesteps instead; got delay={delay!r}"
        )
    if name == "order":
        return timesteps, None
    timesteps = _DEFAULT_TIMESTEPS[name] if timesteps is None else timesteps
    timesteps = _validate.positive_int(timesteps, "timesteps")
    if name == "adding" and timesteps < 2:
        raise ValueError(f"the adding task needs timesteps ≥ 2 (two marked steps); got {timesteps}")
    return timesteps, None


def _options(name, kw):
    allowed = _OPTIONS[name]
    unknown = sorted(set(kw) - set(allowed))
    if unknown:
        listed = ", ".join(allowed) if allowed else "none"
        raise TypeError(
            f"unknown option(s) {', '.join(unknown)} for the {name} task; "
            f"it takes timesteps, delay (copy only), batch, seed and: {listed}"
        )
    opts = {**allowed, **kw}
    if name == "copy":
        opts["symbols"] = _validate.positive_int(opts["symbols"], "symbols")
        d = opts["distractors"]
        if isinstance(d, bool) or not isinstance(d, numbers.Integral) or d < 0:
            raise ValueError(f"distractors must be a whole number ≥ 0; got {d!r}")
        opts["distractors"] = int(d)
    if name == "sine":
        p = opts["period"]
        if isinstance(p, bool) or not isinstance(p, numbers.Real) or not (np.isfinite(p) and p > 0):
            raise ValueError(f"period must be a number of timesteps > 0; got {p!r}")
        opts["period"] = float(p)
    return opts


def make(name: str, timesteps: int | None = None, delay: int | None = None, batch: int = 32,
         seed: int = 0, **kw) -> Task:  # fmt: skip
    """A built-in task.

    Parameters
    ----------
    name : {"copy", "adding", "sine", "order"}
    timesteps : int, optional
        T. Defaults: adding 50, sine 50, copy delay + 2, order the number of words.
    delay : int, optional
        copy only: distractor steps between the symbol and the cue (default 10).
    batch : int
        Sequences per batch (default 32).
    seed : int
        Seeds every batch (see the module docstring).
    **kw
        copy: ``symbols`` (4, classes to remember), ``distractors`` (4 distractor tokens,
        0 for blank steps); sine: ``period`` (12.0); order: ``text`` (the sentence).

    Returns
    -------
    Task
    """
    name = _validate.choice(name, TASKS, "task")
    T, delay = _timesteps_and_delay(name, timesteps, delay)
    B = _validate.positive_int(batch, "batch")
    seed = _validate.seed(seed)
    opts = _options(name, kw)

    def rng(step):
        return np.random.default_rng((seed, step))

    if name == "copy":
        S, D = opts["symbols"], opts["distractors"]

        def draw(step):
            r = rng(step)
            labels = r.integers(0, S, B)
            x = np.zeros((B, T, S + D + 1))
            x[np.arange(B), 0, labels] = 1.0  # the symbol at t = 1
            if D:
                noise = r.integers(S, S + D, (B, T - 2))  # distractors at t = 2..T−1
                x[np.arange(B)[:, None], np.arange(1, T - 1), noise] = 1.0
            x[:, -1, -1] = 1.0  # the cue at t = T: report now
            return x, labels

        return Task(name, "classification", S + D + 1, S, T, False, B, seed, draw,
                    options={"delay": delay, **opts})  # fmt: skip
    if name == "adding":
        half = T // 2

        def draw(step):
            r = rng(step)
            x = np.zeros((B, T, 2))
            x[..., 0] = r.uniform(0.0, 1.0, (B, T))  # values
            first = r.integers(0, half, B)  # one marker in each half
            second = r.integers(half, T, B)
            rows = np.arange(B)
            x[rows, first, 1] = 1.0
            x[rows, second, 1] = 1.0
            return x, (x[rows, first, 0] + x[rows, second, 0])[:, None]

        return Task(name, "regression", 2, 1, T, False, B, seed, draw, baseline=1 / 6)
    if name == "sine":
        period = opts["period"]

        def draw(step):
            phase = rng(step).uniform(0.0, 2 * np.pi, (B, 1))
            t = np.arange(1, T + 2)
            wave = np.sin(2 * np.pi * t / period + phase)
            return wave[:, :T, None], wave[:, 1:, None]  # x_t → x_{t+1}

        return Task(name, "regression", 1, 1, T, True, B, seed, draw, baseline=0.5,
                    options=opts)  # fmt: skip
    text = opts["text"]
    original, words = inputs.sentence(text)  # one-hot over the sentence's vocabulary
    n = len(words)
    if T is not None and _validate.positive_int(T, "timesteps") != n:
        raise ValueError(
            f"the order task has one timestep per word: timesteps = {n} for {text!r}; "
            f"got timesteps={T}"
        )
    if n < 2 or len(set(words)) < 2:
        raise ValueError(f"the order task needs at least two different words; got {text!r}")
    index = np.array([inputs.vocabulary(text).index(w) for w in words])

    def draw(step):
        r = rng(step)
        orders = np.tile(np.arange(n), (B, 1))
        shuffle = r.random(B) < 0.5
        for b in np.flatnonzero(shuffle):
            orders[b] = r.permutation(n)
        x = original[0][orders]
        labels = np.all(index[orders] == index, axis=1).astype(np.int64)  # 1 = original order
        return x, labels

    return Task(name, "classification", original.shape[2], 2, n, False, B, seed, draw,
                options=opts)  # fmt: skip


def from_arrays(x: object, y: object, kind: str = "classification", every_step: bool = False,
                batch: int | None = None, seed: int = 0) -> Task:  # fmt: skip
    """A task from your own data.

    Parameters
    ----------
    x : array_like, shape (samples, timesteps, features)
    y : array_like
        classification: integer labels ≥ 0 of shape (samples,), or (samples, timesteps)
        with ``every_step``; the number of classes is max(label) + 1. regression: targets
        (samples,) or (samples, outputs), or (samples, timesteps[, outputs]) with
        ``every_step``.
    kind : {"classification", "regression"}
    every_step : bool
        A target at every step (many-to-many) instead of only the last.
    batch : int, optional
        Sequences per batch; default (or ≥ samples): every sample in every batch.
        Otherwise each epoch visits the samples in a fresh seeded order.
    seed : int

    Returns
    -------
    Task
    """
    kind = _validate.choice(kind, KINDS, "kind")
    if not isinstance(every_step, (bool, np.bool_)):
        raise TypeError(f"every_step must be True or False; got {every_step!r}")
    x = inputs.as_sequences(x)
    N, T, F = x.shape
    seed = _validate.seed(seed)
    B = N if batch is None else min(_validate.positive_int(batch, "batch"), N)
    y = _validate._as_float_array(y, "y")
    want = (N, T) if every_step else (N,)
    if y.shape[: len(want)] != want:
        raise ValueError(
            f"y must start with shape {want} (samples{', timesteps' if every_step else ''}) "
            f"to match x of shape {x.shape}; got shape {y.shape}"
        )
    _validate._check_finite(y, "y")
    baseline = None
    if kind == "classification":
        if y.shape != want or np.any(y != np.round(y)) or np.any(y < 0):
            raise ValueError(
                f"classification labels must be whole numbers ≥ 0 of shape {want}; "
                f"got shape {y.shape} with values from {y.min()} to {y.max()}"
            )
        y = y.astype(np.int64)
        outputs = int(y.max()) + 1
        if outputs < 2:
            raise ValueError("classification needs at least two classes; every label is 0")
    else:
        if y.ndim == len(want):
            y = y[..., None]
        if y.ndim != len(want) + 1:
            raise ValueError(
                f"regression targets must have shape {want} or {(*want, 'outputs')}; "
                f"got shape {y.shape}"
            )
        outputs = y.shape[-1]
        baseline = float(np.mean((y - y.mean(axis=tuple(range(y.ndim - 1)))) ** 2))
        if baseline == 0:
            raise ValueError("regression targets are all equal: there is nothing to learn")
    perms: dict[int, np.ndarray] = {}

    def draw(step):
        if B == N:
            return x.copy(), y.copy()
        pos = step * B + np.arange(B)  # positions in the endless stream of epochs
        idx = np.empty(B, dtype=np.int64)
        for epoch in np.unique(pos // N):
            if epoch not in perms:
                if len(perms) > 4:  # only the current epochs are needed
                    perms.clear()
                perms[int(epoch)] = np.random.default_rng((seed, int(epoch))).permutation(N)
            sel = pos // N == epoch
            idx[sel] = perms[int(epoch)][pos[sel] % N]
        return x[idx], y[idx]

    return Task("arrays", kind, F, outputs, T, every_step, B, seed, draw, baseline=baseline)
