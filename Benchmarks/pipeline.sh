#!/usr/bin/env bash
# Pipeline overhead, side by side: sdfa (toy stage kinds that only hash their inputs) against
# Snakemake and DVC on the same DAG shapes as the peers' benchmark (C configs × 5 seeds:
# load and bin per config; train, map, energy per seed; one report): C = 9 → 154 stages,
# C = 90 → 1,531 stages. Scenarios: cold run, no-op rerun, status / dry run, and a rerun after
# changing one config's seed-independent param (18 stages rerun).
#
# Peers come from the shared benchmark folder (PEERS, default ../shared/bench/pipelines);
# Snakemake and DVC are installed into .build-bench/venv with pip, hyperfine with apt-get.
# DVC is measured at 154 stages only: at 1,531 its cold run takes about an hour.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
TOY=$ROOT/.build/release/sdfa-toy
PEERS=${PEERS:-$ROOT/../shared/bench/pipelines}
VENV=$ROOT/.build-bench/venv
RUNS=${RUNS:-10}
SCALES=${SCALES:-"9 90"}
[ -x "$TOY" ] || { echo "build first: swift build -c release"; exit 1; }
command -v hyperfine >/dev/null || { SUDO=""; [ "$(id -u)" = 0 ] || SUDO=sudo; $SUDO apt-get install -y -qq hyperfine >/dev/null; }
HAVE_PEERS=1
if [ ! -f "$PEERS/gen.py" ]; then
  echo "peers' benchmark not found at $PEERS: measuring sdfa alone"; HAVE_PEERS=0
elif [ ! -x "$VENV/bin/snakemake" ] || [ ! -x "$VENV/bin/dvc" ]; then
  echo "installing snakemake and dvc into $VENV"
  python3 -m venv "$VENV" && "$VENV/bin/pip" install -q snakemake dvc
fi
export PATH="$VENV/bin:$PATH" DVC_NO_ANALYTICS=1
W=$(mktemp -d); trap 'rm -rf "$W"' EXIT
R=$W/json; mkdir -p "$R"

hf() { # name runs [hyperfine args] command
  local name=$1 runs=$2; shift 2
  hyperfine -N --style none --runs "$runs" --export-json "$R/$name.json" "$@" >/dev/null 2>&1 || \
  hyperfine --style none --runs "$runs" --export-json "$R/$name.json" "$@" >/dev/null
}

toy_spec() { # C scale_of_c003
  echo "name: bench"; echo "seeds: 5"
  echo "dataset: {scale: 1}"; echo "frames: {bins: 10}"; echo "train: {lr: 0.01}"; echo "hardware: {hw: hw0, vdd: 0.8}"
  echo "sweep:"; echo "  dataset:"
  for ((c = 0; c < $1; c++)); do
    s=$((1 + c % 3)); [ $c = 3 ] && s=$2
    printf '    c%03d: {config: c%03d, scale: %s}\n' $c $c "$s"
  done
}

for C in $SCALES; do
  N=$((2 * C + 3 * C * 5 + 1))
  echo "== $C configs × 5 seeds = $N stages"
  D=$W/sdfa$C; mkdir -p "$D"; cd "$D"
  toy_spec "$C" 1 > spec.yml
  hf "sdfa_${N}_cold" 3 --prepare "rm -rf .sdfa results" "$TOY run spec.yml -q"
  "$TOY" run spec.yml -q >/dev/null
  hf "sdfa_${N}_noop" "$RUNS" --warmup 2 "$TOY run spec.yml -q"
  hf "sdfa_${N}_status" "$RUNS" --warmup 2 "$TOY status spec.yml"
  hf "sdfa_${N}_bump" 3 --prepare "bash -c 'source $ROOT/Benchmarks/bump.sh; bump spec.yml'" "$TOY run spec.yml -q"
  if [ $HAVE_PEERS = 1 ]; then
    S=$W/snakemake$C; python3 "$PEERS/gen.py" snakemake "$S" "$C" 5 >/dev/null; cp "$PEERS/bump.py" "$S/"; cd "$S"
    hf "snakemake_${N}_cold" 1 --prepare "rm -rf data/* .snakemake" "snakemake -c2 -q"
    hf "snakemake_${N}_noop" 3 --warmup 1 "snakemake -c1 -q"
    hf "snakemake_${N}_status" 3 --warmup 1 "snakemake -n -q"
    hf "snakemake_${N}_bump" 3 --prepare "python3 bump.py c003" "snakemake -c1 -q"
    if [ "$C" -le 9 ]; then
      V=$W/dvc$C; python3 "$PEERS/gen.py" dvc "$V" "$C" 5 >/dev/null; cp "$PEERS/bump.py" "$V/"; cd "$V"
      git init -q && git config user.email b@b && git config user.name b && dvc init -q && dvc config core.analytics false
      hf "dvc_${N}_cold" 1 --prepare "rm -rf data/* .dvc/cache dvc.lock" "dvc repro -q"
      hf "dvc_${N}_noop" 3 "dvc repro -q"
      hf "dvc_${N}_status" 3 "dvc status -q"
      hf "dvc_${N}_bump" 3 --prepare "python3 bump.py c003" "dvc repro -q"
    fi
  fi
done

python3 - "$R" <<'PY'
import json, os, sys, statistics
r = sys.argv[1]
m = {}
for f in os.listdir(r):
    d = json.load(open(os.path.join(r, f)))["results"][0]
    m[f[:-5]] = statistics.median(d["times"])
def ms(x): return f"{x*1000:.0f} ms" if x < 10 else f"{x:.1f} s"
for n in (154, 1531):
    if f"sdfa_{n}_noop" not in m: continue
    print(f"\n### {n} stages (median wall time, process start included)\n")
    print("| scenario | sdfa | Snakemake | DVC | Snakemake / sdfa | DVC / sdfa |")
    print("|---|---|---|---|---|---|")
    for s in ("cold", "noop", "status", "bump"):
        a = m.get(f"sdfa_{n}_{s}"); b = m.get(f"snakemake_{n}_{s}"); c = m.get(f"dvc_{n}_{s}")
        print(f"| {s} | {ms(a)} | {ms(b) if b else '—'} | {ms(c) if c else '—'} | "
              f"{f'{b/a:.0f}×' if b else '—'} | {f'{c/a:.0f}×' if c else '—'} |")
    print(f"\nsdfa per-stage overhead (cold run / stages; toy stages do no work): {m[f'sdfa_{n}_cold']/n*1000:.2f} ms")
PY
