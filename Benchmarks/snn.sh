#!/usr/bin/env bash
# The training engine against spikingjelly 2.0.0 on PyTorch (CPU), side by side: each
# configuration runs ours, then the peer's script on the same shapes, density and threads.
# The peer goes into .build-bench/sjvenv (torch CPU wheel + spikingjelly from PyPI, ~1 GB);
# where it cannot be installed, ours runs alone and the peer's recorded figures are printed,
# labelled as recorded. Full tables: Benchmarks/snnbench/RESULTS.md.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
PEER_SCRIPT=${PEER_SCRIPT:-$ROOT/../shared/bench/peer_snn/bench_spikingjelly.py}
VENV=$ROOT/.build-bench/sjvenv
cd "$ROOT"
swift build -c release --product snnbench >/dev/null
PEER=()
if [ -f "$PEER_SCRIPT" ]; then
  if [ ! -x "$VENV/bin/python" ] || ! "$VENV/bin/python" -c "import torch, spikingjelly" 2>/dev/null; then
    echo "installing the peer (torch CPU, spikingjelly) into $VENV"
    python3 -m venv "$VENV" && "$VENV/bin/pip" install -q torch==2.13.0+cpu spikingjelly loguru \
      || echo "could not install the peer: ours runs alone, beside the peer's recorded figures"
  fi
  "$VENV/bin/python" -c "import torch, spikingjelly" 2>/dev/null && PEER=(--peer-python "$VENV/bin/python" --peer-script "$PEER_SCRIPT")
fi
# The issue's matrix: every MLP workload, BP and SDFA, 5 % and 15 % input density, 1 and 2
# threads (~15 min with the peer); SNN_BENCH_QUICK=1 keeps 5 % and 2 threads only.
DENSITIES=0.05,0.15 THREADS=1,2
if [ "${SNN_BENCH_QUICK:-0}" = 1 ]; then DENSITIES=0.05 THREADS=2; fi
.build/release/snnbench --workload mlpa,mlp3,mlp4,mlp5,shd --method bp,sdfa --density "$DENSITIES" \
  --threads "$THREADS" --steps 20 --warmup 30 "${PEER[@]}"
# The DVS ConvNet: 3 timed steps after 3 warm-up steps (a step takes seconds).
.build/release/snnbench --workload conv --method bp,sdfa --density 0.05 --threads 2 --steps 3 \
  --warmup 3 "${PEER[@]}"
