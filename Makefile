# The two commands of README.md. Each installs what is missing, builds, then runs.
.PHONY: demo test sanitize fuzz build configure deps package install clean

# release (the default), debug, or clang: Debian's clang with libstdc++ (make test PRESET=clang).
PRESET ?= release

deps:
	@PARITY_CLANG=$(if $(filter clang,$(PRESET)),1,0) scripts/install-deps.sh

configure: deps
	@cmake --preset $(PRESET) >/dev/null

build: configure
	@cmake --build --preset $(PRESET)

# The main job: every style side by side, first in the tutorials' conditions with Tornado beside
# them, then unleashed. It runs the `parity` command alone, so it builds that and what it links,
# not the tests, the bench's own programs or the exercises' (make test builds those). The unleashed
# run is /fetch alone, Parity's styles alone, to keep a first run from a clone short (bench/README.md
# has what it costs); the last line names the fuller command.
demo: configure
	@cmake --build --preset $(PRESET) --target parity
	build/$(PRESET)/cli/parity compare --profile seed --peer tornado --report build/report/seed
	build/$(PRESET)/cli/parity compare --profile unleashed --report build/report/unleashed
	@echo "Reports: build/report/seed/report.html and build/report/unleashed/report.html"
	@echo "Unleashed with /hello and Tornado too (2 minutes): build/$(PRESET)/cli/parity compare \
	--profile unleashed --endpoints fetch,hello --peer tornado"

test: build
	ctest --preset $(PRESET)

# ASan+UBSan, then TSan: the same test suite under each sanitizer.
sanitize: deps
	@for p in asan tsan; do \
	  cmake --preset $$p >/dev/null && cmake --build --preset $$p && ctest --preset $$p || exit 1; \
	done

# The fuzz targets of tests/fuzz (libFuzzer, ASan, UBSan, with clang), each for FUZZ_SECONDS
# under nice, one after the other; a crash is saved as build/fuzz/fuzz-crashes/TARGET-crash-*.
FUZZ_SECONDS ?= 180
fuzz:
	@PARITY_CLANG=1 scripts/install-deps.sh
	@cmake --preset fuzz >/dev/null
	@cmake --build --preset fuzz
	FUZZ_SECONDS=$(FUZZ_SECONDS) tests/fuzz/run.sh build/fuzz

# Parity outside its build tree: a .deb for this Debian (build/$(PRESET)/parity_*.deb), or an
# install under PREFIX (default /usr/local).
package: build
	@cmake --build --preset $(PRESET) --target package

PREFIX ?= /usr/local
install: build
	cmake --install build/$(PRESET) --prefix $(PREFIX)

clean:
	rm -rf --one-file-system build
