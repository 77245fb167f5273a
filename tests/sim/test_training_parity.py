"""training.fit against PyTorch's own training loop (float64): same weights, same batches.

The PyTorch side is the loop people write: ``nn.RNN/LSTM/GRU`` + ``nn.Linear`` head,
``F.cross_entropy`` / ``F.mse_loss``, ``loss.backward()``, ``clip_grad_norm_``,
``torch.optim.Adam/SGD``; truncation as ``no_grad`` up to T − k (window) or
``h = h.detach()`` every k steps (chunks).
"""

from __future__ import annotations

import importlib.util
import math
import pathlib
import sys

import numpy as np
import pytest

from rnnviz.sim import from_torch, tasks, training

torch = pytest.importorskip("torch")
F = torch.nn.functional

pytestmark = pytest.mark.parity

UNITS, STEPS, TOL = 5, 6, 1e-9
MODULES = {"rnn": "RNN", "lstm": "LSTM", "gru": "GRU"}


def _task(name):
    if name == "copy":
        return tasks.make("copy", delay=8, batch=4, seed=3, symbols=3, distractors=2)
    if name == "adding":
        return tasks.make("adding", timesteps=10, batch=4, seed=3)
    return tasks.make("sine", timesteps=10, batch=4, seed=3, period=7.0)


def _modules(cell, task, seed):
    torch.manual_seed(seed)
    rnn = getattr(torch.nn, MODULES[cell])(task.features, UNITS, batch_first=True).double()
    head = torch.nn.Linear(UNITS, task.outputs).double()
    with torch.no_grad():  # larger weights than PyTorch's default: more to learn from
        for p in (*rnn.parameters(), *head.parameters()):
            p.mul_(1.5)
    if cell != "gru":
        # rnnviz's RNN and LSTM have one bias b = b_ih + b_hh (as Keras). Training both of
        # PyTorch's would count b's gradient twice (in the norm and the update), so the
        # reference trains b_ih and keeps b_hh fixed (non-zero: the sum is exercised).
        rnn.bias_hh_l0.requires_grad_(False)
    return rnn, head


def _detach(h):
    return tuple(v.detach() for v in h) if isinstance(h, tuple) else h.detach()


def _torch_forward(rnn, x, truncate, mode):
    T = x.shape[1]
    if truncate and mode == "window":
        with torch.no_grad():
            out1, h = rnn(x[:, : T - truncate])
        out2, _ = rnn(x[:, T - truncate :], h)
        return torch.cat([out1, out2], dim=1)
    if truncate and mode == "chunks":
        h, outs = None, []
        for s in range(0, T, truncate):
            out, h = rnn(x[:, s : s + truncate], h)
            outs.append(out)
            h = _detach(h)  # carry h across chunks, no gradient between them
        return torch.cat(outs, dim=1)
    return rnn(x)[0]


def _torch_loss(task, z, y):
    if task.kind == "classification":
        return F.cross_entropy(z.reshape(-1, task.outputs), torch.from_numpy(y).reshape(-1))
    return F.mse_loss(z, torch.from_numpy(y))


def torch_fit(rnn, head, task, steps, optimizer, lr, momentum, clip, truncate, mode):
    params = [p for p in (*rnn.parameters(), *head.parameters()) if p.requires_grad]
    if optimizer == "adam":
        opt = torch.optim.Adam(params, lr=lr)
    else:
        opt = torch.optim.SGD(params, lr=lr, momentum=momentum)
    losses, norms = [], []
    for i in range(steps):
        x, y = task.batch(i)
        out = _torch_forward(rnn, torch.from_numpy(x), truncate, mode)
        z = head(out) if task.every_step else head(out[:, -1])
        loss = _torch_loss(task, z, y)
        opt.zero_grad()
        loss.backward()
        if clip is None:
            norm = math.sqrt(sum(float((p.grad**2).sum()) for p in params))
        else:
            norm = float(torch.nn.utils.clip_grad_norm_(params, clip))
        opt.step()
        losses.append(loss.item())
        norms.append(norm)
    return np.array(losses), np.array(norms)


VARIANTS = {  # name: (clip_norm, truncate, truncate_mode)
    "full": (None, None, "window"),
    "clip": (0.05, None, "window"),
    "window": (None, 3, "window"),
    "chunks": (None, 3, "chunks"),
    "chunks+clip": (0.05, 4, "chunks"),
}


@pytest.mark.parametrize("task_name", ["copy", "adding", "sine"])
@pytest.mark.parametrize("variant", list(VARIANTS))
@pytest.mark.parametrize("optimizer", ["adam", "sgd"])
@pytest.mark.parametrize("cell_name", list(MODULES))
def test_fit_equals_torch_training_loop(cell_name, optimizer, variant, task_name):
    clip, truncate, mode = VARIANTS[variant]
    task = _task(task_name)
    rnn, head = _modules(cell_name, task, seed=len(variant) + 7 * len(task_name))
    cell = from_torch(rnn, head=head)
    lr, momentum = (0.05, 0.0) if optimizer == "adam" else (0.3, 0.9)
    run = training.fit(cell, task, STEPS, optimizer=optimizer, lr=lr, momentum=momentum,
                       clip_norm=clip, truncate=truncate, truncate_mode=mode)  # fmt: skip
    losses, norms = torch_fit(rnn, head, task, STEPS, optimizer, lr, momentum, clip,
                              truncate, mode)  # fmt: skip
    np.testing.assert_allclose(run.losses, losses, rtol=TOL, atol=TOL)
    np.testing.assert_allclose(run.grad_norm, norms, rtol=TOL, atol=TOL)
    if clip is not None:
        assert run.clipped.any()  # the threshold really acted
    trained = from_torch(rnn, head=head)
    for name in ("kernel", "recurrent_kernel", "bias", "W_hy", "b_y"):
        np.testing.assert_allclose(
            getattr(run.cell, name), getattr(trained, name), rtol=TOL, atol=TOL, err_msg=name
        )
    assert not np.allclose(run.cell.recurrent_kernel, cell.recurrent_kernel)  # it trained


def _torch_dh_norms(rnn, head, task, truncate, mode):
    """‖∂L/∂h_t‖ for t = 0..T on batch 0, from a step-by-step loop with retain_grad."""
    x, y = task.batch(0)
    x = torch.from_numpy(x)
    B, T, _ = x.shape
    is_lstm = isinstance(rnn, torch.nn.LSTM)
    window = T - truncate if truncate and mode == "window" else 0
    chunk = truncate if truncate and mode == "chunks" else None
    h = torch.zeros(1, B, UNITS, dtype=torch.float64)
    c = torch.zeros(1, B, UNITS, dtype=torch.float64)
    tracked = {}  # t -> tensors whose gradients sum to ∂L/∂h_t
    states = []
    with torch.no_grad():
        for t in range(window):
            _, hc = rnn(x[:, t : t + 1], (h, c) if is_lstm else h)
            h, c = hc if is_lstm else (hc, c)
            states.append(h[0])
    h = h.clone().requires_grad_()
    c = c.clone()
    tracked[window] = [h]
    for t in range(window + 1, T + 1):
        if chunk and (t - 1) % chunk == 0 and t - 1 > 0:
            h_in = h.detach().requires_grad_()  # the detached copy feeds the next chunk
            tracked[t - 1].append(h_in)
            h, c = h_in, c.detach()
        _, hc = rnn(x[:, t - 1 : t], (h, c) if is_lstm else h)
        h, c = hc if is_lstm else (hc, c)
        h.retain_grad()
        tracked[t] = [h]
        states.append(h[0])
    z = head(torch.stack(states, dim=1)) if task.every_step else head(h[0])
    _torch_loss(task, z, y).backward()
    out = np.zeros(T + 1)
    for t, tensors in tracked.items():
        g = sum(v.grad for v in tensors if v.grad is not None)
        out[t] = float(torch.linalg.vector_norm(g)) if isinstance(g, torch.Tensor) else 0.0
    return out


@pytest.mark.parametrize("task_name", ["adding", "sine"])
@pytest.mark.parametrize("variant", ["full", "window", "chunks"])
@pytest.mark.parametrize("cell_name", list(MODULES))
def test_dh_norms_equal_torch_retain_grad(cell_name, variant, task_name):
    _, truncate, mode = VARIANTS[variant]
    task = _task(task_name)
    rnn, head = _modules(cell_name, task, seed=11)
    run = training.fit(from_torch(rnn, head=head), task, 1, truncate=truncate,
                       truncate_mode=mode)  # fmt: skip
    expected = _torch_dh_norms(rnn, head, task, truncate, mode)
    assert run.dh_norms.shape == (1, task.timesteps + 1)
    np.testing.assert_allclose(run.dh_norms[0], expected, rtol=1e-10, atol=1e-14)
    if truncate:
        assert np.count_nonzero(expected) < task.timesteps + 1 or mode == "chunks"


def test_from_torch_head_rejects_a_wrong_layer():
    rnn = torch.nn.RNN(2, 4)
    with pytest.raises(ValueError, match=r"nn.Linear\(4, out_features\); got nn.Linear\(3, 1\)"):
        from_torch(rnn, head=torch.nn.Linear(3, 1))
    with pytest.raises(TypeError, match=r"head must be a PyTorch nn\.Linear"):
        from_torch(rnn, head=torch.nn.RNN(4, 1))
    cell = from_torch(rnn, head=torch.nn.Linear(4, 3, bias=False))
    assert cell.output_units == 3
    assert np.all(cell.b_y == 0)


@pytest.mark.parametrize("cell_name", ["rnn", "lstm"])
def test_bench_train_times_the_same_training_on_both_sides(cell_name):
    """benchmarks/bench_train.py: after the same steps both models hold the same weights."""
    root = pathlib.Path(__file__).resolve().parents[2] / "benchmarks"
    sys.path.insert(0, str(root))
    try:
        spec = importlib.util.spec_from_file_location("bench_train", root / "bench_train.py")
        bench = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(bench)
    finally:
        sys.path.remove(str(root))
    rnnviz_steps, torch_steps, run, (rnn, head) = bench.make_case(cell_name, 6, 9, 4, seed=2)
    rnnviz_steps(3)
    torch_steps(3)
    assert run.steps == 3
    trained = from_torch(rnn, head=head)
    for name in ("kernel", "recurrent_kernel", "bias", "W_hy", "b_y"):
        np.testing.assert_allclose(getattr(run.cell, name), getattr(trained, name), rtol=TOL,
                                   atol=TOL, err_msg=name)  # fmt: skip
