# shellcheck shell=bash
# Sourced by .ci/run: make NATS with JetStream available to the tests.
# If something answers on NATS_URL (default nats://127.0.0.1:4222), use it. Otherwise install
# Debian's nats-server when missing, start `nats-server -js` on a free loopback port with a
# temporary store, export NATS_URL for the tests, and stop it (and remove the store) on exit.

_nats_hostport() {
  local u="${1#*://}"
  u="${u##*@}"
  u="${u%%/*}"
  u="${u%%,*}"
  printf '%s' "$u"
}

_nats_answers() {
  local hp host port
  hp="$(_nats_hostport "$1")"
  host="${hp%:*}"
  port="${hp##*:}"
  [ "$host" = "$hp" ] && port=4222
  # A NATS server greets every new connection with an INFO line.
  timeout 2 bash -c "exec 3<>/dev/tcp/${host}/${port} && head -c 4 <&3" 2>/dev/null | grep -q '^INFO'
}

_nats_url="${NATS_URL:-nats://127.0.0.1:4222}"
if _nats_answers "$_nats_url"; then
  echo "ci: NATS answers at $(_nats_hostport "$_nats_url")"
  export NATS_URL="$_nats_url"
else
  _nats_bin="$(command -v nats-server || true)"
  [ -z "$_nats_bin" ] && [ -x /usr/sbin/nats-server ] && _nats_bin=/usr/sbin/nats-server
  if [ -z "$_nats_bin" ]; then
    echo "ci: installing nats-server from Debian's packages"
    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nats-server) >/dev/null
    _nats_bin="$(command -v nats-server || echo /usr/sbin/nats-server)"
  fi
  _nats_port="$(node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')"
  NATS_CI_STORE="$(mktemp -d -t lap-ci-nats-XXXXXX)"
  "$_nats_bin" -js -a 127.0.0.1 -p "$_nats_port" -sd "$NATS_CI_STORE" >"$NATS_CI_STORE.log" 2>&1 &
  NATS_CI_PID=$!
  _nats_stop() {
    if [ -n "${NATS_CI_PID:-}" ]; then kill "$NATS_CI_PID" 2>/dev/null || true; wait "$NATS_CI_PID" 2>/dev/null || true; fi
    rm -rf "${NATS_CI_STORE:-}" "${NATS_CI_STORE:-}.log"
  }
  trap _nats_stop EXIT
  export NATS_URL="nats://127.0.0.1:${_nats_port}"
  for _ in $(seq 1 50); do
    _nats_answers "$NATS_URL" && break
    sleep 0.1
  done
  if ! _nats_answers "$NATS_URL"; then
    echo "ci: nats-server did not start:" >&2
    cat "$NATS_CI_STORE.log" >&2
    exit 1
  fi
  echo "ci: started nats-server -js (pid $NATS_CI_PID) at $NATS_URL"
fi
unset _nats_url _nats_bin _nats_port
