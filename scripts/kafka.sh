#!/usr/bin/env bash
# A real Apache Kafka (KRaft) broker for development and CI, run from jars fetched off Maven Central.
#
#   scripts/kafka.sh install             fetch the jars into $SHOPSTREAM_KAFKA_HOME/jars (once)
#   scripts/kafka.sh start               single node (broker+controller) on 127.0.0.1:$SHOPSTREAM_KAFKA_PORT
#   scripts/kafka.sh start-cluster       3 combined broker+controller nodes (failover tests)
#   scripts/kafka.sh start-secure        single node with TLS only: an SSL listener that requires a client
#                                        certificate on $SHOPSTREAM_KAFKA_SECURE_PORT and a SASL_SSL listener
#                                        (PLAIN, SCRAM-SHA-256, SCRAM-SHA-512) on +1; its self-signed CA and
#                                        certificates are made once (openssl + keytool) in `tls-dir`
#   scripts/kafka.sh stop                stop every node this script started (pid files)
#   scripts/kafka.sh stop-secure         stop the secure node only
#   scripts/kafka.sh stop-node N | start-node N   stop/start node N (1-3) of the cluster
#   scripts/kafka.sh status              which nodes run
#   scripts/kafka.sh bootstrap [cluster|secure|sasl]  print the bootstrap servers
#   scripts/kafka.sh tls-dir             print the folder of ca.crt, client.crt, client.key (secure node)
#   scripts/kafka.sh reset               stop, then delete all broker data (not the jars)
#
# Every command is idempotent: starting a running node or stopping a stopped one is a no-op.
# Environment (all optional):
#   SHOPSTREAM_KAFKA_HOME          cache of jars and run data   (default ~/.cache/shopstream/kafka)
#   SHOPSTREAM_KAFKA_PORT          single-node client port      (default 59092; controller = +1)
#   SHOPSTREAM_KAFKA_CLUSTER_PORT  first cluster client port    (default 59192; nodes +0..2, controllers +10..12)
#   SHOPSTREAM_KAFKA_SECURE_PORT   secure node SSL port         (default 59292; SASL_SSL = +1, controller = +2)
#   SHOPSTREAM_KAFKA_SECURE_USER, SHOPSTREAM_KAFKA_SECURE_PASSWORD   the secure node's SASL user, for PLAIN and
#                                  SCRAM (default shopstream / shopstream-secret); SCRAM credentials are
#                                  written when the node is first formatted: `reset` to change them
#   SHOPSTREAM_KAFKA_HEAP          JVM max heap per node        (default 512m single, 384m per cluster node)
#   SHOPSTREAM_KAFKA_READY_TIMEOUT_S  readiness wait            (default 60)
set -euo pipefail

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
KAFKA_HOME="${SHOPSTREAM_KAFKA_HOME:-$HOME/.cache/shopstream/kafka}"
JARS_DIR="$KAFKA_HOME/jars"
RUN_DIR="$KAFKA_HOME/run"
SINGLE_PORT="${SHOPSTREAM_KAFKA_PORT:-59092}"
CLUSTER_PORT="${SHOPSTREAM_KAFKA_CLUSTER_PORT:-59192}"
SECURE_PORT="${SHOPSTREAM_KAFKA_SECURE_PORT:-59292}"
SASL_USER="${SHOPSTREAM_KAFKA_SECURE_USER:-shopstream}"
SASL_PASSWORD="${SHOPSTREAM_KAFKA_SECURE_PASSWORD:-shopstream-secret}"
READY_TIMEOUT_S="${SHOPSTREAM_KAFKA_READY_TIMEOUT_S:-60}"
KAFKA_VERSION="$(sed -n 's:.*<kafka.version>\(.*\)</kafka.version>.*:\1:p' "$SCRIPT_DIR/kafka/pom.xml")"
INSTALLED_MARK="$JARS_DIR/.installed-$KAFKA_VERSION"

log() { echo "kafka.sh: $*" >&2; }
die() { log "error: $*"; exit 1; }

install_jars() {
  if [[ -f "$INSTALLED_MARK" ]]; then return 0; fi
  command -v mvn >/dev/null || die "mvn (Maven) is required to fetch the Kafka jars"
  command -v java >/dev/null || die "java 17+ is required"
  log "fetching Apache Kafka $KAFKA_VERSION jars from Maven Central into $JARS_DIR"
  rm -rf "$JARS_DIR" && mkdir -p "$JARS_DIR"
  mvn -q -B -f "$SCRIPT_DIR/kafka/pom.xml" dependency:copy-dependencies \
    -DincludeScope=runtime -DoutputDirectory="$JARS_DIR" >"$KAFKA_HOME/install.log" 2>&1 \
    || { tail -n 30 "$KAFKA_HOME/install.log" >&2; die "mvn dependency:copy-dependencies failed"; }
  touch "$INSTALLED_MARK"
}

# node_dir <name>: data, config, pid file and log of one node.
node_dir() { echo "$RUN_DIR/$1"; }
node_pid() { local f; f="$(node_dir "$1")/kafka.pid"; [[ -f "$f" ]] && cat "$f" || true; }
node_alive() { local pid; pid="$(node_pid "$1")"; [[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null; }

# write_properties <name> <node id> <client port> <voters> <replication> <min isr>
write_properties() {
  local dir; dir="$(node_dir "$1")"
  local controller_port=$(( $3 + ${CONTROLLER_OFFSET} ))
  cat >"$dir/server.properties" <<EOF
process.roles=broker,controller
node.id=$2
controller.quorum.voters=$4
listeners=PLAINTEXT://127.0.0.1:$3,CONTROLLER://127.0.0.1:$controller_port
advertised.listeners=PLAINTEXT://127.0.0.1:$3
inter.broker.listener.name=PLAINTEXT
controller.listener.names=CONTROLLER
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT
EOF
  common_properties "$dir" "$5" "$6" >>"$dir/server.properties"
}

# common_properties <dir> <replication> <min isr>: storage, replication and tuning of every node.
common_properties() {
  local dir="$1" replication="$2" min_isr="$3"
  cat <<EOF
log.dirs=$dir/data
auto.create.topics.enable=false
num.partitions=1
default.replication.factor=$replication
min.insync.replicas=$min_isr
offsets.topic.replication.factor=$replication
offsets.topic.num.partitions=8
transaction.state.log.replication.factor=$replication
transaction.state.log.min.isr=$min_isr
transaction.state.log.num.partitions=4
share.coordinator.state.topic.replication.factor=$replication
share.coordinator.state.topic.min.isr=$min_isr
group.initial.rebalance.delay.ms=0
log.segment.bytes=16777216
log.retention.check.interval.ms=5000
log.segment.delete.delay.ms=1000
num.network.threads=2
num.io.threads=4
num.recovery.threads.per.data.dir=1
EOF
}

# start_node <name> <node id> <client port> <voters> <replication> <min isr> <heap>
# The properties come from $PROPERTIES_WRITER (default write_properties); $FORMAT_ARGS are extra
# arguments of the storage format (SCRAM credentials).
start_node() {
  local name="$1" dir; dir="$(node_dir "$1")"
  if node_alive "$name"; then log "$name already running (pid $(node_pid "$name"))"; return 0; fi
  mkdir -p "$dir"
  "${PROPERTIES_WRITER:-write_properties}" "$name" "$2" "$3" "$4" "$5" "$6"
  if [[ ! -f "$dir/data/meta.properties" ]]; then
    java -cp "$JARS_DIR/*" -Dlog4j2.configurationFile="$SCRIPT_DIR/kafka/log4j2.properties" \
      kafka.tools.StorageTool format -t "$(cluster_id "$name")" -c "$dir/server.properties" \
      "${FORMAT_ARGS[@]}" >"$dir/format.log" 2>&1 || die "formatting $name failed, see $dir/format.log"
  fi
  nohup java -Xms64m -Xmx"$7" -XX:+UseG1GC -XX:MaxGCPauseMillis=20 -Djava.awt.headless=true \
    -Dlog4j2.configurationFile="$SCRIPT_DIR/kafka/log4j2.properties" \
    -cp "$JARS_DIR/*" kafka.Kafka "$dir/server.properties" >"$dir/kafka.log" 2>&1 &
  echo $! >"$dir/kafka.pid"
  log "$name starting (pid $!, port $3, log $dir/kafka.log)"
}

# One cluster id per group of nodes, kept beside the nodes so restarts reuse it.
cluster_id() {
  local group="${1%%-*}" file
  file="$RUN_DIR/$group.cluster-id"
  if [[ ! -f "$file" ]]; then
    mkdir -p "$RUN_DIR"
    java -cp "$JARS_DIR/*" -Dlog4j2.configurationFile="$SCRIPT_DIR/kafka/log4j2.properties" \
      kafka.tools.StorageTool random-uuid 2>/dev/null | tail -1 >"$file"
  fi
  cat "$file"
}

# wait_ready <name> <port>: the node logged "Kafka Server started" and its port accepts connections.
wait_ready() {
  local name="$1" port="$2" dir deadline; dir="$(node_dir "$1")"
  deadline=$(( $(date +%s) + READY_TIMEOUT_S ))
  while (( $(date +%s) < deadline )); do
    node_alive "$name" || { tail -n 30 "$dir/kafka.log" >&2; die "$name exited during start-up"; }
    if grep -q "Kafka Server started" "$dir/kafka.log" 2>/dev/null && (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
      return 0
    fi
    sleep 0.5
  done
  tail -n 30 "$dir/kafka.log" >&2
  die "$name not ready on 127.0.0.1:$port after ${READY_TIMEOUT_S}s (log: $dir/kafka.log)"
}

FORMAT_ARGS=()
# shellcheck source=kafka/secure-node.sh
source "$SCRIPT_DIR/kafka/secure-node.sh"

heap_single() { echo "${SHOPSTREAM_KAFKA_HEAP:-512m}"; }
heap_cluster() { echo "${SHOPSTREAM_KAFKA_HEAP:-384m}"; }

start_single() {
  install_jars
  CONTROLLER_OFFSET=1
  start_node single 1 "$SINGLE_PORT" "1@127.0.0.1:$((SINGLE_PORT + 1))" 1 1 "$(heap_single)"
  wait_ready single "$SINGLE_PORT"
  bootstrap_single
}

cluster_voters() {
  local i out=""
  for i in 1 2 3; do out+="${out:+,}$i@127.0.0.1:$((CLUSTER_PORT + 9 + i))"; done
  echo "$out"
}

start_cluster_node() {
  local i="$1"
  [[ "$i" =~ ^[1-3]$ ]] || die "cluster node must be 1, 2 or 3 (got '$i')"
  CONTROLLER_OFFSET=10
  start_node "cluster-$i" "$i" "$((CLUSTER_PORT + i - 1))" "$(cluster_voters)" 3 2 "$(heap_cluster)"
}

start_cluster() {
  install_jars
  local i
  for i in 1 2 3; do start_cluster_node "$i"; done
  for i in 1 2 3; do wait_ready "cluster-$i" "$((CLUSTER_PORT + i - 1))"; done
  bootstrap_cluster
}

# stop_node <name>: SIGTERM (controlled shutdown), SIGKILL after 30 s.
stop_node() {
  local name="$1" pid i; pid="$(node_pid "$name")"
  if node_alive "$name"; then
    kill "$pid"
    for i in $(seq 1 60); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
    if kill -0 "$pid" 2>/dev/null; then log "$name did not stop in 30s, killing"; kill -9 "$pid" || true; fi
    log "$name stopped"
  fi
  rm -f "$(node_dir "$name")/kafka.pid"
}

all_nodes() { local d; for d in "$RUN_DIR"/*/; do [[ -f "$d/server.properties" ]] && basename "$d"; done; return 0; }

# SIGTERM every node first, then wait: stopping a KRaft quorum one node at a time leaves the last
# ones without a controller majority, and their controlled shutdown then waits for the timeout.
stop_all() {
  local n pid
  for n in $(all_nodes); do if node_alive "$n"; then pid="$(node_pid "$n")"; kill "$pid"; fi; done
  for n in $(all_nodes); do stop_node "$n"; done
}

status() {
  local n any=0
  for n in $(all_nodes); do
    any=1
    if node_alive "$n"; then echo "$n running (pid $(node_pid "$n"))"; else echo "$n stopped"; fi
  done
  (( any )) || echo "no node configured"
}

bootstrap_single() { echo "127.0.0.1:$SINGLE_PORT"; }
bootstrap_cluster() { echo "127.0.0.1:$CLUSTER_PORT,127.0.0.1:$((CLUSTER_PORT + 1)),127.0.0.1:$((CLUSTER_PORT + 2))"; }

case "${1:-}" in
  install) install_jars; log "jars ready in $JARS_DIR" ;;
  start) start_single ;;
  start-cluster) start_cluster ;;
  start-node) install_jars; start_cluster_node "${2:-}"; wait_ready "cluster-$2" "$((CLUSTER_PORT + $2 - 1))" ;;
  stop-node) [[ "${2:-}" =~ ^[1-3]$ ]] || die "usage: kafka.sh stop-node 1|2|3"; stop_node "cluster-$2" ;;
  stop) stop_all ;;
  status) status ;;
  start-secure) start_secure ;;
  stop-secure) stop_node secure ;;
  tls-dir) tls_dir ;;
  bootstrap)
    case "${2:-}" in
      cluster) bootstrap_cluster ;; secure) bootstrap_secure ;; sasl) bootstrap_sasl ;; *) bootstrap_single ;;
    esac ;;
  reset) stop_all; rm -rf "$RUN_DIR"; log "broker data removed" ;;
  *) echo "usage: $0 install|start|start-cluster|start-secure|stop|stop-secure|start-node N|stop-node N|status|bootstrap [cluster|secure|sasl]|tls-dir|reset" >&2; exit 2 ;;
esac
