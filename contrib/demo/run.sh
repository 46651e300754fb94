#!/usr/bin/env bash
# james-p0f in one command: a real p0f on the loopback interface, a real in-memory Apache James
# 3.8.1 with the james-p0f jar in its extensions-jars, and real SMTP clients that p0f sees as
# Linux, Windows and FreeBSD. Run as root from anywhere in the repository:
#
#   sudo contrib/demo/run.sh                  # the scripted tour, then stops and cleans up
#   sudo contrib/demo/run.sh --keep-running   # leaves James and p0f running until Ctrl-C
#
# Needs a JDK (11 or newer), Maven and python3; installs p0f with apt-get if it is missing.
# Everything listens on 127.0.0.1 only; everything it creates lives in one temporary directory,
# removed on exit.

set -euo pipefail

DEMO_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
PROJECT_DIR="$(cd "${DEMO_DIR}/../.." && pwd)"
# The crafted-SYN tool, shared with the tests (src/test/.../testing/CraftedSyn.java).
CRAFT_SYN="${PROJECT_DIR}/contrib/tools/craft-syn.py"

SMTP_PORT=2525
IMAP_PORT=1143
WEBADMIN_PORT=8000
SYN_PORT=2599
KEEP_RUNNING=0
DEMO_USER="demo@localhost"
DEMO_PASSWORD="demo"
BLOCK_TIME_SECONDS=5
# Real connections from these sources are not fingerprinted: they keep their crafted SYN's.
CRAFTED_SOURCES="127.0.0.64/26"

usage() {
    cat <<EOF
Usage: $0 [--smtp-port N] [--imap-port N] [--webadmin-port N] [--syn-port N] [--keep-running]

  --smtp-port N      James's SMTP port on 127.0.0.1 (default ${SMTP_PORT})
  --imap-port N      James's IMAP port on 127.0.0.1 (default ${IMAP_PORT})
  --webadmin-port N  James's webadmin port on 127.0.0.1 (default ${WEBADMIN_PORT})
  --syn-port N       where crafted SYNs are sent for p0f to see (default ${SYN_PORT}; nothing listens)
  --keep-running     start everything and wait for Ctrl-C instead of running the tour
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
        -h | --help) usage; exit 0 ;;
        *) usage >&2; die "unknown option '$1'" ;;
    esac
done

if [ "$(id -u)" -ne 0 ]; then
    die "needs root: p0f sniffs the loopback interface and the tour sends crafted SYNs; run: sudo $0 $*"
fi

for tool in java mvn python3; do
    command -v "$tool" > /dev/null || die "needs $tool on the PATH (a JDK 11+, Maven and python3)"
done

P0F="$(command -v p0f || true)"
if [ -z "$P0F" ] && [ -x /usr/sbin/p0f ]; then
    P0F=/usr/sbin/p0f
fi
if [ -z "$P0F" ]; then
    say "p0f is not installed: installing it with apt-get (apt-get install -y p0f)"
    command -v apt-get > /dev/null || die "p0f is missing and there is no apt-get: install p0f 3.x, then run again"
    if ! DEBIAN_FRONTEND=noninteractive apt-get install -y -q p0f > /dev/null; then
        apt-get update -q > /dev/null
        DEBIAN_FRONTEND=noninteractive apt-get install -y -q p0f > /dev/null || die "apt-get install p0f failed"
    fi
    P0F=/usr/sbin/p0f
fi

ports_in_use="$(python3 - "$SMTP_PORT" "$IMAP_PORT" "$WEBADMIN_PORT" <<'EOF'
import socket, sys
for port in sys.argv[1:]:
    s = socket.socket()
    try:
        s.bind(("127.0.0.1", int(port)))
    except OSError:
        print(port, end=" ")
    finally:
        s.close()
EOF
)"
if [ -n "$ports_in_use" ]; then
    die "port(s) ${ports_in_use}already in use on 127.0.0.1: choose others with --smtp-port, --imap-port, --webadmin-port"
fi

# --- Build the jar and the demo launcher if needed ------------------------------------------
JAR="${PROJECT_DIR}/target/james-p0f-0.1.0-SNAPSHOT.jar"
LAUNCHER="${PROJECT_DIR}/target/test-classes/io/github/jamesp0f/demo/DemoJames.class"
CLASSPATH_FILE="${PROJECT_DIR}/target/demo-classpath.txt"

maven() {
    # Offline first (quick when ~/.m2 is filled), then online.
    (cd "$PROJECT_DIR" && { mvn -q -o "$@" || mvn -q "$@"; })
}

if [ ! -f "$JAR" ] || [ ! -f "$LAUNCHER" ] \
    || [ -n "$(find "${PROJECT_DIR}/src/main" "${PROJECT_DIR}/pom.xml" -newer "$JAR" -type f -print -quit)" ]; then
    say "Building the james-p0f jar (mvn package -DskipTests)..."
    maven -DskipTests package > /dev/null || die "the build failed: run 'mvn -DskipTests package' to see why"
fi
if [ ! -f "$CLASSPATH_FILE" ] || [ "${PROJECT_DIR}/pom.xml" -nt "$CLASSPATH_FILE" ]; then
    say "Resolving James 3.8.1's class path (mvn dependency:build-classpath)..."
    maven dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile="$CLASSPATH_FILE" > /dev/null \
        || die "could not resolve James's class path: run 'mvn dependency:build-classpath' to see why"
fi

# --- Everything below lives in WORK and goes away on exit ------------------------------------
WORK="$(mktemp -d /tmp/james-p0f-demo.XXXXXX)"
P0F_PID=""
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
    rm -rf "$WORK"
    say "Stopped James and p0f, removed ${WORK}."
    exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# --- p0f on loopback --------------------------------------------------------------------------
P0F_SOCKET="${WORK}/p0f/p0f.sock"
P0F_FILTER="(tcp dst port ${SMTP_PORT} and not src net ${CRAFTED_SOURCES}) or tcp dst port ${SYN_PORT}"
mkdir -m 0750 "${WORK}/p0f"
"$P0F" -i lo -s "$P0F_SOCKET" -S 10 "$P0F_FILTER" > "${WORK}/p0f.log" 2>&1 &
P0F_PID=$!
for _ in $(seq 100); do
    [ -S "$P0F_SOCKET" ] && break
    if ! kill -0 "$P0F_PID" 2> /dev/null; then
        P0F_PID=""
        die "p0f cannot capture on the loopback interface ($(grep -m1 -E 'ABORT|FATAL|ERROR' "${WORK}/p0f.log" || tail -n1 "${WORK}/p0f.log")): run on a host or VM where root may sniff 'lo' (containers need CAP_NET_RAW)"
    fi
    sleep 0.1
done
[ -S "$P0F_SOCKET" ] || die "p0f did not open its API socket within 10 s; its log: $(tail -n3 "${WORK}/p0f.log")"
say "p0f ${P0F}: sniffing lo, filter '${P0F_FILTER}', API socket ${P0F_SOCKET} (pid ${P0F_PID})"

# --- James, configured from conf-samples (see DemoConfiguration) -------------------------------
JAMES_HOME="${WORK}/james"
mkdir -p "${JAMES_HOME}/extensions-jars"
cp "$JAR" "${JAMES_HOME}/extensions-jars/"

say "Starting Apache James 3.8.1 (in-memory) with $(basename "$JAR") in extensions-jars..."
java -Xms256m -Xmx768m -Dbasedir="$PROJECT_DIR" \
    -cp "${PROJECT_DIR}/target/test-classes:$(cat "$CLASSPATH_FILE")" io.github.jamesp0f.demo.DemoJames \
    --home "$JAMES_HOME" --smtp-port "$SMTP_PORT" --imap-port "$IMAP_PORT" --webadmin-port "$WEBADMIN_PORT" \
    --p0f-socket "$P0F_SOCKET" --block-time "${BLOCK_TIME_SECONDS}s" --user "$DEMO_USER" --password "$DEMO_PASSWORD" \
    > "${WORK}/james.log" 2>&1 &
JAMES_PID=$!
for _ in $(seq 240); do
    grep -qs -E '^(READY|FAILED)' "${WORK}/james.log" && break
    kill -0 "$JAMES_PID" 2> /dev/null || break
    sleep 0.5
done
if ! grep -q '^READY' "${WORK}/james.log"; then
    say "James did not start; the end of its log:"
    grep -E 'ERROR|Exception|FAILED|Caused by' "${WORK}/james.log" | head -n 20 >&2 || tail -n 20 "${WORK}/james.log" >&2
    exit 1
fi
say "James is up: SMTP 127.0.0.1:${SMTP_PORT}, IMAP 127.0.0.1:${IMAP_PORT}, webadmin http://127.0.0.1:${WEBADMIN_PORT} (pid ${JAMES_PID})"

if [ "$KEEP_RUNNING" -eq 1 ]; then
    cat <<EOF

  SMTP      127.0.0.1:${SMTP_PORT}
  IMAP      127.0.0.1:${IMAP_PORT}   user ${DEMO_USER}   password ${DEMO_PASSWORD}
  p0f state curl http://127.0.0.1:${WEBADMIN_PORT}/p0f/status
  metrics   curl -s http://127.0.0.1:${WEBADMIN_PORT}/metrics | grep ^p0f_
  Windows   python3 ${CRAFT_SYN} windows-7 127.0.0.77 ${SYN_PORT}
            then send from 127.0.0.77, e.g.:  swaks --server 127.0.0.1:${SMTP_PORT} --local-interface 127.0.0.77 --to ${DEMO_USER}
  Logs      ${WORK}/james.log, ${WORK}/p0f.log

Running until Ctrl-C (or SIGTERM).
EOF
    while kill -0 "$JAMES_PID" 2> /dev/null && kill -0 "$P0F_PID" 2> /dev/null; do
        sleep 1
    done
    die "James or p0f stopped on its own; see the logs above"
fi

say ""
python3 "${DEMO_DIR}/tour.py" --smtp-port "$SMTP_PORT" --imap-port "$IMAP_PORT" --webadmin-port "$WEBADMIN_PORT" \
    --syn-port "$SYN_PORT" --user "$DEMO_USER" --password "$DEMO_PASSWORD" --block-time "$BLOCK_TIME_SECONDS" \
    --craft-syn "$CRAFT_SYN"
