#!/usr/bin/env bash
# Issue 15's load test: `vulntriage serve` over a saved HOSTS-host run, CLIENTS concurrent clients, every page and API
# endpoint REQUESTS times; p50/p95/p99/max per endpoint, on SQLite and on a throwaway PostgreSQL cluster.
#   bash bench/run-serve.sh                         # 100,000 hosts, 50 clients, 200 requests per endpoint
#   HOSTS=20000 CLIENTS=10 REQUESTS=50 bash bench/run-serve.sh
#   SKIP_BUILD=1 bash bench/run-serve.sh            # reuse bench/out/serve/cli and the saved stores
#   STORES=sqlite bash bench/run-serve.sh           # one store only (sqlite, postgres)
# The load generator runs on the same machine as the server (and shares its cores): the latencies include its cost.
set -euo pipefail
cd "$(dirname "$0")/.."
HOSTS=${HOSTS:-100000}
CLIENTS=${CLIENTS:-50}
REQUESTS=${REQUESTS:-200}
STORES=${STORES:-sqlite postgres}
out=bench/out/serve
mkdir -p "$out"

if [ -z "${SKIP_BUILD:-}" ]; then
  dotnet publish src/VulnTriage.Cli -c Release -o "$out/cli" >/dev/null
  dotnet build bench/VulnTriage.Bench -c Release -o "$out/bench" >/dev/null
fi
cli="$out/cli/vulntriage"
bench="$out/bench/VulnTriage.Bench"
name=$([ "$HOSTS" = 100000 ] && echo 100k || echo "$HOSTS")
inv="bench/out/hosts-$name.json"
[ -f "$inv" ] || "$bench" generate --hosts "$HOSTS" --cpus 16 --out "$inv"

serve_pid=
pg_dir=
cleanup() {
  if [ -n "$serve_pid" ]; then kill "$serve_pid" 2>/dev/null || true; wait "$serve_pid" 2>/dev/null || true; fi
  if [ -n "$pg_dir" ]; then bash .ci/postgres-cluster.sh stop "$pg_dir"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

load() { # label, db, fresh (1: save two runs first; the runs page and the diff endpoints compare the last two)
  local label=$1 db=$2 fresh=$3
  if [ "$fresh" = 1 ]; then
    for i in 1 2; do
      /usr/bin/time -f "bench: triage --save ($label, run $i): %e s, peak RSS %M KB" \
        "$cli" triage INTEL-SA-00086 --inventory "$inv" --format json --out /dev/null --db "$db" --save || [ $? -eq 1 ]
    done
  fi
  VULNTRIAGE_BENCH_TOKEN=$("$cli" tokens create --name "bench-$RANDOM" --role decider --db "$db" | tail -n 1)
  export VULNTRIAGE_BENCH_TOKEN
  "$cli" serve --db "$db" --urls http://127.0.0.1:0 >"$out/serve-$label.out" 2>"$out/serve-$label.err" &
  serve_pid=$!
  local url=
  for _ in $(seq 600); do
    url=$(sed -n 's/.*listening on \(http:\/\/127\.0\.0\.1:[0-9]*\).*/\1/p' "$out/serve-$label.err" | head -n 1)
    [ -n "$url" ] && break
    kill -0 "$serve_pid" 2>/dev/null || { cat "$out/serve-$label.err" >&2; exit 1; }
    sleep 0.1
  done
  [ -n "$url" ] || { echo "bench: serve did not start" >&2; exit 1; }
  echo "bench: $label: serve on $url, $HOSTS hosts, $CLIENTS clients, $REQUESTS requests per endpoint"
  "$bench" load --url "$url" --clients "$CLIENTS" --requests "$REQUESTS" | tee -a "$out/results-$label.txt"
  echo "bench: serve peak RSS $(grep VmHWM "/proc/$serve_pid/status" | awk '{print int($2/1024)}') MB"
  kill "$serve_pid"; wait "$serve_pid" 2>/dev/null || true; serve_pid=
  unset VULNTRIAGE_BENCH_TOKEN
}

echo "bench: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg) at $(date -u '+%Y-%m-%d %H:%M UTC')"
for store in $STORES; do
  case $store in
    sqlite)
      db="$out/state-$name.db"
      fresh=0
      if [ -z "${SKIP_BUILD:-}" ] || [ ! -f "$db" ]; then rm -f "$db"*; fresh=1; fi
      load sqlite "$db" "$fresh"
      ;;
    postgres)
      pg=$(bash .ci/postgres-cluster.sh start)
      pg_dir=$(printf '%s\n' "$pg" | sed -n 's/^dir=//p')
      url=$(printf '%s\n' "$pg" | sed -n 's/^url=//p')
      PGPASSWORD=$(printf '%s\n' "$url" | sed -E 's|^postgresql://[^:]+:([^@]+)@.*|\1|')
      export PGPASSWORD
      load postgres "$(printf '%s\n' "$url" | sed -E 's|^(postgresql://[^:]+):[^@]+@|\1@|')" 1
      ;;
    *) echo "bench: unknown store '$store' (sqlite, postgres)" >&2; exit 2 ;;
  esac
done
echo "bench: load average $(cut -d' ' -f1-3 /proc/loadavg) at the end"
