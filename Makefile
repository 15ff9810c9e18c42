# SpikingDFA — make targets. `make quickstart` and `make test` install what is missing.
SHELL := /bin/bash
SWIFT ?= swift
# librsvg2-bin: rsvg-convert renders the reports' figures to PDF and PNG (SVG only without it).
DEBIAN_PACKAGES := libopenblas-dev libhdf5-dev libsqlite3-dev pkg-config librsvg2-bin
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
RELEASE := .build/release
export OPENBLAS_NUM_THREADS ?= 1

.PHONY: all build deps quickstart test fuzz bench tables tables-synthetic clean help

all: build

help:
	@echo "make quickstart  install, build, run experiments/quickstart.yml (synthetic data, no download)"
	@echo "make test        install, build, run every test"
	@echo "make bench       benchmarks against the peers, side by side (see BENCHMARKS.md)"
	@echo "make tables      the paper's tables from experiments/paper/*.yml into results/tables/ (real data in \$$SDFA_DATA, default data/)"
	@echo "make tables-synthetic  the same specs on reduced synthetic data (~15 min on 2 cores) into results/synthetic/"

deps:
	@missing=""; for p in $(DEBIAN_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  echo "installing Debian packages:$$missing"; \
	  $(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq $$missing; \
	fi
	@command -v $(SWIFT) >/dev/null || { echo "Swift 6 is required: https://www.swift.org/install/"; exit 1; }

build: deps
	$(SWIFT) build -c release --product sdfa

quickstart: build
	$(RELEASE)/sdfa run experiments/quickstart.yml
	@echo; echo "Next: $(RELEASE)/sdfa status experiments/quickstart.yml   (everything is cached now)"

test: deps
	$(SWIFT) build --build-tests
	$(SWIFT) test --skip-build

# The readers' and the unpickler's fuzz tests at full length (100,000 inputs each; `make test`
# runs a few thousand). Debug, as `make test`: it reuses that build and keeps the bounds and
# overflow checks that turn a reader bug into a crash here; 100,000 take about a minute.
fuzz: deps
	$(SWIFT) build --build-tests
	SDFA_FUZZ_ITERATIONS=$${SDFA_FUZZ_ITERATIONS:-100000} $(SWIFT) test --skip-build --filter FuzzTests

bench: deps
	$(SWIFT) build -c release
	bash Benchmarks/run.sh

# Each paper spec runs on its own, so that a missing dataset skips only that spec (the load
# stage says where to get it); then `sdfa tables` collects whatever reports are cached, and the
# target fails at the end if a spec did.
tables: build
	@failed=(); for spec in $(sort $(wildcard experiments/paper/*.yml)); do \
	  echo "== $$spec"; log=$$(mktemp); \
	  $(RELEASE)/sdfa run "$$spec" 2>&1 | tee "$$log"; \
	  if [ $${PIPESTATUS[0]} -ne 0 ]; then \
	    why=$$(grep -m1 -E '^ *failed ' "$$log" | sed -E 's/^ *failed +//'); \
	    failed+=("$$(basename $$spec .yml): $${why:-see the output above}"); \
	  fi; rm -f "$$log"; \
	done; \
	echo "== collecting"; $(RELEASE)/sdfa tables || exit $$?; \
	if [ $${#failed[@]} -gt 0 ]; then \
	  echo; echo "$${#failed[@]} spec(s) did not finish; their tables are missing:"; \
	  printf '  %s\n' "$${failed[@]}"; \
	  echo "Without the data: make tables-synthetic (results/synthetic/)"; exit 1; \
	fi

# The same specs on synthetic data, reduced (see scripts/tables-synthetic.sh); own cache
# (.sdfa-synthetic), own results (results/synthetic/). A second run executes nothing.
tables-synthetic: build
	bash scripts/tables-synthetic.sh

# Build folders and caches; the committed tables under results/ stay.
clean:
	rm -rf .build .sdfa .sdfa-synthetic results/synthetic-runs
