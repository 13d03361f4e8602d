#!/usr/bin/env bash
# Benchmark: the 2017 jq one-liner vs `vulntriage triage` on a 20,000-host `mkr hosts -v` inventory.
#
#   bench/run.sh               build the CLI (Release), generate the inventory if missing, time both 3 times
#   RUNS=5 bench/run.sh        more runs
#   QUICK=1 bench/run.sh       only the headline; SKIP_100K=1 leaves out the 100k-host file
#   NO_R2R=1 bench/run.sh      skip the ReadyToRun attempt
#   JQ_ONLY=1 bench/run.sh     only the jq baseline (no .NET build)
#   SKIP_BUILD=1 bench/run.sh  reuse bench/out/cli from an earlier run
#   FORCE_WRAPPER=1 bench/run.sh  use the /proc VmHWM wrapper even when GNU time exists
#
# Wall time and peak RSS come from GNU time (`/usr/bin/time -f '%e %M'`). Without it, a wrapper polls
# VmHWM in /proc/<pid>/status every 20 ms and takes wall time from `date +%s.%N` (documented in README.md).
# Results go to stdout and to bench/out/results.txt.
set -uo pipefail
cd "$(dirname "$0")/.."
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

OUT=bench/out
INV=$OUT/hosts-20k.json
CLI=$OUT/cli/vulntriage
RUNS=${RUNS:-3}
RESULTS=$OUT/results.txt
mkdir -p "$OUT"

log() { echo "bench: $*" >&2; }

# ---- 1. build the CLI ----------------------------------------------------------------------------
publish_plain() {
  rm -rf "$OUT/cli"
  dotnet publish src/VulnTriage.Cli -c Release -o "$OUT/cli" -v quiet -clp:NoSummary >"$OUT/publish.log" 2>&1
}

# ReadyToRun needs a runtime identifier, and a RID adds a runtime section to every packages.lock.json.
# Publishing from a scratch copy (tracked + untracked, not ignored files) keeps the working tree untouched.
publish_r2r() {
  local src=$OUT/r2r-src
  rm -rf "$src" "$OUT/cli"
  mkdir -p "$src"
  git ls-files -z --cached --others --exclude-standard | grep -zv '^bench/out/' \
    | tar --null -T - -cf - 2>/dev/null | tar -xf - -C "$src" || return 1
  dotnet publish "$src/src/VulnTriage.Cli" -c Release -r linux-x64 --self-contained false \
    -p:PublishReadyToRun=true -o "$OUT/cli" -v quiet -clp:NoSummary >"$OUT/publish.log" 2>&1
}

if [ -n "${SKIP_BUILD:-}" ] && [ -z "${JQ_ONLY:-}" ]; then
  [ -x "$CLI" ] || { log "SKIP_BUILD set but $CLI does not exist"; exit 1; }
  log "reusing $CLI"
elif [ -z "${JQ_ONLY:-}" ]; then
  build_kind=plain
  if [ -z "${NO_R2R:-}" ] && publish_r2r && [ -x "$CLI" ]; then
    build_kind=ReadyToRun
  elif publish_plain && [ -x "$CLI" ]; then
    build_kind=plain
  else
    log "dotnet publish src/VulnTriage.Cli failed (see $OUT/publish.log)"
    exit 1
  fi
  log "CLI published to $OUT/cli ($build_kind)"
fi

# ---- 2. the inventory ------------------------------------------------------------------------------
if [ ! -s "$INV" ]; then
  log "generating $INV"
  dotnet run -c Release --project bench/VulnTriage.Bench -- generate --hosts 20000 --cpus 16 --out "$INV" >&2 || exit 1
fi
inv_mb=$(awk -v b="$(stat -c %s "$INV")" 'BEGIN { printf "%.1f", b / 1000000 }')

# ---- 3. timing -------------------------------------------------------------------------------------
# run_timed OKCODES CMD... -> prints "<wall seconds> <peak RSS KB>" or fails when the exit code is not in OKCODES.
if [ -x /usr/bin/time ] && [ -z "${FORCE_WRAPPER:-}" ]; then
  TIMER="GNU time (/usr/bin/time -f '%e %M')"
  run_timed() {
    local ok=$1 tf rc
    shift
    tf=$(mktemp)
    /usr/bin/time -f '%e %M' -o "$tf" "$@" >/dev/null 2>"$OUT/last-stderr.txt"
    rc=$?
    # GNU time puts "Command exited with non-zero status N" before the format line.
    local line
    line=$(tail -n 1 "$tf")
    rm -f "$tf"
    case " $ok " in *" $rc "*) echo "$line" ;; *) log "exit code $rc from: $*"; head -n 5 "$OUT/last-stderr.txt" >&2; return 1 ;; esac
  }
else
  TIMER="bash wrapper (date +%s.%N, VmHWM polled from /proc every 20 ms)"
  run_timed() {
    local ok=$1 start end pid hwm=0 v rc
    shift
    start=$(date +%s.%N)
    "$@" >/dev/null 2>"$OUT/last-stderr.txt" &
    pid=$!
    while kill -0 "$pid" 2>/dev/null; do
      v=$(awk '/^VmHWM:/ { print $2 }' "/proc/$pid/status" 2>/dev/null)
      [ -n "$v" ] && hwm=$v
      sleep 0.02
    done
    wait "$pid"
    rc=$?
    end=$(date +%s.%N)
    case " $ok " in
      *" $rc "*) awk -v s="$start" -v e="$end" -v m="$hwm" 'BEGIN { printf "%.2f %d\n", e - s, m }' ;;
      *) log "exit code $rc from: $*"; head -n 5 "$OUT/last-stderr.txt" >&2; return 1 ;;
    esac
  }
fi

# measure NAME OKCODES CMD... -> sets MED_S (median wall s) and PEAK_MB (max peak RSS, MB)
measure() {
  local name=$1 ok=$2 r res walls="" peak=0
  shift 2
  for r in $(seq 1 "$RUNS"); do
    res=$(run_timed "$ok" "$@") || return 1
    local s=${res% *} kb=${res#* }
    printf '  %-10s run %d: %6.2f s  %8.1f MB\n' "$name" "$r" "$s" "$(awk -v k="$kb" 'BEGIN { print k / 1024 }')" | tee -a "$RESULTS"
    walls="$walls $s"
    [ "$kb" -gt "$peak" ] && peak=$kb
  done
  MED_S=$(printf '%s\n' $walls | sort -n | awk '{ a[NR] = $1 } END { print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2 }')
  PEAK_MB=$(awk -v k="$peak" 'BEGIN { printf "%.0f", k / 1024 }')
}

{
  echo "# $(date -u +%Y-%m-%dT%H:%M:%SZ) $(uname -srm), $(nproc) CPUs"
  echo "# inventory: $INV, $inv_mb MB; timer: $TIMER; $RUNS runs each"
} | tee "$RESULTS"

JQ_FILTER='.[] | select(.meta.cpu[].model_name | test("E3|Scalable|W"))'
measure jq "0" jq "$JQ_FILTER" "$INV" || { log "jq failed"; exit 1; }
JQ_S=$MED_S
JQ_MB=$PEAK_MB
echo "jq median ${JQ_S} s, peak RSS ${JQ_MB} MB" | tee -a "$RESULTS"

if [ -n "${JQ_ONLY:-}" ]; then
  exit 0
fi

# Sanity check before timing: the CLI must produce a JSON report (exit 0 = nothing to act on, 1 = findings).
"$CLI" triage INTEL-SA-00086 --inventory "$INV" --format json --out "$OUT/triage-report.json" 2>"$OUT/last-stderr.txt"
rc=$?
if [ "$rc" -gt 1 ] || ! head -c 1 "$OUT/triage-report.json" 2>/dev/null | grep -q '{'; then
  log "vulntriage triage did not produce a JSON report (exit $rc); not timing it"
  head -n 5 "$OUT/last-stderr.txt" >&2
  exit 1
fi

measure vulntriage "0 1" "$CLI" triage INTEL-SA-00086 --inventory "$INV" --format json --out /dev/null \
  || { log "vulntriage failed"; exit 1; }
VT_S=$MED_S
VT_MB=$PEAK_MB
echo "vulntriage median ${VT_S} s, peak RSS ${VT_MB} MB" | tee -a "$RESULTS"

awk -v j="$JQ_S" -v v="$VT_S" -v m="$VT_MB" \
  'BEGIN { printf "speedup %.1f× (jq %.2f s / vulntriage %.2f s), peak RSS %s MB\n", (v > 0 ? j / v : 0), j, v, m }' \
  | tee -a "$RESULTS"

if [ -n "${QUICK:-}" ]; then
  exit 0
fi

# ---- 4. the whole picture (issues 11 and 13) -------------------------------------------------------
# The floor: one bare Utf8JsonReader pass (tokens only, one thread), each format, every shipped advisory in one
# pass (`--all`), on 20k and 100k hosts. Ratios against jq (20k only: jq is timed on the 20k file) and against
# the token pass over the same file. QUICK=1 stops after the headline above; SKIP_100K=1 leaves out the 100k file.
INV100=$OUT/hosts-100k.json
if [ -z "${SKIP_100K:-}" ] && [ ! -s "$INV100" ]; then
  log "generating $INV100"
  dotnet run -c Release --project bench/VulnTriage.Bench -- generate --hosts 100000 --cpus 16 --out "$INV100" >&2 || exit 1
fi
dotnet build -c Release bench/VulnTriage.Bench -v quiet -clp:NoSummary >"$OUT/bench-build.log" 2>&1 \
  || { log "dotnet build bench/VulnTriage.Bench failed (see $OUT/bench-build.log)"; exit 1; }
BENCH_DLL=bench/VulnTriage.Bench/bin/Release/net10.0/VulnTriage.Bench.dll

TABLE=$OUT/table.txt
printf '%-8s %-22s %8s %9s %8s %9s\n' hosts run "median s" "peak MB" "x jq" "x tokens" >"$TABLE"
declare -A WALL
row() { # hosts name seconds mb tokens_s
  local jqx="-"
  [ "$1" = 20k ] && jqx=$(awk -v j="$JQ_S" -v v="$3" 'BEGIN { printf "%.1f", (v > 0 ? j / v : 0) }')
  printf '%-8s %-22s %8.2f %9s %8s %9s\n' "$1" "$2" "$3" "$4" "$jqx" \
    "$(awk -v t="$5" -v v="$3" 'BEGIN { printf "%.2f", (t > 0 ? v / t : 0) }')" >>"$TABLE"
  WALL["$1 $2"]=$3
}

for size in 20k 100k; do
  file=$OUT/hosts-$size.json
  [ "$size" = 100k ] && [ -n "${SKIP_100K:-}" ] && continue
  echo "# $size: $file" | tee -a "$RESULTS"
  measure tokens "0" dotnet "$BENCH_DLL" tokens --file "$file" || exit 1
  TOK_S=$MED_S
  row "$size" "token pass" "$MED_S" "$PEAK_MB" "$TOK_S"
  for fmt in json csv markdown html; do
    measure "$fmt" "0 1" "$CLI" triage INTEL-SA-00086 --inventory "$file" --format "$fmt" --out /dev/null --quiet || exit 1
    row "$size" "SA-00086 $fmt" "$MED_S" "$PEAK_MB" "$TOK_S"
  done
  for fmt in json csv markdown html; do
    measure "all-$fmt" "0 1" "$CLI" triage --all --inventory "$file" --format "$fmt" --out /dev/null --quiet || exit 1
    row "$size" "--all $fmt" "$MED_S" "$PEAK_MB" "$TOK_S"
  done
done

cat "$TABLE" | tee -a "$RESULTS"
# Issue 11's goal is stated for the report a person runs (the default, Markdown); every format is shown. JSON and
# CSV carry one row per host and advisory, so their output is 12-13× that of one advisory.
for fmt in markdown html csv json; do
  awk -v a="${WALL[20k --all $fmt]}" -v s="${WALL[20k SA-00086 $fmt]}" -v f="$fmt" \
    'BEGIN { printf "every shipped advisory in one pass / SA-00086 alone (20k, %s): %.2f× (goal ≤ 1.5×)\n", f, a / s }' | tee -a "$RESULTS"
done
if [ -z "${SKIP_100K:-}" ]; then
  awk -v l="${WALL[100k SA-00086 json]}" -v s="${WALL[20k SA-00086 json]}" \
    'BEGIN { printf "100k / 20k (SA-00086, JSON): %.2f× (goal ≤ 5.5×)\n", l / s }' | tee -a "$RESULTS"
fi

# ---- 5. what a person reads (issue 13) -------------------------------------------------------------
# The default Markdown and HTML reports of the 20k fleet: size, lines before the first host group, and how long
# Debian's Chromium takes to show the HTML's first screen (headless screenshot, 1280×900) against an empty page.
REPORT_MD=$OUT/report-20k.md
REPORT_HTML=$OUT/report-20k.html
"$CLI" triage INTEL-SA-00086 --inventory "$INV" --format markdown --out "$REPORT_MD" --quiet 2>/dev/null
"$CLI" triage INTEL-SA-00086 --inventory "$INV" --format html --out "$REPORT_HTML" --quiet 2>/dev/null
first_group=$(awk '/^## / { inhosts = ($0 ~ /^## (Hosts that need action|対応が必要なホスト)/) } inhosts && /^### / { print NR; exit }' "$REPORT_MD")
printf 'Markdown report (20k): %d KB, %d lines, %s lines before the first host group (goal ≤ 300 KB, ≤ 40 lines)\n' \
  "$(( $(stat -c %s "$REPORT_MD") / 1024 ))" "$(wc -l <"$REPORT_MD")" "$(( ${first_group:-1} - 1 ))" | tee -a "$RESULTS"
CHROMIUM=$(command -v chromium || command -v chromium-browser || true)
if [ -n "$CHROMIUM" ]; then
  blank=$OUT/blank.html
  echo '<!doctype html><title>blank</title>' >"$blank"
  shot() { # file -> wall seconds of a headless screenshot
    local s e
    s=$(date +%s.%N)
    "$CHROMIUM" --headless --no-sandbox --disable-gpu --hide-scrollbars --window-size=1280,900 \
      --screenshot="$OUT/first-screen.png" "file://$(realpath "$1")" >/dev/null 2>&1
    e=$(date +%s.%N)
    awk -v s="$s" -v e="$e" 'BEGIN { printf "%.2f", e - s }'
  }
  shot "$blank" >/dev/null # warm the disk cache
  b=$(shot "$blank"); h=$(shot "$REPORT_HTML")
  printf 'HTML report (20k): %d KB; Chromium first screen %s s (an empty page: %s s; goal < 2 s); screenshot %s\n' \
    "$(( $(stat -c %s "$REPORT_HTML") / 1024 ))" "$h" "$b" "$OUT/first-screen.png" | tee -a "$RESULTS"
else
  log "no chromium: HTML first-screen time skipped"
fi
