# The README's two commands. Each runs tools/setup.sh first, so a fresh machine needs nothing else.
export TURBO_TELEMETRY_DISABLED := 1

.PHONY: setup demo test fixtures

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
