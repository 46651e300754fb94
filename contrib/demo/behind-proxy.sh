# shellcheck shell=bash
# run.sh --behind-proxy: the tour through an edge host, as docs/deployment.md deploys one. Sourced
# by run.sh, whose settings and helpers (say, die, stop_process, launch_james, WORK, ...) it uses.
#
# contrib/tools/edge-lab.sh builds the edge (the same lab EdgeDeploymentIT tests): a client
# namespace, an edge namespace with HAProxy (contrib/edge/haproxy.cfg, PROXY v2, round robin) and
# p0f on its client-facing link, its API relayed over TCP by systemd-socket-proxyd. Two James nodes
# (DemoJames, one JVM each) listen on the private link behind it and share their greylist in a
# throwaway PostgreSQL cluster on 127.0.0.1. Addresses: 198.18.96.0/20, the demo's share of
# 198.18.0.0/15 (no real network uses it): clients in 198.18.96.0/24, the nodes in 198.18.97.0/24.

PROXY_NET=198.18.96
NODE_ADDRESSES=(198.18.97.2 198.18.97.3)
EDGE_LAB="${PROJECT_DIR}/contrib/tools/edge-lab.sh"
EDGE_DIR=""
PG_BIN=""
PG_DIR=""
PG_PORT=""
NODE_PIDS=()

# What --behind-proxy needs besides the demo's own tools; says what to install, in one line.
check_proxy_tools() {
    local missing=()
    command -v ip > /dev/null || missing+=(iproute2)
    command -v haproxy > /dev/null || missing+=(haproxy)
    { command -v systemd-socket-activate > /dev/null && [ -x /lib/systemd/systemd-socket-proxyd ]; } || missing+=(systemd)
    PG_BIN="$(find /usr/lib/postgresql -maxdepth 2 -name bin -type d 2> /dev/null | sort -V | tail -n 1)"
    { [ -n "$PG_BIN" ] && [ -x "${PG_BIN}/initdb" ] && id postgres > /dev/null 2>&1; } || missing+=(postgresql)
    if [ ${#missing[@]} -gt 0 ]; then
        die "--behind-proxy needs ${missing[*]}: apt-get install ${missing[*]}"
    fi
}

free_port() {
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# A PostgreSQL cluster of the demo's own in WORK, as the postgres user, on 127.0.0.1 and a free port.
start_postgres() {
    PG_DIR="${WORK}/postgres"
    mkdir -m 0700 "$PG_DIR"
    chown postgres:postgres "$PG_DIR"
    chmod o+x "$WORK"
    runuser -u postgres -- "${PG_BIN}/initdb" -D "${PG_DIR}/data" -U postgres -A trust -E UTF8 --locale=C --no-sync \
        > "${PG_DIR}/initdb.log" 2>&1 || die "initdb failed: $(tail -n 3 "${PG_DIR}/initdb.log")"
    PG_PORT="$(free_port)"
    runuser -u postgres -- "${PG_BIN}/pg_ctl" -D "${PG_DIR}/data" -l "${PG_DIR}/postgres.log" -w -t 60 \
        -o "-p ${PG_PORT} -k ${PG_DIR} -c listen_addresses=127.0.0.1 -c fsync=off" start > /dev/null 2>&1 \
        || { PG_PORT=""; die "PostgreSQL did not start: $(tail -n 3 "${PG_DIR}/postgres.log")"; }
    runuser -u postgres -- "${PG_BIN}/createdb" -h 127.0.0.1 -p "$PG_PORT" -U postgres greylist \
        || die "could not create the greylist database"
    say "PostgreSQL ${PG_BIN%/bin}: the nodes' shared greylist on 127.0.0.1:${PG_PORT} (pid $(head -n 1 "${PG_DIR}/data/postmaster.pid"))"
}

stop_postgres() {
    [ -n "$PG_PORT" ] || return 0
    runuser -u postgres -- "${PG_BIN}/pg_ctl" -D "${PG_DIR}/data" -m fast -w -t 30 stop > /dev/null 2>&1 || true
    PG_PORT=""
}

# The namespaces, p0f at the edge and its relay; HAProxy once the nodes listen (start_haproxy).
start_edge() {
    EDGE_DIR="${WORK}/edge"
    "$EDGE_LAB" up "$EDGE_DIR" --net "$PROXY_NET" --node "${NODE_ADDRESSES[0]}:${SMTP_PORT}" \
        --node "${NODE_ADDRESSES[1]}:${SMTP_PORT}" --syn-port "$SYN_PORT" > "${WORK}/edge-lab.log" 2>&1 \
        || die "the edge did not come up: $(tail -n 3 "${WORK}/edge-lab.log")"
    # shellcheck source=/dev/null
    . "${EDGE_DIR}/lab.env"
    say "The edge: namespaces ${CLIENT_NS} (clients, ${LINUX_CLIENT} and ${CRAFTED_NET}) and ${EDGE_NS};"
    say "  p0f sniffing the clients' link (pid ${P0F_PID}), its API relayed on ${P0F_API} by systemd-socket-proxyd (pid ${RELAY_PID})"
}

start_haproxy() {
    "$EDGE_LAB" start "$EDGE_DIR" haproxy > "${WORK}/edge-lab.log" 2>&1 \
        || die "HAProxy did not start: $(tail -n 3 "${WORK}/edge-lab.log")"
    # shellcheck source=/dev/null
    . "${EDGE_DIR}/lab.env"
    say "  HAProxy on ${SMTP} (pid ${HAPROXY_PID}): round robin to the nodes with a PROXY v2 header"
}

stop_edge() {
    [ -n "$EDGE_DIR" ] && [ -f "${EDGE_DIR}/lab.env" ] || return 0
    "$EDGE_LAB" down "$EDGE_DIR" > /dev/null 2>&1 || say "could not remove the edge: run $EDGE_LAB down $EDGE_DIR"
}

# James node N (1 or 2): SMTP on its private address behind the edge, IMAP and webadmin on
# 127.0.0.1 at the demo's ports + N - 1.
start_node() {
    local n="$1"
    launch_james "${WORK}/james${n}" "${WORK}/james${n}.log" \
        --smtp-port "$SMTP_PORT" --imap-port $((IMAP_PORT + n - 1)) --webadmin-port $((WEBADMIN_PORT + n - 1)) \
        --smtp-bind "${NODE_ADDRESSES[n - 1]}" --greeting "James node ${n} with james-p0f (demo)" \
        --proxy "$EDGE_PRIVATE" --p0f-address "$P0F_API" \
        --greylist-jdbc "jdbc:postgresql://127.0.0.1:${PG_PORT}/greylist" --greylist-jdbc-user postgres
    NODE_PIDS+=("$LAUNCHED_PID")
}

run_behind_proxy() {
    start_postgres
    start_edge
    say "Starting two ${JAMES_NAME} nodes (in-memory) with $(basename "$JAR") in extensions-jars..."
    start_node 1
    start_node 2
    await_james "${NODE_PIDS[0]}" "${WORK}/james1.log"
    await_james "${NODE_PIDS[1]}" "${WORK}/james2.log"
    for n in 1 2; do
        say "James node ${n} is up: SMTP ${NODE_ADDRESSES[n - 1]}:${SMTP_PORT} (behind the edge), IMAP 127.0.0.1:$((IMAP_PORT + n - 1)), webadmin http://127.0.0.1:$((WEBADMIN_PORT + n - 1)) (pid ${NODE_PIDS[n - 1]})"
    done
    start_haproxy
    local tour=(python3 "${DEMO_DIR}/tour.py" --smtp-host "$EDGE_PUBLIC" --smtp-port "${SMTP##*:}"
        --client-netns "$CLIENT_NS" --client-link "$CLIENT_IF" --client-net "$PROXY_NET" --syn-port "$SYN_PORT"
        --user "$DEMO_USER" --password "$DEMO_PASSWORD" --block-time "$BLOCK_TIME_SECONDS" --craft-syn "$CRAFT_SYN"
        --node "${IMAP_PORT}:${WEBADMIN_PORT}" --node "$((IMAP_PORT + 1)):$((WEBADMIN_PORT + 1))")
    if [ -n "$DNS_ADDRESS" ]; then
        tour+=(--exempt-server "$EXEMPT_SOURCE" --exempt-name "$EXEMPT_NAME")
    fi
    say ""
    "${tour[@]}"
}

stop_behind_proxy() {
    local n
    for n in "${!NODE_PIDS[@]}"; do
        stop_process "${NODE_PIDS[n]}" "James node $((n + 1))"
    done
    stop_edge
    stop_postgres
}
