#!/usr/bin/env bash
# Run every fuzz target for a fixed time on the stable toolchain.
#   scripts/fuzz.sh [SECONDS_PER_TARGET] [TARGET...]    (default 600 s, all targets)
# Needs cargo-fuzz (`cargo install cargo-fuzz --locked`). `-s none` builds
# without a sanitizer, which stable Rust allows; with RUSTC_BOOTSTRAP=1 and
# `-s address` the address sanitizer works too, at about a third the speed.
# A crash stops the run and leaves fuzz/artifacts/<target>/crash-*; turn it
# into a regression test and fix the parser.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-600}"
shift || true
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
  targets=(connect_entry lambda_line assemble read_file redact)
fi
command -v cargo-fuzz >/dev/null || cargo install cargo-fuzz --locked
for target in "${targets[@]}"; do
  mkdir -p "fuzz/corpus/$target"
  echo "== $target: ${seconds}s"
  cargo fuzz run -s none "$target" "fuzz/corpus/$target" -- \
    -max_total_time="$seconds" -rss_limit_mb=4096 -max_len=300000 2>&1 |
    grep -E "^#[0-9]+ *(DONE|pulse)|Done [0-9]+ runs|ERROR|panicked|SUMMARY" | tail -3
done
