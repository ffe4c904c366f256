# The README's two commands. Each runs tools/setup.sh first, so a fresh machine needs nothing else.
export TURBO_TELEMETRY_DISABLED := 1

.PHONY: setup demo test fixtures bench

setup:
	@bash tools/setup.sh

## demo: train the seed example and print its loss curve
demo: setup
	pnpm --silent demo

## test: every package's tests, one package at a time (CI has 2 cores)
test: setup
	@find . -name test-results.json -not -path '*/node_modules/*' -delete
	pnpm exec turbo run test --concurrency=1 --output-logs=new-only
	@node tools/test-summary.mjs

## fixtures: regenerate the PyTorch golden fixtures in tools/fixtures (needs Debian's python3-torch)
fixtures:
	@dpkg -s python3-torch python3-numpy >/dev/null 2>&1 || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-torch python3-numpy)
	/usr/bin/python3 tools/fixtures/generate.py

## bench: the benchmark harness against the peers (installs PyTorch, numpy and OpenBLAS from Debian)
bench: setup
	@dpkg -s python3-torch python3-numpy libopenblas0-pthread >/dev/null 2>&1 || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-torch python3-numpy libopenblas0-pthread)
	pnpm bench
