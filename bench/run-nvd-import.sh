#!/usr/bin/env bash
# Benchmark (issue 12): `vulntriage advisories import nvd` over a directory of 2,000 NVD record files generated from
# the real records of ../shared/data/nvd. Budget: under 5 s.
#
#   bench/run-nvd-import.sh               build the CLI (Release), generate the records if missing, time the import 3 times
#   RUNS=5 bench/run-nvd-import.sh        more runs
#   RECORDS=5000 bench/run-nvd-import.sh  another size (a separate directory)
#   SKIP_BUILD=1 bench/run-nvd-import.sh  reuse bench/out/cli (from bench/run.sh or an earlier run)
#   NO_R2R=1 bench/run-nvd-import.sh      a plain Release build instead of ReadyToRun
#
# Wall time and peak RSS from GNU time (`/usr/bin/time -f '%e %M'`) when present, else from bash's time (no RSS).
# Results go to stdout and are appended to bench/out/results-nvd.txt.
set -uo pipefail
cd "$(dirname "$0")/.."
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

OUT=bench/out
RECORDS=${RECORDS:-2000}
RUNS=${RUNS:-3}
DATA=$OUT/nvd-$RECORDS
DRAFTS=$OUT/nvd-drafts-$RECORDS
CLI=$OUT/cli/vulntriage
RESULTS=$OUT/results-nvd.txt
mkdir -p "$OUT"
log() { echo "bench: $*" >&2; }

# The CLI in Release, ReadyToRun when possible (as bench/run.sh builds it: from a scratch copy, because a runtime
# identifier would add a section to every packages.lock.json); else a plain Release build.
publish_r2r() {
  local src=$OUT/r2r-src
  rm -rf "$src" "$OUT/cli"
  mkdir -p "$src"
  git ls-files -z --cached --others --exclude-standard | grep -zv '^bench/out/' \
    | tar --null -T - -cf - 2>/dev/null | tar -xf - -C "$src" || return 1
  # The sources' ../shared/... paths (test data) resolve from the copy's parent; the CLI needs none of them.
  dotnet publish "$src/src/VulnTriage.Cli" -c Release -r linux-x64 --self-contained false \
    -p:PublishReadyToRun=true -o "$OUT/cli" -v quiet -clp:NoSummary >"$OUT/publish-nvd.log" 2>&1
}
if [ -z "${SKIP_BUILD:-}" ] || [ ! -x "$CLI" ]; then
  if [ -z "${NO_R2R:-}" ] && publish_r2r && [ -x "$CLI" ]; then
    log "CLI published to $OUT/cli (ReadyToRun)"
  else
    dotnet publish src/VulnTriage.Cli -c Release -o "$OUT/cli" -v quiet -clp:NoSummary >"$OUT/publish-nvd.log" 2>&1 \
      || { log "dotnet publish failed (see $OUT/publish-nvd.log)"; exit 1; }
    log "CLI published to $OUT/cli (plain Release)"
  fi
fi

if [ ! -d "$DATA" ] || [ "$(find "$DATA" -name '*.json' | wc -l)" -ne "$RECORDS" ]; then
  rm -rf "$DATA"
  dotnet run -c Release --project bench/VulnTriage.Bench -- nvd-records --from ../shared/data/nvd --records "$RECORDS" --out "$DATA" >&2 || exit 1
fi
data_mb=$(du -sm "$DATA" | cut -f1)

{
  echo "# $(date -u +%Y-%m-%dT%H:%M:%SZ) $(uname -srm), $(nproc) CPUs"
  echo "# advisories import nvd: $RECORDS records, $data_mb MB ($DATA); $RUNS runs; load average $(cut -d' ' -f1-3 /proc/loadavg)"
} | tee -a "$RESULTS"

walls=""
# Each run writes a fresh directory; they are deleted after the last run (deleting 2,000 files on a filesystem
# mounted with `discard` slows the writes that follow it, which would be measured instead of the import).
rm -rf "$DRAFTS"-run*
for r in $(seq 1 "$RUNS"); do
  DRAFTS_RUN=$DRAFTS-run$r
  if [ -x /usr/bin/time ]; then
    tf=$(mktemp)
    /usr/bin/time -f '%e %M %U %S' -o "$tf" "$CLI" advisories import nvd "$DATA" --out "$DRAFTS_RUN" >/dev/null 2>"$OUT/last-nvd-stderr.txt"
    rc=$?
    res=$(tail -n 1 "$tf")
    rm -f "$tf"
  else
    start=$(date +%s.%N)
    "$CLI" advisories import nvd "$DATA" --out "$DRAFTS_RUN" >/dev/null 2>"$OUT/last-nvd-stderr.txt"
    rc=$?
    res="$(awk -v s="$start" -v e="$(date +%s.%N)" 'BEGIN { printf "%.2f", e - s }') 0 ? ?"
  fi
  [ "$rc" -eq 0 ] || { log "run $r exited $rc"; head -n 5 "$OUT/last-nvd-stderr.txt" >&2; exit 1; }
  written=$(find "$DRAFTS_RUN" -name '*.yaml' | wc -l)
  if [ "$written" -ne "$RECORDS" ]; then
    log "run $r wrote $written drafts, expected $RECORDS"; head -n 5 "$OUT/last-nvd-stderr.txt" >&2; exit 1
  fi
  read -r s kb user sys <<<"$res"
  printf '  import run %d: %6.2f s wall (%s s user, %s s sys), %8.1f MB peak RSS, %d drafts\n' "$r" "$s" "${user:-?}" "${sys:-?}" "$(awk -v k="$kb" 'BEGIN { print k / 1024 }')" "$written" | tee -a "$RESULTS"
  walls="$walls $s"
done

rm -rf "$DRAFTS"-run*

median=$(printf '%s\n' $walls | sort -n | awk '{ a[NR] = $1 } END { print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2 }')
verdict=$(awk -v m="$median" 'BEGIN { print (m < 5) ? "under the 5 s budget" : "OVER the 5 s budget" }')
echo "advisories import nvd: $RECORDS records in median ${median} s ($verdict)" | tee -a "$RESULTS"
