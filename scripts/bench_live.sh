#!/usr/bin/env bash
# The live query plans at contact-center scale, by simulation (README,
# "Live at scale"): a busy instance's traffic (examples/synth) seeded into
# moto, scanned with the one-stage and the two-stage plan.
#
#   scripts/bench_live.sh
#   BENCH_MINUTES=5 BENCH_FAILURE_RATES="0.002" scripts/bench_live.sh
#
# Needs moto in .venv (scripts/test.sh installs it) and /usr/bin/time.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ ! -x /usr/bin/time ]; then
    SUDO=""
    [ "$(id -u)" -eq 0 ] || SUDO=sudo
    $SUDO apt-get update -qq >&2
    $SUDO apt-get install -y -qq time >&2
fi
if [ ! -x .venv/bin/moto_server ]; then
    echo "moto is not installed: run scripts/test.sh once" >&2
    exit 1
fi
export MOTO_SERVER=$PWD/.venv/bin/moto_server
cargo test --release --quiet --test bench_live -- --ignored --nocapture
