#!/usr/bin/env bash
# Events, side by side with spikingjelly on the same events: ../shared/bench/peer_binning.py
# writes its samples as N-MNIST .bin files, EventsBench reads them into a container (MB/s
# against plain reads of the same files), bins them (split_by number and time, best of 3)
# and times spikingjelly's binning (or its numpy port when spikingjelly is not installed) on
# the same samples. Pinned to one core where taskset exists: the target is at least 10× the
# peer's events per second on one core.
#
#   bash Benchmarks/events.sh                      # SAMPLES=2000 FRAMES=10 CORE=0 PEER=…
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
PEER=${PEER:-$ROOT/../shared/bench/peer_binning.py}
SAMPLES=${SAMPLES:-2000}
FRAMES=${FRAMES:-10}
cd "$ROOT"
if [ ! -f "$PEER" ]; then echo "peer benchmark not found at $PEER (set PEER=…): events benchmark skipped"; exit 0; fi
if ! python3 -c 'import numpy' 2>/dev/null; then echo "the peer needs numpy (pip install numpy): events benchmark skipped"; exit 0; fi
if ! log=$(swift build -c release --product EventsBench 2>&1); then echo "$log"; exit 1; fi
PIN=()
if command -v taskset >/dev/null; then PIN=(taskset -c "${CORE:-0}"); echo "pinned to core ${CORE:-0}"; fi
OUT=$(mktemp); trap 'rm -f "$OUT"' EXIT
${PIN[@]+"${PIN[@]}"} .build/release/EventsBench --samples "$SAMPLES" --frames "$FRAMES" --peer "$PEER" | tee "$OUT"

python3 - "$OUT" <<'PY'
import re, sys
text = open(sys.argv[1]).read()
ours = {m[0]: float(m[1]) for m in re.findall(r"Events  split_by=(\w+) T=\d+ in memory: ([\d.]+) M events/s", text)}
rows = re.findall(r"(\S+) split_by=(\w+): ([\d.]+) M events/s; ratio Events/peer = ([\d.]+)x in memory, ([\d.]+)x including", text)
if not rows:
    sys.exit("no peer results: see the output above")
print("\n| split_by | Events (M events/s) | %s (M events/s) | Events / peer | incl. frames file | ≥ 10× |" % rows[0][0])
print("|---|---|---|---|---|---|")
for who, mode, peer, ratio, with_file in rows:
    print(f"| {mode} | {ours.get(mode, 0):.1f} | {float(peer):.1f} | {float(ratio):.1f}× | {float(with_file):.1f}× | {'yes' if float(ratio) >= 10 else 'NO'} |")
PY
