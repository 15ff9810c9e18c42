#!/usr/bin/env bash
# Peak resident memory and time of one training step of the paper's conv rows at their real
# shapes (snnbench --memory, one configuration per process, since the peak is the process's):
# the DVS ConvNet (b8, T30), the DVS VGG11 (b8, T30) and the N-Caltech VGG11 (b4, T30), BP and
# SDFA, train.memory fast and lean, 2 threads, random events at 5 % density. Results: BENCHMARKS.md, "Memory of one conv
# training step". The VGG11 steps take minutes each on 2 cores; MEMORY_BENCH_SHAPES picks
# fewer (e.g. MEMORY_BENCH_SHAPES=convnet-dvs).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
swift build -c release --product snnbench >/dev/null
echo "| shape | method | batch, T, input | threads | s/step | peak RSS MiB |"
echo "|---|---|---|---:|---:|---:|"
for shape in ${MEMORY_BENCH_SHAPES:-convnet-dvs vgg11-dvs vgg11-ncaltech}; do
  for method in sdfa bp; do
    for mode in fast lean; do
      .build/release/snnbench --memory "$shape" --method "$method" --memory-mode "$mode" --steps 1 \
        --threads 2 | tail -n 1
    done
  done
done
