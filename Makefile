# Linli. `make demo` runs Linli with demo data; `make test` runs every test.
GO ?= go

.PHONY: demo test build vet fmt bench ci

demo:
	$(GO) run ./cmd/linli demo

test:
	$(GO) test -race -count=1 ./...

build:
	$(GO) build -o linli ./cmd/linli

vet:
	gofmt -l . | tee /dev/stderr | (! read)
	$(GO) vet ./...

bench:
	$(GO) test -run '^$$' -bench . -benchmem ./...

ci:
	bash .ci/run
