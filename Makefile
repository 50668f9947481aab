# Yingshang — one entry point. Every target is idempotent and safe to re-run.
#   make demo    deps, build, local stack, then the demo
#   make test    deps, build, local stack, every ctest label, then stops the stack (also on failure);
#                then each fuzz target for 30 s
#   make fuzz    each fuzz target for FUZZ_SECONDS (default 600) under ASan and UBSan (build-fuzz/)
SHELL := /bin/bash
ROOT  := $(abspath .)
BUILD ?= $(ROOT)/build
VAR   ?= $(ROOT)/var
JOBS  ?= $(shell nproc)
CMAKE_FLAGS ?=
FUZZ_SECONDS ?= 600

export YS_VAR := $(VAR)
# ccache hits across clones (CI builds a fresh clone in another folder).
export CCACHE_BASEDIR := $(ROOT)
export CCACHE_NOHASHDIR := true
export YS_KAFKA_BROKERS ?= 127.0.0.1:$(or $(YS_KAFKA_PORT),19092)
export YS_REDIS_ADDRESS ?= 127.0.0.1:$(or $(YS_REDIS_PORT),16379)
export YS_PG_URI ?= postgresql://postgres@127.0.0.1:$(or $(YS_PG_PORT),15432)/yingshang
export YS_PROMETHEUS_URL ?= http://127.0.0.1:$(or $(YS_PROM_PORT),19090)

.PHONY: deps configure build stack-up stack-down stack-status up down test test-unit fuzz demo bench clean

deps:
	@deploy/local/deps.sh

configure:
	@cmake -S . -B $(BUILD) -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo $(CMAKE_FLAGS) >/dev/null

build: configure
	@cmake --build $(BUILD) -j $(JOBS)
	@deploy/local/web.sh build

stack-up:
	@deploy/local/stack.sh up

stack-down:
	@deploy/local/stack.sh down

stack-status:
	@deploy/local/stack.sh status

up:
	@deploy/local/services.sh up $(BUILD)

down:
	@deploy/local/services.sh down $(BUILD)

# Unit tests need no servers.
test-unit: build
	@cd $(BUILD) && ctest -L unit --output-on-failure -j $(JOBS)

test: deps build
	@deploy/local/stack.sh up
	@rc=0; \
	  (cd $(BUILD) && ctest -L 'unit|integration|e2e' --output-on-failure --timeout 600) || rc=$$?; \
	  deploy/local/services.sh down $(BUILD) >/dev/null 2>&1 || true; \
	  deploy/local/stack.sh down; \
	  [ $$rc = 0 ] || exit $$rc; \
	  deploy/local/fuzz.sh --seconds 30

# The fuzz targets (fuzz/, README "Fuzzing"): built in build-fuzz with clang, each run FUZZ_SECONDS;
# crashing inputs go to var/fuzz/crashes/.
fuzz: deps
	@deploy/local/fuzz.sh --seconds $(FUZZ_SECONDS)

demo: deps build
	@deploy/local/stack.sh up
	@tools/demo.sh $(BUILD)

# Benchmarks against the running stack (make stack-up first); they print figures and ratios.
bench: build
	@$(BUILD)/bench/kafka_baseline
	@$(BUILD)/bench/redemption_ingest
	@$(BUILD)/bench/ranking_ingest
	@bench/ranking_service.sh $(BUILD) .
	@$(BUILD)/bench/rectification
	@$(BUILD)/bench/duty_compliance
	@$(BUILD)/bench/notify_delivery

clean:
	rm -rf $(BUILD) $(ROOT)/build-fuzz
