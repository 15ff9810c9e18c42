#!/usr/bin/env bash
# make bench: every benchmark, each against its peer in the same run.
set -euo pipefail
cd "$(dirname "$0")/.."
for b in Benchmarks/*.sh; do
  case "$b" in */run.sh|*/bump.sh) continue ;; esac
  echo "### $b"; bash "$b"
done
