#!/usr/bin/env bash
# A throwaway PostgreSQL cluster on 127.0.0.1 for the tests (used by .ci/run and by the Storage tests' fixture).
#   postgres-cluster.sh start   -> prints "dir=DIR" and "url=postgresql://vulntriage:PASSWORD@127.0.0.1:PORT/postgres"
#   postgres-cluster.sh stop DIR
# Needs Debian's postgresql package (initdb, pg_ctl). initdb refuses to run as root, so as root the cluster runs as
# the package's "postgres" user. Data lives in a fresh temp directory, the port is a random free one, the password
# is random; nothing outside the temp directory is touched.
set -euo pipefail

find_bin() {
  local d
  for d in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r); do
    [ -x "$d/initdb" ] && { echo "$d"; return 0; }
  done
  command -v initdb >/dev/null 2>&1 && { dirname "$(command -v initdb)"; return 0; }
  return 1
}

as_owner() {
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

case "${1:-}" in
  start)
    bin=$(find_bin) || { echo "postgres-cluster: initdb not found (install Debian's postgresql package)" >&2; exit 1; }
    if [ "$(id -u)" -eq 0 ] && ! id postgres >/dev/null 2>&1; then
      echo "postgres-cluster: running as root and there is no 'postgres' user to run the cluster as" >&2; exit 1
    fi
    dir=$(mktemp -d "${TMPDIR:-/tmp}/vt-pg-XXXXXXXX")
    chmod 700 "$dir"
    password=$(od -An -tx1 -N16 /dev/urandom | tr -d ' \n')
    printf '%s\n' "$password" > "$dir/pwfile"
    [ "$(id -u)" -eq 0 ] && chown -R postgres "$dir"
    as_owner "$bin/initdb" -D "$dir/data" -U vulntriage --pwfile="$dir/pwfile" -E UTF8 --locale=C.UTF-8 \
      --auth-local=scram-sha-256 --auth-host=scram-sha-256 --no-sync >"$dir/initdb.log" 2>&1 \
      || { cat "$dir/initdb.log" >&2; exit 1; }
    rm -f "$dir/pwfile"
    for attempt in 1 2 3 4 5 6 7 8; do
      port=$((20000 + RANDOM % 40000))
      # Taken when something answers there.
      if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then continue; fi
      if as_owner "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 start \
           -o "-c listen_addresses=127.0.0.1 -c port=$port -c unix_socket_directories='$dir' -c max_connections=200 -c fsync=off -c synchronous_commit=off -c full_page_writes=off" \
           >/dev/null 2>&1; then
        echo "dir=$dir"
        echo "url=postgresql://vulntriage:$password@127.0.0.1:$port/postgres"
        exit 0
      fi
    done
    cat "$dir/server.log" >&2 || true
    rm -rf "$dir"
    echo "postgres-cluster: could not start a server on a free port" >&2
    exit 1
    ;;
  stop)
    dir="${2:?usage: postgres-cluster.sh stop DIR}"
    case "$dir" in */vt-pg-*) ;; *) echo "postgres-cluster: refusing to remove '$dir'" >&2; exit 1;; esac
    bin=$(find_bin) || true
    if [ -n "${bin:-}" ] && [ -d "$dir/data" ]; then
      as_owner "$bin/pg_ctl" -D "$dir/data" -m immediate -w stop >/dev/null 2>&1 || true
    fi
    rm -rf "$dir"
    ;;
  *)
    echo "usage: postgres-cluster.sh start | stop DIR" >&2; exit 2;;
esac
