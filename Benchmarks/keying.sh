#!/usr/bin/env bash
# Keying a real dataset by content: `sdfa status` on a spec whose dataset folder holds FILES
# files (default 60,000, N-MNIST's training set; BYTES each, default 21,500, its mean size),
# cold (no file digest remembered: every file is read and hashed) and warm (the digests are
# remembered in the cache's index by device, inode, size, mtime and ctime: stat only).
#
# Peers in the same run, on the same files: `sha256sum` of every file (what cold keying must
# at least do, on one thread) and GNU `find -printf` of every file's inode, size, mtime and
# ctime (what warm keying must at least do); and sdfa's own floor, `sdfa status` of a spec
# without a dataset folder (process start, spec, graph and index). The files are in the page
# cache in every scenario (dropping it needs root): "cold" means not remembered, not "on disk".
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
SDFA=${SDFA:-$ROOT/.build/release/sdfa}
FILES=${FILES:-60000}
BYTES=${BYTES:-21500}
RUNS=${RUNS:-10}
[ -x "$SDFA" ] || { echo "build first: swift build -c release"; exit 1; }
command -v hyperfine >/dev/null || { SUDO=""; [ "$(id -u)" = 0 ] || SUDO=sudo; $SUDO apt-get install -y -qq hyperfine >/dev/null; }
W=$(mktemp -d); trap 'rm -rf "$W"' EXIT
cd "$W"

# N-MNIST's layout: Train/<digit>/<n>.bin; random bytes (keying never parses them).
python3 - "$FILES" "$BYTES" <<'EOF'
import os, sys
files, size = int(sys.argv[1]), int(sys.argv[2])
rng = os.urandom
for i in range(files):
    folder = f"data/Train/{i % 10}"
    if i < 10: os.makedirs(folder, exist_ok=True)
    with open(f"{folder}/{i // 10:05d}.bin", "wb") as f: f.write(rng(size))
EOF
echo "dataset: $FILES files, $(du -sh data | cut -f1) (page cache warm)"
printf 'name: keying\ndataset: {kind: nmnist, root: data}\n' > data.yml
printf 'name: floor\ndataset: {kind: synthetic, train: 10, test: 10}\n' > floor.yml
# A cache whose index exists (the memo lives in it; status never creates a cache).
"$SDFA" run floor.yml -q --cache base >/dev/null

R=$W/json; mkdir -p "$R"
hf() { # name runs [hyperfine args] command
  local name=$1 runs=$2; shift 2
  hyperfine -N --style none --runs "$runs" --export-json "$R/$name.json" "$@" >/dev/null 2>&1 || \
  hyperfine --style none --runs "$runs" --export-json "$R/$name.json" "$@" >/dev/null
}
cat data/Train/*/* >/dev/null  # into the page cache before the first measurement
hf sdfa_cold 3 --prepare "bash -c 'rm -rf c && cp -r base c'" "$SDFA status data.yml --cache c"
hf sha256sum 3 "bash -c 'find data -type f -print0 | xargs -0 sha256sum >/dev/null'"
"$SDFA" run data.yml --dry-run -q --cache c >/dev/null  # a run remembers the digests; status only reads them
hf sdfa_warm "$RUNS" --warmup 1 "$SDFA status data.yml --cache c"
hf find_stat "$RUNS" --warmup 1 "bash -c \"find data -type f -printf '%i %s %T@ %C@\\\\n' >/dev/null\""
hf sdfa_floor "$RUNS" --warmup 1 "$SDFA status floor.yml --cache c"
rows=$(sqlite3 c/index.sqlite 'SELECT COUNT(*) FROM file_digests' 2>/dev/null || echo "?")
echo "file digests remembered: $rows"

python3 - "$R" <<'EOF'
import json, os, sys
r = sys.argv[1]
med = {n[:-5]: json.load(open(os.path.join(r, n)))["results"][0]["median"] for n in os.listdir(r)}
def t(s): return f"{s * 1000:,.0f} ms" if s < 10 else f"{s:.1f} s"
print("| scenario | sdfa status | peer | peer time | sdfa / peer |")
print("|---|---|---|---|---|")
print(f"| cold (every file hashed) | {t(med['sdfa_cold'])} | sha256sum, 1 thread | {t(med['sha256sum'])} | {med['sdfa_cold'] / med['sha256sum']:.2f} |")
print(f"| warm (stat only) | {t(med['sdfa_warm'])} | find -printf stat | {t(med['find_stat'])} | {med['sdfa_warm'] / med['find_stat']:.2f} |")
print(f"| no dataset (floor) | {t(med['sdfa_floor'])} | | | |")
print(f"cold / warm: {med['sdfa_cold'] / med['sdfa_warm']:.0f}x")
EOF
