# The two commands of README.md. Each installs what is missing, builds, then runs.
.PHONY: demo test sanitize build deps clean

PRESET ?= release

deps:
	@scripts/install-deps.sh

build: deps
	@cmake --preset $(PRESET) >/dev/null
	@cmake --build --preset $(PRESET)

# The main job: every style side by side, first in the tutorials' conditions, then unleashed.
demo: build
	build/$(PRESET)/cli/parity compare --profile seed --peer tornado --report build/report/seed
	build/$(PRESET)/cli/parity compare --profile unleashed --endpoints fetch,hello --peer tornado \
	  --report build/report/unleashed
	@echo "Reports: build/report/seed/report.html and build/report/unleashed/report.html"

test: build
	ctest --preset $(PRESET)

# ASan+UBSan, then TSan: the same test suite under each sanitizer.
sanitize: deps
	@for p in asan tsan; do \
	  cmake --preset $$p >/dev/null && cmake --build --preset $$p && ctest --preset $$p || exit 1; \
	done

clean:
	rm -rf build
