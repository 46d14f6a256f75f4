# Shared helpers for scripts/servers, scripts/test and scripts/run. Source it; do not run it.
# shellcheck shell=bash

TRACKING_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"

# Daemons live in sbin, which a non-root PATH often lacks.
case ":$PATH:" in *:/usr/sbin:*) ;; *) PATH="$PATH:/usr/local/sbin:/usr/sbin:/sbin" ;; esac
export PATH

say() { printf '%s\n' "$*"; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }

# have_commands CMD... -> 0 when every command is on PATH.
have_commands() {
  local c
  for c in "$@"; do command -v "$c" >/dev/null 2>&1 || return 1; done
}

_apt_updated=
# apt_install PACKAGE... : installs Debian packages (root only) without letting their
# maintainer scripts start system services: we always run private instances instead.
apt_install() {
  if [ "$(id -u)" -ne 0 ]; then
    die "missing Debian packages: $*. Install them as root: apt-get install -y $*"
  fi
  local policy=/usr/sbin/policy-rc.d made_policy=
  if [ ! -e "$policy" ]; then
    # Exit code 101 = "action forbidden" for invoke-rc.d, so postinst starts no service.
    printf '#!/bin/sh\nexit 101\n' >"$policy" && chmod 755 "$policy" && made_policy=1
  fi
  local rc=0
  {
    if [ -z "$_apt_updated" ]; then apt-get update -q && _apt_updated=1; fi &&
      DEBIAN_FRONTEND=noninteractive apt-get install -y -q "$@"
  } || rc=$?
  if [ -n "$made_policy" ]; then rm -f "$policy"; fi
  [ "$rc" -eq 0 ] || die "apt-get install $* failed (exit $rc)"
}

# postgres_bin_dir: the newest /usr/lib/postgresql/N/bin with initdb and postgres (Debian keeps them off PATH).
postgres_bin_dir() {
  local dir major best='' best_major=0
  for dir in /usr/lib/postgresql/*/bin; do
    major=${dir%/bin}
    major=${major##*/}
    case $major in '' | *[!0-9]*) continue ;; esac
    if [ -x "$dir/initdb" ] && [ -x "$dir/postgres" ] && [ "$major" -gt "$best_major" ]; then
      best=$dir
      best_major=$major
    fi
  done
  [ -n "$best" ] && printf '%s\n' "$best"
}

# ensure_server_packages: mosquitto, its clients, influxd and PostgreSQL (the rule store's shared-state tests).
ensure_server_packages() {
  local missing=()
  have_commands mosquitto mosquitto_passwd || missing+=(mosquitto)
  have_commands mosquitto_pub mosquitto_sub || missing+=(mosquitto-clients)
  have_commands influxd || missing+=(influxdb)
  postgres_bin_dir >/dev/null || missing+=(postgresql)
  if [ ${#missing[@]} -gt 0 ]; then
    say "installing ${missing[*]} ..."
    apt_install "${missing[@]}"
  fi
}

# ensure_graphviz: `dot` for hardware/render-wiring and the test that re-renders wiring.svg.
ensure_graphviz() {
  have_commands dot || { say "installing graphviz ..."; apt_install graphviz; }
}

# pid_alive PID -> 0 when the process exists and is not a zombie.
pid_alive() {
  local pid=$1 state
  [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null || return 1
  state=$(awk '{print $3}' "/proc/$pid/stat" 2>/dev/null || true)
  [ "$state" != "Z" ]
}

# stop_pid PID GRACE_SECONDS: TERM, wait, then KILL. Returns once the process is gone.
stop_pid() {
  local pid=$1 grace=${2:-15} waited=0
  pid_alive "$pid" || return 0
  kill -TERM "$pid" 2>/dev/null || true
  while pid_alive "$pid" && [ "$waited" -lt $((grace * 10)) ]; do
    sleep 0.1; waited=$((waited + 1))
  done
  if pid_alive "$pid"; then
    say "  pid $pid ignored TERM for ${grace}s, sending KILL"
    kill -KILL "$pid" 2>/dev/null || true
    while pid_alive "$pid"; do sleep 0.1; done
  fi
}

# tcp_open PORT -> 0 when something accepts a TCP connection on 127.0.0.1:PORT.
tcp_open() {
  (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

# http_status PORT PATH -> prints the HTTP status code of GET http://127.0.0.1:PORT/PATH (no curl needed).
http_status() {
  local port=$1 path=$2 line
  line=$( (
    exec 3<>"/dev/tcp/127.0.0.1/$port" || exit 1
    printf 'GET %s HTTP/1.0\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n' "$path" >&3
    timeout 5 head -n 1 <&3
  ) 2>/dev/null) || return 1
  local _version code _rest
  read -r _version code _rest <<<"${line%$'\r'}"
  printf '%s\n' "${code:-}"
}

# ensure_node: node and npm for the interop broker (aedes) and mqtt.js tests.
ensure_node() {
  have_commands node npm || { say "installing nodejs npm ..."; apt_install nodejs npm; }
}

# ensure_interop_packages: npm ci in tests/interop, skipped while node_modules matches package-lock.json.
ensure_interop_packages() {
  local dir="$TRACKING_ROOT/tests/interop" stamp want
  stamp="$dir/node_modules/.tracking-lock.sha256"
  want=$(sha256sum "$dir/package-lock.json" | cut -d' ' -f1)
  if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then return 0; fi
  say "npm ci --prefix tests/interop ..."
  npm ci --prefix "$dir" --no-audit --no-fund >&2
  printf '%s\n' "$want" >"$stamp"
}

# ensure_dashboard: npm ci + build of gateway/dashboard (the site the gateway serves), skipped while its dist is newer
# than its sources and package-lock.json. Run before building the gateway, which copies dist beside its binary.
ensure_dashboard() {
  local dir="$TRACKING_ROOT/gateway/dashboard" stamp want
  stamp="$dir/node_modules/.tracking-lock.sha256"
  want=$(sha256sum "$dir/package-lock.json" | cut -d' ' -f1)
  if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
    say "npm ci --prefix gateway/dashboard ..."
    npm ci --prefix "$dir" --no-audit --no-fund >&2
    printf '%s\n' "$want" >"$stamp"
  fi
  if [ -f "$dir/dist/index.html" ] && [ -z "$(find "$dir/src" "$dir/build.mjs" "$dir/package-lock.json" -newer "$dir/dist/index.html" -print -quit)" ]; then
    return 0
  fi
  say "building the dashboard (gateway/dashboard/dist) ..."
  npm run --prefix "$dir" build >&2
}

# ensure_chromium: Debian's chromium for the dashboard's browser tests (Playwright cannot download its own here).
ensure_chromium() {
  have_commands chromium || { say "installing chromium ..."; apt_install chromium; }
}

# proc_start_time PID: field 22 of /proc/PID/stat (the command name may contain spaces).
proc_start_time() {
  local stat fields
  stat=$(cat "/proc/$1/stat" 2>/dev/null) || return 1
  read -r -a fields <<<"${stat##*) }"
  printf '%s\n' "${fields[19]}"
}

# reap_stale_test_servers: servers started by Tracking.Testing whose test process is gone (a crashed or
# killed test host skips its own cleanup). Same rule as Tracking.Testing's StaleInstanceReaper: kill only a
# PID that still runs inside that instance directory (or below it: postgres changes into its data directory, and
# its backends exit on their own once the postmaster is gone). Prints how many servers it had to kill.
reap_stale_test_servers() {
  local base="${TMPDIR:-/tmp}" dir owner owner_pid owner_start pid cwd killed=0
  base="${base%/}/tracking-tests"
  [ -d "$base" ] || { echo 0; return 0; }
  for dir in "$base"/*/; do
    dir=${dir%/}
    [ -d "$dir" ] || continue
    # only instance directories (with an owner file): the others belong to tests that may still run (a gateway's
    # spool beside its servers); removing one of those stalled proxy-influx inside scripts/test (issue 14)
    [ -f "$dir/owner" ] || continue
    read -r owner_pid owner_start <"$dir/owner" || true
    owner=$(proc_start_time "$owner_pid" || true)
    if [ -n "$owner" ] && [ "$owner" = "$owner_start" ]; then continue; fi
    if [ -f "$dir/server.pid" ]; then
      pid=$(cat "$dir/server.pid")
      cwd=$(readlink "/proc/$pid/cwd" 2>/dev/null || true)
      if pid_alive "$pid" && { [ "$cwd" = "$dir" ] || [ "${cwd#"$dir"/}" != "$cwd" ]; }; then
        printf 'warning: killing leftover test server pid %s (%s)\n' "$pid" "$(tr '\0' ' ' <"/proc/$pid/cmdline")" >&2
        kill -KILL "$pid" 2>/dev/null || true
        killed=$((killed + 1))
      fi
    fi
    rm -rf "$dir"
  done
  echo "$killed"
}
