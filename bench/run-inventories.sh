#!/usr/bin/env bash
# Benchmark of each inventory reader (issue 14) over a 20,000-host fleet, 16 logical CPUs per host:
#
#   hosts  = vulntriage hosts --inventory X --format json --out /dev/null
#            (read every host, identify each distinct processor: the reader's own cost)
#   triage = vulntriage triage INTEL-SA-00086 --inventory X --format json --out /dev/null
#            (end to end: read, evaluate, write the JSON report)
#
# for X = the mkr hosts -v file (baseline), an osqueryd results log, a Fleet export, an ansible-core 2.19 fact cache
# (20,000 files), a CMDB CSV, a folder of probe documents (one file per Linux host), and all of them merged.
#
#   bench/run-inventories.sh              publish the CLI if bench/out/cli is missing, generate what is missing, 3 runs each
#   RUNS=5 bench/run-inventories.sh       more runs
#   HOSTS=5000 bench/run-inventories.sh   another fleet size (files go to bench/out/formats-5000)
#
# Wall time and peak RSS from GNU time (/usr/bin/time -f '%e %M'); median wall time and largest peak RSS over the runs.
# Results go to stdout and bench/out/inventories-results.txt.
set -uo pipefail
cd "$(dirname "$0")/.."
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

RUNS=${RUNS:-3}
HOSTS=${HOSTS:-20000}
OUT=bench/out
DIR=$OUT/formats$([ "$HOSTS" = 20000 ] || echo "-$HOSTS")
CLI=$OUT/cli/vulntriage
RESULTS=$OUT/inventories-results.txt
mkdir -p "$DIR"
log() { echo "bench: $*" >&2; }

[ -x /usr/bin/time ] || { log "needs GNU time at /usr/bin/time"; exit 1; }
if [ ! -x "$CLI" ]; then
  log "publishing the CLI to $OUT/cli (Release)"
  dotnet publish src/VulnTriage.Cli -c Release -o "$OUT/cli" -v quiet -clp:NoSummary >"$OUT/publish.log" 2>&1 || { log "publish failed (see $OUT/publish.log)"; exit 1; }
fi

MACKEREL=$DIR/mkr-hosts.json
generate() { # format path: the other formats describe the hosts of the mkr file
  [ -e "$2" ] && return 0
  log "generating $2"
  local from=()
  [ "$1" = mackerel ] || from=(--from "$MACKEREL")
  dotnet run -c Release --project bench/VulnTriage.Bench -- generate --format "$1" "${from[@]}" --hosts "$HOSTS" --cpus 16 --out "$2" >&2 || exit 1
}
generate mackerel "$MACKEREL"
generate osquery "$DIR/osqueryd.results.log"
generate fleet "$DIR/fleet-hosts.json"
generate ansible "$DIR/ansible-cache"
generate csv "$DIR/cmdb.csv"
generate probe "$DIR/probe"

size() { du -sb "$1" | awk '{ printf "%.1f MB", $1 / 1000000 }'; }
files() { [ -d "$1" ] && find "$1" -type f | wc -l || echo 1; }

# measure NAME ARGS... -> prints one result line
measure() {
  local name=$1 walls="" peak=0 r tf line rc
  shift
  for r in $(seq 1 "$RUNS"); do
    tf=$(mktemp)
    /usr/bin/time -f '%e %M' -o "$tf" "$CLI" "$@" --format json --out /dev/null 2>"$OUT/last-stderr.txt"
    rc=$?
    line=$(tail -n 1 "$tf")
    rm -f "$tf"
    case $rc in 0 | 1) ;; *) log "$name: exit $rc"; head -n 3 "$OUT/last-stderr.txt" >&2; return 1 ;; esac
    walls="$walls ${line% *}"
    [ "${line#* }" -gt "$peak" ] && peak=${line#* }
  done
  local med
  med=$(printf '%s\n' $walls | sort -n | awk '{ a[NR] = $1 } END { print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2 }')
  printf '%-34s median %6.2f s  (runs:%s)  peak RSS %5.0f MB\n' "$name" "$med" "$walls" "$(awk -v k="$peak" 'BEGIN { print k / 1024 }')" | tee -a "$RESULTS"
}

{
  echo "# $(date -u +%Y-%m-%dT%H:%M:%SZ) $(uname -srm), $(nproc) CPUs, load average $(cut -d' ' -f1-3 /proc/loadavg)"
  echo "# $HOSTS hosts x 16 logical CPUs; $RUNS runs each; GNU time"
  echo "# inputs: mackerel $(size "$MACKEREL"); osquery $(size "$DIR/osqueryd.results.log"); fleet $(size "$DIR/fleet-hosts.json");" \
    "ansible $(size "$DIR/ansible-cache") in $(files "$DIR/ansible-cache") files; csv $(size "$DIR/cmdb.csv"); probe $(size "$DIR/probe") in $(files "$DIR/probe") files"
} | tee -a "$RESULTS"

for cmd in hosts triage; do
  pre=()
  [ "$cmd" = triage ] && pre=(INTEL-SA-00086)
  measure "$cmd mackerel (baseline)" "$cmd" "${pre[@]}" --inventory "$MACKEREL"
  measure "$cmd osquery results log" "$cmd" "${pre[@]}" --inventory "osquery:$DIR/osqueryd.results.log"
  measure "$cmd fleet export" "$cmd" "${pre[@]}" --inventory "fleet:$DIR/fleet-hosts.json"
  measure "$cmd ansible 2.19 cache" "$cmd" "${pre[@]}" --inventory "ansible:$DIR/ansible-cache"
  measure "$cmd csv" "$cmd" "${pre[@]}" --inventory "csv:$DIR/cmdb.csv"
  measure "$cmd probe folder" "$cmd" "${pre[@]}" --inventory "probe:$DIR/probe"
  measure "$cmd all six merged" "$cmd" "${pre[@]}" --inventory "$MACKEREL" --inventory "osquery:$DIR/osqueryd.results.log" \
    --inventory "fleet:$DIR/fleet-hosts.json" --inventory "ansible:$DIR/ansible-cache" --inventory "csv:$DIR/cmdb.csv" \
    --inventory "probe:$DIR/probe"
done
