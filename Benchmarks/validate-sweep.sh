#!/usr/bin/env bash
# `sdfa validate` on the quickstart spec swept over 100 learning rates × S seeds (S = 100 and
# 1,000: 10^4 and 10^5 points), release build: wall and user time and peak RSS from
# /usr/bin/time -v. The point count is checked before expansion; this measures expansion,
# stage expansions (technology files), checks and the stage graph, which validate builds.
#
#   bash Benchmarks/validate-sweep.sh              # SEEDS="100 1000"
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
if [ ! -x /usr/bin/time ]; then echo "/usr/bin/time not found (apt-get install time): benchmark skipped"; exit 0; fi
if ! log=$(swift build -c release --product sdfa 2>&1); then echo "$log"; exit 1; fi
DIR=$(mktemp -d); trap 'rm -rf "$DIR"' EXIT
for seeds in ${SEEDS:-100 1000}; do
  spec="$DIR/sweep-$seeds.yml"
  lrs=$(python3 -c 'print(", ".join(f"{(i + 1) * 1e-5:.5g}" for i in range(100)))')
  sed -e "s/^seeds: 5$/seeds: $seeds/" -e "s/^name: quickstart$/name: sweep-$seeds/" \
    -e "s|technology: rram-32nm|technology: $ROOT/experiments/hardware/rram-32nm.yml|" \
    -e "s/^sweep: .*$/sweep: {train.optimizer.lr: [$lrs]}/" experiments/quickstart.yml > "$spec"
  /usr/bin/time -v .build/release/sdfa validate --max-points 1000000 "$spec" 2> "$DIR/time" | sed "s|$DIR/||"
  awk -F': ' '/Elapsed/ {w=$2} /User time/ {u=$2} /Maximum resident/ {r=$2} /System time/ {s=$2}
    END {printf "  wall %s, user %s s, system %s s, peak RSS %.0f MB\n", w, u, s, r / 1024}' "$DIR/time"
done
