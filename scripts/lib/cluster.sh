# Shared by the scripts: a release or debug build, a private throwaway PostgreSQL cluster
# and, when asked, the server on a free port. Source it from the repository root:
#
#   . scripts/lib/cluster.sh
#   platform_require wrk          # installs the package of a missing command (apt-get)
#   platform_build release        # bin=…/release, pgbin=the newest PostgreSQL's bin
#   platform_cluster bench        # root=/tmp/platform-bench-XXXXXX, pgport, DATABASE_URL, MIGRATION_DATABASE_URL
#   platform_serve                # http=<free port>, server=<pid>; waits until /readyz answers
#
# Everything is removed on exit (the server stopped, the cluster stopped and deleted); with
# KEEP_ROOT=1 the folder (logs, reports) is kept for a look afterwards.
# PLATFORM_BUILD=debug|release overrides the configuration a script asks platform_build for,
# e.g. `PLATFORM_BUILD=debug scripts/bench-api 4 2` smoke-tests a benchmark without a release
# build (its numbers then mean nothing).

# A TCP port nobody listens on now.
platform_free_port() {
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# Installs the Debian package that provides a command the script needs, when it is missing:
# platform_require command [package, when its name differs].
platform_require() {
    command -v "$1" >/dev/null 2>&1 && return 0
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${2:-$1}" >/dev/null
}

platform_build() {
    local configuration="${PLATFORM_BUILD:-${1:-debug}}"
    case "$configuration" in
        debug | release) ;;
        *) echo "the build configuration must be debug or release, got '$configuration'" >&2; return 1 ;;
    esac
    if [ "$configuration" != "${1:-debug}" ]; then
        echo "PLATFORM_BUILD=$configuration: a $configuration build instead of ${1:-debug}" >&2
    fi
    scripts/setup
    swift build -c "$configuration" >/dev/null
    bin="$(swift build -c "$configuration" --show-bin-path)"
    pgbin="$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)"
}

server=""
root=""
platform_cleanup() {
    platform_stop_server
    if [ -n "$root" ]; then
        "$bin/platform-admin" dev down --data-dir "$root" --port "$pgport" >/dev/null 2>&1 || true
        [ -n "${KEEP_ROOT:-}" ] || rm -rf "$root"
    fi
}

platform_cluster() {
    root="$(mktemp -d "/tmp/platform-${1:-run}-XXXXXX")"
    chmod 755 "$root"
    pgport="$(platform_free_port)"
    trap platform_cleanup EXIT
    "$bin/platform-admin" dev up --data-dir "$root" --port "$pgport" >/dev/null
    export DATABASE_URL="postgresql:///platform?host=$root/run&port=$pgport&user=platform_app"
    export MIGRATION_DATABASE_URL="postgresql:///platform?host=$root/run&port=$pgport&user=platform_owner"
}

# psql as the owner, for set-up and checks the API does not offer.
psql_owner() { "$pgbin/psql" -X -q -t -A -v ON_ERROR_STOP=1 -h "$root/run" -p "$pgport" -U platform_owner platform "$@"; }

# Starts the server (extra environment may be given as NAME=value arguments); its log is $root/server.log.
platform_serve() {
    http="$(platform_free_port)"
    env LOG_LEVEL="${LOG_LEVEL:-error}" HOST=127.0.0.1 PORT="$http" "$@" "$bin/platform-server" 2>"$root/server.log" &
    server=$!
    for _ in $(seq 100); do curl -sf "http://127.0.0.1:$http/readyz" >/dev/null 2>&1 && return 0; sleep 0.1; done
    echo "the server did not become ready; its log:" >&2
    tail -n 40 "$root/server.log" >&2
    return 1
}

platform_stop_server() {
    if [ -n "$server" ]; then
        kill "$server" 2>/dev/null && wait "$server" 2>/dev/null || true
        server=""
    fi
}
