"""Generates the spikingjelly/PyTorch parity fixtures of SNNTests.

Run (torch 2.13.0+cpu and spikingjelly 2.0.0 from PyPI):
    python make_fixtures.py            # writes every fixture next to this file
    python make_fixtures.py variants   # writes variants.json only (detach_reset, temporal local)

Weights are given in PyTorch's [out, in] layout. SDFA follows DESIGN.md: hidden spikes are cut
from the graph, every hidden layer l receives dL/dS_l[t] = (e @ B)[:, :F_l] / sqrt(F_max) at
every step, the output layer its true local gradient.
"""
import json
import math
import os

import torch
from spikingjelly.activation_based import functional, layer, neuron, surrogate

torch.manual_seed(0)
HERE = os.path.dirname(os.path.abspath(__file__))


def make_node(kind, tau=2.0, v_th=1.0, alpha=2.0, detach_reset=False, step_mode="m"):
    sg = surrogate.ATan(alpha=alpha)
    if kind == "lif":
        return neuron.LIFNode(tau=tau, decay_input=True, v_threshold=v_th, v_reset=0.0,
                              surrogate_function=sg, detach_reset=detach_reset, step_mode=step_mode)
    return neuron.IFNode(v_threshold=v_th, v_reset=0.0, surrogate_function=sg,
                         detach_reset=detach_reset, step_mode=step_mode)


def flat(t):
    return [float(x) for x in t.detach().reshape(-1).tolist()]


def neuron_cases():
    cases = []
    for kind, tau, v_th, alpha in [("lif", 2.0, 1.0, 2.0), ("lif", 3.0, 0.5, 4.0), ("if", 2.0, 1.0, 2.0)]:
        T, B, N = 6, 3, 7
        x = (torch.randn(T, B, N) * 1.2 + 0.4).requires_grad_(True)
        g = torch.randn(T, B, N)
        node = make_node(kind, tau, v_th, alpha)
        s = node(x)
        (s * g).sum().backward()
        cases.append(dict(kind=kind, tau=tau, v_threshold=v_th, alpha=alpha, T=T, B=B, N=N,
                          x=flat(x), grad_s=flat(g), s=flat(s), grad_x=flat(x.grad)))
    return cases


def mlp_cases():
    cases = []
    for kind, loss_kind, sizes in [("lif", "mse", [40, 24, 16, 6]), ("if", "mse", [30, 20, 5]),
                                   ("lif", "cross_entropy", [40, 24, 16, 6])]:
        T, B = 5, 4
        C = sizes[-1]
        linears = [layer.Linear(sizes[i], sizes[i + 1], bias=False, step_mode="m")
                   for i in range(len(sizes) - 1)]
        with torch.no_grad():
            for lin in linears:  # larger weights so that every layer spikes
                lin.weight.mul_(5.0)
        nodes = [make_node(kind) for _ in linears]
        # Sparse event-count input: ~20% non-zero, values 1..3.
        mask = torch.rand(T, B, sizes[0]) < 0.2
        x = (mask * torch.randint(1, 4, (T, B, sizes[0]))).float()
        labels = torch.randint(0, C, (B,))
        one_hot = torch.nn.functional.one_hot(labels, C).float()

        def loss_fn(rate):
            if loss_kind == "mse":
                return torch.nn.functional.mse_loss(rate, one_hot)
            return torch.nn.functional.cross_entropy(rate, labels)

        # BP.
        for n in nodes:
            functional.reset_net(n)
        h = x
        spikes = []
        for lin, n in zip(linears, nodes):
            h = n(lin(h))
            spikes.append(h)
        rate = h.mean(0)
        loss = loss_fn(rate)
        for lin in linears:
            lin.weight.grad = None
        loss.backward()
        bp_grads = [flat(lin.weight.grad) for lin in linears]

        # SDFA.
        f_max = max(sizes[1:-1])
        fb = torch.randn(C, f_max)
        for n in nodes:
            functional.reset_net(n)
        for lin in linears:
            lin.weight.grad = None
        h = x
        hidden = []
        for i, (lin, n) in enumerate(zip(linears, nodes)):
            h = n(lin(h))
            if i < len(linears) - 1:
                hidden.append(h)
                h = h.detach()
        rate = h.mean(0)
        rate_d = rate.detach().requires_grad_(True)
        e, = torch.autograd.grad(loss_fn(rate_d), rate_d)
        proj = e @ fb
        grads = [proj[:, :s.shape[-1]].unsqueeze(0).expand_as(s) / math.sqrt(f_max) for s in hidden]
        torch.autograd.backward([rate] + hidden, [e] + grads)
        sdfa_grads = [flat(lin.weight.grad) for lin in linears]

        cases.append(dict(kind=kind, loss=loss_kind, sizes=sizes, T=T, B=B, x=flat(x),
                          labels=[int(v) for v in labels], weights=[flat(l.weight) for l in linears],
                          spikes=[flat(s) for s in spikes], rate=flat(rate), loss_value=float(loss.detach()),
                          feedback=flat(fb), bp_grads=bp_grads, sdfa_grads=sdfa_grads))
    return cases


def variant_neuron_cases():
    """detach_reset=True neurons: spikes (unchanged) and dL/dX (the reset's spike a constant)."""
    cases = []
    for kind, tau, v_th, alpha in [("lif", 2.0, 1.0, 2.0), ("lif", 3.0, 0.5, 4.0), ("if", 2.0, 1.0, 2.0)]:
        T, B, N = 6, 3, 7
        x = (torch.randn(T, B, N) * 1.2 + 0.4).requires_grad_(True)
        g = torch.randn(T, B, N)
        node = make_node(kind, tau, v_th, alpha, detach_reset=True)
        s = node(x)
        (s * g).sum().backward()
        cases.append(dict(kind=kind, tau=tau, v_threshold=v_th, alpha=alpha, T=T, B=B, N=N,
                          detach_reset=True, x=flat(x), grad_s=flat(g), s=flat(s),
                          grad_x=flat(x.grad)))
    return cases


def variant_mlp_cases():
    """The MLP of mlp_cases under detach_reset x temporal (bptt | local), BP and SDFA.

    temporal local: every hidden layer's neuron runs step by step and its membrane is detached
    after each step (node.v = node.v.detach()), so no gradient flows from step t to t - 1 in
    hidden layers; the output layer keeps its gradient through time."""
    cases = []
    sizes, T, B = [40, 24, 16, 6], 5, 4
    C = sizes[-1]
    linears = [layer.Linear(sizes[i], sizes[i + 1], bias=False) for i in range(len(sizes) - 1)]
    with torch.no_grad():
        for lin in linears:
            lin.weight.mul_(5.0)
    mask = torch.rand(T, B, sizes[0]) < 0.2
    x = (mask * torch.randint(1, 4, (T, B, sizes[0]))).float()
    labels = torch.randint(0, C, (B,))
    one_hot = torch.nn.functional.one_hot(labels, C).float()
    f_max = max(sizes[1:-1])
    fb = torch.randn(C, f_max)
    for detach_reset in [False, True]:
        for temporal in ["bptt", "local"]:
            for method in ["bp", "sdfa"]:
                nodes = [make_node("lif", detach_reset=detach_reset, step_mode="s") for _ in linears]
                for lin in linears:
                    lin.weight.grad = None
                outs = [[] for _ in linears]
                for t in range(T):
                    h = x[t]
                    for i, (lin, n) in enumerate(zip(linears, nodes)):
                        h = n(lin(h))
                        outs[i].append(h)
                        hidden = i < len(linears) - 1
                        if hidden and temporal == "local":
                            n.v = n.v.detach()
                        if hidden and method == "sdfa":
                            h = h.detach()
                spikes = [torch.stack(o) for o in outs]
                rate = spikes[-1].mean(0)
                if method == "bp":
                    torch.nn.functional.mse_loss(rate, one_hot).backward()
                else:
                    rate_d = rate.detach().requires_grad_(True)
                    e, = torch.autograd.grad(torch.nn.functional.mse_loss(rate_d, one_hot), rate_d)
                    proj = e @ fb
                    hidden = spikes[:-1]
                    grads = [proj[:, :s.shape[-1]].unsqueeze(0).expand_as(s) / math.sqrt(f_max)
                             for s in hidden]
                    torch.autograd.backward([rate] + hidden, [e] + grads)
                cases.append(dict(detach_reset=detach_reset, temporal=temporal, method=method,
                                  grads=[flat(lin.weight.grad) for lin in linears],
                                  spikes=[flat(s) for s in spikes]))
    return dict(sizes=sizes, T=T, B=B, x=flat(x), labels=[int(v) for v in labels],
                weights=[flat(l.weight) for l in linears], feedback=flat(fb), cases=cases)


def conv_case():
    """Conv 3x3 pad 1 -> BatchNorm2d (training) -> MaxPool2d(2), on binary spikes (many ties)."""
    x = (torch.rand(2, 3, 6, 7) < 0.4).float().requires_grad_(True)
    w = torch.randn(4, 3, 3, 3).requires_grad_(True)
    bn = torch.nn.BatchNorm2d(4)
    with torch.no_grad():
        bn.weight.copy_(torch.tensor([1.0, 0.5, -1.5, 2.0]))
        bn.bias.copy_(torch.tensor([0.0, 0.1, -0.2, 0.3]))
    y = torch.nn.functional.conv2d(x, w, padding=1)
    z = bn(y)
    p, arg = torch.nn.functional.max_pool2d(z, 2, return_indices=True)
    sp, sarg = torch.nn.functional.max_pool2d(x, 2, return_indices=True)  # ties on 0/1 input
    g = torch.randn_like(p)
    (p * g).sum().backward()
    return dict(x=flat(x), w=flat(w), gamma=flat(bn.weight), beta=flat(bn.bias), conv=flat(y),
                bn=flat(z), pool=flat(p), argmax=[int(v) for v in arg.reshape(-1)],
                spike_pool_argmax=[int(v) for v in sarg.reshape(-1)], grad_out=flat(g),
                grad_x=flat(x.grad), grad_w=flat(w.grad), grad_gamma=flat(bn.weight.grad),
                grad_beta=flat(bn.bias.grad), running_mean=flat(bn.running_mean),
                running_var=flat(bn.running_var))


def convnet_case():
    """DESIGN.md's convnet (5 x [Conv3x3 -> BN -> LIF -> MaxPool2] -> FC(bias) -> LIF -> FC(bias)
    -> LIF -> Voting(10)) at small size: input 2x32x32, c = 8, hidden FC 16, 3 classes."""
    T, B, C, H, W, c, fc, classes = 3, 2, 2, 32, 32, 8, 16, 3
    chans = [C, c // 4, c // 2, c, c, c]
    convs = [torch.nn.Conv2d(chans[i], chans[i + 1], 3, padding=1, bias=False) for i in range(5)]
    bns = [torch.nn.BatchNorm2d(chans[i + 1]) for i in range(5)]
    fc1 = torch.nn.Linear(c, fc, bias=True)
    fc2 = torch.nn.Linear(fc, classes * 10, bias=True)
    with torch.no_grad():
        fc1.weight.mul_(3.0)
        fc2.weight.mul_(8.0)
        fc2.bias.add_(0.3)
    nodes = [make_node("lif") for _ in range(7)]
    x = ((torch.rand(T, B, C, H, W) < 0.3) * torch.randint(1, 3, (T, B, C, H, W))).float()
    labels = torch.randint(0, classes, (B,))
    one_hot = torch.nn.functional.one_hot(labels, classes).float()
    params = [m.weight for m in convs] + [b.weight for b in bns] + [b.bias for b in bns] + \
             [fc1.weight, fc1.bias, fc2.weight, fc2.bias]

    def run(sdfa, fb=None):
        for n in nodes:
            functional.reset_net(n)
        for p in params:
            p.grad = None
        for b in bns:
            b.reset_running_stats()
        h = x
        hidden = []
        for i in range(5):
            y = convs[i](h.flatten(0, 1))
            y = bns[i](y).reshape(T, B, *y.shape[1:])
            s = nodes[i](y)
            p = torch.nn.functional.max_pool2d(s.flatten(0, 1), 2).reshape(T, B, chans[i + 1], H >> (i + 1), W >> (i + 1))
            hidden.append(p)
            h = p.detach() if sdfa else p
        s = nodes[5](fc1(h.flatten(2)))
        hidden.append(s)
        h = s.detach() if sdfa else s
        out = nodes[6](fc2(h))
        rate = out.reshape(T, B, classes, 10).mean(3).mean(0)
        loss = torch.nn.functional.mse_loss(rate, one_hot)
        if not sdfa:
            loss.backward()
            return rate, loss, hidden
        rate_d = rate.detach().requires_grad_(True)
        e, = torch.autograd.grad(torch.nn.functional.mse_loss(rate_d, one_hot), rate_d)
        f_max = max(hh[0, 0].numel() for hh in hidden)
        proj = e @ fb
        grads = [(proj[:, :hh[0, 0].numel()] / math.sqrt(f_max)).reshape(hh.shape[1:]).unsqueeze(0).expand_as(hh)
                 for hh in hidden]
        torch.autograd.backward([rate] + hidden, [e] + grads)
        return rate, loss, hidden

    rate, loss, hidden = run(False)
    bp = [flat(p.grad) for p in params]
    running = [flat(b.running_mean) + flat(b.running_var) for b in bns]
    f_max = max(hh[0, 0].numel() for hh in hidden)
    fb = torch.randn(classes, f_max)
    run(True, fb)
    sd = [flat(p.grad) for p in params]
    return dict(T=T, B=B, input_shape=[C, H, W], channels=c, fc=fc, classes=classes, x=flat(x),
                labels=[int(v) for v in labels], conv_weights=[flat(m.weight) for m in convs],
                fc1_weight=flat(fc1.weight), fc1_bias=flat(fc1.bias), fc2_weight=flat(fc2.weight),
                fc2_bias=flat(fc2.bias), rate=flat(rate), loss_value=float(loss.detach()),
                hidden_rates=[float(hh.mean()) for hh in hidden], running=running,
                feedback=flat(fb), bp_grads=bp, sdfa_grads=sd)


if __name__ == "__main__":
    import sys
    import spikingjelly
    meta = dict(torch=torch.__version__,
                spikingjelly=getattr(spikingjelly, "__version__", "2.0.0"))
    # The variants draw from their own seed, so that adding them changed no earlier fixture.
    torch.manual_seed(14)
    with open(os.path.join(HERE, "variants.json"), "w") as f:
        json.dump(dict(meta=meta, neurons=variant_neuron_cases(), mlp=variant_mlp_cases()), f)
    if sys.argv[1:] == ["variants"]:
        sys.exit(0)
    torch.manual_seed(0)
    with open(os.path.join(HERE, "neuron.json"), "w") as f:
        json.dump(dict(meta=meta, cases=neuron_cases()), f)
    with open(os.path.join(HERE, "mlp.json"), "w") as f:
        json.dump(dict(meta=meta, cases=mlp_cases()), f)
    with open(os.path.join(HERE, "conv.json"), "w") as f:
        json.dump(dict(meta=meta, case=conv_case()), f)
    with open(os.path.join(HERE, "convnet.json"), "w") as f:
        json.dump(dict(meta=meta, case=convnet_case()), f)
    # A checkpoint written by the Python safetensors package, for the reader's test.
    from safetensors.torch import save_file
    save_file({"layers.0.weight": torch.arange(6, dtype=torch.float32).reshape(2, 3) - 2.5,
               "layers.1.weight": torch.tensor([[0.25, -1.0]])},
              os.path.join(HERE, "python.safetensors"), metadata={"arch": "mlp", "note": "python"})
