"""Bytes per Explorer update: arrays cross as float32 buffers, sized by units × timesteps."""

from __future__ import annotations

import pytest

import rnnviz


def _update_bytes(wire, ex, **change) -> dict:
    wire.attach(*ex.views)
    wire.clear()
    for name, value in change.items():
        setattr(ex, name, value)
    return {
        type(v).__name__: (len(wire.updates(v)), wire.buffer_bytes(v), wire.json_bytes(v))
        for v in ex.views
    }


def test_bytes_per_update_at_defaults(wire):
    ex = rnnviz.explore(weight_scale=0.95)
    sizes = _update_bytes(wire, ex, weight_scale=1.0)
    # one message per view; heatmap: 16 units × 20 timesteps float32
    assert sizes["StateHeatmap"][:2] == (1, 16 * 20 * 4)
    # gradients: 4 lines of T + 1 = 21 float32 values (curve, loss gradient, the product of
    # per-step norms, the Pascanu bound of this Elman RNN)
    assert sizes["GradientFlow"][:2] == (1, 4 * 21 * 4)
    # JSON beside the buffers stays small (names, shapes, theory numbers, the layer's note
    # and truncation reach); the 320 values as a JSON list alone would be ~6 kB
    assert sizes["StateHeatmap"][2] < 1200
    assert sizes["GradientFlow"][2] < 1200
    print("\nbytes per update at defaults (messages, buffers, json):", sizes)


@pytest.mark.slow
def test_bytes_per_update_at_256_units_200_timesteps(wire):
    ex = rnnviz.explore(units=256)  # 20 timesteps: cheap; the update below is the big one
    sizes = _update_bytes(wire, ex, timesteps=200)
    assert sizes["StateHeatmap"][:2] == (1, 256 * 200 * 4)  # 204,800 bytes
    assert sizes["GradientFlow"][:2] == (1, 4 * 201 * 4)
    assert sizes["StateHeatmap"][2] < 1000
    print("\nbytes per update at 256 units × 200 timesteps:", sizes)
