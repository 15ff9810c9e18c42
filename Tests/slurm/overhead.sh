#!/usr/bin/env bash
# Overhead of the Slurm executor: `sdfa-toy run --executor slurm` on 100 train stages (one
# 100-task array, tracked with squeue) against the cluster's own time for the very same
# array (the batch script sdfa wrote, submitted by hand on a copy of the cache and polled
# with squeue every 0.2 s, as the research notes' reference loop does).
#
#   bash Tests/slurm/overhead.sh [path/to/sdfa-toy]     (as root; starts and stops its own cluster)
# Env: SLURM_TEST_CPUS (CPUs the node advertises, default 8), N (tasks, default 100).
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
TOY=$(realpath "${1:-$HERE/../../.build/debug/sdfa-toy}")
N=${N:-100}
W=$(mktemp -d /tmp/sdfa-ovh.XXXX)
export SLURM_TEST_CPUS=${SLURM_TEST_CPUS:-8} SLURM_TEST_PORT=${SLURM_TEST_PORT:-16817}
eval "$(bash "$HERE/cluster.sh" "$W/c" start)"
trap 'bash "$HERE/cluster.sh" "$W/c" stop; rm -rf "$W"' EXIT
now() { date +%s.%N; }
cd "$W"
cat >s.yml <<SPEC
name: ovh
seeds: $N
dataset: {scale: 1}
frames: {bins: 10}
train: {lr: 0.01}
executor: {kind: slurm, poll_interval: 0.2, max_jobs: $N}
SPEC
grep -v '^train' s.yml >prep.yml
"$TOY" run prep.yml -q >/dev/null          # load and bin, cached for both measurements
cp -a .sdfa baseline                        # the cache before the train stages, for the baseline
sleep 3                                      # the controller's first scheduling pass is behind us

t=$(now); "$TOY" run s.yml -q >run.out 2>&1 || { cat run.out; exit 1; }; t_sdfa=$(echo "$(now) - $t" | bc)

script=$(ls .sdfa/jobs/batches/train-*.sh)
[ "$(grep -c '^set -- ' "$script")" = 1 ] || { echo "expected one array"; exit 1; }
mkdir -p baseline/jobs/slurm-logs
cp .sdfa/jobs/*[0-9a-f].json baseline/jobs/
sed "s|$W/.sdfa|$W/baseline|" "$script" >baseline.sh
t=$(now)
J=$(sbatch --parsable --array=0-$((N - 1)) --cpus-per-task=1 -o "$W/baseline/jobs/slurm-logs/%A_%a.out" baseline.sh)
while [ -n "$(squeue -h -j "$J" -o %i 2>/dev/null)" ]; do sleep 0.2; done
t_cluster=$(echo "$(now) - $t" | bc)
done_runs=$(ls baseline/jobs/*.result.json | wc -l)
printf 'tasks=%d node_cpus=%s  sdfa run --executor slurm: %.2f s   same array, sbatch + squeue loop: %.2f s (%d results)   overhead: %.2f s\n' \
  "$N" "$SLURM_TEST_CPUS" "$t_sdfa" "$t_cluster" "$done_runs" "$(echo "$t_sdfa - $t_cluster" | bc)"
