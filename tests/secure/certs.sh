# Test certificates for the secure.* scripts (issue #17), made with openssl; sourced, not run.
# Files go to $CERTS_DIR (default: the current directory): NAME.key (unencrypted PKCS#8) and NAME.pem.
# RSA 2048 and SHA-256 for all: every peer here (librdkafka, Kafka's PEM keystore, PostgreSQL,
# gRPC) takes them. They live two days: the scripts delete them on exit anyway.

# make_ca NAME: a self-signed CA that may sign certificates and nothing else.
make_ca() {
  local dir=${CERTS_DIR:-.}
  openssl req -x509 -new -newkey rsa:2048 -nodes -sha256 -days 2 -subj "/CN=yingshang test $1" \
    -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" \
    -keyout "$dir/$1.key" -out "$dir/$1.pem" 2>/dev/null
}

# make_cert NAME CA CN SAN EXTKEYUSAGE: a certificate signed by make_ca's CA, checked against it.
# SAN is openssl's list ("IP:127.0.0.1,DNS:localhost"), EXTKEYUSAGE e.g. "serverAuth" or "clientAuth";
# an empty one leaves that extension out. Fails when the certificate does not verify.
make_cert() {
  local dir=${CERTS_DIR:-.} name=$1 ca=$2 cn=$3 san=$4 eku=$5
  : > "$dir/$name.ext"
  if [ -n "$san" ]; then printf 'subjectAltName=%s\n' "$san" >> "$dir/$name.ext"; fi
  if [ -n "$eku" ]; then printf 'extendedKeyUsage=%s\n' "$eku" >> "$dir/$name.ext"; fi
  openssl req -new -newkey rsa:2048 -nodes -subj "/CN=$cn" -keyout "$dir/$name.key" -out "$dir/$name.csr" 2>/dev/null &&
    openssl x509 -req -sha256 -days 2 -in "$dir/$name.csr" -CA "$dir/$ca.pem" -CAkey "$dir/$ca.key" -CAcreateserial \
      -extfile "$dir/$name.ext" -out "$dir/$name.pem" 2>/dev/null &&
    openssl verify -CAfile "$dir/$ca.pem" "$dir/$name.pem" >/dev/null
}
