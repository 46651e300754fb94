#!/usr/bin/env bash
# An edge host in front of James nodes, on this machine: network namespaces and veth links of the
# lab's own, HAProxy (contrib/edge/haproxy.cfg) passing SMTP connections to the nodes with PROXY v2
# headers, a p0f sniffing the edge's client-facing link, and its API relayed over TCP by
# systemd-socket-proxyd as contrib/edge/p0f-api.socket does. The James nodes run in this (the
# root) namespace, on addresses of the private link. The demo (contrib/demo/run.sh
# --behind-proxy) and the integration test (EdgeDeploymentIT) build the same lab with this script.
#
#   edge-lab.sh up DIR --net A.B.C --node IP:PORT [--node IP:PORT]... [--syn-port N]
#   edge-lab.sh start DIR haproxy|p0f|relay     # HAProxy: once the nodes listen
#   edge-lab.sh stop DIR haproxy|p0f|relay
#   edge-lab.sh status DIR                      # HAProxy's nodes: state, last check, failed checks
#   edge-lab.sh down DIR                        # stops everything, removes the namespaces
#
#   client namespace            edge namespace                         this namespace
#   A.B.C.10 (a Linux client)   A.B.C.1:25 HAProxy ----send-proxy-v2---> James nodes, A.B.C+1.2..
#   A.B.C.64/26 (crafted SYNs)  p0f on the client-facing link
#        |---- veth A.B.C.0/24 --|-- A.B.C+1.1:2999 relay -- veth A.B.C+1.0/24 --|
#
# --net A.B.C (C even) gives the client link A.B.C.0/24 and the private link A.B.(C+1).0/24, both
# inside 198.18.0.0/15 (RFC 2544's benchmarking range: no interface of a real network uses it);
# anything else is refused. The nodes' addresses are on the private link, from .2 to .253.
#
# Like a client some routers away, the client namespace sends with TTL 60: p0f at the edge reports
# its real connections at distance 4, which only the client's own SYN can show. Sources in
# A.B.C.64/26 keep the fingerprint of the crafted SYN they sent (craft-syn.py --interface, to
# --syn-port of the edge): p0f's filter leaves their real connections out, as RealP0f does on
# loopback. Besides contrib/edge/haproxy.cfg's frontend, the lab's HAProxy has a second one on
# A.B.C.1:2526 that reaches the same nodes from A.B.(C+1).254: a proxy their <edges> do not list.
#
# DIR receives lab.env (the names, addresses and PIDs, as KEY=VALUE lines), haproxy.cfg, the
# daemons' output (each capped at 10 MB) and p0f-observations.log (p0f's -o: one entry per SYN
# and per connection it saw); the caller owns DIR. Every name ends with a per-run
# suffix; down (also run when up fails) stops the daemons by their PIDs and deletes the
# namespaces, whose veths go with them. Needs root, iproute2, p0f, haproxy, python3 and systemd's
# systemd-socket-activate and systemd-socket-proxyd.
set -euo pipefail

LAB_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
HAPROXY_CFG="${LAB_DIR}/contrib/edge/haproxy.cfg"
P0F_FINGERPRINTS="${LAB_DIR}/contrib/p0f/p0f.fp"
PROXYD=/lib/systemd/systemd-socket-proxyd
P0F_API_PORT=2999
SMTP_PORT=25
UNLISTED_PORT=2526
LOG_CAP=10000000

die() {
    printf 'edge-lab.sh: %s\n' "$*" >&2
    exit 2
}

usage() {
    sed -n '9,13p' "$0" | sed 's/^# \{0,1\}//' >&2
    exit 2
}

# --- The lab's state: DIR/lab.env -----------------------------------------------------------
state_set() {
    local file="$DIR/lab.env"
    touch "$file"
    grep -v "^$1=" "$file" > "$file.new" || true
    printf '%s=%s\n' "$1" "$2" >> "$file.new"
    mv "$file.new" "$file"
}

state_load() {
    [ -f "$DIR/lab.env" ] || die "no lab in $DIR (no lab.env): run up first"
    # shellcheck disable=SC1091
    . "$DIR/lab.env"
}

# Copies standard input to $1, at most LOG_CAP bytes, and drains the rest: a daemon writing to it
# never blocks and never fills the disk. Run as >(exec > /dev/null 2>&1; capped FILE): the exec
# leaves it none of the caller's descriptors, so that a caller reading this script's output to
# its end is not held by the daemons it leaves running.
capped() {
    stdbuf -o0 head -c "$LOG_CAP" > "$1"
    cat > /dev/null
}

# Stops a daemon of the lab by its PID, if that PID is still the program the lab started.
stop_pid() {
    local pid="$1" program="$2" waited=0
    [ -n "$pid" ] || return 0
    { tr '\0' ' ' < "/proc/$pid/cmdline"; } 2> /dev/null | grep -q -- "$program" || return 0
    kill -TERM "$pid" 2> /dev/null || return 0
    while running "$pid" && [ "$waited" -lt 50 ]; do
        sleep 0.1
        waited=$((waited + 1))
    done
    if running "$pid"; then
        kill -KILL "$pid" 2> /dev/null || true
    fi
}

# The process exists and has not ended: once up has returned, the daemons are PID 1's children,
# and an ended one stays a zombie until PID 1 reaps it.
running() {
    local stat
    stat="$(cat "/proc/$1/stat" 2> /dev/null)" || return 1
    stat="${stat##*) }"
    [ "${stat:0:1}" != Z ]
}

await_log() {
    local log="$1" text="$2" pid="$3" what="$4"
    for _ in $(seq 100); do
        grep -q -- "$text" "$log" 2> /dev/null && return 0
        kill -0 "$pid" 2> /dev/null || break
        sleep 0.1
    done
    die "$what did not start: $(tail -n 3 "$log" 2> /dev/null)"
}

# --- The daemons ------------------------------------------------------------------------------
start_p0f() {
    local filter="((tcp dst port ${SMTP_PORT} or tcp dst port ${UNLISTED_PORT}) and not src net ${CRAFTED_NET}) or tcp dst port ${SYN_PORT}"
    rm -f "$DIR/p0f.sock"
    # As contrib/edge/p0f-edge.service runs it, but in the foreground and logging what it sees (-o).
    ip netns exec "$EDGE_NS" /usr/sbin/p0f -f "$P0F_FINGERPRINTS" -i "$EDGE_PUBLIC_IF" -s "$DIR/p0f.sock" -S 20 \
        -o "$DIR/p0f-observations.log" "$filter" < /dev/null > >(exec > /dev/null 2>&1; capped "$DIR/p0f.log") 2>&1 &
    local pid=$!
    state_set P0F_PID "$pid"
    for _ in $(seq 100); do
        [ -S "$DIR/p0f.sock" ] && return 0
        kill -0 "$pid" 2> /dev/null || break
        sleep 0.1
    done
    die "p0f did not open its API socket: $(grep -m1 -E 'ABORT|FATAL|ERROR' "$DIR/p0f.log" || tail -n 2 "$DIR/p0f.log")"
}

start_relay() {
    # As contrib/edge/p0f-api.socket and p0f-api.service do, without systemd as PID 1.
    ip netns exec "$EDGE_NS" systemd-socket-activate -l "${EDGE_PRIVATE}:${P0F_API_PORT}" \
        "$PROXYD" --connections-max=16 "$DIR/p0f.sock" < /dev/null > >(exec > /dev/null 2>&1; capped "$DIR/relay.log") 2>&1 &
    state_set RELAY_PID $!
    await_log "$DIR/relay.log" "Listening on" "$!" "the relay"
}

# contrib/edge/haproxy.cfg with the lab's addresses (the edge's public and private ones, the
# nodes), its log on its output, and the lab's second frontend (the unlisted proxy). Fails when the contrib file no longer has what it replaces.
haproxy_config() {
    local line servers="" unlisted="" n=0
    for node in $NODES; do
        n=$((n + 1))
        servers+="    server james${n} ${node} send-proxy-v2\n"
        unlisted+="    server james${n} ${node} send-proxy-v2 source ${UNLISTED_PROXY}\n"
    done
    for line in 'log /dev/log local0' 'stats socket /run/haproxy/admin.sock' 'bind 203.0.113.10:25' \
        'tcp-check send "PROXY TCP4 198.51.100.10 203.0.113.10 ' 'server james1 198.51.100.21:25 send-proxy-v2'; do
        grep -qF -- "$line" "$HAPROXY_CFG" || die "${HAPROXY_CFG} has no '${line}' any more: update edge-lab.sh"
    done
    sed -e 's|log /dev/log local0|log stdout format raw local0|' \
        -e "s|stats socket /run/haproxy/admin.sock|stats socket ${DIR}/haproxy.sock|" \
        -e "s|203\.0\.113\.10:25|${EDGE_PUBLIC}:${SMTP_PORT}|g" -e "s|203\.0\.113\.10|${EDGE_PUBLIC}|g" \
        -e "s|198\.51\.100\.10|${EDGE_PRIVATE}|g" \
        -e '/^    server james[0-9]* /d' "$HAPROXY_CFG"
    printf '%b' "$servers"
    printf '\n# The lab only: a second proxy (another source address) that the nodes do not list.\n'
    printf 'frontend smtp_unlisted\n    bind %s:%s\n    default_backend james_unlisted\n\n' "$EDGE_PUBLIC" "$UNLISTED_PORT"
    printf 'backend james_unlisted\n    balance roundrobin\n%b' "$unlisted"
}

# HAProxy's servers: state (UP, DOWN, ...), last check's result (L7OK: banner seen), failed checks.
haproxy_servers() {
    python3 - "$DIR/haproxy.sock" <<'EOF'
import socket, sys
s = socket.socket(socket.AF_UNIX)
s.settimeout(2)
s.connect(sys.argv[1])
s.sendall(b"show stat\n")
data = b""
while True:
    chunk = s.recv(65536)
    if not chunk:
        break
    data += chunk
for line in data.decode().splitlines():
    fields = line.split(",")
    if len(fields) > 17 and fields[1] not in ("FRONTEND", "BACKEND", "svname"):
        print("%s/%s status=%s check=%s failed_checks=%s" % (fields[0], fields[1], fields[17], fields[36], fields[21]))
EOF
}

start_haproxy() {
    haproxy_config > "$DIR/haproxy.cfg"
    haproxy -c -q -f "$DIR/haproxy.cfg" > "$DIR/haproxy-check.log" 2>&1 \
        || die "HAProxy refuses the lab's configuration: $(cat "$DIR/haproxy-check.log")"
    ip netns exec "$EDGE_NS" haproxy -db -f "$DIR/haproxy.cfg" < /dev/null > >(exec > /dev/null 2>&1; capped "$DIR/haproxy.log") 2>&1 &
    state_set HAPROXY_PID $!
    local pid=$! servers
    # HAProxy counts its servers as up until a check fails: once its stats socket is there, say
    # which are not (a node whose first check failed already).
    for _ in $(seq 100); do
        [ -S "$DIR/haproxy.sock" ] && break
        kill -0 "$pid" 2> /dev/null || die "HAProxy stopped: $(tail -n 3 "$DIR/haproxy.log")"
        sleep 0.1
    done
    servers="$(haproxy_servers 2>&1)" || die "HAProxy does not answer on ${DIR}/haproxy.sock: ${servers}"
    if grep -v -e ' status=UP' -e ' status=no check' <<< "$servers" | grep -q .; then
        stop_pid "$pid" haproxy
        die "HAProxy's nodes are not all up: $(tr '\n' ' ' <<< "$servers")(its log: ${DIR}/haproxy.log)"
    fi
}

port_ok() {
    [[ "$1" =~ ^[0-9]+$ ]] && [ "$1" -ge 1 ] && [ "$1" -le 65535 ]
}

# --- up and down ------------------------------------------------------------------------------
up() {
    local net="" syn_port=2599 nodes=() a b c
    while [ $# -gt 0 ]; do
        case "$1" in
            --net) net="${2:-}"; shift 2 ;;
            --node) nodes+=("${2:-}"); shift 2 ;;
            --syn-port) syn_port="${2:-}"; shift 2 ;;
            *) die "up: unknown option '$1'" ;;
        esac
    done
    IFS=. read -r a b c <<< "$net"
    if [ "$a" != 198 ] || { [ "$b" != 18 ] && [ "$b" != 19 ]; } || ! [[ "$c" =~ ^[0-9]+$ ]] || [ "$c" -gt 254 ] \
        || [ $((c % 2)) -ne 0 ]; then
        die "--net takes A.B.C inside 198.18.0.0/15 with C even (e.g. 198.18.80), not '${net}'"
    fi
    [ ${#nodes[@]} -gt 0 ] || die "up: give at least one --node IP:PORT"
    local private="${a}.${b}.$((c + 1))" node
    for node in "${nodes[@]}"; do
        if ! [[ "$node" =~ ^${private//./\\.}\.([0-9]+):([0-9]+)$ ]] || [ "${BASH_REMATCH[1]}" -lt 2 ] \
            || [ "${BASH_REMATCH[1]}" -gt 253 ] || ! port_ok "${BASH_REMATCH[2]}"; then
            die "--node takes ${private}.N:PORT (N from 2 to 253), not '${node}'"
        fi
    done
    port_ok "$syn_port" || die "--syn-port takes a port number, not '${syn_port}'"
    [ "$(id -u)" -eq 0 ] || die "needs root (network namespaces, p0f)"
    for tool in ip haproxy python3 systemd-socket-activate /usr/sbin/p0f "$PROXYD"; do
        command -v "$tool" > /dev/null || die "needs ${tool} (apt-get install iproute2 haproxy python3 p0f systemd)"
    done
    mkdir -p "$DIR"
    [ ! -f "$DIR/lab.env" ] || die "$DIR holds a lab already (lab.env): run down first"

    local suffix="$$r${RANDOM}"
    CLIENT_NS="epc${suffix}"
    EDGE_NS="epe${suffix}"
    CLIENT_IF="ec${suffix}"
    EDGE_PUBLIC_IF="ep${suffix}"
    EDGE_PRIVATE_IF="ei${suffix}"
    NODES_IF="er${suffix}"
    EDGE_PUBLIC="${a}.${b}.${c}.1"
    LINUX_CLIENT="${a}.${b}.${c}.10"
    CRAFTED_NET="${a}.${b}.${c}.64/26"
    EDGE_PRIVATE="${private}.1"
    UNLISTED_PROXY="${private}.254"
    SYN_PORT="$syn_port"
    NODES="${nodes[*]}"
    for key in CLIENT_NS EDGE_NS CLIENT_IF EDGE_PUBLIC_IF EDGE_PRIVATE_IF NODES_IF EDGE_PUBLIC LINUX_CLIENT \
        CRAFTED_NET EDGE_PRIVATE UNLISTED_PROXY SYN_PORT; do
        state_set "$key" "${!key}"
    done
    state_set NODES "\"${NODES}\""
    state_set P0F_API "${EDGE_PRIVATE}:${P0F_API_PORT}"
    state_set SMTP "${EDGE_PUBLIC}:${SMTP_PORT}"
    state_set SMTP_UNLISTED "${EDGE_PUBLIC}:${UNLISTED_PORT}"
    trap 'down > /dev/null 2>&1' ERR EXIT

    ip netns add "$CLIENT_NS"
    ip netns add "$EDGE_NS"
    ip link add "$CLIENT_IF" netns "$CLIENT_NS" type veth peer name "$EDGE_PUBLIC_IF" netns "$EDGE_NS"
    ip link add "$NODES_IF" type veth peer name "$EDGE_PRIVATE_IF" netns "$EDGE_NS"
    {
        printf 'link set lo up\nlink set %s up\naddr add %s/24 dev %s\n' "$CLIENT_IF" "$LINUX_CLIENT" "$CLIENT_IF"
        for host in $(seq 64 127); do
            printf 'addr add %s.%s.%s.%s/32 dev %s\n' "$a" "$b" "$c" "$host" "$CLIENT_IF"
        done
    } | ip -n "$CLIENT_NS" -batch -
    ip netns exec "$CLIENT_NS" sysctl -q -w net.ipv4.ip_default_ttl=60
    printf 'link set lo up\nlink set %s up\naddr add %s/24 dev %s\nlink set %s up\naddr add %s/24 dev %s\naddr add %s/32 dev %s\n' \
        "$EDGE_PUBLIC_IF" "$EDGE_PUBLIC" "$EDGE_PUBLIC_IF" "$EDGE_PRIVATE_IF" "$EDGE_PRIVATE" "$EDGE_PRIVATE_IF" \
        "$UNLISTED_PROXY" "$EDGE_PRIVATE_IF" | ip -n "$EDGE_NS" -batch -
    ip link set "$NODES_IF" up
    for node in "${nodes[@]}"; do
        ip addr add "${node%:*}/32" dev "$NODES_IF"
    done
    ip route add "${private}.0/24" dev "$NODES_IF"

    start_p0f
    start_relay
    trap - ERR EXIT
    cat "$DIR/lab.env"
}

down() {
    state_load
    stop_pid "${HAPROXY_PID:-}" haproxy
    stop_pid "${RELAY_PID:-}" systemd-socket
    stop_pid "${P0F_PID:-}" p0f
    for namespace in "${EDGE_NS:-}" "${CLIENT_NS:-}"; do
        if [ -n "$namespace" ] && [ -e "/run/netns/${namespace}" ]; then
            ip netns del "$namespace"
        fi
    done
    # The root end goes with its peer; this is for an up that failed in between.
    if [ -n "${NODES_IF:-}" ] && ip link show "$NODES_IF" > /dev/null 2>&1; then
        ip link del "$NODES_IF"
    fi
    rm -f "$DIR/lab.env" "$DIR/p0f.sock" "$DIR/haproxy.sock"
}

service() {
    local action="$1" which="${2:-}"
    state_load
    case "${action}:${which}" in
        start:haproxy) start_haproxy ;;
        start:p0f) start_p0f ;;
        start:relay) start_relay ;;
        stop:haproxy) stop_pid "${HAPROXY_PID:-}" haproxy ;;
        stop:p0f) stop_pid "${P0F_PID:-}" p0f ;;
        stop:relay) stop_pid "${RELAY_PID:-}" systemd-socket ;;
        *) die "${action} takes haproxy, p0f or relay, not '${which}'" ;;
    esac
}

[ $# -ge 2 ] || usage
command="$1"
DIR="$(mkdir -p "$2" && cd "$2" && pwd)"
shift 2
case "$command" in
    up) up "$@" ;;
    down) down ;;
    start | stop) service "$command" "$@" ;;
    status) state_load && haproxy_servers ;;
    *) usage ;;
esac
