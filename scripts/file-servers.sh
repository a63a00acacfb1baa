#!/usr/bin/env bash
# The file servers DIF's file-source tests read from, on loopback only, with their config,
# keys and certificate in ~/.cache/dif/file-servers:
#   scripts/file-servers.sh up       install what is missing (apt-get, as root) and start what is down (idempotent)
#   scripts/file-servers.sh status   what is up, what is missing, and the command that fixes it
#   scripts/file-servers.sh down     stop what this script started
#   scripts/file-servers.sh env      the addresses and test credentials, as shell variables (tests read this)
# Servers: IMAP over TLS (dovecot, passwd-file user), SFTP (OpenSSH sshd, key and password
# auth), FTP/FTPS (vsftpd, explicit TLS, passive ports on loopback). S3 drops use the S3
# server of scripts/services.sh (another bucket stands for another account's).
# The test account is the system user `diffiles` (created here); its files are under
# /home/diffiles. Passwords below are test fixtures for loopback servers, not secrets.
set -uo pipefail

DIF_HOME="${DIF_HOME:-$HOME/.cache/dif}"
DIR="$DIF_HOME/file-servers"
LOG_DIR="$DIF_HOME/log"
IMAP_PORT="${DIF_IMAP_PORT:-1993}"
SFTP_PORT="${DIF_SFTP_PORT:-2222}"
FTP_PORT="${DIF_FTP_PORT:-2121}"
FTP_PASV_MIN=2130; FTP_PASV_MAX=2149
AUTH_DIR=/var/lib/dif-file-servers
USER_NAME=diffiles
USER_HOME=/home/$USER_NAME
USER_PASSWORD=diffiles-fixture-pw
IMAP_USER=reports@dif.test
IMAP_PASSWORD=imap-fixture-pw
PACKAGES=(dovecot-imapd openssh-server vsftpd openssl)

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

wait_for_port() { # name port seconds
  local i
  for ((i = 0; i < $3 * 10; i++)); do port_open "$2" && return 0; sleep 0.1; done
  echo "file-servers: $1 did not open port $2 within $3 s; see $LOG_DIR/$1.log" >&2
  return 1
}

install_packages() {
  local missing=() p
  for p in "${PACKAGES[@]}"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
  [ ${#missing[@]} -eq 0 ] && return 0
  if [ "$(id -u)" != 0 ]; then
    echo "file-servers: missing packages ${missing[*]}; run as root: apt-get install -y ${missing[*]}" >&2
    return 1
  fi
  echo "file-servers: installing ${missing[*]} (apt-get)" >&2
  # Package scripts must not start the system's own daemons: ours run on their own ports.
  export DEBIAN_FRONTEND=noninteractive
  apt-get install -y "${missing[@]}" >&2 || { apt-get update >&2 && apt-get install -y "${missing[@]}" >&2; } || {
    echo "file-servers: could not install ${missing[*]}; run: apt-get update && apt-get install -y ${missing[*]}" >&2
    return 1
  }
}

prepare() {
  mkdir -p "$DIR" "$LOG_DIR" /run/sshd /var/run/vsftpd/empty
  id "$USER_NAME" >/dev/null 2>&1 || useradd --create-home --home-dir "$USER_HOME" --shell /bin/bash "$USER_NAME" || return 1
  echo "$USER_NAME:$USER_PASSWORD" | chpasswd
  mkdir -p "$USER_HOME/outbound" "$USER_HOME/ftp" "$USER_HOME/mail" "$USER_HOME/.ssh"
  # A self-signed certificate for 127.0.0.1 and localhost; clients trust it through a `ca` credential.
  if [ ! -s "$DIR/cert.pem" ]; then
    openssl req -x509 -newkey rsa:2048 -nodes -days 3650 -subj "/CN=localhost" \
      -addext "subjectAltName=IP:127.0.0.1,DNS:localhost" -keyout "$DIR/key.pem" -out "$DIR/cert.pem" 2>/dev/null || return 1
  fi
  [ -s "$DIR/ssh_host_ed25519_key" ] || ssh-keygen -q -t ed25519 -N '' -f "$DIR/ssh_host_ed25519_key" || return 1
  [ -s "$DIR/client_key" ] || ssh-keygen -q -t ed25519 -N '' -C dif-test -f "$DIR/client_key" || return 1
  cp "$DIR/client_key.pub" "$USER_HOME/.ssh/authorized_keys"
  chown -R "$USER_NAME:$USER_NAME" "$USER_HOME"
  chmod 700 "$USER_HOME/.ssh"; chmod 600 "$USER_HOME/.ssh/authorized_keys"
  write_configs
}

write_configs() {
  cat > "$DIR/sshd_config" <<EOF
Port $SFTP_PORT
ListenAddress 127.0.0.1
HostKey $DIR/ssh_host_ed25519_key
PidFile $DIR/sshd.pid
AllowUsers $USER_NAME
AuthorizedKeysFile .ssh/authorized_keys
PubkeyAuthentication yes
PasswordAuthentication yes
KbdInteractiveAuthentication no
UsePAM no
PermitRootLogin no
Subsystem sftp internal-sftp
LogLevel INFO
EOF

  cat > "$DIR/vsftpd.conf" <<EOF
listen=YES
listen_ipv6=NO
listen_address=127.0.0.1
listen_port=$FTP_PORT
background=YES
anonymous_enable=NO
local_enable=YES
write_enable=YES
userlist_enable=NO
pam_service_name=vsftpd
seccomp_sandbox=NO
secure_chroot_dir=/var/run/vsftpd/empty
pasv_enable=YES
pasv_address=127.0.0.1
pasv_min_port=$FTP_PASV_MIN
pasv_max_port=$FTP_PASV_MAX
ssl_enable=YES
allow_anon_ssl=NO
force_local_logins_ssl=NO
force_local_data_ssl=NO
require_ssl_reuse=NO
ssl_ciphers=HIGH
rsa_cert_file=$DIR/cert.pem
rsa_private_key_file=$DIR/key.pem
vsftpd_log_file=$LOG_DIR/vsftpd.log
xferlog_enable=YES
EOF

  local uid gid
  uid="$(id -u "$USER_NAME")"; gid="$(id -g "$USER_NAME")"
  # dovecot's auth process runs as the dovecot user, which cannot enter root's home: its
  # user file lives in a folder of its own.
  mkdir -p "$AUTH_DIR"; chmod 755 "$AUTH_DIR"
  echo "$IMAP_USER:{PLAIN}$IMAP_PASSWORD" > "$AUTH_DIR/dovecot.passwd"
  chown root:dovecot "$AUTH_DIR/dovecot.passwd"; chmod 640 "$AUTH_DIR/dovecot.passwd"
  mkdir -p "$DIR/dovecot-run"
  cat > "$DIR/dovecot.conf" <<EOF
protocols = imap
listen = 127.0.0.1
base_dir = $DIR/dovecot-run
state_dir = $DIR/dovecot-state
log_path = $LOG_DIR/dovecot.log
ssl = required
ssl_cert = <$DIR/cert.pem
ssl_key = <$DIR/key.pem
ssl_min_protocol = TLSv1.2
auth_mechanisms = plain login
disable_plaintext_auth = yes
mail_location = maildir:~/Maildir
first_valid_uid = $uid
default_internal_user = dovecot
default_login_user = dovenull
passdb {
  driver = passwd-file
  args = scheme=PLAIN username_format=%u $AUTH_DIR/dovecot.passwd
}
userdb {
  driver = static
  args = uid=$uid gid=$gid home=$USER_HOME/mail/%u
}
namespace inbox {
  inbox = yes
  separator = /
}
service imap-login {
  inet_listener imap {
    port = 0
  }
  inet_listener imaps {
    address = 127.0.0.1
    port = $IMAP_PORT
    ssl = yes
  }
}
service stats {
  unix_listener stats-writer {
    mode = 0666
  }
}
EOF
  mkdir -p "$DIR/dovecot-state"
}

start() { # name port command...
  local name="$1" port="$2"; shift 2
  port_open "$port" && return 0
  "$@" >>"$LOG_DIR/$name.log" 2>&1 || { echo "file-servers: $name failed to start; see $LOG_DIR/$name.log" >&2; return 1; }
  wait_for_port "$name" "$port" 20
}

up() {
  install_packages || return 1
  prepare || { echo "file-servers: could not prepare the test user and keys in $DIR" >&2; return 1; }
  local failed=0
  start sftp "$SFTP_PORT" /usr/sbin/sshd -f "$DIR/sshd_config" -E "$LOG_DIR/sftp.log" || failed=1
  start ftp "$FTP_PORT" /usr/sbin/vsftpd "$DIR/vsftpd.conf" || failed=1
  start imap "$IMAP_PORT" /usr/sbin/dovecot -c "$DIR/dovecot.conf" || failed=1
  return $failed
}

status() {
  local name port missing=0
  printf '%-6s %-17s %-5s %s\n' SERVER ADDRESS STATE FIX
  for entry in "imap:$IMAP_PORT" "sftp:$SFTP_PORT" "ftp:$FTP_PORT"; do
    name="${entry%%:*}"; port="${entry#*:}"
    if port_open "$port"; then printf '%-6s %-17s %-5s\n' "$name" "127.0.0.1:$port" up
    else printf '%-6s %-17s %-5s %s\n' "$name" "127.0.0.1:$port" down "bash scripts/file-servers.sh up"; missing=1; fi
  done
  return $missing
}

down() {
  [ -s "$DIR/sshd.pid" ] && kill "$(cat "$DIR/sshd.pid")" 2>/dev/null && rm -f "$DIR/sshd.pid"
  [ -x /usr/bin/doveadm ] && [ -f "$DIR/dovecot.conf" ] && /usr/bin/doveadm -c "$DIR/dovecot.conf" stop 2>/dev/null
  # vsftpd (background=YES) keeps no pid file: find the listener of our own port.
  local pid
  pid="$(ss -Hltnp "sport = :$FTP_PORT" 2>/dev/null | grep -o 'pid=[0-9]*' | head -1 | cut -d= -f2)"
  [ -n "$pid" ] && kill "$pid" 2>/dev/null
  return 0
}

env_vars() {
  cat <<EOF
DIF_FILES_DIR=$DIR
DIF_FILES_USER=$USER_NAME
DIF_FILES_HOME=$USER_HOME
DIF_FILES_PASSWORD=$USER_PASSWORD
DIF_IMAP_PORT=$IMAP_PORT
DIF_IMAP_USER=$IMAP_USER
DIF_IMAP_PASSWORD=$IMAP_PASSWORD
DIF_SFTP_PORT=$SFTP_PORT
DIF_FTP_PORT=$FTP_PORT
EOF
}

case "${1:-status}" in
  up) up ;;
  status) status ;;
  down) down ;;
  env) env_vars ;;
  *) echo "usage: scripts/file-servers.sh up|status|down|env" >&2; exit 2 ;;
esac
