#!/usr/bin/env bash
# james-p0f in one command: a real p0f on the loopback interface, a real in-memory Apache James
# (3.8.1, or 3.9.0 with --james 3.9) with the james-p0f jar in its extensions-jars, and real SMTP
# clients that p0f sees as Linux, Windows and FreeBSD. Run as root from anywhere in the repository:
#
#   sudo contrib/demo/run.sh                  # the scripted tour, then stops and cleans up
#   sudo contrib/demo/run.sh --keep-running   # leaves James and p0f running until Ctrl-C
#   sudo contrib/demo/run.sh --james 3.9      # the same tour on James 3.9.0 (needs a JDK 21+)
#   sudo contrib/demo/run.sh --james 3.9 --source kernel   # no p0f: James reads the kernel's saved SYNs
#   sudo contrib/demo/run.sh --behind-proxy   # through HAProxy with p0f at the edge, two James nodes
#
# Needs a JDK (11 or newer; 21 or newer for --james 3.9), Maven and python3; installs p0f with
# apt-get if it is missing (not with --source kernel).
# Everything listens on 127.0.0.1 only (with --source kernel, SMTP also on the demo's TUN link, a
# /24 of 198.18.120.0/21 no interface holds); everything it creates lives in one temporary
# directory and, with --source kernel, one TUN device, both removed on exit.

# shellcheck source-path=SCRIPTDIR
set -euo pipefail

DEMO_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
PROJECT_DIR="$(cd "${DEMO_DIR}/../.." && pwd)"
# The crafted-SYN tool, shared with the tests (src/test/.../testing/CraftedSyn.java).
CRAFT_SYN="${PROJECT_DIR}/contrib/tools/craft-syn.py"
# A crafted SYN's whole SMTP session over a TUN link, for the kernel source (testing/CraftedSmtp.java).
CRAFTED_SMTP="${PROJECT_DIR}/contrib/tools/crafted-smtp.py"
# The signature database the start-up files install: p0f 3.09b's plus today's systems.
P0F_FINGERPRINTS="${PROJECT_DIR}/contrib/p0f/p0f.fp"

SMTP_PORT=2525
IMAP_PORT=1143
WEBADMIN_PORT=8000
SYN_PORT=2599
KEEP_RUNNING=0
BEHIND_PROXY=0
DEMO_USER="demo@localhost"
DEMO_PASSWORD="demo"
BLOCK_TIME_SECONDS=5
# Real connections from these sources are not fingerprinted: they keep their crafted SYN's.
CRAFTED_SOURCES="127.0.0.64/26"
# Where the mail that shows "no p0f, mail still flows" comes from: a real connection p0f would
# fingerprint, from an address nothing else in the demo uses, so that James has no cached answer.
WITHOUT_P0F_SOURCE="127.0.0.2"
# The James line the demo runs (see choose_james).
JAMES_LINE=3.8
# Where fingerprints come from: p0f (a daemon sniffing lo) or kernel (the SYN the kernel keeps for James).
SOURCE=p0f
# A Windows mail server whose confirmed host name is in the greylisting exemptions (the jar's
# default list has outlook.com): the demo's own DNS server (unbound on loopback) serves its names.
EXEMPT_SOURCE="127.0.0.79"
EXEMPT_NAME="mail-demo1.outbound.protection.outlook.com"

usage() {
    cat <<EOF
Usage: $0 [--james 3.8|3.9] [--source p0f|kernel] [--smtp-port N] [--imap-port N] [--webadmin-port N]
       [--syn-port N] [--keep-running | --behind-proxy]

  --james LINE       the James line: 3.8 (James 3.8.1, the default, any JDK 11+) or 3.9 (James
                     3.9.0: needs a JDK 21+, found in JAVA_HOME or /usr/lib/jvm)
  --source SOURCE    p0f (the default: a p0f daemon sniffing lo) or kernel (no p0f: James reads the
                     SYN the kernel keeps for each connection; needs --james 3.9)

  --smtp-port N      James's SMTP port on 127.0.0.1 (default ${SMTP_PORT})
  --imap-port N      James's IMAP port on 127.0.0.1 (default ${IMAP_PORT})
  --webadmin-port N  James's webadmin port on 127.0.0.1 (default ${WEBADMIN_PORT})
  --syn-port N       where crafted SYNs are sent for p0f to see (default ${SYN_PORT}; nothing listens)
  --keep-running     start everything and wait for Ctrl-C instead of running the tour
  --behind-proxy     the tour through an edge host: HAProxy and p0f in network namespaces of the
                     demo's own (198.18.96.0/20), two James nodes behind it (SMTP on their private
                     addresses, IMAP and webadmin at the ports above and the next ones) sharing
                     their greylist in PostgreSQL; needs haproxy, postgresql, iproute2
EOF
}

say() {
    printf '%s\n' "$*"
}

die() {
    printf 'run.sh: %s\n' "$*" >&2
    exit 1
}

port_number() {
    case "$2" in
        '' | *[!0-9]*) die "$1 needs a port number (1-65535), not '$2'" ;;
    esac
    if [ "$2" -lt 1 ] || [ "$2" -gt 65535 ]; then
        die "$1 needs a port number (1-65535), not '$2'"
    fi
    printf '%s' "$2"
}

while [ $# -gt 0 ]; do
    case "$1" in
        --smtp-port) SMTP_PORT="$(port_number "$1" "${2:-}")"; shift 2 ;;
        --imap-port) IMAP_PORT="$(port_number "$1" "${2:-}")"; shift 2 ;;
        --webadmin-port) WEBADMIN_PORT="$(port_number "$1" "${2:-}")"; shift 2 ;;
        --syn-port) SYN_PORT="$(port_number "$1" "${2:-}")"; shift 2 ;;
        --keep-running) KEEP_RUNNING=1; shift ;;
        --behind-proxy) BEHIND_PROXY=1; shift ;;
        --james)
            case "${2:-}" in
                3.8 | 3.9) JAMES_LINE="$2"; shift 2 ;;
                *) die "--james needs 3.8 or 3.9, not '${2:-}'" ;;
            esac
            ;;
        --source)
            case "${2:-}" in
                p0f | kernel) SOURCE="$2"; shift 2 ;;
                *) die "--source needs p0f or kernel, not '${2:-}'" ;;
            esac
            ;;
        -h | --help) usage; exit 0 ;;
        *) usage >&2; die "unknown option '$1'" ;;
    esac
done

# --- Which James ------------------------------------------------------------------------------
# Everything that depends on the James line is set here and nowhere else: the jar, the demo
# launcher's classes and class path, the Maven arguments that build them, the JDK that runs James.
# Another line is one more case (and an option to choose it).
choose_james() {
    case "$JAMES_LINE" in
        3.8)
            JAMES_NAME="Apache James 3.8.1"
            JAVA="java"
            JAVA_OPTS=()
            MAVEN_ARGS=()
            JAR="${PROJECT_DIR}/target/james-p0f-0.1.0-SNAPSHOT-james3.8.jar"
            LAUNCHER_CLASSES="${PROJECT_DIR}/target/test-classes"
            CLASSPATH_FILE="${PROJECT_DIR}/target/demo-classpath.txt"
            ;;
        3.9)
            JAMES_NAME="Apache James 3.9.0"
            JDK="$("${PROJECT_DIR}/contrib/tools/find-jdk" 21)" || die "--james 3.9 needs a JDK 21 or newer (James 3.9 runs on Java 21)"
            JAVA="${JDK}/bin/java"
            # junixsocket loads a native library: allowed quietly (JDK 24+ warns otherwise).
            JAVA_OPTS=(--enable-native-access=ALL-UNNAMED)
            # Maven picks the JDK 21+ itself (a toolchain found under /usr/lib/jvm).
            MAVEN_ARGS=(-Pjames-3.9)
            JAR="${PROJECT_DIR}/target/james-p0f-0.1.0-SNAPSHOT-james3.9.jar"
            LAUNCHER_CLASSES="${PROJECT_DIR}/target/james-3.9/test-classes"
            CLASSPATH_FILE="${PROJECT_DIR}/target/james-3.9/demo-classpath.txt"
            ;;
        *) die "unknown James line '${JAMES_LINE}'" ;;
    esac
    LAUNCHER="${LAUNCHER_CLASSES}/io/github/jamesp0f/demo/DemoJames.class"
}
choose_james
if [ "$SOURCE" = kernel ] && [ "$JAMES_LINE" != 3.9 ]; then
    die "--source kernel needs --james 3.9: James 3.8 serves SMTP on Netty's NIO transport only, where the kernel's saved SYN cannot be read"
fi

if [ "$(id -u)" -ne 0 ]; then
    die "needs root: p0f sniffs the loopback interface and the tour sends crafted SYNs; run: sudo $0 $*"
fi

for tool in "$JAVA" mvn python3; do
    command -v "$tool" > /dev/null || die "needs $tool (a JDK 11+, Maven and python3 on the PATH)"
done

if [ "$BEHIND_PROXY" -eq 1 ]; then
    [ "$KEEP_RUNNING" -eq 0 ] || die "--keep-running and --behind-proxy do not go together"
    [ "$SOURCE" = p0f ] || die "--source kernel and --behind-proxy do not go together: behind a proxy, the clients' SYNs reach the edge, not James"
    # shellcheck source=behind-proxy.sh
    . "${DEMO_DIR}/behind-proxy.sh"
    check_proxy_tools
    # The exempt Windows server is a client of the edge too.
    EXEMPT_SOURCE="${PROXY_NET}.79"
fi

P0F="$(command -v p0f || true)"
if [ -z "$P0F" ] && [ -x /usr/sbin/p0f ]; then
    P0F=/usr/sbin/p0f
fi
if [ -z "$P0F" ] && [ "$SOURCE" = p0f ]; then
    say "p0f is not installed: installing it with apt-get (apt-get install -y p0f)"
    command -v apt-get > /dev/null || die "p0f is missing and there is no apt-get: install p0f 3.x, then run again"
    if ! DEBIAN_FRONTEND=noninteractive apt-get install -y -q p0f > /dev/null; then
        apt-get update -q > /dev/null
        DEBIAN_FRONTEND=noninteractive apt-get install -y -q p0f > /dev/null || die "apt-get install p0f failed"
    fi
    P0F=/usr/sbin/p0f
fi

# A port is taken when a server could not listen on it. The check binds as James's servers do,
# with SO_REUSEADDR: without it, the connections a previous run left in TIME_WAIT (for about a
# minute) would count as "in use" although James starts fine next to them.
# Behind the proxy, SMTP listens on the nodes' own addresses, and node 2 takes the next ports.
if [ "$BEHIND_PROXY" -eq 1 ]; then
    ports=("$IMAP_PORT" $((IMAP_PORT + 1)) "$WEBADMIN_PORT" $((WEBADMIN_PORT + 1)))
else
    ports=("$SMTP_PORT" "$IMAP_PORT" "$WEBADMIN_PORT")
fi
ports_in_use="$(python3 - "${ports[@]}" <<'EOF'
import socket, sys
for port in sys.argv[1:]:
    s = socket.socket()
    try:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        s.bind(("127.0.0.1", int(port)))
        s.listen()
    except OSError:
        print(port, end=" ")
    finally:
        s.close()
EOF
)"
if [ -n "$ports_in_use" ]; then
    die "port(s) ${ports_in_use}already in use on 127.0.0.1 (something listens there): choose others with --smtp-port, --imap-port, --webadmin-port"
fi

# --- Build the jar and the demo launcher if needed ------------------------------------------
maven() {
    # Offline first (quick when ~/.m2 is filled), then online.
    (cd "$PROJECT_DIR" && { mvn -q -o "${MAVEN_ARGS[@]}" "$@" || mvn -q "${MAVEN_ARGS[@]}" "$@"; })
}

if [ ! -f "$JAR" ] || [ ! -f "$LAUNCHER" ] \
    || [ -n "$(find "${PROJECT_DIR}/src/main" "${PROJECT_DIR}/pom.xml" -newer "$JAR" -type f -print -quit)" ]; then
    say "Building the james-p0f jar (mvn package -DskipTests)..."
    maven -DskipTests package > /dev/null || die "the build failed: run 'mvn -DskipTests package' to see why"
fi
if [ ! -f "$CLASSPATH_FILE" ] || [ "${PROJECT_DIR}/pom.xml" -nt "$CLASSPATH_FILE" ]; then
    say "Resolving ${JAMES_NAME}'s class path (mvn dependency:build-classpath)..."
    maven dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile="$CLASSPATH_FILE" > /dev/null \
        || die "could not resolve James's class path: run 'mvn dependency:build-classpath' to see why"
fi

# --- Everything below lives in WORK and goes away on exit ------------------------------------
WORK="$(mktemp -d /tmp/james-p0f-demo.XXXXXX)"
P0F_PID=""
TUN=""
DNS_PID=""
DNS_ADDRESS=""
JAMES_PID=""

stop_process() {
    local pid="$1" name="$2" waited=0
    [ -n "$pid" ] || return 0
    kill -0 "$pid" 2> /dev/null || return 0
    kill -TERM "$pid" 2> /dev/null || true
    while kill -0 "$pid" 2> /dev/null && [ "$waited" -lt 30 ]; do
        sleep 0.5
        waited=$((waited + 1))
    done
    if kill -0 "$pid" 2> /dev/null; then
        say "$name did not stop within 15 s: killing it"
        kill -KILL "$pid" 2> /dev/null || true
    fi
    wait "$pid" 2> /dev/null || true
}

cleanup() {
    local status=$?
    trap - EXIT INT TERM
    stop_process "$JAMES_PID" "James"
    stop_process "$P0F_PID" "p0f"
    if [ "$BEHIND_PROXY" -eq 1 ]; then
        stop_behind_proxy
    fi
    stop_process "$DNS_PID" "unbound"
    rm -rf "$WORK"
    if [ -n "$TUN" ]; then
        ip link del "$TUN" 2> /dev/null || true
        say "Stopped James, removed the TUN link ${TUN} and ${WORK}."
    elif [ "$BEHIND_PROXY" -eq 1 ]; then
        say "Stopped the James nodes, the edge (HAProxy, p0f, its relay; namespaces removed), PostgreSQL and unbound, removed ${WORK}."
    else
        say "Stopped James and p0f, removed ${WORK}."
    fi
    exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# --- p0f on loopback --------------------------------------------------------------------------
P0F_SOCKET="${WORK}/p0f/p0f.sock"
P0F_FILTER="(tcp dst port ${SMTP_PORT} and not src net ${CRAFTED_SOURCES}) or tcp dst port ${SYN_PORT}"
P0F_LOG="${WORK}/p0f.log"
mkdir -m 0750 "${WORK}/p0f"

# Starts p0f and waits for its API socket. On failure, says why and returns 1 (P0F_PID empty).
start_p0f() {
    rm -f "$P0F_SOCKET" # a socket left by a p0f that was killed
    "$P0F" -f "$P0F_FINGERPRINTS" -i lo -s "$P0F_SOCKET" -S 10 "$P0F_FILTER" >> "$P0F_LOG" 2>&1 &
    P0F_PID=$!
    for _ in $(seq 100); do
        [ -S "$P0F_SOCKET" ] && return 0
        if ! kill -0 "$P0F_PID" 2> /dev/null; then
            P0F_PID=""
            say "p0f cannot capture on the loopback interface ($(grep -m1 -E 'ABORT|FATAL|ERROR' "$P0F_LOG" || tail -n1 "$P0F_LOG")): run on a host or VM where root may sniff 'lo' (containers need CAP_NET_RAW)" >&2
            return 1
        fi
        sleep 0.1
    done
    say "p0f did not open its API socket within 10 s; its log: $(tail -n3 "$P0F_LOG")" >&2
    return 1
}

# What the user types to run the demo's p0f by hand (quoted for a shell).
p0f_command_line() {
    printf "%s -f %s -i lo -s %s -S 10 '%s'" "$P0F" "$P0F_FINGERPRINTS" "$P0F_SOCKET" "$P0F_FILTER"
}

# --- or the kernel source: no p0f, a TUN link for the crafted clients ---------------------------
# James asks the kernel to keep each connection's SYN and matches it itself. The crafted Windows
# and FreeBSD clients need whole SMTP sessions from their crafted SYNs: crafted-smtp.py plays them
# on a TUN link of the demo's own (a free /24 of 198.18.120.0/21), where James listens too.
start_link() {
    local third
    for third in $(seq 120 127); do
        if [ -z "$(ip -o addr show to "198.18.${third}.0/24")" ]; then
            TUN="kdemo$$"
            ip tuntap add dev "$TUN" mode tun
            LINK_SERVER="198.18.${third}.1"
            ip addr add "${LINK_SERVER}/24" dev "$TUN"
            ip link set "$TUN" up
            return 0
        fi
    done
    die "no free /24 in 198.18.120.0/21 for the demo's TUN link (see ip -o addr show to 198.18.120.0/21)"
}

if [ "$BEHIND_PROXY" -eq 1 ]; then
    : # the edge has its own p0f (run_behind_proxy)
elif [ "$SOURCE" = p0f ]; then
    start_p0f || exit 1
    say "p0f ${P0F}: sniffing lo, filter '${P0F_FILTER}', signatures ${P0F_FINGERPRINTS}, API socket ${P0F_SOCKET} (pid ${P0F_PID})"
    JAMES_SOURCE=(--p0f-socket "$P0F_SOCKET")
else
    start_link
    EXEMPT_SOURCE="${LINK_SERVER%.*}.79"
    say "No p0f: James reads the SYN the kernel keeps for each connection (<source>kernel</source>, <useEpoll>true</useEpoll>);"
    say "crafted clients come from TUN link ${TUN}, where James listens on ${LINK_SERVER}:${SMTP_PORT} too"
    JAMES_SOURCE=(--kernel-link "$LINK_SERVER")
fi

# --- A DNS server on loopback: James's DNS in the demo ------------------------------------------
# unbound on port 53 of the first free 127.53.0.N (never the system's resolver), answering only
# the exempt Windows server's names (PTR and A) and NXDOMAIN for everything else.
start_dns() {
    local unbound host address dir
    unbound="$(command -v unbound || true)"
    if [ -z "$unbound" ] && [ -x /usr/sbin/unbound ]; then
        unbound=/usr/sbin/unbound
    fi
    if [ -z "$unbound" ]; then
        say "unbound is not installed: James uses the system's DNS and the tour skips the exempt Windows server (apt-get install unbound)"
        return 0
    fi
    dir="${WORK}/dns"
    mkdir -p "$dir"
    for host in $(seq 1 40); do
        address="127.53.0.${host}"
        cat > "${dir}/unbound.conf" <<EOF
server:
  interface: ${address}
  port: 53
  do-daemonize: no
  username: ""
  chroot: ""
  directory: "${dir}"
  pidfile: ""
  use-syslog: no
  logfile: ""
  num-threads: 1
  so-reuseport: no
  do-ip6: no
  access-control: 127.0.0.0/8 allow
  module-config: "iterator"
  local-zone: "." static
  local-data: "${EXEMPT_NAME}. 300 IN A ${EXEMPT_SOURCE}"
  local-data-ptr: "${EXEMPT_SOURCE} ${EXEMPT_NAME}."
EOF
        : > "${dir}/unbound.log"
        "$unbound" -d -c "${dir}/unbound.conf" >> "${dir}/unbound.log" 2>&1 &
        DNS_PID=$!
        for _ in $(seq 100); do
            if grep -qs 'start of service' "${dir}/unbound.log"; then
                DNS_ADDRESS="$address"
                return 0
            fi
            kill -0 "$DNS_PID" 2> /dev/null || break
            sleep 0.1
        done
        stop_process "$DNS_PID" "unbound"
        DNS_PID=""
    done
    say "unbound did not start on any 127.53.0.N ($(tail -n1 "${dir}/unbound.log")): James uses the system's DNS and the tour skips the exempt Windows server"
}

start_dns
if [ -n "$DNS_ADDRESS" ]; then
    say "unbound: DNS server on ${DNS_ADDRESS}:53 for James, serving ${EXEMPT_NAME} = ${EXEMPT_SOURCE} (pid ${DNS_PID})"
fi

# --- James, configured from conf-samples (see DemoConfiguration) -------------------------------
# Starts a DemoJames in HOME, its output to LOG, with the demo's common options and ARGS; its pid in
# LAUNCHED_PID.
launch_james() {
    local home="$1" log="$2"
    shift 2
    mkdir -p "${home}/extensions-jars"
    cp "$JAR" "${home}/extensions-jars/"
    "$JAVA" "${JAVA_OPTS[@]}" -Xms256m -Xmx768m -Dbasedir="$PROJECT_DIR" -Djames.line="$JAMES_LINE" \
        -cp "${LAUNCHER_CLASSES}:$(cat "$CLASSPATH_FILE")" io.github.jamesp0f.demo.DemoJames \
        --home "$home" --block-time "${BLOCK_TIME_SECONDS}s" --user "$DEMO_USER" --password "$DEMO_PASSWORD" \
        ${DNS_ADDRESS:+--dns-server "$DNS_ADDRESS"} "$@" > "$log" 2>&1 &
    LAUNCHED_PID=$!
}

# Waits until the DemoJames PID, writing LOG, says READY; exits when it says FAILED or ends.
await_james() {
    local pid="$1" log="$2"
    for _ in $(seq 240); do
        grep -qs -E '^(READY|FAILED)' "$log" && break
        kill -0 "$pid" 2> /dev/null || break
        sleep 0.5
    done
    if ! grep -q '^READY' "$log"; then
        say "James did not start; the end of its log (${log}):"
        grep -E 'ERROR|Exception|FAILED|Caused by' "$log" | head -n 20 >&2 || tail -n 20 "$log" >&2
        exit 1
    fi
}

if [ "$BEHIND_PROXY" -eq 1 ]; then
    run_behind_proxy
    exit
fi

JAMES_HOME="${WORK}/james"
JAMES_LOG="${WORK}/james.log"
say "Starting ${JAMES_NAME} (in-memory) with $(basename "$JAR") in extensions-jars..."
launch_james "$JAMES_HOME" "$JAMES_LOG" --smtp-port "$SMTP_PORT" --imap-port "$IMAP_PORT" \
    --webadmin-port "$WEBADMIN_PORT" "${JAMES_SOURCE[@]}"
JAMES_PID="$LAUNCHED_PID"
await_james "$JAMES_PID" "$JAMES_LOG"
say "James is up: SMTP 127.0.0.1:${SMTP_PORT}, IMAP 127.0.0.1:${IMAP_PORT}, webadmin http://127.0.0.1:${WEBADMIN_PORT} (pid ${JAMES_PID})"

TOUR=(python3 "${DEMO_DIR}/tour.py" --smtp-port "$SMTP_PORT" --imap-port "$IMAP_PORT" --webadmin-port "$WEBADMIN_PORT"
    --syn-port "$SYN_PORT" --user "$DEMO_USER" --password "$DEMO_PASSWORD")
if [ "$SOURCE" = kernel ]; then
    TOUR+=(--tun "$TUN" --link-server "$LINK_SERVER" --crafted-smtp "$CRAFTED_SMTP")
fi
if [ -n "$DNS_ADDRESS" ]; then
    TOUR+=(--exempt-server "$EXEMPT_SOURCE" --exempt-name "$EXEMPT_NAME")
fi

# --- --keep-running: wait for Ctrl-C; James outlives p0f, as on a real server ------------------
# p0f stopped: say so, show that mail still flows, offer to start it again. Kept running: James.
p0f_is_gone() {
    local status=0 how
    wait "$P0F_PID" 2> /dev/null || status=$?
    if [ "$status" -gt 128 ]; then
        how="killed by SIG$(kill -l "$((status - 128))")"
    else
        how="exited with status ${status}"
    fi
    say ""
    say "!! p0f (pid ${P0F_PID}) is gone: ${how}."
    P0F_PID=""
    say "   James keeps running. The extension fails open: mail still flows, only without fingerprints"
    say "   (no X-P0F headers, no p0f.* attributes, no greylisting or blocking by operating system)."
    "${TOUR[@]}" --mail-without-p0f "$WITHOUT_P0F_SOURCE" || true
    say "   Start p0f again: $([ -t 0 ] && printf 'press Enter here, or ')run 'kill -USR1 $$'; this script then runs:"
    say "     $(p0f_command_line) >> ${P0F_LOG} 2>&1 &"
}

restart_p0f() {
    if [ -n "$P0F_PID" ]; then
        say "p0f is running (pid ${P0F_PID}): nothing to start."
    elif start_p0f; then
        say "p0f started again (pid ${P0F_PID}): new SMTP clients get fingerprints again once James's p0f client has waited out its 5 s retry window."
    else
        say "p0f did not start again; James keeps running without it."
    fi
}

# With the kernel source there is no p0f to lose: James and the TUN link stay until Ctrl-C.
keep_running_kernel() {
    cat <<EOF

  SMTP      127.0.0.1:${SMTP_PORT} and ${LINK_SERVER}:${SMTP_PORT} (TUN link ${TUN})
  IMAP      127.0.0.1:${IMAP_PORT}   user ${DEMO_USER}   password ${DEMO_PASSWORD}
  state     curl http://127.0.0.1:${WEBADMIN_PORT}/p0f/status
  metrics   curl -s http://127.0.0.1:${WEBADMIN_PORT}/metrics | grep ^p0f_
  Windows   python3 ${CRAFTED_SMTP} windows-10 ${LINK_SERVER%.*}.77 ${SMTP_PORT} --tun ${TUN} --destination ${LINK_SERVER} --to ${DEMO_USER}
  Logs      ${JAMES_LOG}

Running until Ctrl-C (or SIGTERM).
EOF
    while kill -0 "$JAMES_PID" 2> /dev/null; do
        sleep 1
    done
    say "James stopped on its own; the end of its log:"
    tail -n 20 "$JAMES_LOG" >&2
    exit 1
}

keep_running() {
    local restart_requested=0
    cat <<EOF

  SMTP      127.0.0.1:${SMTP_PORT}
  IMAP      127.0.0.1:${IMAP_PORT}   user ${DEMO_USER}   password ${DEMO_PASSWORD}
  p0f state curl http://127.0.0.1:${WEBADMIN_PORT}/p0f/status
  metrics   curl -s http://127.0.0.1:${WEBADMIN_PORT}/metrics | grep ^p0f_
  Windows   python3 ${CRAFT_SYN} windows-10 127.0.0.77 ${SYN_PORT}
            then send from 127.0.0.77, e.g.:  swaks --server 127.0.0.1:${SMTP_PORT} --local-interface 127.0.0.77 --to ${DEMO_USER}
  No p0f    kill ${P0F_PID}   (James keeps accepting mail; this script shows it and offers to start p0f again)
  Logs      ${JAMES_LOG}, ${P0F_LOG}

Running until Ctrl-C (or SIGTERM).
EOF
    trap 'restart_requested=1' USR1
    while kill -0 "$JAMES_PID" 2> /dev/null; do
        if [ -n "$P0F_PID" ] && ! kill -0 "$P0F_PID" 2> /dev/null; then
            p0f_is_gone
        fi
        if [ "$restart_requested" -eq 1 ]; then
            restart_requested=0
            restart_p0f
        fi
        if [ -z "$P0F_PID" ] && [ -t 0 ]; then
            if read -r -t 1 _; then
                restart_requested=1
            fi
        else
            sleep 1
        fi
    done
    say "James stopped on its own; the end of its log:"
    tail -n 20 "$JAMES_LOG" >&2
    exit 1
}

if [ "$KEEP_RUNNING" -eq 1 ] && [ "$SOURCE" = kernel ]; then
    keep_running_kernel
elif [ "$KEEP_RUNNING" -eq 1 ]; then
    keep_running
fi

say ""
"${TOUR[@]}" --block-time "$BLOCK_TIME_SECONDS" --craft-syn "$CRAFT_SYN"
