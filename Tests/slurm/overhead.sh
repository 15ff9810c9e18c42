#!/usr/bin/env bash
# Overhead of the Slurm executor: `sdfa-toy run --executor slurm` on N train stages (one
# N-task array, tracked with squeue) against the cluster's own time for the very same array
# (the batch script sdfa wrote, submitted by hand on a copy of the cache and polled with
# squeue every 0.2 s, as the research notes' reference loop does). Rounds alternate which
# goes first, each on fresh copies of a cache holding the upstream stages; the median of the
# differences is the overhead. The sdfa process's own CPU time (with its sbatch and squeue
# children) and its share of the wall time (before submitting, after the last task ended)
# are printed too: on a loaded machine they are the steadier figures.
#
#   bash Tests/slurm/overhead.sh [path/to/sdfa-toy]     (as root; starts and stops its own cluster)
# Env: N (tasks, default 100), ROUNDS (default 3), SLURM_TEST_CPUS (CPUs the node
# advertises, default 8: tasks share the cores).
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
TOY=$(realpath "${1:-$HERE/../../.build/debug/sdfa-toy}")
N=${N:-100}
ROUNDS=${ROUNDS:-3}
W=$(mktemp -d /tmp/sdfa-ovh.XXXX)
chmod 755 "$W"   # munged wants o+x on every directory above its socket
export SLURM_TEST_CPUS=${SLURM_TEST_CPUS:-8} SLURM_TEST_PORT=${SLURM_TEST_PORT:-16817}
conf=$(bash "$HERE/cluster.sh" "$W/c" start)
eval "$conf"
trap 'bash "$HERE/cluster.sh" "$W/c" stop; rm -rf "$W"' EXIT
now() { date +%s.%N; }
cd "$W"
cat >s.yml <<SPEC
name: ovh
seeds: $N
dataset: {scale: 1}
frames: {bins: 10}
train: {lr: 0.01}
executor: {kind: slurm, max_jobs: $N}   # default polling
SPEC
grep -v '^train' s.yml >prep.yml
"$TOY" run prep.yml -q >/dev/null                     # load and bin, cached for every measurement
cp -a .sdfa prepped
"$TOY" run s.yml -q --cache warm >/dev/null 2>&1 || true   # warm-up (not counted): writes the job descriptions
script=$(ls warm/jobs/batches/train-*.sh)
[ "$(grep -c '^set -- ' "$script")" = 1 ] || { echo "expected one array"; exit 1; }

sdfa_run() {   # round → seconds
  cp -a prepped "run$1"
  local t; t=$(now)
  /usr/bin/time -f '%U %S' -o "cpu$1" "$TOY" run s.yml -q --cache "run$1" --results "results$1" >"run$1.out" 2>&1 \
    || { cat "run$1.out"; exit 1; }
  local t1; t1=$(now)
  # sdfa's own share of the wall time: before the array is submitted, and after its last
  # task ended (noticing it, the local report stage, linking results).
  python3 - "run$1" "$t" "$t1" >"own$1" <<'PY'
import glob, json, sqlite3, sys
cache, t0, t1 = sys.argv[1], float(sys.argv[2]), float(sys.argv[3])
submitted = min(json.load(open(f))["submitted"] for f in glob.glob(cache + "/jobs/*.slurm.json"))
last = sqlite3.connect(cache + "/index.sqlite").execute("SELECT max(finished) FROM stages WHERE kind = 'train'").fetchone()[0]
print(f"{submitted - t0:.2f} {t1 - last:.2f}")
PY
  echo "$t1 - $t" | bc
}
bare_array() {   # round → seconds
  cp -a prepped "base$1"
  mkdir -p "base$1/jobs/slurm-logs"
  cp warm/jobs/*[0-9a-f].json "base$1/jobs/"
  sed "s|$W/warm|$W/base$1|" "$script" >"base$1.sh"
  local t J; t=$(now)
  J=$(sbatch --parsable --array=0-$((N - 1)) --cpus-per-task=1 -o "$W/base$1/jobs/slurm-logs/%A_%a.out" "base$1.sh")
  while [ -n "$(squeue -h -j "$J" -o %i 2>/dev/null)" ]; do sleep 0.2; done
  echo "$(now) - $t" | bc
  [ "$(ls "base$1"/jobs/*.result.json | wc -l)" = "$N" ] || { echo "baseline round $1: missing results" >&2; exit 1; }
}
diffs=()
for ((r = 1; r <= ROUNDS; r++)); do
  if ((r % 2)); then a=$(sdfa_run $r); b=$(bare_array $r); else b=$(bare_array $r); a=$(sdfa_run $r); fi
  d=$(echo "$a - $b" | bc)
  diffs+=("$d")
  cpu=$(awk '{print $1 + $2}' "cpu$r")
  read -r before after <"own$r"
  printf 'round %d: sdfa run --executor slurm %.2f s (until submitted %.2f s, after the last task %.2f s; CPU %.2f s), same array by sbatch + squeue loop %.2f s, difference %+.2f s\n' \
    "$r" "$a" "$before" "$after" "$cpu" "$b" "$d"
done
median=$(printf '%s\n' "${diffs[@]}" | sort -g | sed -n "$(((ROUNDS + 1) / 2))p")
printf 'tasks=%d node_cpus=%s rounds=%d: median overhead %+.2f s\n' "$N" "$SLURM_TEST_CPUS" "$ROUNDS" "$median"
