#!/usr/bin/env bash
# Proof that README.md's two commands do all the set-up on a fresh Debian machine:
#
#   scripts/try-fresh.sh trixie|bookworm [--keep]
#
# makes a minimal Debian root in /var/tmp/parity-fresh/SUITE (debootstrap --variant=minbase, only
# git, ca-certificates, make and sudo, as a newcomer's machine), clones this checkout's HEAD into
# it, and runs `make demo` then `make test` there as root, as a person would. It prints each
# command's wall time and ctest's summary line, and keeps the whole log in build/fresh/SUITE.log.
# Whatever happens, it unmounts what it mounted on exit; --keep leaves the root in place to look
# into (`chroot /var/tmp/parity-fresh/SUITE`), otherwise it is removed. The root is outside the
# checkout so that `make clean` can never meet the host's /dev or /sys mounted inside it.
#
# Needs root, debootstrap and Debian's mirror (PARITY_MIRROR, default deb.debian.org); takes 40 to
# 60 minutes on 2 cores. Not part of `make test`. Only committed work is tried: the clone is of
# HEAD. The chroot shares the host's network and processes: run it on a machine that is not busy.
set -euo pipefail

usage() { echo "usage: $0 trixie|bookworm [--keep]" >&2; exit 2; }
[[ $# -ge 1 && $# -le 2 ]] || usage
suite=$1
keep=0
if [[ $# == 2 ]]; then [[ $2 == --keep ]] && keep=1 || usage; fi
[[ $suite =~ ^[a-z]+$ ]] || usage
[[ $(id -u) -eq 0 ]] ||
  { echo "try-fresh: debootstrap and chroot need root; run it with sudo" >&2; exit 2; }
command -v debootstrap >/dev/null ||
  { echo "try-fresh: debootstrap is missing; apt-get install debootstrap" >&2; exit 2; }

checkout=$(cd "$(dirname "$0")/.." && pwd)
mirror=${PARITY_MIRROR:-http://deb.debian.org/debian}
root=/var/tmp/parity-fresh/$suite
log=$checkout/build/fresh/$suite.log
mkdir -p "$(dirname "$root")" "$(dirname "$log")"

unmount() {
  for m in dev/pts dev/shm dev sys proc; do
    mountpoint -q "$root/$m" && umount -l "$root/$m"
  done
  return 0
}
cleanup() {
  unmount
  if [[ $keep == 0 && -d $root ]]; then rm -rf --one-file-system "$root"; fi
}
trap cleanup EXIT

step() { echo "try-fresh: $*" | tee -a "$log"; }
: >"$log"
if [[ -d $root ]]; then unmount; rm -rf --one-file-system "$root"; fi

start=$(date +%s)
step "debootstrap $suite into $root (minbase, with git ca-certificates make sudo)"
debootstrap --variant=minbase --include=git,ca-certificates,make,sudo "$suite" "$root" "$mirror" \
  >>"$log" 2>&1 || { tail -20 "$log"; exit 1; }
cp /etc/resolv.conf "$root/etc/resolv.conf"
# A chroot has no init: services installed here (nginx) must not start on the host's ports.
printf '#!/bin/sh\nexit 101\n' >"$root/usr/sbin/policy-rc.d"
chmod +x "$root/usr/sbin/policy-rc.d"
mount -t proc proc "$root/proc"
mount --rbind --make-rslave /sys "$root/sys"
mount --rbind --make-rslave /dev "$root/dev"
git clone -q --no-hardlinks "$checkout" "$root/root/parity"
step "$(sed -n 's/^PRETTY_NAME="\(.*\)"$/\1/p' "$root/etc/os-release"),"\
     "checkout at $(git -C "$checkout" rev-parse --short HEAD)"

# Each of README.md's two commands, timed, as root in the new system (no sudo needed).
run() {
  local what=$1 began rc=0
  began=$(date +%s)
  step "$what ..."
  chroot "$root" /usr/bin/env -i HOME=/root PATH=/usr/sbin:/usr/bin:/sbin:/bin TERM=dumb \
    LANG=C.UTF-8 bash -c "cd /root/parity && $what" >>"$log" 2>&1 || rc=$?
  local took=$(( $(date +%s) - began ))
  step "$what: exit $rc after $(( took / 60 )) min $(( took % 60 )) s"
  return $rc
}
status=0
run "make demo" || status=1
run "make test" || status=1
summary=$(grep -E '^[0-9]+% tests passed' "$log" | tail -1 || true)
step "ctest: ${summary:-no summary line (see $log)}"
step "wall time: $(( ($(date +%s) - start) / 60 )) min, log in $log"
[[ $status == 0 ]] || grep -E 'Failed|\*\*\*|Error|error:' "$log" | tail -20
exit $status
