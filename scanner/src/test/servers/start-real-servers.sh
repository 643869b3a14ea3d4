#!/usr/bin/env bash
# Starts the real servers the scanner's integration tests (RealServersIT) probe, on 127.0.0.1 with fixed ports:
#   PostgreSQL (Debian's default cluster)  127.0.0.1:5432   SSLRequest, ssl = on
#   Dovecot                                127.0.0.1:10143  IMAP STARTTLS    127.0.0.1:10993 IMAPS
#                                          127.0.0.1:10110  POP3 STLS        127.0.0.1:10995 POP3S
#   OpenLDAP slapd                         127.0.0.1:10389  LDAP StartTLS    127.0.0.1:10636 LDAPS
# Both present a certificate generated here for localhost and 127.0.0.1, kept in $CERT_DIR (its cert.pem is the
# trust anchor the tests use). Needs the Debian packages: postgresql dovecot-imapd dovecot-pop3d slapd openssl.
# Idempotent: a server already listening is left running (PostgreSQL reloads its configuration).
set -euo pipefail

CERT_DIR=${CERTSONAR_TEST_SERVERS_DIR:-/var/lib/certsonar-test-servers}
DOVECOT_DIR=$CERT_DIR/dovecot

listening() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

wait_for() {
  local port=$1 name=$2
  for _ in $(seq 1 100); do
    if listening "$port"; then return 0; fi
    sleep 0.1
  done
  echo "start-real-servers: $name does not listen on 127.0.0.1:$port" >&2
  return 1
}

mkdir -p "$CERT_DIR"
if [[ ! -s $CERT_DIR/cert.pem || ! -s $CERT_DIR/key.pem ]]; then
  openssl req -x509 -newkey rsa:2048 -nodes -sha256 -days 3650 -subj "/CN=localhost" \
    -addext "subjectAltName=DNS:localhost,IP:127.0.0.1" \
    -keyout "$CERT_DIR/key.pem" -out "$CERT_DIR/cert.pem" 2>/dev/null
  chmod 0644 "$CERT_DIR/cert.pem"
  chmod 0600 "$CERT_DIR/key.pem"
fi

# PostgreSQL: the default cluster of the installed version, ssl = on with the certificate above.
PG_VERSION=$(ls /usr/lib/postgresql | sort -V | tail -1)
if ! pg_lsclusters -h | awk '{print $1" "$2}' | grep -qx "$PG_VERSION main"; then
  pg_createcluster "$PG_VERSION" main >/dev/null
fi
PG_CONF=/etc/postgresql/$PG_VERSION/main
install -o postgres -g postgres -m 0644 "$CERT_DIR/cert.pem" "$PG_CONF/certsonar-test.crt"
install -o postgres -g postgres -m 0600 "$CERT_DIR/key.pem" "$PG_CONF/certsonar-test.key"
mkdir -p "$PG_CONF/conf.d"
cat > "$PG_CONF/conf.d/certsonar-test.conf" <<CONF
listen_addresses = 'localhost'
port = 5432
ssl = on
ssl_cert_file = '$PG_CONF/certsonar-test.crt'
ssl_key_file = '$PG_CONF/certsonar-test.key'
CONF
chown postgres:postgres "$PG_CONF/conf.d/certsonar-test.conf"
if pg_ctlcluster "$PG_VERSION" main status >/dev/null 2>&1; then
  pg_ctlcluster "$PG_VERSION" main reload
else
  pg_ctlcluster "$PG_VERSION" main start
fi
wait_for 5432 PostgreSQL

# Dovecot: its own configuration (the system's is left alone), started directly as a daemon.
mkdir -p "$DOVECOT_DIR/run" "$DOVECOT_DIR/mail"
cat > "$DOVECOT_DIR/dovecot.conf" <<CONF
protocols = imap pop3
listen = 127.0.0.1
base_dir = $DOVECOT_DIR/run
state_dir = $DOVECOT_DIR/state
log_path = $DOVECOT_DIR/dovecot.log
ssl = yes
ssl_cert = <$CERT_DIR/cert.pem
ssl_key = <$CERT_DIR/key.pem
ssl_min_protocol = TLSv1.2
disable_plaintext_auth = yes
mail_location = maildir:$DOVECOT_DIR/mail/%u
passdb {
  driver = static
  args = password=certsonar-test-only
}
userdb {
  driver = static
  args = uid=dovecot gid=dovecot home=$DOVECOT_DIR/mail/%u
}
service imap-login {
  inet_listener imap {
    address = 127.0.0.1
    port = 10143
  }
  inet_listener imaps {
    address = 127.0.0.1
    port = 10993
    ssl = yes
  }
}
service pop3-login {
  inet_listener pop3 {
    address = 127.0.0.1
    port = 10110
  }
  inet_listener pop3s {
    address = 127.0.0.1
    port = 10995
    ssl = yes
  }
}
CONF
mkdir -p "$DOVECOT_DIR/state"
if listening 10143 && listening 10110; then
  doveadm -c "$DOVECOT_DIR/dovecot.conf" reload >/dev/null 2>&1 || true
else
  dovecot -c "$DOVECOT_DIR/dovecot.conf"
fi
wait_for 10143 "Dovecot IMAP"
wait_for 10110 "Dovecot POP3"
wait_for 10993 "Dovecot IMAPS"
wait_for 10995 "Dovecot POP3S"
# OpenLDAP: its own configuration file (the system's is left alone), StartTLS and LDAPS with the certificate above.
SLAPD_DIR=$CERT_DIR/slapd
mkdir -p "$SLAPD_DIR/db"
install -m 0644 "$CERT_DIR/cert.pem" "$SLAPD_DIR/cert.pem"
install -m 0600 "$CERT_DIR/key.pem" "$SLAPD_DIR/key.pem"
cat > "$SLAPD_DIR/slapd.conf" <<CONF
include /etc/ldap/schema/core.schema
pidfile $SLAPD_DIR/slapd.pid
argsfile $SLAPD_DIR/slapd.args
modulepath /usr/lib/ldap
moduleload back_mdb
TLSCertificateFile $SLAPD_DIR/cert.pem
TLSCertificateKeyFile $SLAPD_DIR/key.pem
database mdb
suffix "dc=certsonar,dc=test"
rootdn "cn=admin,dc=certsonar,dc=test"
directory $SLAPD_DIR/db
CONF
chown -R openldap:openldap "$SLAPD_DIR"
if ! listening 10389; then
  slapd -u openldap -g openldap -f "$SLAPD_DIR/slapd.conf" -h "ldap://127.0.0.1:10389/ ldaps://127.0.0.1:10636/"
fi
wait_for 10389 "slapd LDAP"
wait_for 10636 "slapd LDAPS"

echo "start-real-servers: PostgreSQL on 127.0.0.1:5432, Dovecot on 127.0.0.1:10143/10993 (IMAP) and 10110/10995 (POP3), slapd on 127.0.0.1:10389/10636 (LDAP); certificate $CERT_DIR/cert.pem"
