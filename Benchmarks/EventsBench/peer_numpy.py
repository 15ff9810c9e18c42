#!/usr/bin/env python3
"""Times spikingjelly's binning on the samples of shared/bench/peer_binning.py.

Uses spikingjelly itself when it is installed; otherwise the line-by-line numpy port of its
integrate_events_by_fixed_frames_number in Tests/EventsTests/Fixtures/make_fixtures.py (the
same numpy operations, so the same speed within noise). Prints one JSON line per mode.
Usage: peer_numpy.py PEER_BINNING_PY --samples N --frames T --repeat R
"""
import importlib.util, json, os, sys, time

peer_path = sys.argv[1]
args = dict(zip(sys.argv[2::2], sys.argv[3::2]))
samples_n, frames, repeat = int(args.get("--samples", 2000)), int(args.get("--frames", 10)), int(args.get("--repeat", 3))

spec = importlib.util.spec_from_file_location("peer_binning", peer_path)
peer = importlib.util.module_from_spec(spec)
spec.loader.exec_module(peer)
samples = peer.make_samples(samples_n, 4300, 0)
total = sum(s["t"].size for s in samples)

try:
    from spikingjelly.datasets import integrate_events_by_fixed_frames_number as integrate
    which = "spikingjelly"
except Exception:
    here = os.path.dirname(os.path.abspath(__file__))
    fx = os.path.join(here, "..", "..", "Tests", "EventsTests", "Fixtures", "make_fixtures.py")
    spec = importlib.util.spec_from_file_location("sj_port", fx)
    port = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(port)
    integrate = port.integrate_events_by_fixed_frames_number
    which = "spikingjelly-numpy-port"

for mode in ("number", "time"):
    best = float("inf")
    for _ in range(repeat):
        t0 = time.perf_counter()
        for s in samples:
            integrate(s, mode, frames, 34, 34)
        best = min(best, time.perf_counter() - t0)
    print(json.dumps({"peer": which, "split_by": mode, "events": int(total), "best_s": best, "events_per_s": total / best}))
