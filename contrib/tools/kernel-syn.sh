#!/usr/bin/env bash
# What p0f makes of this machine's own kernel: one real TCP connection between two network
# namespaces made for the purpose, through a veth pair, seen by a p0f sniffing the server's end.
# Prints p0f's `os` and `raw_sig` lines for the client's SYN. Needs root, p0f, python3, iproute2.
#
#   contrib/tools/kernel-syn.sh [--mtu N] [--ipv6] [--sysctl KEY=VALUE]... [--rcvbuf BYTES] [--fp FILE]
#
#   --mtu N            the veth's MTU (default 1500)
#   --ipv6             connect over IPv6 (default IPv4)
#   --sysctl KEY=VAL   set a per-namespace sysctl in the client's namespace first
#                      (net.ipv4.tcp_timestamps=0, net.ipv4.tcp_rmem='4096 87380 6291456', ...)
#   --rcvbuf BYTES     the client sets SO_RCVBUF before connecting, as some programs do
#   --fp FILE          p0f's database (default /etc/p0f/p0f.fp)
#
# The namespaces, the veth pair and p0f are this run's own (names end with the script's PID) and are
# removed when it ends, failed or not. Addresses: 198.18.16.1 and .2 (198.18.0.0/15 is RFC 2544's
# benchmarking range, which no interface of these machines uses), 2001:2:0:16::1 and ::2 (RFC 5180's
# IPv6 benchmarking range); nothing is routed out of the namespaces.
set -euo pipefail

mtu=1500
family=4
fp=/etc/p0f/p0f.fp
rcvbuf=0
sysctls=()
while [ $# -gt 0 ]; do
    case "$1" in
        --mtu) mtu="$2"; shift 2 ;;
        --ipv6) family=6; shift ;;
        --sysctl) sysctls+=("$2"); shift 2 ;;
        --rcvbuf) rcvbuf="$2"; shift 2 ;;
        --fp) fp="$2"; shift 2 ;;
        *) echo "kernel-syn.sh: unknown option $1 (see the comment at the top)" >&2; exit 2 ;;
    esac
done
[ "$(id -u)" -eq 0 ] || { echo "kernel-syn.sh: needs root (namespaces, p0f)" >&2; exit 3; }

client="lblc$$"
server="lbls$$"
work="$(mktemp -d /tmp/kernel-syn.XXXXXX)"
p0f_pid=""
cleanup() {
    [ -n "$p0f_pid" ] && kill "$p0f_pid" 2> /dev/null && wait "$p0f_pid" 2> /dev/null
    ip netns del "$client" 2> /dev/null || true
    ip netns del "$server" 2> /dev/null || true
    rm -rf "$work"
}
trap cleanup EXIT

ip netns add "$client"
ip netns add "$server"
ip link add "c$$" netns "$client" type veth peer name "s$$" netns "$server"
for ns in "$client" "$server"; do
    ip -n "$ns" link set lo up
done
ip -n "$client" link set "c$$" mtu "$mtu" up
ip -n "$server" link set "s$$" mtu "$mtu" up
ip -n "$client" addr add 198.18.16.1/24 dev "c$$"
ip -n "$server" addr add 198.18.16.2/24 dev "s$$"
if [ "$family" = 6 ]; then
    # (IPv6 needs an MTU of 1280 or more.)
    ip -n "$client" addr add 2001:2:0:16::1/64 dev "c$$" nodad
    ip -n "$server" addr add 2001:2:0:16::2/64 dev "s$$" nodad
fi
for setting in "${sysctls[@]}"; do
    ip netns exec "$client" sysctl -q -w "$setting"
done
target=198.18.16.2
[ "$family" = 6 ] && target=2001:2:0:16::2

ip netns exec "$server" p0f -f "$fp" -i "s$$" -o "$work/p0f.log" 'tcp dst port 2599' > "$work/p0f.out" 2>&1 &
p0f_pid=$!
for _ in $(seq 50); do
    grep -q 'Entered main event loop' "$work/p0f.out" 2> /dev/null && break
    kill -0 "$p0f_pid" 2> /dev/null || { cat "$work/p0f.out" >&2; exit 3; }
    sleep 0.1
done

# Nobody listens on the server: the SYN is answered with a reset, and p0f has seen it.
ip netns exec "$client" python3 - "$target" "$rcvbuf" << 'EOF'
import socket, sys
target, rcvbuf = sys.argv[1], int(sys.argv[2])
s = socket.socket(socket.AF_INET6 if ":" in target else socket.AF_INET)
if rcvbuf:
    s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, rcvbuf)
s.settimeout(2)
try:
    s.connect((target, 2599))
except OSError:
    pass
EOF
for _ in $(seq 50); do
    grep -q 'subj=cli' "$work/p0f.log" 2> /dev/null && break
    sleep 0.1
done
grep -o 'os=[^|]*|dist=[^|]*|params=[^|]*|raw_sig=.*' "$work/p0f.log" | head -n 1 | tr '|' '\n'
echo "kernel=$(uname -r) mtu=$mtu ipv$family rcvbuf=$rcvbuf sysctls=${sysctls[*]:-none} fp=$fp"
