#!/usr/bin/env python3
"""Writes the small fixtures the Events tests read. Needs only numpy (no spikingjelly).

- braille_small.pkl.gz: a Braille-shaped pickle (protocol 4, numpy arrays) of 3 recordings,
  written by numpy itself, for the restricted unpickler.
- shd_float16_reference.json: float16 spike times and the frame index ranges of spikingjelly's
  SHD split_by='time' and fixed-duration rules, evaluated by numpy in float16.
- spikingjelly_reference.json: random event samples and the frames that a numpy port of
  spikingjelly's integrate_events_by_fixed_frames_number / _by_fixed_duration
  (datasets.md section 5, code below) gives for them.

Run from this directory: python3 make_fixtures.py
"""
import gzip, json, math, pickle
import numpy as np


def braille():
    rng = np.random.default_rng(0)
    data = []
    for i, (letter, steps) in enumerate([("Space", 5), ("A", 4), ("Z", 6)]):
        taxels = rng.integers(55, 256, size=(steps, 12)).astype(np.float64)
        data.append({"experiment_name": "braille_letters", "letter": letter, "repetition": i, "taxel_data": taxels})
    with gzip.GzipFile("braille_small.pkl.gz", "wb", mtime=0) as f:
        f.write(pickle.dumps(data, protocol=4))
    return data


# --- spikingjelly's algorithm (spikingjelly/datasets/__init__.py), ported line by line ---

def integrate_events_segment_to_frame(x, y, p, H, W, j_l=0, j_r=-1):
    frame = np.zeros(shape=[2, H * W])
    x = x[j_l:j_r].astype(int)
    y = y[j_l:j_r].astype(int)
    p = p[j_l:j_r]
    mask = []
    mask.append(p == 0)
    mask.append(np.logical_not(mask[0]))
    for c in range(2):
        position = y[mask[c]] * W + x[mask[c]]
        events_number_per_pos = np.bincount(position)
        frame[c][np.arange(events_number_per_pos.size)] += events_number_per_pos
    return frame.reshape((2, H, W))


def cal_fixed_frames_number_segment_index(events_t, split_by, frames_num):
    j_l = np.zeros(shape=[frames_num], dtype=int)
    j_r = np.zeros(shape=[frames_num], dtype=int)
    N = events_t.size
    if split_by == "number":
        di = N // frames_num
        for i in range(frames_num):
            j_l[i] = i * di
            j_r[i] = j_l[i] + di
        j_r[-1] = N
    elif split_by == "time":
        dt = (events_t[-1] - events_t[0]) // frames_num
        idx = np.arange(N)
        for i in range(frames_num):
            t_l = dt * i + events_t[0]
            t_r = t_l + dt
            mask = np.logical_and(events_t >= t_l, events_t < t_r)
            idx_masked = idx[mask]
            j_l[i] = idx_masked[0]
            j_r[i] = idx_masked[-1] + 1
        j_r[-1] = N
    return j_l, j_r


def integrate_events_by_fixed_frames_number(events, split_by, frames_num, H, W):
    t, x, y, p = (events[k] for k in ("t", "x", "y", "p"))
    j_l, j_r = cal_fixed_frames_number_segment_index(t, split_by, frames_num)
    frames = np.zeros([frames_num, 2, H, W])
    for i in range(frames_num):
        frames[i] = integrate_events_segment_to_frame(x, y, p, H, W, j_l[i], j_r[i])
    return frames


def integrate_events_by_fixed_duration(events, duration, H, W):
    x, y, t, p = events["x"], events["y"], events["t"], events["p"]
    t = t - t.min()
    N = t.size
    frames_num = int(math.ceil(t[-1] / duration))
    frames = np.zeros([frames_num, 2, H, W])
    frame_index = t // duration
    left = 0
    for i in range(frames_num - 1):
        right = np.searchsorted(frame_index, i + 1, side="left")
        frames[i] = integrate_events_segment_to_frame(x, y, p, H, W, left, right)
        left = right
    frames[-1] = integrate_events_segment_to_frame(x, y, p, H, W, left, N)
    return frames


def reference():
    rng = np.random.default_rng(1)
    H, W = 6, 5
    cases = []
    for k in range(6):
        n = int(rng.integers(40, 200))
        t = np.sort(rng.integers(0, 20_000, size=n)).astype(np.int64)
        ev = {"t": t, "x": rng.integers(0, W, size=n), "y": rng.integers(0, H, size=n), "p": rng.integers(0, 2, size=n)}
        for rule, arg in [("number", 3), ("number", 7), ("time", 4), ("time", 9), ("duration", 1500), ("duration", 7000)]:
            try:
                if rule == "duration":
                    fr = integrate_events_by_fixed_duration(ev, arg, H, W)
                else:
                    fr = integrate_events_by_fixed_frames_number(ev, rule, arg, H, W)
                frames = fr.astype(np.float32).reshape(fr.shape[0], -1).tolist()
            except (IndexError, ValueError):
                frames = None  # spikingjelly fails (an empty time window)
            cases.append({"H": H, "W": W, "t": t.tolist(), "x": ev["x"].tolist(), "y": ev["y"].tolist(),
                          "p": ev["p"].tolist(), "rule": rule, "arg": arg, "frames": frames})
    with open("spikingjelly_reference.json", "w") as f:
        json.dump(cases, f, separators=(",", ":"))


# --- spikingjelly's SHD variants (spikingjelly/datasets/shd.py): float16 arithmetic ---

def shd_time_segments(events_t, frames_num):
    N = events_t.size
    j_l = np.zeros(shape=[frames_num], dtype=int)
    j_r = np.zeros(shape=[frames_num], dtype=int)
    dt = (events_t[-1] - events_t[0]) / frames_num
    idx = np.arange(N)
    for i in range(frames_num):
        t_l = dt * i + events_t[0]
        t_r = t_l + dt
        mask = np.logical_and(events_t >= t_l, events_t < t_r)
        idx_masked = idx[mask]
        j_l[i] = idx_masked[0]
        j_r[i] = idx_masked[-1] + 1
    j_r[-1] = N
    return j_l, j_r


def shd_duration_segments(times, duration):
    t = 1000 * times
    t = t - t[0]
    N = t.size
    frames_num = int(math.ceil(t[-1] / duration))
    frame_index = t // duration
    left, lower, upper = 0, [], []
    for i in range(frames_num - 1):
        right = np.searchsorted(frame_index, i + 1, side="left")
        lower.append(int(left)); upper.append(int(right))
        left = right
    lower.append(int(left)); upper.append(N)
    return lower, upper


def shd_reference():
    rng = np.random.default_rng(2)
    cases = []
    for k in range(10):
        n = int(rng.integers(50, 400))
        times = np.sort(rng.uniform(0.0, 1.3, size=n)).astype(np.float16)
        bits = times.view(np.uint16).tolist()
        for rule, arg in [("time", 5), ("time", 20), ("time", 64), ("duration", 10), ("duration", 50)]:
            try:
                if rule == "time":
                    lo, hi = shd_time_segments(times, arg)
                    lo, hi = lo.tolist(), hi.tolist()
                else:
                    lo, hi = shd_duration_segments(times, arg)
            except IndexError:
                lo, hi = None, None
            cases.append({"bits": bits, "rule": rule, "arg": arg, "lower": lo, "upper": hi})
    with open("shd_float16_reference.json", "w") as f:
        json.dump(cases, f, separators=(",", ":"))


if __name__ == "__main__":
    braille()
    reference()
    shd_reference()
