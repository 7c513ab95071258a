# ims-wizard build and test entry points.
#
#   make test        go vet + go test against a real, private Glance (installed
#                    with apt-get if missing, started on a free loopback port,
#                    always stopped afterwards); tests read IMS_TEST_GLANCE_URL
#   make test-short  go test without Glance (integration tests skip themselves)
#   make race        go test -race over ./client/... and ./ui/... (make test runs it)
#   make vet         go vet
#   make build       bin/ims-wizard
#   make glance-up   start a long-lived Glance for manual work; prints its URL
#   make glance-down stop it
#
# .ci/glance does the Glance work; `.ci/glance run -- CMD` starts an instance in
# a fresh temporary directory, runs CMD with IMS_TEST_GLANCE_URL exported,
# stops the instance whatever CMD did and exits with CMD's status. New targets
# that need Glance (e.g. benchmarks) should wrap their command the same way.

SHELL := /bin/bash
GO ?= go
GLANCE := .ci/glance
# State directory of the long-lived glance-up instance.
GLANCE_DIR ?= $(or $(TMPDIR),/tmp)/ims-wizard-glance
GOTESTFLAGS ?=

.PHONY: test race fuzz test-short vet build glance-install glance-up glance-down clean

test: glance-install
	$(GLANCE) run -- bash -c '$(GO) vet ./... && $(GO) test -count=1 $(GOTESTFLAGS) ./...'
	$(MAKE) --no-print-directory race
	$(MAKE) --no-print-directory fuzz

# The race detector over the packages where goroutines meet: the client's
# pipelines, parsers and sandbox, and the wizard's models. (cmd/ims-wizard's
# tests mostly run the built binary, which -race would not instrument.) It
# found a data race in the paste parser that every plain run passed.
RACE_PKGS ?= ./client/... ./ui/...
race:
	$(GO) test -race -count=1 $(RACE_PKGS)

# Each fuzz target briefly, from the committed seed corpora (client/testdata/fuzz,
# client/imagefile/testdata/fuzz). FUZZ_TARGETS are ./client's; FUZZ_PKG_TARGETS
# are PACKAGE:TARGET pairs for the other packages.
FUZZTIME ?= 5s
FUZZ_TARGETS := FuzzValidate FuzzParseTags FuzzParseErrorBody FuzzInert FuzzParsePasted
FUZZ_PKG_TARGETS := ./client/imagefile:FuzzImageFile
fuzz:
	@for f in $(FUZZ_TARGETS); do \
		echo "fuzz $$f ($(FUZZTIME))"; \
		$(GO) test -run '^$$' -fuzz "^$$f\$$" -fuzztime $(FUZZTIME) ./client || exit 1; \
	done
	@for pf in $(FUZZ_PKG_TARGETS); do \
		p=$${pf%%:*}; f=$${pf#*:}; \
		echo "fuzz $$f in $$p ($(FUZZTIME))"; \
		$(GO) test -run '^$$' -fuzz "^$$f\$$" -fuzztime $(FUZZTIME) $$p || exit 1; \
	done

test-short:
	$(GO) test $(GOTESTFLAGS) ./...

vet:
	$(GO) vet ./...

build:
	$(GO) build -o bin/ims-wizard ./cmd/ims-wizard

glance-install:
	$(GLANCE) install

glance-up: glance-install
	@$(GLANCE) start "$(GLANCE_DIR)" | tail -n 1

glance-down:
	$(GLANCE) stop "$(GLANCE_DIR)"

clean:
	rm -rf bin

# make bench     the Go benchmarks (bench-go), then bench/run.sh under a private
#                Glance: scripted create vs curl vs the openstack CLI, peak RSS,
#                upload throughput vs curl -T; prints each figure with its
#                budget and PASS/FAIL, fails on a budget failure
# make bench-go  the Go benchmarks only (BenchmarkUploadMemory, …; the sandbox's
#                BenchmarkCreateWithManyImages, a create with 10,000 images stored vs
#                none, fails above its budget of 2x)
.PHONY: bench bench-go

bench-go:
	$(GO) test -run '^$$' -bench . -benchmem ./...

bench: bench-go
	$(GLANCE) install --with-client
	$(GLANCE) run -- bench/run.sh
