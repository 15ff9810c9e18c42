#!/usr/bin/env bash
# make tables-synthetic: every paper spec (experiments/paper/*.yml) on SYNTHETIC data of its
# dataset's shape, reduced so that the whole set runs in about 15 minutes on 2 cores, then
# `sdfa tables` into results/synthetic/. These are NOT the paper's results: they show that a
# fresh machine produces every table and figure, end to end, without downloading anything.
#
# Every spec gets --set dataset.kind=synthetic --set dataset.like=<its dataset>, so every
# table's provenance line says "Data: synthetic" and every row says "(synthetic)". Beyond that,
# what is reduced (paper value → synthetic value; anything not listed is the paper spec's):
#
#   spec                 samples train/test        epochs     seeds  T        channels
#   nmnist-mlp           60000/10000 → 500/100     50 → 2     5      10       (MLP, hidden 1000)
#   shd-mlp              8156/2264 → 1000/250      100 → 5    5      100      (MLP 100-100)
#   braille-mlp          1080/270 → 540/135        100 → 10   5      152      (MLP 200-200)
#   dvsgesture-convnet   1176/288 → 110/44         200 → 3    5 → 3  30 → 10  128 → 32
#   dvsgesture-vgg11     1176/288 → 55/22          300 → 2    5 → 3  30 → 10  512 → 64
#   ncaltech101-vgg11    6968/1741 → 101/101       200 → 1    5 → 3  30 → 10  512 → 32
#
# Sensor sizes (34×34, 128×128, 240×180, 700 channels, 4 taxels), classes, neurons, batch
# sizes, optimizers, losses and the hardware section are the paper specs'. The VGG11 fully
# connected layers keep their 4096 units. Smaller T and channel counts change the hardware
# table too (fewer time steps, smaller crossbars): its ratios describe these reduced networks.
# At these sizes accuracies near chance are expected, above all for the conv nets.
#
# Separate from real-data results: cache $SDFA_CACHE_SYNTHETIC (default .sdfa-synthetic),
# stage outputs linked under results/synthetic-runs/, tables in results/synthetic/. A second
# run finds everything cached, executes nothing and takes seconds.
#
# Usage: scripts/tables-synthetic.sh   (after `swift build -c release --product sdfa`;
#        `make tables-synthetic` does both)
# Environment: SDFA (the binary), SDFA_CACHE_SYNTHETIC, SDFA_SYNTHETIC_OUT (results/synthetic).
set -uo pipefail
cd "$(dirname "$0")/.."

SDFA=${SDFA:-.build/release/sdfa}
CACHE=${SDFA_CACHE_SYNTHETIC:-.sdfa-synthetic}
OUT=${SDFA_SYNTHETIC_OUT:-results/synthetic}
RUNS=results/synthetic-runs
export OPENBLAS_NUM_THREADS=${OPENBLAS_NUM_THREADS:-1}

# spec | like | seeds | overrides (path=value, space-separated) | what changed, for the README
SPECS=(
  "nmnist-mlp|nmnist|5|dataset.train=500 dataset.test=100 train.epochs=2|500/100 samples (real 60000/10000), 2 epochs (50)"
  "shd-mlp|shd|5|dataset.train=1000 dataset.test=250 train.epochs=5|1000/250 samples (real 8156/2264), 5 epochs (100)"
  "braille-mlp|braille|5|dataset.train=540 dataset.test=135 train.epochs=10|540/135 samples (real 1080/270), 10 epochs (100)"
  "dvsgesture-convnet|dvsgesture|3|dataset.train=110 dataset.test=44 train.epochs=3 frames.T=10 model.channels=32|110/44 samples (real 1176/288), 3 epochs (200), T 10 (30), channels 32 (128)"
  "dvsgesture-vgg11|dvsgesture|3|dataset.train=55 dataset.test=22 train.epochs=2 frames.T=10 model.channels=64|55/22 samples (real 1176/288), 2 epochs (300), T 10 (30), channels 64 (512)"
  "ncaltech101-vgg11|ncaltech101|3|dataset.train=101 dataset.test=101 train.epochs=1 frames.T=10 model.channels=32|101/101 samples (real 6968/1741), 1 epoch (200), T 10 (30), channels 32 (512)"
)

[ -x "$SDFA" ] || { echo "error: $SDFA not found; run: swift build -c release --product sdfa (or make tables-synthetic)" >&2; exit 2; }
mkdir -p "$OUT"
parts=$(mktemp -d)
trap 'rm -rf "$parts"' EXIT

start=$SECONDS
failed=()
i=0
for row in "${SPECS[@]}"; do
  IFS='|' read -r name like seeds sets changed <<<"$row"
  spec=experiments/paper/$name.yml
  args=(--cache "$CACHE" --seeds "$seeds" --set dataset.kind=synthetic --set "dataset.like=$like")
  for s in $sets; do args+=(--set "$s"); done
  t=$SECONDS
  echo "== $name (synthetic $like; ${changed})"
  if ! "$SDFA" run "$spec" "${args[@]}" --results "$RUNS" --quiet; then failed+=("$name"); fi
  echo "   $name: $((SECONDS - t)) s"
  # `sdfa tables` takes one set of overrides, so it collects one spec at a time; its README
  # of each is kept and this spec's parts of them are joined below.
  "$SDFA" tables "$spec" "${args[@]}" -o "$OUT" | sed 's/^/   /'
  cp "$OUT/README.md" "$parts/$(printf %02d $i)-$name.md"
  paper_seeds=$(sed -nE 's/^seeds: *([0-9]+).*/\1/p' "$spec")
  shown=$seeds; [ "$seeds" = "$paper_seeds" ] || shown="$seeds ($paper_seeds)"
  printf '| `%s` | %s | %s | %s |\n' "$name" "$like" "$shown" "$changed" >>"$parts/reductions"
  echo "$SDFA run $spec ${args[*]} --results $RUNS" | sed "s|^$SDFA|sdfa|" >>"$parts/commands"
  i=$((i + 1))
done
elapsed=$((SECONDS - start))

# README.md: a banner, what was reduced, the index rows and the tables of every part.
{
  echo "# Paper tables on SYNTHETIC data — not the paper's results"
  echo
  echo "Every spec of \`experiments/paper/\` ran on **synthetic data** of its dataset's shape"
  echo "(\`dataset.kind: synthetic\`), with far fewer samples, epochs and (for the conv nets) seeds,"
  echo "time steps and channels than the paper, so that a fresh machine makes every table and figure"
  echo "in minutes. The numbers below say only that the pipeline runs end to end; accuracies near"
  echo "chance are expected at this size. For the paper's numbers, run \`make tables\` on the real"
  echo "datasets (\`results/tables/\`)."
  echo
  grep -h '^Collected by' "$parts"/00-*.md | sed -e 's/ Nothing was trained:.*$//' -e "s|\`$PWD/|\`|"
  echo "Made by \`make tables-synthetic\` (\`scripts/tables-synthetic.sh\`)."
  echo
  echo "## What was reduced"
  echo
  echo "Changed from the paper spec, paper value in parentheses; everything else (sensor size,"
  echo "classes, network, neuron, batch size, optimizer, loss, hardware) is the spec's. Smaller T and"
  echo "channel counts also change the hardware table: its ratios describe these reduced networks."
  echo
  echo "**The hardware tables here are not the paper's workloads**: they cost these reduced networks,"
  echo "trained for a few epochs, whose deep layers barely spike (in the VGG11 runs layers 5–11 do not"
  echo "spike at all), so their activity is that of dead layers. For the nine workloads at their full"
  echo "shapes, with measured or stated nominal activity, see \`results/hardware-sensitivity/sensitivity.md\`."
  echo
  echo "| spec | synthetic like | seeds | samples (train/test), epochs, T, channels |"
  echo "|---|---|---|---|"
  cat "$parts/reductions"
  echo
  echo "Each spec, by hand (\`sdfa tables\` with the same \`--cache\`, \`--seeds\` and \`--set\` collects it):"
  echo
  echo '```sh'
  cat "$parts/commands"
  echo '```'
  echo
  echo "## Collected"
  echo
  echo "| spec | status | what to do or open |"
  echo "|---|---|---|"
  # Each part also lists the collections of the calls before it: take only its own spec.
  for part in "$parts"/[0-9]*.md; do
    name=$(basename "$part" .md); name=${name#*-}
    grep -F "| $name | " "$part" | grep -vF "collected by an earlier call" | head -1
  done
  for part in "$parts"/[0-9]*.md; do
    name=$(basename "$part" .md); name=${name#*-}
    echo
    awk -v h="## $name" '$0 == h { on = 1; print; next } /^## / { on = 0 } on' "$part"
  done
} >"$OUT/README.md"

echo "tables-synthetic: ${#SPECS[@]} specs in ${elapsed} s; tables in $OUT/ (README.md), stage outputs in $RUNS/"
if [ ${#failed[@]} -gt 0 ]; then
  echo "failed: ${failed[*]} (see the messages above)" >&2
  exit 1
fi
