#!/usr/bin/env bash
# A throwaway PostgreSQL cluster on loopback for the tests of `tune --storage postgresql://`.
#
#   Scripts/test-postgres.sh start DIR [PORT]   initdb in DIR/data (first time), start on
#                                               127.0.0.1:PORT (default 55432), print the
#                                               `export` lines the tests read
#   Scripts/test-postgres.sh stop DIR           stop it (fast: running queries are cut)
#   Scripts/test-postgres.sh restart DIR        stop, then start on the same port
#
# The cluster has a password role (`layerwise`, SCRAM over TCP) and a database
# `layerwise_test`; the tests' wrong-password case needs a real password check. initdb refuses
# to run as root, so as root the server runs as the `postgres` user (Debian's package makes it).
# Needs Debian's `postgresql` package (`.ci/run` installs it).
set -euo pipefail
command=${1:?usage: test-postgres.sh start|stop|restart DIR [PORT]}
dir=${2:?usage: test-postgres.sh start|stop|restart DIR [PORT]}
port=${3:-55432}

# The server outlives this script: it must not inherit a caller's descriptors beyond 0-2 (a
# parent watching a pipe or socket for our exit, as Foundation's Process does, would wait for
# the server's exit instead).
for fd in /proc/$$/fd/*; do
    n=${fd##*/}
    if [ "$n" -gt 2 ] 2>/dev/null; then eval "exec $n>&-" 2>/dev/null || true; fi
done

bindir=""
for candidate in /usr/lib/postgresql/*/bin; do
    [ -x "$candidate/initdb" ] && bindir=$candidate
done
if [ -z "$bindir" ]; then
    echo "test-postgres.sh: no PostgreSQL server binaries (initdb) under /usr/lib/postgresql;" \
        "fix: apt-get install postgresql" >&2
    exit 1
fi

as_owner() {
    if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

mkdir -p "$dir"
dir=$(cd "$dir" && pwd)
data=$dir/data
[ "$(id -u)" = 0 ] && chown postgres "$dir"

start() {
    if [ ! -f "$data/PG_VERSION" ]; then
        printf '%s\n' "layerwise-test" >"$dir/password"
        [ "$(id -u)" = 0 ] && chown postgres "$dir/password"
        as_owner "$bindir/initdb" -D "$data" -U postgres --auth-local=trust \
            --auth-host=scram-sha-256 --pwfile="$dir/password" >"$dir/initdb.log"
        {
            echo "listen_addresses = '127.0.0.1'"
            echo "port = $port"
            echo "unix_socket_directories = '$dir'"
            echo "fsync = off"
            echo "max_connections = 200"
        } >>"$data/postgresql.conf"
        echo "$port" >"$dir/port"
        [ "$(id -u)" = 0 ] && chown postgres "$dir/port"
    fi
    port=$(cat "$dir/port")
    as_owner "$bindir/pg_ctl" -D "$data" -l "$dir/server.log" -w -t 60 start >/dev/null
    as_owner "$bindir/psql" -h "$dir" -p "$port" -U postgres -d postgres -qtA \
        -c "DO \$\$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'layerwise') THEN
                CREATE ROLE layerwise LOGIN CREATEDB PASSWORD 'layerwise-test'; END IF; END \$\$;" \
        >/dev/null
    if ! as_owner "$bindir/psql" -h "$dir" -p "$port" -U postgres -d postgres -qtA \
        -c "SELECT 1 FROM pg_database WHERE datname = 'layerwise_test'" | grep -q 1; then
        as_owner "$bindir/psql" -h "$dir" -p "$port" -U postgres -d postgres -q \
            -c "CREATE DATABASE layerwise_test OWNER layerwise" >/dev/null
    fi
    echo "export LAYERWISE_TEST_POSTGRES=postgresql://layerwise:layerwise-test@127.0.0.1:$port/layerwise_test"
    echo "export LAYERWISE_TEST_POSTGRES_DIR=$dir"
}

stop() {
    as_owner "$bindir/pg_ctl" -D "$data" -m fast -w -t 60 stop >/dev/null
}

case $command in
start) start ;;
stop) stop ;;
restart)
    stop
    start >/dev/null
    ;;
*)
    echo "test-postgres.sh: unknown command '$command'; use start, stop or restart" >&2
    exit 2
    ;;
esac
