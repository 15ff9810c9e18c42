#!/usr/bin/env python3
"""The peer of `snnbench --memory`: one training step of the paper's conv rows in spikingjelly
(PyTorch, CPU), its peak resident memory and its time, at several numbers of time steps T.

spikingjelly keeps every layer's float activations for the whole step (conv outputs, membrane
sequences, spikes, pooling indices), so its memory grows linearly in T, and at T 30 the VGG11
rows would need far more than a shared machine can give one process. This script therefore
measures the peer at small T (each configuration in its own child process, so the peak is that
configuration's alone), fits peak = a + b·T and time = c + d·T by least squares, and prints the
measured points and the extrapolation to the target T separately.

  python3 Benchmarks/peer_conv_memory.py --shape vgg11-dvs --method sdfa --time-steps 2,4,6
  python3 Benchmarks/peer_conv_memory.py --child --shape convnet-dvs --method bp --time-steps 2

The networks are DESIGN.md's `convnet` (BN, LIF) and `vgg11` (no BN, IF), built from
spikingjelly's public `activation_based` layers in multi-step mode; Adam (lr 1e-3), MSE on the
voted rate; random input events at `--density`, as snnbench's. BP: BPTT with ATan surrogate
gradients. SDFA, as the paper's reference code does it: every hidden layer's spikes are cut from
the graph; one fixed B ~ N(0, 1) of shape [classes, F_max]; each hidden layer l receives
dL/dS_l[t] = (e · B)[:, :F_l] / sqrt(F_max) at every t (e = dL/d(rate)); the output layer
trains on its true local gradient.
"""
import argparse
import json
import math
import resource
import subprocess
import sys
import time

# The paper's conv rows: architecture, input [C, H, W], classes, batch, T (snnbench's convShapes).
SHAPES = {
    "convnet-dvs": dict(arch="convnet", input=(2, 128, 128), classes=11, batch=8, T=30),
    "vgg11-dvs": dict(arch="vgg11", input=(2, 128, 128), classes=11, batch=8, T=30),
    "vgg11-ncaltech": dict(arch="vgg11", input=(2, 180, 240), classes=101, batch=4, T=30),
}


def peak_mib():
    """This process's resident high-water mark (Linux reports ru_maxrss in KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def build(shape):
    """The hidden blocks (each ends in spikes that receive SDFA feedback) and the output block."""
    import torch.nn as nn
    from spikingjelly.activation_based import functional, layer, neuron, surrogate

    def spiking():
        if shape["arch"] == "convnet":
            return neuron.LIFNode(tau=2.0, v_threshold=1.0, v_reset=0.0, surrogate_function=surrogate.ATan(2.0))
        return neuron.IFNode(v_threshold=1.0, v_reset=0.0, surrogate_function=surrogate.ATan(2.0))

    c_in, h, w = shape["input"]
    if shape["arch"] == "convnet":
        channels, pools, bn, hidden = [32, 64, 128, 128, 128], [True] * 5, True, [1024]
    else:
        channels, pools, bn, hidden = [64, 128, 256, 256, 512, 512, 512, 512], \
            [True, True, False, True, False, True, False, True], False, [4096, 4096]
    blocks = []
    for c_out, pool in zip(channels, pools):
        mods = [layer.Conv2d(c_in, c_out, kernel_size=3, padding=1, bias=False)]
        if bn:
            mods.append(layer.BatchNorm2d(c_out))
        mods.append(spiking())
        if pool:
            mods.append(layer.MaxPool2d(2, 2))
            h, w = h // 2, w // 2
        blocks.append(nn.Sequential(*mods))
        c_in = c_out
    width = c_in * h * w
    for i, out in enumerate(hidden):
        mods = [layer.Flatten()] if i == 0 else []
        blocks.append(nn.Sequential(*mods, layer.Linear(width, out, bias=True), spiking()))
        width = out
    blocks.append(nn.Sequential(layer.Linear(width, shape["classes"] * 10, bias=True), spiking(),
                                layer.VotingLayer(10)))
    net = nn.ModuleList(blocks)
    functional.set_step_mode(net, "m")
    return net


def child(args):
    """One configuration: warm-up step(s), then timed steps; prints one JSON line."""
    import torch
    import torch.nn.functional as F
    from spikingjelly.activation_based import functional

    torch.set_num_threads(args.threads)
    torch.manual_seed(0)
    shape = dict(SHAPES[args.shape])
    T = int(args.time_steps)
    B = args.batch or shape["batch"]
    net = build(shape)
    net.train()
    opt = torch.optim.Adam(net.parameters(), lr=1e-3)
    g = torch.Generator().manual_seed(1)
    x = (torch.rand((T, B) + shape["input"], generator=g) < args.density).float()
    y = torch.arange(B) % shape["classes"]
    target = F.one_hot(y, shape["classes"]).float()
    feedback, widths = None, []
    if args.method == "sdfa":
        with torch.no_grad():
            h = x[:1]
            for blk in net[:-1]:
                h = blk(h)
                widths.append(h[0, 0].numel())
        functional.reset_net(net)
        f_max = max(widths)
        feedback = torch.randn(shape["classes"], f_max, generator=g) / math.sqrt(f_max)
    before = peak_mib()
    times = []
    for i in range(args.warmup + args.steps):
        t0 = time.perf_counter()
        opt.zero_grad(set_to_none=True)
        if args.method == "bp":
            h = x
            for blk in net:
                h = blk(h)
            loss = F.mse_loss(h.mean(0), target)
            loss.backward()
        else:
            h, spikes = x, []
            for blk in net[:-1]:
                s = blk(h)
                spikes.append(s)
                h = s.detach()  # no gradient between layers
            rate = net[-1](h).mean(0)
            rate_d = rate.detach().requires_grad_(True)
            (e,) = torch.autograd.grad(F.mse_loss(rate_d, target), rate_d)
            projected = e @ feedback  # [B, F_max], scaled by 1/sqrt(F_max) above
            grads = [projected[:, :wd].reshape(1, *s.shape[1:]).expand_as(s) for s, wd in zip(spikes, widths)]
            torch.autograd.backward([rate] + spikes, [e] + grads)
        opt.step()
        functional.reset_net(net)
        if i >= args.warmup:
            times.append(time.perf_counter() - t0)
    times.sort()
    print(json.dumps(dict(shape=args.shape, method=args.method, T=T, batch=B, threads=args.threads,
                          s_per_step=times[len(times) // 2], peak_mib=peak_mib(), before_step_mib=before,
                          torch=torch.__version__)), flush=True)


def fit(xs, ys):
    """Least-squares line y = a + b·x and the largest relative residual."""
    n = len(xs)
    mx, my = sum(xs) / n, sum(ys) / n
    b = sum((x - mx) * (y - my) for x, y in zip(xs, ys)) / sum((x - mx) ** 2 for x in xs)
    a = my - b * mx
    resid = max(abs(a + b * x - y) / y for x, y in zip(xs, ys))
    return a, b, resid


def driver(args):
    """Runs each T in its own child (under `timeout`), then prints the measured rows and the fit."""
    shape = SHAPES[args.shape]
    target_t = args.target_t or shape["T"]
    B = args.batch or shape["batch"]
    points = []
    for t in [int(v) for v in args.time_steps.split(",")]:
        cmd = ["timeout", str(args.timeout), sys.executable, __file__, "--child", "--shape", args.shape,
               "--method", args.method, "--time-steps", str(t), "--threads", str(args.threads),
               "--steps", str(args.steps), "--warmup", str(args.warmup), "--density", str(args.density)]
        if args.batch:
            cmd += ["--batch", str(args.batch)]
        run = subprocess.run(cmd, capture_output=True, text=True)
        lines = [l for l in run.stdout.splitlines() if l.startswith("{")]
        if run.returncode != 0 or not lines:
            print(f"| {args.shape} | {args.method} | b{B} T{t} | peer failed (exit {run.returncode}): "
                  f"{run.stderr.strip().splitlines()[-1:] or ['no output']} | | |", flush=True)
            continue
        p = json.loads(lines[-1])
        points.append(p)
        print(f"| {args.shape} | spikingjelly {args.method} | b{B} T{t} measured | {args.threads} | "
              f"{p['s_per_step']:.2f} | {p['peak_mib']:.0f} |", flush=True)
    if len(points) >= 2:
        ts = [p["T"] for p in points]
        a, b, rm = fit(ts, [p["peak_mib"] for p in points])
        c, d, rt = fit(ts, [p["s_per_step"] for p in points])
        print(f"| {args.shape} | spikingjelly {args.method} | b{B} T{target_t} extrapolated "
              f"(peak {a:.0f} + {b:.1f}·T MiB, residual {100 * rm:.1f} %; time {c:.2f} + {d:.3f}·T s, "
              f"residual {100 * rt:.1f} %) | {args.threads} | {c + d * target_t:.1f} | {a + b * target_t:.0f} |",
              flush=True)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--shape", required=True, choices=sorted(SHAPES))
    ap.add_argument("--method", required=True, choices=["bp", "sdfa"])
    ap.add_argument("--time-steps", required=True, help="comma list of T (driver) or one T (--child)")
    ap.add_argument("--target-t", type=int, default=None, help="T to extrapolate to (default: the row's, 30)")
    ap.add_argument("--batch", type=int, default=None, help="batch size (default: the row's)")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--steps", type=int, default=1, help="timed steps (the median is reported)")
    ap.add_argument("--warmup", type=int, default=1, help="untimed steps first (Adam's state is allocated)")
    ap.add_argument("--density", type=float, default=0.05)
    ap.add_argument("--timeout", type=int, default=900, help="seconds per child")
    ap.add_argument("--child", action="store_true", help="run one configuration in this process")
    args = ap.parse_args()
    child(args) if args.child else driver(args)


if __name__ == "__main__":
    sys.exit(main())
