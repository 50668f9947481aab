# find_tool NAME: the path of a command `make deps` installs with `go install` (toxiproxy, grpcurl):
# PATH first, then $(go env GOPATH)/bin, then ~/go/bin. Status 1 when none has it. Sourced.
find_tool() {
  command -v "$1" 2>/dev/null && return
  local gobin
  gobin=$(go env GOPATH 2>/dev/null)/bin
  [ -x "$gobin/$1" ] && { printf '%s\n' "$gobin/$1"; return; }
  [ -x "$HOME/go/bin/$1" ] && { printf '%s\n' "$HOME/go/bin/$1"; return; }
  return 1
}
