"""The Explorer's default hidden-state heatmap reads as a pattern, not as noise.

A learner's first picture is the heatmap of h_t at the Explorer's default settings (one
sine wave in, W_hh of spectral radius s = 0.5; a bare ``SimpleRNN()`` keeps Keras's s = 1
and 3 features). It reads as a pattern when every unit moves with
the input: each row of the (timesteps, units) state matrix is a scaled copy of the wave,
so the matrix is nearly rank one and every row correlates with x_t. Measured when the
defaults were chosen (median |corr(row, x)| / rank-one share of the variance):

=================  ===============  ===============  ===============
units × timesteps  s=0.5, 1 feature  s=1, 1 feature  s=1, 3 features
=================  ===============  ===============  ===============
16 × 20            0.97 / 0.94       0.78 / 0.71      0.80 / 0.53
32 × 50            0.98 / 0.93       0.74 / 0.59      0.55 / 0.57
256 × 200          0.96 / 0.92       0.69 / 0.53      0.65 / 0.51
=================  ===============  ===============  ===============

At s = 1 the recurrence mixes the units' phases, and the same sine looks like noise. The
thresholds below sit between the columns, so a change of defaults that brings the noise
back fails here.
"""

import numpy as np
import pytest

from rnnviz.frame import build_frame
from rnnviz.sim import SimpleRNN


def _pattern_scores(states: np.ndarray, x: np.ndarray) -> tuple[float, float]:
    """(median |corr(h row, x)|, rank-one share of the centred state variance).

    states : (timesteps, units); x : (timesteps,), the input wave.
    """
    corr = [abs(np.corrcoef(states[:, i], x)[0, 1]) for i in range(states.shape[1])]
    sv = np.linalg.svd(states - states.mean(0), compute_uv=False)
    return float(np.median(corr)), float(sv[0] ** 2 / np.sum(sv**2))


@pytest.mark.parametrize(("units", "timesteps"), [(None, None), (32, 50), (256, 200)])
def test_default_heatmap_reads_as_the_input_wave(units, timesteps):
    settings = {}
    if units is not None:
        settings = {"units": units, "timesteps": timesteps}
    frame = build_frame(**settings)
    states = frame.states[0]  # layer 0, the shown sequence: (timesteps, units)
    corr, rank1 = _pattern_scores(states, frame.x[:, 0])
    where = f"the default heatmap at {states.shape[1]} units × {states.shape[0]} steps"
    assert corr >= 0.9, f"{where}: median |corr(row, input)| is only {corr:.2f}"
    assert rank1 >= 0.85, f"{where}: the rank-one share of the variance is only {rank1:.2f}"


def test_the_same_measure_calls_the_old_default_noise():
    """The measure can fail: at s = 1 with three phase-shifted waves it does."""
    x = np.sin(2 * np.pi * np.arange(1, 51)[None, :, None] / 12 + 2 * np.pi * np.arange(3) / 3)
    states = SimpleRNN(units=32, features=3, weight_scale=1.0).run(x).states[0]
    corr, rank1 = _pattern_scores(states, x[0, :, 0])
    assert corr < 0.9
    assert rank1 < 0.85
