#!/usr/bin/env bash
# Measures ManEx Customer Get and Add with wrk (2 threads, 32 keep-alive
# connections) at N records:
#   reference/bench/bench.sh BINARY N [DBFILE]
# Starts BINARY (target/release/reference) on a free port (in memory, or on
# DBFILE, which is removed first), pre-loads N-1 customers beside the demo
# record with preload.py, runs Get for GET_SECONDS (default 10) of random
# customers among the N, then Add for ADD_SECONDS (default 5).
set -euo pipefail
bin=$1; n=$2; db=${3:-}
here=$(cd "$(dirname "$0")" && pwd)
key=K123456789
args=(--api manex --listen 127.0.0.1:0 --credential "API_KEY=$key")
if [[ -n $db ]]; then rm -f "$db" "$db-wal" "$db-shm"; args+=(--db "$db"); fi
out=$(mktemp)
"$bin" "${args[@]}" >"$out" 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null || true; rm -f "$out"' EXIT
for _ in $(seq 100); do grep -q '^listening on' "$out" && break; sleep 0.1; done
base=$(sed -n 's/^listening on //p' "$out" | head -1)
echo "== $bin, N=$n${db:+, db $db}, $base"
if (( n > 1 )); then "$here/preload.py" "$base" "$key" $((n - 1)); fi
echo "-- Get"
wrk -t2 -c32 -d"${GET_SECONDS:-10}"s --latency -s "$here/get.lua" "$base/API/Customer/Get/$key" -- "$n" | grep -E 'Requests/sec|^answers|p50|99%'
echo "-- Add"
wrk -t2 -c32 -d"${ADD_SECONDS:-5}"s --latency -s "$here/add.lua" "$base/API/Customer/Add/$key" | grep -E 'Requests/sec|^answers|p50|99%'
