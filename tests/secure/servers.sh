# The private servers of the secure.* scripts (issue #17): their ports and their end. Sourced, not
# run; the script defines die().

# require_free_ports PORT...: dies when something already listens on one of them (the test would
# otherwise talk to a server that is not its own).
require_free_ports() {
  local port
  for port in "$@"; do
    if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then die "port $port is taken"; fi
  done
}

# stop_process PID SECONDS: TERM, then SECONDS for it to exit, then KILL; nothing when PID is empty
# or gone. For the EXIT trap.
stop_process() {
  local pid=$1 tries=$(($2 * 10))
  if [ -z "$pid" ] || ! kill -0 "$pid" 2>/dev/null; then return 0; fi
  kill "$pid" 2>/dev/null || true
  for _ in $(seq "$tries"); do kill -0 "$pid" 2>/dev/null || return 0; sleep 0.1; done
  kill -9 "$pid" 2>/dev/null || true
}
