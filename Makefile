# SpikingDFA — make targets. `make quickstart` and `make test` install what is missing.
SHELL := /bin/bash
SWIFT ?= swift
DEBIAN_PACKAGES := libopenblas-dev libhdf5-dev libsqlite3-dev pkg-config
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
RELEASE := .build/release
export OPENBLAS_NUM_THREADS ?= 1

.PHONY: all build deps quickstart test fuzz bench tables clean help

all: build

help:
	@echo "make quickstart  install, build, run experiments/quickstart.yml (synthetic data, no download)"
	@echo "make test        install, build, run every test"
	@echo "make bench       benchmarks against the peers, side by side (see BENCHMARKS.md)"
	@echo "make tables      the paper's tables from experiments/paper/*.yml into results/tables/"

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

tables: build
	$(RELEASE)/sdfa tables

clean:
	rm -rf .build results/*/
