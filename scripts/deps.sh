#!/usr/bin/env bash
# `make` targets' system packages: installs only the Debian packages (the arguments) that are
# missing, saying which, with sudo where needed; a user without root and without sudo gets the
# list and the command to run. Not on Debian/Ubuntu: checks the libraries through pkg-config.
set -euo pipefail
if ! command -v dpkg >/dev/null; then
  for lib in openblas hdf5 sqlite3 ompi-c; do
    pkg-config --exists "$lib" 2>/dev/null || echo "warning: pkg-config finds no '$lib': install its development package" >&2
  done
  exit 0
fi
missing=()
for p in "$@"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
[ ${#missing[@]} -eq 0 ] && exit 0
echo "missing Debian packages: ${missing[*]}"
command=(apt-get install -y "${missing[@]}")
if [ "$(id -u)" = 0 ]; then
  apt-get update -qq && "${command[@]}"
elif command -v sudo >/dev/null && sudo -n true 2>/dev/null || { command -v sudo >/dev/null && [ -t 0 ]; }; then
  echo "installing them with sudo"
  sudo apt-get update -qq && sudo "${command[@]}"
else
  echo "error: cannot install them (not root, and no usable sudo). Ask an administrator to run:" >&2
  echo "  sudo apt-get update && sudo ${command[*]}" >&2
  exit 1
fi
