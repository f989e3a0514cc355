#!/usr/bin/env bash
# The test command: installs the AWS emulator (moto, pinned) into .venv when
# missing, then runs the whole suite. The live tests fail, never skip,
# without it. Extra arguments go to `cargo test`.
set -euo pipefail
cd "$(dirname "$0")/.."

MOTO_VERSION=5.2.5
if [ ! -x .venv/bin/moto_server ]; then
    echo "== installing moto[server]==$MOTO_VERSION into .venv" >&2
    python3 -m venv .venv
    .venv/bin/pip install --quiet "moto[server]==$MOTO_VERSION"
fi
export MOTO_SERVER="$PWD/.venv/bin/moto_server"
exec cargo test --locked "$@"
