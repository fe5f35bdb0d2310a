# Shared by scripts/elasticsearch, scripts/postgres and scripts/redis (sourced, not run).
#
# Elasticsearch and PostgreSQL refuse to run as root (and Redis has no need
# to), so when we are root they all run as an unprivileged system user
# (created on first use); otherwise as ourselves.
# Everything they write lives under .cache/ in the project folder.

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
CACHE="${ROOT}/.cache"
SERVICE_USER="${SERVICE_USER:-platform-svc}"

log() { echo "$(basename "$0"): $*" >&2; }
die() { log "$*"; exit 1; }

# Make sure the service user exists (when root) and can reach ROOT/.cache.
ensure_service_user() {
    if [[ $(id -u) -ne 0 ]]; then
        SERVICE_USER="$(id -un)"
        return
    fi
    if ! id -u "$SERVICE_USER" >/dev/null 2>&1; then
        log "creating system user ${SERVICE_USER}"
        useradd --system --no-create-home --home-dir /nonexistent \
            --shell /usr/sbin/nologin "$SERVICE_USER"
    fi
}

# Run a command as the service user (directly when we are not root).
as_service_user() {
    if [[ $(id -u) -eq 0 ]]; then
        runuser -u "$SERVICE_USER" -- "$@"
    else
        "$@"
    fi
}

# Give the service user a folder of its own.
own_dir() {
    mkdir -p "$@"
    if [[ $(id -u) -eq 0 ]]; then
        chown -R "$SERVICE_USER" "$@"
    fi
    local dir
    for dir in "$@"; do
        as_service_user test -w "$dir" \
            || die "${SERVICE_USER} cannot write ${dir}: is every parent folder of ${ROOT} world-executable?"
    done
}

# pid_alive PIDFILE: true when the file names a running process.
pid_alive() {
    [[ -s "$1" ]] && kill -0 "$(cat "$1")" 2>/dev/null
}

# stop_pid PIDFILE NAME [SIGNAL]: signal (TERM), wait up to 60 s, then KILL;
# removes the file.
stop_pid() {
    local pidfile="$1" name="$2" signal="${3:-TERM}" pid
    if ! pid_alive "$pidfile"; then
        log "${name} is not running"
        rm -f "$pidfile"
        return 0
    fi
    pid="$(cat "$pidfile")"
    kill -s "$signal" "$pid"
    for _ in $(seq 1 120); do
        kill -0 "$pid" 2>/dev/null || { rm -f "$pidfile"; log "${name} stopped"; return 0; }
        sleep 0.5
    done
    log "${name} (pid ${pid}) did not stop in 60 s; killing it"
    kill -9 "$pid" 2>/dev/null || true
    rm -f "$pidfile"
}

# port_busy PORT: true when something already listens on 127.0.0.1:PORT.
port_busy() {
    (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}
