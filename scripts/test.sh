#!/usr/bin/env bash
# Installs what is missing and runs every test suite: native (cargo test), wasm in headless
# Chromium (wasm-bindgen-test), and end-to-end in the built page (Playwright). Prints how many
# tests each runner executed and how long each stage took.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/install.sh
install_build_tools
install_test_tools

summary=()
stage() {  # stage NAME COMMAND... : run, time, and remember the test count it printed
  local name=$1; shift
  local log; log=$(mktemp)
  local start=$SECONDS
  say "$name"
  set +e
  "$@" 2>&1 | tee "$log"
  local status=${PIPESTATUS[0]}
  set -e
  local count
  count=$(grep -Eo '(test result: ok\. |# pass )[0-9]+' "$log" | grep -Eo '[0-9]+$' | awk '{s+=$1} END{print s+0}' || true)
  summary+=("$(printf '%-28s %5s tests  %4ss' "$name" "${count:-0}" $((SECONDS - start)))")
  rm -f "$log"
  if [[ $status -ne 0 ]]; then
    say "FAILED: $name"
    printf '%s\n' "${summary[@]}" >&2
    exit "$status"
  fi
}

stage "native (cargo test)" cargo test --no-fail-fast
# The replication seed sweep, optimised (the bench profile, so the benchmark stage reuses its
# build): 500 seeds or 3 minutes (SWEEP_SEEDS=n for more).
stage "replication sweep (optimised)" cargo test --profile bench --test replication sweep -- --nocapture
# The consumer-group seed sweep: 200 seeds or 90 s (SWEEP_SEEDS / SWEEP_SECONDS for more).
stage "group sweep (optimised)" cargo test --profile bench --test groups sweep -- --nocapture
CHROMEDRIVER=/usr/bin/chromedriver WASM_BINDGEN_TEST_TIMEOUT=120 \
  stage "wasm in Chromium" cargo test --target wasm32-unknown-unknown --test browser
stage "web build (trunk)" trunk build --release --offline
for wasm in dist/*.wasm; do
  say "$(basename "$wasm"): $(wc -c < "$wasm") bytes raw, $(gzip -9 -c "$wasm" | wc -c) bytes gzipped"
done
stage "end-to-end (Playwright)" node --test --test-reporter=tap tests/e2e/*.test.mjs

# Benchmarks: the same functions natively and in Chromium, same size; reported, never asserted.
stage "benchmark native (reported)" cargo bench --bench log_bench -- 200000
CHROMEDRIVER=/usr/bin/chromedriver WASM_BINDGEN_TEST_TIMEOUT=300 \
  stage "benchmark wasm32 (reported)" cargo test --release --target wasm32-unknown-unknown --test browser benchmark -- --nocapture

say "summary"
printf '%s\n' "${summary[@]}"
