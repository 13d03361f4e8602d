#!/usr/bin/env bash
# The state store under a large run: `triage --save` (a run with every finding and its evidence) and `diff` (two
# saved runs loaded) over HOSTS hosts, against SQLite and a throwaway PostgreSQL cluster; plain triage as the baseline.
#   HOSTS=100000 RUNS=3 bash bench/run-state.sh
# Prints the median wall time and the largest peak RSS of RUNS runs per case, and the size of what was stored.
set -euo pipefail
cd "$(dirname "$0")/.."
HOSTS=${HOSTS:-100000}
RUNS=${RUNS:-3}
out=bench/out/state
mkdir -p "$out"

if [ -z "${SKIP_BUILD:-}" ]; then
  dotnet publish src/VulnTriage.Cli -c Release -o "$out/cli" >/dev/null
fi
cli="$out/cli/vulntriage"
inv="bench/out/hosts-$HOSTS.json"
[ -f "$inv" ] || dotnet run -c Release --project bench/VulnTriage.Bench -- generate --hosts "$HOSTS" --cpus 16 --out "$inv" >/dev/null

pg=$(bash .ci/postgres-cluster.sh start)
pg_dir=$(printf '%s\n' "$pg" | sed -n 's/^dir=//p')
trap 'bash .ci/postgres-cluster.sh stop "$pg_dir"' EXIT
url=$(printf '%s\n' "$pg" | sed -n 's/^url=//p')
password=$(printf '%s\n' "$url" | sed -E 's|^postgresql://[^:]+:([^@]+)@.*|\1|')
pg_url=$(printf '%s\n' "$url" | sed -E 's|^(postgresql://[^:]+):[^@]+@|\1@|')
export PGPASSWORD="$password"

measure() { # name, command...
  local name=$1; shift
  local times=() rss=0 t m
  for _ in $(seq "$RUNS"); do
    /usr/bin/time -f '%e %M' -o "$out/time" "$@" >/dev/null 2>"$out/stderr" || { [ $? -eq 1 ] || { cat "$out/stderr" >&2; exit 1; }; }
    read -r t m < <(tail -n 1 "$out/time")
    times+=("$t"); [ "$m" -gt "$rss" ] && rss=$m
  done
  printf '%-34s median %6.2f s   peak RSS %5d MB\n' "$name" "$(printf '%s\n' "${times[@]}" | sort -n | sed -n "$(( (RUNS + 1) / 2 ))p")" "$((rss / 1024))"
}

echo "bench: $HOSTS hosts, $RUNS runs each"
measure "triage (no state)" "$cli" triage INTEL-SA-00086 --inventory "$inv" --format json --out /dev/null
rm -f "$out/state.db"*
measure "triage --save, SQLite" "$cli" triage INTEL-SA-00086 --inventory "$inv" --format json --out /dev/null --db "$out/state.db" --save
measure "triage --save, PostgreSQL" "$cli" triage INTEL-SA-00086 --inventory "$inv" --format json --out /dev/null --db "$pg_url" --save
measure "diff (load 2 runs), SQLite" "$cli" diff INTEL-SA-00086 --db "$out/state.db" --format json
measure "diff (load 2 runs), PostgreSQL" "$cli" diff INTEL-SA-00086 --db "$pg_url" --format json
echo "stored: SQLite $(( $(stat -c %s "$out/state.db") / 1048576 )) MB for $RUNS runs; PostgreSQL $(psql "$url" -Atc "SELECT pg_database_size(current_database()) / 1048576") MB"
echo "evidence arrays per run: $(psql "$url" -Atc "SELECT COUNT(*) / COUNT(DISTINCT run_seq) FROM run_evidence") for $HOSTS findings"
