# Sourced by scripts/kafka.sh: the `secure` node, a single KRaft broker+controller that speaks TLS only.
#
#   SSL      127.0.0.1:$SECURE_PORT       TLS with a client certificate required (mutual TLS);
#                                         also the inter-broker listener (the broker's cert is its client cert)
#   SASL_SSL 127.0.0.1:$SECURE_PORT+1     TLS + SASL PLAIN, SCRAM-SHA-256 or SCRAM-SHA-512 ($SASL_USER)
#   CONTROLLER 127.0.0.1:$SECURE_PORT+2   KRaft controller (loopback, plaintext)
#
# The CA, the broker's and a client's certificates are made once with openssl (PKCS12 key store)
# and keytool (trust store) in $RUN_DIR/secure-tls; the CA is self-signed, so a client trusts the
# broker only when given ca.crt.

TLS_DIR="$RUN_DIR/secure-tls"
# Password of the broker's PKCS12 key and trust stores (local test files, not a secret).
STORE_PASSWORD="shopstream-store"

tls_dir() { echo "$TLS_DIR"; }
bootstrap_secure() { echo "127.0.0.1:$SECURE_PORT"; }
bootstrap_sasl() { echo "127.0.0.1:$((SECURE_PORT + 1))"; }

# sign_cert <name> <subject> <subjectAltName|"">: key + certificate signed by the CA.
sign_cert() {
  local name="$1" subject="$2" san="$3"
  openssl req -new -newkey rsa:2048 -nodes -keyout "$TLS_DIR/$name.key" -out "$TLS_DIR/$name.csr" \
    -subj "$subject" 2>/dev/null
  : >"$TLS_DIR/$name.ext"
  [[ -n "$san" ]] && echo "subjectAltName=$san" >>"$TLS_DIR/$name.ext"
  openssl x509 -req -in "$TLS_DIR/$name.csr" -CA "$TLS_DIR/ca.crt" -CAkey "$TLS_DIR/ca.key" \
    -CAcreateserial -days 3650 -sha256 -extfile "$TLS_DIR/$name.ext" -out "$TLS_DIR/$name.crt" 2>/dev/null
  rm -f "$TLS_DIR/$name.csr" "$TLS_DIR/$name.ext"
}

make_tls_files() {
  [[ -f "$TLS_DIR/.complete" ]] && return 0
  command -v openssl >/dev/null || die "openssl is required for the secure node"
  command -v keytool >/dev/null || die "keytool (JDK) is required for the secure node"
  log "making a self-signed CA and certificates in $TLS_DIR"
  rm -rf "$TLS_DIR" && mkdir -p "$TLS_DIR"
  openssl req -x509 -newkey rsa:2048 -nodes -days 3650 -sha256 -subj "/CN=shopstream test CA" \
    -keyout "$TLS_DIR/ca.key" -out "$TLS_DIR/ca.crt" 2>/dev/null || die "openssl: CA failed"
  sign_cert broker "/CN=localhost" "DNS:localhost,IP:127.0.0.1" || die "openssl: broker certificate failed"
  sign_cert client "/CN=shopstream-client" "" || die "openssl: client certificate failed"
  openssl pkcs12 -export -in "$TLS_DIR/broker.crt" -inkey "$TLS_DIR/broker.key" -certfile "$TLS_DIR/ca.crt" \
    -name broker -passout "pass:$STORE_PASSWORD" -out "$TLS_DIR/broker.p12" || die "openssl: key store failed"
  keytool -importcert -noprompt -alias ca -file "$TLS_DIR/ca.crt" -keystore "$TLS_DIR/truststore.p12" \
    -storetype PKCS12 -storepass "$STORE_PASSWORD" >/dev/null 2>&1 || die "keytool: trust store failed"
  chmod 600 "$TLS_DIR"/*.key
  touch "$TLS_DIR/.complete"
}

# write_secure_properties <name> <node id> <ssl port> <voters> <replication> <min isr>
write_secure_properties() {
  local dir; dir="$(node_dir "$1")"
  local sasl_port=$(( $3 + 1 )) controller_port=$(( $3 + 2 ))
  cat >"$dir/server.properties" <<EOF
process.roles=broker,controller
node.id=$2
controller.quorum.voters=$4
listeners=SSL://127.0.0.1:$3,SASL_SSL://127.0.0.1:$sasl_port,CONTROLLER://127.0.0.1:$controller_port
advertised.listeners=SSL://127.0.0.1:$3,SASL_SSL://127.0.0.1:$sasl_port
inter.broker.listener.name=SSL
controller.listener.names=CONTROLLER
listener.security.protocol.map=SSL:SSL,SASL_SSL:SASL_SSL,CONTROLLER:PLAINTEXT
ssl.keystore.type=PKCS12
ssl.keystore.location=$TLS_DIR/broker.p12
ssl.keystore.password=$STORE_PASSWORD
ssl.key.password=$STORE_PASSWORD
ssl.truststore.type=PKCS12
ssl.truststore.location=$TLS_DIR/truststore.p12
ssl.truststore.password=$STORE_PASSWORD
listener.name.ssl.ssl.client.auth=required
listener.name.sasl_ssl.ssl.client.auth=none
listener.name.sasl_ssl.sasl.enabled.mechanisms=PLAIN,SCRAM-SHA-256,SCRAM-SHA-512
listener.name.sasl_ssl.plain.sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required user_$SASL_USER="$SASL_PASSWORD";
listener.name.sasl_ssl.scram-sha-256.sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required;
listener.name.sasl_ssl.scram-sha-512.sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required;
EOF
  common_properties "$dir" "$5" "$6" >>"$dir/server.properties"
}

start_secure() {
  install_jars
  make_tls_files
  CONTROLLER_OFFSET=2
  PROPERTIES_WRITER=write_secure_properties
  FORMAT_ARGS=(
    --add-scram "SCRAM-SHA-256=[name=$SASL_USER,password=$SASL_PASSWORD]"
    --add-scram "SCRAM-SHA-512=[name=$SASL_USER,password=$SASL_PASSWORD]"
  )
  start_node secure 1 "$SECURE_PORT" "1@127.0.0.1:$((SECURE_PORT + 2))" 1 1 "$(heap_single)"
  wait_ready secure "$SECURE_PORT"
  PROPERTIES_WRITER=write_properties
  FORMAT_ARGS=()
  bootstrap_secure
}
