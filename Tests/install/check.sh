#!/usr/bin/env bash
# The install story end to end, as a new user lives it (docs/project.md): `make install` into a
# fresh prefix, then, in an empty folder outside the checkout with only that prefix's sdfa on
# PATH: `sdfa init`; the starter spec (technology: rram-32nm, a built-in preset) validates and
# runs; a reference config imports and its spec evaluates the trained checkpoint
# (`validate --checkpoint`); from a subfolder, `sdfa status ../spec.yml` finds the project's
# cache; the read-only commands change nothing in a project (checked on a copy made read-only,
# by listing the tree before and after, which also means something when run as root).
#
#   bash Tests/install/check.sh SDFA_BINARY    (InstallTests runs it with the debug build)
set -euo pipefail
binary=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
checkout=$(cd "$(dirname "$0")/../.." && pwd)
tmp=$(mktemp -d "${TMPDIR:-/tmp}/sdfa-install-XXXXXX")
trap 'chmod -R u+w "$tmp" 2>/dev/null; rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
step() { echo "== $*"; }
# prints: PATTERN COMMAND… — runs COMMAND (its whole output kept: no pipe to close early) and
# succeeds when a line matches the extended regular expression PATTERN.
prints() { local pattern=$1; shift; local out; out=$("$@") || return 1; echo "$out"; grep -qE -- "$pattern" <<<"$out"; }

step "make install PREFIX=\$TMP/p"
make -s -C "$checkout" install PREFIX="$tmp/p" SDFA_BINARY="$binary"
for f in bin/sdfa share/bash-completion/completions/sdfa share/zsh/site-functions/_sdfa share/fish/vendor_completions.d/sdfa.fish; do
  [ -s "$tmp/p/$f" ] || fail "make install did not write $f"
done
grep -q "schema" "$tmp/p/share/bash-completion/completions/sdfa" || fail "the bash completion lacks the schema command"
export PATH="$tmp/p/bin:/usr/bin:/bin"
unset SDFA_CACHE SDFA_DATA
[ "$(command -v sdfa)" = "$tmp/p/bin/sdfa" ] || fail "sdfa on PATH is $(command -v sdfa)"

step "sdfa init in an empty folder outside the checkout"
mkdir -p "$tmp/outside/study" && cd "$tmp/outside/study"
sdfa init
[ -d .sdfa ] && [ -s spec.yml ] && grep -qx ".sdfa/" .gitignore && grep -qx "results/" .gitignore || fail "init made no project"
python3 -c 'import json,sys; json.load(open(".sdfa/spec.schema.json"))' || fail "init wrote no JSON schema"
prints "already an sdfa project" sdfa init || fail "a second init is not a no-op"

step "the starter spec (technology: rram-32nm) validates and runs"
grep -q "technology: rram-32nm" spec.yml || fail "the starter spec does not use rram-32nm"
sdfa validate spec.yml
sdfa run spec.yml
[ -f results/starter/train/method=sdfa/seed=0/checkpoint.safetensors ] || fail "no checkpoint linked under results/"
[ -f results/starter/energy/method=sdfa/seed=0/breakdown.txt ] || fail "no energy breakdown linked under results/"
grep -q "epoch\|info" results/starter/train/method=sdfa/seed=0.log || fail "no stage log linked beside the output"
prints '^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:.]+Z info ' sdfa log "train method=sdfa/seed=0" >/dev/null || fail "sdfa log prints no time-stamped lines"

step "sdfa import of a reference config, then validate --checkpoint"
cat > ref.yml <<'YAML'
dataset: nmnist
training_method: sdfa
net: fc
num_layers: 2
hidden_dim: 64
T: 6
epochs: 3
batch_size: 32
YAML
sdfa import ref.yml -o imported
spec=$(ls imported/*.yml | head -1)
grep -q "technology: rram-32nm" "$spec" || fail "the imported spec does not use rram-32nm"
sdfa validate "$spec" --checkpoint results/starter/train/method=sdfa/seed=0/checkpoint.safetensors \
  --set dataset.kind=synthetic --set dataset.like=nmnist --set dataset.train=400 --set dataset.test=100 \
  --set dataset.events_per_sample=1000 | tee "$tmp/validate.out"
grep -q "test accuracy" "$tmp/validate.out" || fail "validate --checkpoint printed no accuracy"

step "cd sub/ && sdfa status ../spec.yml finds the project's cache"
mkdir sub && cd sub
sdfa status ../spec.yml --all | tee "$tmp/status.out"
grep -q "cached   train method=sdfa/seed=0" "$tmp/status.out" || fail "status from sub/ does not see the cache"
! grep -qE "^  (missing|stale) " "$tmp/status.out" || fail "status from sub/ reports missing stages"
[ ! -e .sdfa ] && [ ! -e results ] || fail "status made a cache or results in sub/"
cd "$tmp/outside"
prints "^  cached   report" sdfa status study/spec.yml --all >/dev/null && [ ! -e .sdfa ] || fail "status from above the project"

step "read-only commands change nothing (a read-only copy; a folder that is no project)"
cp -a "$tmp/outside/study" "$tmp/ro" && chmod -R a-w "$tmp/ro"
listing() { (cd "$1" && find . -printf '%p %y %s %T@ %m\n' | LC_ALL=C sort); }
before=$(listing "$tmp/ro")
cd "$tmp/ro"
prints "^  cached   report" sdfa status spec.yml --all >/dev/null || fail "status on the read-only copy does not read its cache"
prints "cached: it will not run" sdfa explain spec.yml "train method=bp/seed=0" >/dev/null || fail "explain on the read-only copy"
sdfa dag spec.yml >/dev/null
sdfa validate spec.yml >/dev/null
sdfa hw spec.yml >/dev/null
sdfa log "train method=bp/seed=0" >/dev/null
[ "$before" = "$(listing "$tmp/ro")" ] || { diff <(echo "$before") <(listing "$tmp/ro") >&2; fail "a read-only command changed the project"; }
mkdir "$tmp/empty" && cd "$tmp/empty" && cp "$tmp/outside/study/spec.yml" .
prints "^  missing  load" sdfa status spec.yml >/dev/null || fail "status outside a project"
sdfa explain spec.yml "train method=bp/seed=0" >/dev/null
[ "$(ls -A)" = "spec.yml" ] || fail "read-only commands left files in a folder that is no project: $(ls -A)"
echo "install check passed"
