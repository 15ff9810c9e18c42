"""Generates the PyTorch checkpoint fixtures of SNNTests (ReferenceCheckpointTests).

Run (torch 2.13.0+cpu and spikingjelly 2.0.0 from PyPI):
    python make_pth_fixtures.py        # writes the files below next to this script

Networks are built the way the reference code builds them (spikingjelly layers in an
nn.Sequential, multi-step mode) and saved as it saves them, `torch.save({'net':
net.state_dict(), 'optimizer': …, 'epoch': …, 'max_test_acc': …})`:
- ref_mlp.pth: `fc` = Flatten → Linear(32, 20, no bias) → LIF → Linear(20, 10, no bias) → LIF,
  with an Adam state after one step;
- ref_mlp_bare.pth: the same weights as a bare state dict with DataParallel's `module.` prefix;
- ref_convnet.pth: DESIGN.md's convnet at small size (input 2×32×32, c = 4, hidden 8,
  3 classes): `conv_fc` = 5 × [Conv → BN → LIF → MaxPool] → Flatten → Linear → LIF → Linear →
  LIF → Voting(10), with non-trivial BatchNorm statistics;
- ref_outputs.json: for a fixed sparse input (non-zero entries as [t, b, feature, value]),
  each network's output rates (after voting) and the MLP's output spikes;
- broken_*.pth: a pickle naming `os.system`, an archive without data.pkl, and
  ref_mlp_bare.pth with one storage cut short.
"""
import collections
import json
import os
import zipfile

import torch
import torch.nn as nn
from spikingjelly.activation_based import functional, layer, neuron, surrogate

torch.manual_seed(0)
HERE = os.path.dirname(os.path.abspath(__file__))


def lif():
    return neuron.LIFNode(tau=2.0, decay_input=True, v_threshold=1.0, v_reset=0.0,
                          surrogate_function=surrogate.ATan(alpha=2.0), detach_reset=False)


class MLP(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = nn.Sequential(layer.Flatten(), layer.Linear(32, 20, bias=False), lif(),
                                layer.Linear(20, 10, bias=False), lif())
        functional.set_step_mode(self, "m")

    def forward(self, x):
        return self.fc(x)


class ConvNet(nn.Module):
    def __init__(self, channels=4, hidden=8, classes=3):
        super().__init__()
        chans = [2, channels // 4, channels // 2, channels, channels, channels]
        blocks = []
        for i in range(5):
            blocks += [layer.Conv2d(chans[i], chans[i + 1], 3, padding=1, bias=False),
                       layer.BatchNorm2d(chans[i + 1]), lif(), layer.MaxPool2d(2)]
        self.conv_fc = nn.Sequential(*blocks, layer.Flatten(), layer.Linear(channels, hidden), lif(),
                                     layer.Linear(hidden, classes * 10), lif(), layer.VotingLayer(10))
        functional.set_step_mode(self, "m")

    def forward(self, x):
        return self.conv_fc(x)


def sparse_input(shape, density, max_value):
    mask = torch.rand(shape) < density
    return (mask * torch.randint(1, max_value + 1, shape)).float()


def nonzeros(x):
    """[t, b, flat feature, value] of every non-zero entry of x [T, B, ...]."""
    T, B = x.shape[:2]
    flat = x.reshape(T, B, -1)
    return [[int(t), int(b), int(f), float(flat[t, b, f])] for t, b, f in flat.nonzero().tolist()]


def save(obj, name):
    torch.save(obj, os.path.join(HERE, name))


def main():
    mlp = MLP()
    with torch.no_grad():
        for m in mlp.modules():
            if isinstance(m, nn.Linear):
                m.weight.mul_(8.0)  # so that both layers spike
    x_mlp = sparse_input((4, 3, 2, 4, 4), 0.3, 3)
    optimizer = torch.optim.Adam(mlp.parameters(), lr=1e-3)
    functional.reset_net(mlp)
    mlp(x_mlp).mean().backward()
    optimizer.step()  # the outputs below come from the stepped weights that are saved
    with torch.no_grad():
        functional.reset_net(mlp)
        mlp_spikes = mlp(x_mlp)
    save({"net": mlp.state_dict(), "optimizer": optimizer.state_dict(), "epoch": 1, "max_test_acc": 0.5},
         "ref_mlp.pth")
    save(collections.OrderedDict(("module." + k, v) for k, v in mlp.state_dict().items()), "ref_mlp_bare.pth")

    conv = ConvNet()
    with torch.no_grad():
        for m in conv.modules():
            if isinstance(m, nn.Conv2d):
                m.weight.mul_(3.0)
            if isinstance(m, nn.BatchNorm2d):
                n = m.num_features
                m.weight.copy_(1.5 + 0.3 * torch.randn(n))
                m.bias.copy_(0.3 * torch.randn(n) + 0.6)
                m.running_mean.copy_(0.1 * torch.randn(n))
                m.running_var.copy_(0.5 + torch.rand(n))
                m.num_batches_tracked.fill_(7)
            if isinstance(m, nn.Linear):
                m.weight.mul_(6.0)
                m.bias.add_(0.5)
    conv.eval()
    x_conv = sparse_input((4, 2, 2, 32, 32), 0.04, 1)
    with torch.no_grad():
        functional.reset_net(conv)
        conv_rate = conv(x_conv).mean(0)
    save({"net": conv.state_dict(), "epoch": 1, "max_test_acc": 0.5}, "ref_convnet.pth")

    outputs = dict(
        meta=dict(torch=torch.__version__, generator="make_pth_fixtures.py"),
        mlp=dict(input_shape=[2, 4, 4], T=4, B=3, x=nonzeros(x_mlp), rate=mlp_spikes.mean(0).reshape(-1).tolist(),
                 spikes=mlp_spikes.reshape(-1).tolist()),
        convnet=dict(input_shape=[2, 32, 32], channels=4, hidden=8, classes=3, T=4, B=2, x=nonzeros(x_conv),
                     rate=conv_rate.reshape(-1).tolist()))
    with open(os.path.join(HERE, "ref_outputs.json"), "w") as f:
        json.dump(outputs, f)

    # Broken files. A pickle that would run os.system('ls') (protocol-2 GLOBAL opcode).
    with zipfile.ZipFile(os.path.join(HERE, "broken_global.pth"), "w") as z:
        z.writestr("archive/data.pkl", b"\x80\x02cos\nsystem\nq\x00X\x02\x00\x00\x00lsq\x01\x85q\x02Rq\x03.")
        z.writestr("archive/version", "3\n")
    with zipfile.ZipFile(os.path.join(HERE, "broken_no_pickle.pth"), "w") as z:
        z.writestr("archive/version", "3\n")
        z.writestr("archive/data/0", b"\x00" * 8)
    with zipfile.ZipFile(os.path.join(HERE, "ref_mlp_bare.pth")) as src, \
            zipfile.ZipFile(os.path.join(HERE, "broken_short_storage.pth"), "w") as z:
        for info in src.infolist():
            data = src.read(info)
            if info.filename.endswith("/data/0"):
                data = data[:8]
            z.writestr(info.filename, data)


if __name__ == "__main__":
    main()
