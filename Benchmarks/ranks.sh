#!/usr/bin/env bash
# Data-parallel scaling (train.ranks): the time of one training step with 1 and 2 ranks (one
# thread each) for an MLP and a small ConvNet with batch norm, on synthetic N-MNIST-shaped
# data, through `sdfa run` as a user runs it (`mpirun -np 2` for 2 ranks). A step's time is
# the second epoch's wall time (from the stage's log) over its batches; the test split is kept
# small so that rank 0's evaluation hardly counts. Also printed: the bytes each rank sends per
# step for the gradient sum (parameters × 4 bytes × 2(N−1)/N: the deterministic reduce-scatter
# and all-gather). Results: BENCHMARKS.md, "Data-parallel training over MPI".
# RANKS_BENCH_RANKS (default "1 2") and RANKS_BENCH_MODELS (default "mlp convnet") choose.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
if ! command -v mpirun >/dev/null; then
  echo "skipped: no mpirun (apt-get install openmpi-bin)"; exit 0
fi
swift build -c release --product sdfa >/dev/null
SDFA=$ROOT/.build/release/sdfa
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
spec() { # name model train-size batch
  cat <<YAML
name: ranks-$1
seeds: 1
dataset: {kind: synthetic, like: nmnist, train: $3, test: 16, events_per_sample: 1500}
frames: {T: 10, split_by: number}
model: $2
train: {method: bp, epochs: 2, batch_size: $4, threads: 1, optimizer: {type: adam, lr: 1.0e-3}}
YAML
}
echo "| model | params | ranks | batch | s/step | speed-up | sent per rank per step |"
echo "|---|---:|---:|---:|---:|---:|---:|"
for model in ${RANKS_BENCH_MODELS:-mlp convnet}; do
  case $model in
    # IF neurons at threshold 0.3: every layer spikes on these small frames (at LIF's
    # threshold 1 the deep layers stay silent and a step costs next to nothing).
    mlp) spec mlp "{arch: mlp, hidden: [1000, 1000], neuron: {type: if, v_threshold: 0.3}}" 1280 128 >"$WORK/$model.yml" ;;
    convnet) spec convnet "{arch: convnet, channels: 32, neuron: {type: if, v_threshold: 0.3}}" 192 16 >"$WORK/$model.yml" ;;
  esac
  base=""
  for ranks in ${RANKS_BENCH_RANKS:-1 2}; do
    rm -rf "$WORK/results"
    (cd "$WORK" && "$SDFA" run "$model.yml" --cache "$WORK/cache" --set "train.ranks=$ranks" >/dev/null 2>"$WORK/err") \
      || { cat "$WORK/err"; exit 1; }
    log=$(ls "$WORK"/results/ranks-$model/train/*.log)
    point=${log%.log}
    seconds=$(grep -o 'epoch 2: .*, [0-9.]* s' "$log" | grep -o '[0-9.]* s$' | tr -d ' s')
    batch=$(grep -o '"batchSize" *: *[0-9]*' "$point/model.json" | grep -o '[0-9]*$')
    batches=$(grep -o '"batchesPerEpoch" *: *[0-9]*' "$point/model.json" | grep -o '[0-9]*$')
    # Tensors in the checkpoint (batch norm's running statistics included: a few hundred).
    params=$(python3 -c 'import json, math, struct, sys
f = open(sys.argv[1], "rb"); n = struct.unpack("<Q", f.read(8))[0]; h = json.loads(f.read(n))
print(sum(math.prod(v["shape"]) for k, v in h.items() if k != "__metadata__"))' "$point/checkpoint.safetensors")
    step=$(echo "$seconds / $batches" | bc -l)
    [ -z "$base" ] && base=$step
    sent=$(echo "$params * 4 * 2 * ($ranks - 1) / $ranks / 1048576" | bc -l)
    printf "| %s | %d | %d | %d | %.3f | %.2f× | %.1f MiB |\n" "$model" "$params" "$ranks" "$batch" "$step" \
      "$(echo "$base / $step" | bc -l)" "$sent"
  done
done
