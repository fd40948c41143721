# Linli. `make demo` runs Linli with demo data; `make test` runs every test.
GO ?= go

.PHONY: demo test build vet fmt bench ci a11y-tools

demo:
	$(GO) run ./cmd/linli demo

# The browser tests check every page with axe-core, an npm package used
# only by the tests (never embedded in Linli): installed once into
# scripts/a11y/node_modules from its lock file. Without npm the
# accessibility test skips (or fails under LINLI_TEST_STRICT=1).
test: a11y-tools
	$(GO) test -race -count=1 -timeout 45m ./...

a11y-tools:
	@if [ ! -f scripts/a11y/node_modules/axe-core/axe.min.js ]; then \
		if command -v npm >/dev/null 2>&1; then npm ci --prefix scripts/a11y --no-audit --no-fund; \
		else echo "npm is missing: the accessibility test will not find axe-core" >&2; fi; \
	fi

build:
	$(GO) build -o linli ./cmd/linli

vet:
	gofmt -l . | tee /dev/stderr | (! read)
	$(GO) vet ./...

bench:
	$(GO) test -run '^$$' -bench . -benchmem ./...

ci:
	bash .ci/run
