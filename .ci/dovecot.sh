#!/usr/bin/env bash
# Starts a throwaway Dovecot IMAP server on 127.0.0.1:10143 with one mailbox
# (user `intake`), for the real-IMAP tests. `stop` ends it.
set -euo pipefail
ROOT=/tmp/dmv-dovecot
port_busy() { (exec 3<>/dev/tcp/127.0.0.1/10143) 2>/dev/null; }
stop_server() {
  [ -f "$ROOT/run/master.pid" ] && kill "$(cat "$ROOT/run/master.pid")" 2>/dev/null || true
  pkill -f "dovecot -c $ROOT/dovecot.conf" 2>/dev/null || true
  # Dovecot takes a moment to release its port after SIGTERM.
  for _ in $(seq 1 50); do port_busy || return 0; sleep 0.2; done
  echo "Port 10143 is still in use; stop whatever listens there." >&2
  return 1
}
if [ "${1:-start}" = "stop" ]; then
  stop_server || true
  exit 0
fi
if ! command -v dovecot >/dev/null; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq dovecot-imapd >/dev/null
fi
stop_server
rm -rf "$ROOT"
mkdir -p "$ROOT/mail" "$ROOT/run"
echo 'intake:{PLAIN}intake-test-password' > "$ROOT/users"
cat > "$ROOT/dovecot.conf" <<CONF
protocols = imap
listen = 127.0.0.1
base_dir = $ROOT/run
log_path = $ROOT/dovecot.log
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
mail_location = maildir:$ROOT/mail/%u
first_valid_uid = $(id -u dovecot)
passdb {
  driver = passwd-file
  args = scheme=PLAIN username_format=%u $ROOT/users
}
userdb {
  driver = static
  args = uid=dovecot gid=dovecot home=$ROOT/mail/%u
}
service imap-login {
  inet_listener imap {
    address = 127.0.0.1
    port = 10143
  }
  inet_listener imaps {
    port = 0
  }
}
CONF
chown -R dovecot:dovecot "$ROOT/mail"
dovecot -c "$ROOT/dovecot.conf"
for _ in $(seq 1 50); do
  port_busy && exit 0
  sleep 0.2
done
echo "Dovecot did not start; see $ROOT/dovecot.log" >&2
exit 1
