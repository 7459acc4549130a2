# A thin layer over CMake presets (as neovim does): the README's commands.
#   make tour   install what is missing, build, run the tour of the documented examples
#   make test   install what is missing, build, run the whole suite through ctest
PRESET ?= release
JOBS ?= 2

.PHONY: all deps build test asan fuzz tour bench format completions install clean

all: build

deps:
	@scripts/install-deps

build: deps
	cmake --preset $(PRESET) >/dev/null
	cmake --build --preset $(PRESET) -j $(JOBS)

test: build
	ctest --preset $(PRESET) -j $(JOBS)

# The suite again under AddressSanitizer and UndefinedBehaviorSanitizer.
asan:
	$(MAKE) test PRESET=asan

# Builds the libFuzzer targets and runs each for a short while on its corpus.
fuzz: deps
	cmake --preset fuzz >/dev/null
	cmake --build --preset fuzz -j $(JOBS)
	scripts/run-fuzzers build/fuzz/bin $(or $(FUZZ_SECONDS),20)

tour: build
	scripts/tour build/$(PRESET)/bin

bench: build
	bench/ugetaddr/run build/$(PRESET)/bin
	bench/uecho/run build/$(PRESET)/bin
	bench/uhttpget/run build/$(PRESET)/bin
	bench/userve/run build/$(PRESET)/bin
	bench/proxy/run build/$(PRESET)/bin

format:
	git ls-files '*.cpp' '*.hpp' | xargs clang-format -i

completions: build
	build/$(PRESET)/bin/usock-docgen completions --out completions

install: build
	cmake --install build/$(PRESET)

clean:
	rm -rf build
