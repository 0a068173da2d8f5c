#!/usr/bin/env bash
# Regenerates the TEST-ONLY keys and certificates of the TLS conformance tests (committed, so the
# tests need no openssl; valid until 2125). Never use them for anything but tests: the private
# keys are public. Run from this directory: bash make-certs.sh
set -euo pipefail
days=36500
ec() { openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$1" 2>/dev/null; }

# A CA, and a second one nobody trusts.
ec ca.key
openssl req -x509 -new -key ca.key -days $days -subj "/CN=netloop test CA" -out ca.pem \
  -addext basicConstraints=critical,CA:true -addext keyUsage=critical,keyCertSign,cRLSign
ec rogue-ca.key
openssl req -x509 -new -key rogue-ca.key -days $days -subj "/CN=netloop untrusted CA" -out rogue-ca.pem \
  -addext basicConstraints=critical,CA:true -addext keyUsage=critical,keyCertSign,cRLSign

# leaf NAME CA SAN EXT [KEYALG]: NAME.key (PKCS#8) and NAME.pem (leaf then CA: a full chain).
leaf() {
  local name=$1 ca=$2 san=$3 eku=$4
  if [ "${5:-ec}" = rsa ]; then
    openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$name.key" 2>/dev/null
  else
    ec "$name.key"
  fi
  openssl req -new -key "$name.key" -subj "/CN=$name" -out "$name.csr"
  printf 'subjectAltName=%s\nextendedKeyUsage=%s\nbasicConstraints=CA:false\n' "$san" "$eku" > "$name.ext"
  openssl x509 -req -in "$name.csr" -CA "$ca.pem" -CAkey "$ca.key" -CAcreateserial -days $days \
    -extfile "$name.ext" -out "$name.crt" 2>/dev/null
  cat "$name.crt" "$ca.pem" > "$name.pem"
  rm -f "$name.csr" "$name.ext" "$name.crt"
}
leaf server ca "DNS:localhost,IP:127.0.0.1,IP:::1" serverAuth
leaf server-renewed ca "DNS:localhost,IP:127.0.0.1,IP:::1" serverAuth rsa
leaf other ca "DNS:other.test" serverAuth
leaf client ca "DNS:client.test" clientAuth
leaf rogue rogue-ca "DNS:localhost,IP:127.0.0.1" serverAuth

# The server's key and chain as PKCS#12, password "changeit"; and its key encrypted as PKCS#8.
openssl pkcs12 -export -inkey server.key -in server.pem -name server -passout pass:changeit -out server.p12
openssl pkcs8 -topk8 -in server.key -v2 aes-256-cbc -passout pass:changeit -out server-encrypted.key
rm -f ./*.srl ca.key rogue-ca.key
