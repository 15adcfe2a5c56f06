# Fieldreg. `make run` starts the field app, `make test` runs every test.
# Both first install the system packages a fresh Debian/Ubuntu machine lacks.

export PATH := /usr/local/go/bin:$(PATH)
GO ?= go
HEADLESS := ./cmd/fieldctl ./cmd/fieldreg-hq
TARGETS := linux/amd64 linux/arm linux/arm64 windows/amd64 darwin/arm64

.PHONY: run test lint deps bench soak check demo screenshots fuzz build

deps:
	@./scripts/deps.sh

# The version both CLIs print (--version): the commit they were built from.
VERSION ?= $(shell git describe --always --dirty 2>/dev/null)
LDFLAGS := -X fieldreg/internal/cli.version=$(VERSION)

build: deps
	$(GO) build -o bin/fieldreg .
	CGO_ENABLED=0 $(GO) build -ldflags "$(LDFLAGS)" -o bin/ $(HEADLESS)

run: deps
	$(GO) run .

test: deps lint
	$(GO) test -timeout 20m ./...

# go vet, staticcheck and a tidy go.mod: what every submission keeps clean.
STATICCHECK := honnef.co/go/tools/cmd/staticcheck@v0.8.2
lint:
	$(GO) vet ./...
	$(GO) mod tidy -diff
	$(GO) run $(STATICCHECK) ./...

# Benchmarks print the figures docs/benchmarks.md keeps. They are not timed tests.
bench: deps
	$(GO) test -run '^$$' -bench . -benchtime 1x -timeout 60m ./change/ ./store/ ./registry/... ./exchange/ ./sync/... ./hq/... ./internal/... ./app/...

# Long crash-loop and randomized runs, beyond what `make test` does.
soak:
	FIELDREG_SOAK=1 $(GO) test -timeout 120m -run 'Crash|Soak|Property' ./change/ ./store/ ./sync/... ./hq/...

# The headless binaries must build without cgo everywhere and never link Fyne.
check:
	@for t in $(TARGETS); do \
		echo "build $$t"; \
		GOOS=$${t%/*} GOARCH=$${t#*/} CGO_ENABLED=0 $(GO) build -o /dev/null $(HEADLESS) || exit 1; \
	done
	@for c in $(HEADLESS); do \
		if $(GO) list -deps $$c | grep -q '^fyne.io/'; then echo "$$c links Fyne"; exit 1; fi; \
	done
	@echo "headless binaries: no cgo, no Fyne"

fuzz:
	@for p in $$($(GO) list ./...); do \
		for f in $$($(GO) test -list 'Fuzz.*' $$p | grep ^Fuzz); do \
			echo "fuzz $$p $$f"; $(GO) test -run '^$$' -fuzz "^$$f$$" -fuzztime 30s $$p || exit 1; \
		done; \
	done

# A demo workspace of a few thousand synthetic households: prints the user name
# and passphrase, then opens the field app on it.
DEMO_WORKSPACE ?= $(CURDIR)/tmp/demo-workspace
demo: deps
	$(GO) run ./cmd/fieldreg-demo -workspace $(DEMO_WORKSPACE) -households 3000
	FIELDREG_WORKSPACE=$(DEMO_WORKSPACE) $(GO) run .

# PNGs of every main screen, laptop (1280×800) and tablet (800×1280), English
# and Arabic, through Fyne's test driver (no display needed).
screenshots:
	FIELDREG_SCREENSHOTS=$(CURDIR)/docs/screenshots $(GO) test -count=1 -run '^TestScreenshots$$' ./app/
