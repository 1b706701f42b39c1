#!/bin/sh
# Capture a genuine sshd authentication log: Debian's OpenSSH server (with PAM) on loopback, Debian's
# rsyslog writing the auth facility as Debian does (traditional year-less stamps, repeated-message
# reduction on) and as RFC 3339 stamps, and real ssh clients making the attempts below.
# Run as root on a scratch Debian 12 machine (it adds users): sh capture.sh OUTDIR
set -eu
OUT=${1:?output directory}
mkdir -p "$OUT" /run/sshd
export TZ=Asia/Taipei
cat > /tmp/zhengan-rsyslog.conf <<CONF
module(load="imuxsock" SysSock.Name="/dev/log")
\$RepeatedMsgReduction on
auth,authpriv.*  action(type="omfile" file="$OUT/auth.log" template="RSYSLOG_TraditionalFileFormat")
auth,authpriv.*  action(type="omfile" file="$OUT/secure-rfc3339.log" template="RSYSLOG_FileFormat")
CONF
rm -f "$OUT/auth.log" "$OUT/secure-rfc3339.log"
rsyslogd -f /tmp/zhengan-rsyslog.conf -i /tmp/zhengan-rsyslog.pid
ssh-keygen -A >/dev/null
for u in alice bob carol dba01; do id "$u" >/dev/null 2>&1 || useradd -m -s /bin/sh "$u"; done
echo 'alice:Corr3ct-horse!' | chpasswd
echo 'bob:B0b-s3cret-pass' | chpasswd
echo 'carol:Car0l-pass-2026' | chpasswd
usermod -L carol
mkdir -p /home/dba01/.ssh
rm -f /tmp/zhengan-dba01-key /tmp/zhengan-dba01-key.pub
ssh-keygen -q -t ed25519 -N '' -f /tmp/zhengan-dba01-key
cp /tmp/zhengan-dba01-key.pub /home/dba01/.ssh/authorized_keys
chown -R dba01:dba01 /home/dba01/.ssh && chmod 700 /home/dba01/.ssh && chmod 600 /home/dba01/.ssh/authorized_keys
/usr/sbin/sshd -p 2222 -o ListenAddress=127.0.0.1 -o UsePAM=yes -o PasswordAuthentication=yes \
  -o KbdInteractiveAuthentication=no -o MaxAuthTries=3 -o PermitRootLogin=prohibit-password \
  -o PidFile=/tmp/zhengan-sshd.pid -o LogLevel=INFO -o SyslogFacility=AUTH
sleep 1
SSH="ssh -p 2222 -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null -o LogLevel=ERROR"
PW="-o PreferredAuthentications=password -o PubkeyAuthentication=no"
try() { "$@" true </dev/null >/dev/null 2>&1 || true; sleep 1; }
# the password each prompt is answered with, through ssh's own SSH_ASKPASS (no terminal needed)
pw() { printf '#!/bin/sh\necho %s\n' "'$1'" > /tmp/zhengan-askpass; chmod 700 /tmp/zhengan-askpass; }
export SSH_ASKPASS=/tmp/zhengan-askpass SSH_ASKPASS_REQUIRE=force DISPLAY=none
# 1. alice logs in with her password from .10
pw 'Corr3ct-horse!'; try $SSH $PW -b 127.0.0.10 -o NumberOfPasswordPrompts=1 alice@127.0.0.1
# 2. alice mistypes three times from .11 (one connection; three identical lines)
pw 'wrong-one'; try $SSH $PW -b 127.0.0.11 -o NumberOfPasswordPrompts=3 alice@127.0.0.1
# 3. invalid user oracle, one password, from .12
pw 'oracle'; try $SSH $PW -b 127.0.0.12 -o NumberOfPasswordPrompts=1 oracle@127.0.0.1
# 4. root guesses until sshd cuts it off (MaxAuthTries 3) from .12
pw 'toor'; try $SSH $PW -b 127.0.0.12 -o NumberOfPasswordPrompts=5 root@127.0.0.1
# 5. dba01 with a key from .13
try $SSH -b 127.0.0.13 -i /tmp/zhengan-dba01-key -o PreferredAuthentications=publickey -o IdentitiesOnly=yes dba01@127.0.0.1
# 6. bob fails once, then succeeds, from .14
pw 'B0b-wrong'; try $SSH $PW -b 127.0.0.14 -o NumberOfPasswordPrompts=1 bob@127.0.0.1
pw 'B0b-s3cret-pass'; try $SSH $PW -b 127.0.0.14 -o NumberOfPasswordPrompts=1 bob@127.0.0.1
# 7. invalid user admin probes and leaves before any password, from .15
try $SSH -b 127.0.0.15 -o BatchMode=yes -o PreferredAuthentications=none admin@127.0.0.1
# 8. carol's account is locked: the right password fails, from .16
pw 'Car0l-pass-2026'; try $SSH $PW -b 127.0.0.16 -o NumberOfPasswordPrompts=1 carol@127.0.0.1
sleep 2
kill "$(cat /tmp/zhengan-sshd.pid)" "$(cat /tmp/zhengan-rsyslog.pid)"
sleep 1
wc -l "$OUT/auth.log" "$OUT/secure-rfc3339.log"
