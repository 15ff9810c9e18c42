#!/usr/bin/env bash
# Peak resident memory and time of one training step of the paper's conv rows at their real
# shapes (snnbench --memory, one configuration per process, since the peak is the process's):
# the DVS ConvNet (b8, T30), the DVS VGG11 (b8, T30) and the N-Caltech VGG11 (b4, T30), BP and
# SDFA, train.memory fast and lean, 2 threads, random events at 5 % density. Results: BENCHMARKS.md, "Memory of one conv
# training step". The VGG11 steps take minutes each on 2 cores; MEMORY_BENCH_SHAPES picks
# fewer (e.g. MEMORY_BENCH_SHAPES=convnet-dvs).
#
# Beside each row, spikingjelly on PyTorch (CPU) runs the same network and step
# (Benchmarks/peer_conv_memory.py). It keeps float activations for every layer and step, so at
# T 30 it would need ~7–17 GB (BENCHMARKS.md): it is measured at small T (PEER_T_CONVNET, PEER_T_VGG11), each T
# in its own process, and extrapolated linearly to T 30 (printed as such); ours also runs at the
# peer's largest T, for a measured ratio at equal shapes. Without torch and spikingjelly (in
# python3, or in Benchmarks/snn.sh's venv) the peer is skipped, saying so.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
swift build -c release --product snnbench >/dev/null
PEER_PYTHON=
for py in python3 "$ROOT/.build-bench/sjvenv/bin/python"; do
  if command -v "$py" >/dev/null && "$py" -c "import torch, spikingjelly" 2>/dev/null; then PEER_PYTHON=$py; break; fi
done
[ -n "$PEER_PYTHON" ] || echo "spikingjelly peer skipped: no python with torch and spikingjelly (pip install torch spikingjelly)"
PEER_T_CONVNET=${PEER_T_CONVNET:-2,4,6}
PEER_T_VGG11=${PEER_T_VGG11:-2,3,4}
echo "| shape | method | batch, T, input | threads | s/step | peak RSS MiB |"
echo "|---|---|---|---:|---:|---:|"
for shape in ${MEMORY_BENCH_SHAPES:-convnet-dvs vgg11-dvs vgg11-ncaltech}; do
  for method in sdfa bp; do
    for mode in fast lean; do
      .build/release/snnbench --memory "$shape" --method "$method" --memory-mode "$mode" --steps 1 \
        --threads 2 | tail -n 1
    done
    if [ -n "$PEER_PYTHON" ]; then
      peer_t=$PEER_T_VGG11; [ "$shape" = convnet-dvs ] && peer_t=$PEER_T_CONVNET
      .build/release/snnbench --memory "$shape" --method "$method" --memory-mode fast --steps 1 \
        --threads 2 --time-steps "${peer_t##*,}" | tail -n 1
      "$PEER_PYTHON" Benchmarks/peer_conv_memory.py --shape "$shape" --method "$method" \
        --time-steps "$peer_t" --threads 2 2>/dev/null
    fi
  done
done
