"""Train the small model shipped in ``rnnviz/sim/models/`` (needs torch; run once by hand).

    python scripts/train_pretrained.py            # writes rnnviz/sim/models/sine_lstm.npz

``sine-lstm``: an LSTM (1 feature, 16 units) with a linear output layer, trained with
PyTorch to predict the next value of a sine wave, x_{t+1} = sin(2π (t+1)/P + φ), from
x_1..x_t, for periods P uniform in [8, 20] and phases φ uniform in [0, 2π). Loss: mean
squared error at every timestep (many-to-many), Adam, seeded. The weights are stored in
rnnviz's (Keras) layout, so loading them needs NumPy only (``rnnviz.sim.pretrained``).
"""

from __future__ import annotations

import json
import pathlib
import sys

import numpy as np
import torch

ROOT = pathlib.Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from rnnviz.sim import from_torch  # noqa: E402

OUT = ROOT / "rnnviz" / "sim" / "models" / "sine_lstm.npz"
UNITS, T, BATCH, STEPS, LR, SEED = 16, 40, 64, 1500, 1e-2, 0
PERIODS = (8.0, 20.0)


def batch(rng: np.random.Generator, n: int, steps: int) -> tuple[np.ndarray, np.ndarray]:
    """(inputs x_1..x_T, targets x_2..x_{T+1}), each (n, steps, 1)."""
    period = rng.uniform(*PERIODS, size=(n, 1))
    phase = rng.uniform(0, 2 * np.pi, size=(n, 1))
    t = np.arange(1, steps + 2)[None, :]
    wave = np.sin(2 * np.pi * t / period + phase)[..., None]
    return wave[:, :-1], wave[:, 1:]


def main() -> None:
    torch.manual_seed(SEED)
    rng = np.random.default_rng(SEED)
    lstm = torch.nn.LSTM(1, UNITS, batch_first=True, dtype=torch.float64)
    head = torch.nn.Linear(UNITS, 1, dtype=torch.float64)
    with torch.no_grad():  # Keras' unit_forget_bias: forget gate starts open
        lstm.bias_ih_l0[UNITS : 2 * UNITS] = 1.0
        lstm.bias_hh_l0[UNITS : 2 * UNITS] = 0.0
    params = [*lstm.parameters(), *head.parameters()]
    opt = torch.optim.Adam(params, lr=LR)
    for step in range(STEPS):
        x, y = (torch.from_numpy(a) for a in batch(rng, BATCH, T))
        loss = torch.nn.functional.mse_loss(head(lstm(x)[0]), y)
        opt.zero_grad()
        loss.backward()
        torch.nn.utils.clip_grad_norm_(params, 1.0)
        opt.step()
        if step % 250 == 0:
            print(f"step {step:5d}  mse {loss.item():.5f}")
    x, y = batch(np.random.default_rng(SEED + 1), 256, T)
    with torch.no_grad():
        pred = head(lstm(torch.from_numpy(x))[0])
        test_mse = torch.nn.functional.mse_loss(pred, torch.from_numpy(y))
    cell = from_torch(lstm)
    meta = {
        "name": "sine-lstm",
        "cell": "lstm",
        "activation": "tanh",
        "units": UNITS,
        "features": 1,
        "output_units": 1,
        "task": "next-step prediction of sine waves, periods 8-20 steps, random phase",
        "trained_with": f"torch {torch.__version__}, Adam lr {LR}, {STEPS} steps, batch {BATCH}, "
        f"T {T}, clip 1.0, seed {SEED}",
        "test_mse": float(test_mse),
        "test_seed": SEED + 1,
        "script": "scripts/train_pretrained.py",
    }
    OUT.parent.mkdir(parents=True, exist_ok=True)
    np.savez_compressed(
        OUT,
        kernel=cell.kernel,
        recurrent_kernel=cell.recurrent_kernel,
        bias=cell.bias,
        W_hy=head.weight.detach().numpy().T.copy(),
        b_y=head.bias.detach().numpy().copy(),
        meta=np.array(json.dumps(meta)),
    )
    print(f"test mse {float(test_mse):.2e} -> {OUT.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
