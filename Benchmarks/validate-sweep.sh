#!/usr/bin/env bash
# `sdfa validate` on the quickstart spec swept over 100 learning rates × S seeds (S = 100 and
# 1,000: 10^4 and 10^5 points), release build: wall and user time and peak RSS from
# /usr/bin/time -v. The point count is checked before expansion; this measures expansion,
# stage expansions (technology files), checks and the count of the stage graph's nodes, which
# validate prints. `sdfa dag` on the same spec is measured too: it builds the whole graph
# (every node with its params, label and identity), as `run` and `status` do.
#
#   bash Benchmarks/validate-sweep.sh              # SEEDS="100 1000"
#   SDFA_PEER=/path/to/an/older/sdfa bash Benchmarks/validate-sweep.sh   # the same lines for a peer binary
#   SDFA=/path/to/sdfa bash Benchmarks/validate-sweep.sh     # measure that binary (nothing is built)
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
if [ ! -x /usr/bin/time ]; then echo "/usr/bin/time not found (apt-get install time): benchmark skipped"; exit 0; fi
if [ -z "${SDFA:-}" ] && ! log=$(swift build -c release --product sdfa 2>&1); then echo "$log"; exit 1; fi
DIR=$(mktemp -d); trap 'rm -rf "$DIR"' EXIT
measure() {  # label, command…
  local label=$1; shift
  /usr/bin/time -v "$@" 2> "$DIR/time" | tail -n 1 | sed "s|$DIR/||"
  awk -F': ' -v label="$label" '/Elapsed/ {w=$2} /User time/ {u=$2} /Maximum resident/ {r=$2} /System time/ {s=$2}
    END {printf "  %s: wall %s, user %s s, system %s s, peak RSS %.0f MB\n", label, w, u, s, r / 1024}' "$DIR/time"
}
for seeds in ${SEEDS:-100 1000}; do
  spec="$DIR/sweep-$seeds.yml"
  lrs=$(python3 -c 'print(", ".join(f"{(i + 1) * 1e-5:.5g}" for i in range(100)))')
  sed -e "s/^seeds: 5$/seeds: $seeds/" -e "s/^name: quickstart$/name: sweep-$seeds/" \
    -e "s|technology: rram-32nm|technology: $ROOT/experiments/hardware/rram-32nm.yml|" \
    -e "s/^sweep: .*$/sweep: {train.optimizer.lr: [$lrs]}/" experiments/quickstart.yml > "$spec"
  for sdfa in "${SDFA:-.build/release/sdfa}" ${SDFA_PEER:-}; do
    echo "$sdfa, $((seeds * 100)) points:"
    measure "validate" "$sdfa" validate --max-points 1000000 "$spec"
    measure "dag (whole graph)" "$sdfa" dag --max-points 1000000 "$spec"
  done
done
