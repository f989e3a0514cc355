#!/usr/bin/env bash
# Benchmark the offline scan on generated input, beside a jq baseline.
#
#   scripts/bench.sh                      # 1 GB and 4 GB, 3 runs each (median)
#   BENCH_SIZES="200MB" BENCH_RUNS=1 scripts/bench.sh
#
# Inputs are generated once (examples/synth, seed 7) into $BENCH_CACHE
# (default target/bench-data) and reused. For each size it prints wall
# time, MB/s, peak RSS (/usr/bin/time -v), accuracy against expected.json,
# and the time of a jq pipeline that only extracts the failed Lambda blocks
# and the timeout REPORT lines from the same files.
set -euo pipefail
cd "$(dirname "$0")/.."

CACHE=${BENCH_CACHE:-target/bench-data}
SIZES=${BENCH_SIZES:-"1GB 4GB"}
RUNS=${BENCH_RUNS:-3}
SEED=${BENCH_SEED:-7}

need_install=()
command -v jq >/dev/null || need_install+=(jq)
[ -x /usr/bin/time ] || need_install+=(time)
if [ ${#need_install[@]} -gt 0 ]; then
    echo "== installing ${need_install[*]} (Debian packages)" >&2
    SUDO=""
    [ "$(id -u)" -eq 0 ] || SUDO=sudo
    $SUDO apt-get update -qq >&2
    $SUDO apt-get install -y -qq "${need_install[@]}" >&2
fi

echo "== build (release)" >&2
cargo build --release --quiet --bin connect-timeouts --example synth
BIN=target/release/connect-timeouts
SYNTH=target/release/examples/synth

# "0:16.69" or "1:02:03" -> seconds
wall_seconds() {
    awk -F': ' '/Elapsed \(wall clock\)/ {
        n = split($2, p, ":"); s = 0
        for (i = 1; i <= n; i++) s = s * 60 + p[i]
        print s
    }' "$1"
}
rss_kb() { awk -F': ' '/Maximum resident set size/ {print $2}' "$1"; }
median() { sort -g | awk '{a[NR] = $1} END {print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2}'; }

# The baseline a user would reach for: failed Lambda blocks from the
# Connect group, timeout lines from the Lambda groups.
jq_baseline() {
    local dir=$1
    {
        find "$dir/aws/connect" -type f -name '*.json' -print0 |
            xargs -0 -r jq -c '.events[]? | .message | fromjson? |
                select((.ContactFlowModuleType == "InvokeExternalResource" or
                        .ContactFlowModuleType == "InvokeLambdaFunction") and .Results != null)'
        find "$dir/aws/lambda" -type f -name '*.json' -print0 |
            xargs -0 -r jq -r '.events[]? | .message |
                select(test("Status: timeout|Task timed out|\"status\":\"timeout\""))'
        find "$dir/aws/lambda" -type f -name '*.ndjson' -print0 |
            xargs -0 -r jq -r '.message |
                select(test("Status: timeout|Task timed out|\"status\":\"timeout\""))'
    } | wc -l
}

rows=()
declare -A WALL
for size in $SIZES; do
    dir="$CACHE/synth-$size-seed$SEED"
    if [ ! -f "$dir/expected.json" ]; then
        echo "== generating $size into $dir" >&2
        rm -rf "$dir"
        "$SYNTH" --out "$dir" --size "$size" --seed "$SEED" >&2
    fi
    bytes=$(du -sb "$dir/aws" | cut -f1)
    walls=()
    rss_max=0
    for run in $(seq "$RUNS"); do
        echo "== scan $size, run $run/$RUNS" >&2
        /usr/bin/time -v "$BIN" scan --input "$dir/aws" --output json >"$dir.out.json" 2>"$dir.time"
        walls+=("$(wall_seconds "$dir.time")")
        rss=$(rss_kb "$dir.time")
        [ "$rss" -gt "$rss_max" ] && rss_max=$rss
    done
    wall=$(printf '%s\n' "${walls[@]}" | median)
    WALL[$size]=$wall
    accuracy=$(jq -rn --slurpfile e "$dir/expected.json" --slurpfile g "$dir.out.json" '
        ($g[0].failures | map({key: (.contact_id + "|" + .block_identifier), value: .class})
            | from_entries) as $got
        | $e[0].failures as $want
        | ($want | map(select($got[.contact_id + "|" + .block_identifier] != null)) | length) as $found
        | ($want | map(select($got[.contact_id + "|" + .block_identifier] == .class)) | length) as $right
        | "\($found)/\($want | length) found, \($right) right (\(if ($want | length) > 0 then ($right * 1000 / ($want | length) | floor) / 10 else 100 end)%)"')

    echo "== jq baseline $size" >&2
    /usr/bin/time -v bash -c "$(declare -f jq_baseline); jq_baseline '$dir'" >"$dir.jq.out" 2>"$dir.jq.time"
    jq_wall=$(wall_seconds "$dir.jq.time")
    rows+=("$(awk -v size="$size" -v bytes="$bytes" -v wall="$wall" -v rss="$rss_max" -v jqw="$jq_wall" -v acc="$accuracy" 'BEGIN {
        printf "| %s | %.0f | %.2f | %.0f | %.0f | %.1f | %.1fx | %s |", size, bytes / 1e6, wall, bytes / 1e6 / wall, rss / 1024, jqw, jqw / wall, acc
    }')")
done

echo
echo "scan --input DIR/aws --output json; median of $RUNS run(s); $(nproc) cores"
echo
echo "| input | MB | wall s | MB/s | peak RSS MB | jq s | vs jq | accuracy |"
echo "|---|---|---|---|---|---|---|---|"
printf '%s\n' "${rows[@]}"
if [ -n "${WALL[1GB]:-}" ] && [ -n "${WALL[4GB]:-}" ]; then
    awk -v a="${WALL[1GB]}" -v b="${WALL[4GB]}" 'BEGIN { printf "\n4 GB / 1 GB wall time: %.2fx (linear is 4x; target <= 4.4x)\n", b / a }'
fi
