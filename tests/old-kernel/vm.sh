#!/usr/bin/env bash
# Runs a command on a REAL Linux 6.1 kernel (Debian 12's own: no SO_PEERPIDFD, no PIDFD_GET_INFO, no
# PIDFD_GET_*_NAMESPACE) inside a qemu VM, with this machine's root filesystem mounted read-only, /tmp a fresh
# tmpfs (this machine's /tmp stays readable at /tmp/host, a checkout below it at its own path), and the command run as root with it as the root (switch_root). Prints
# the command's output; exits with its status.
#   vm.sh [--first-without-unix-diag 'SHELL COMMAND'] [--] CMD [ARG...]
# With --first-without-unix-diag, that shell command runs first, before the unix_diag module is loaded (as on a
# kernel built without CONFIG_UNIX_DIAG); a failure of it fails the run.
# First use installs qemu-system-x86, busybox-static and cpio with apt and downloads the kernel package (about
# 70 MB) into $CACHE: the newest linux-image-6.1.*-amd64-unsigned that apt offers (Debian replaces them with each
# point release), else the newest one already in $CACHE; KVER=6.1.0-N-amd64 pins one. Boot takes about 6-12 s
# under TCG; KVM is not used (it hangs on these machines). x86_64 hosts only.
set -euo pipefail
without_unix_diag=
if [[ ${1:-} == --first-without-unix-diag ]]; then without_unix_diag=$2; shift 2; fi
[[ ${1:-} == -- ]] && shift
[[ $# -gt 0 ]] || { echo "usage: $0 [--first-without-unix-diag 'SHELL COMMAND'] [--] CMD [ARG...]" >&2; exit 2; }
CACHE=${CACHE:-/var/cache/old-kernel-vm}
MEM=${MEM:-1024}
TIMEOUT=${TIMEOUT:-600}

need=(); for t in qemu-system-x86_64:qemu-system-x86 busybox:busybox-static cpio:cpio; do
  command -v "${t%%:*}" >/dev/null || need+=("${t#*:}"); done
if [[ ${#need[@]} -gt 0 ]]; then
  (apt-get update -q && apt-get install -y -q "${need[@]}") >/dev/null || { echo "apt-get install ${need[*]} failed" >&2; exit 2; }
fi
[[ -x /bin/busybox ]] || { echo "/bin/busybox (busybox-static) missing" >&2; exit 2; }

newest() { sort -V | tail -1; }
if [[ -z ${KVER:-} ]]; then
  offered() { apt-cache pkgnames linux-image-6.1. | sed -n 's/^linux-image-\(6\.1\.[0-9.]*-[0-9]*-amd64\)-unsigned$/\1/p'; }
  KVER=$(offered | newest)
  [[ -n $KVER ]] || { apt-get update -q >/dev/null 2>&1 || true; KVER=$(offered | newest); }
  [[ -n $KVER ]] || KVER=$(ls "$CACHE" 2>/dev/null | grep -E '^6\.1\.[0-9.]+-[0-9]+-amd64$' | newest || true)
  [[ -n $KVER ]] || { echo "no linux-image-6.1.*-amd64-unsigned in apt nor in $CACHE" >&2; exit 2; }
fi
kdir=$CACHE/$KVER
if [[ ! -f $kdir/vmlinuz ]]; then
  mkdir -p "$kdir/deb" && (cd "$kdir/deb" && apt-get download -q "linux-image-$KVER-unsigned" >/dev/null) \
    || { echo "apt-get download linux-image-$KVER-unsigned failed" >&2; exit 2; }
  dpkg -x "$kdir"/deb/*.deb "$kdir/x"
  cp "$kdir"/x/boot/vmlinuz-* "$kdir/vmlinuz.tmp" && mv "$kdir/vmlinuz.tmp" "$kdir/vmlinuz"
fi

# The VM's /tmp is its own; a checkout below this machine's /tmp (whose
# programs and tables the command names by their paths) stays visible there.
keep=${KEEP:-}
if [[ -z $keep && $PWD == /tmp/?* ]]; then keep=$PWD; fi
work=$(mktemp -d /tmp/old-kernel-vm.XXXXXX); trap 'rm -rf "$work"' EXIT
ir=$work/ir; mkdir -p "$ir"/{bin,proc,sys,dev,mnt,mods}
cp /bin/busybox "$ir/bin/"
mods=(drivers/virtio/virtio_ring drivers/virtio/virtio drivers/virtio/virtio_pci_modern_dev
      drivers/virtio/virtio_pci_legacy_dev drivers/virtio/virtio_pci fs/netfs/netfs fs/fscache/fscache
      net/9p/9pnet net/9p/9pnet_virtio fs/9p/9p)
for m in "${mods[@]}" net/unix/unix_diag; do cp "$kdir/x/lib/modules/$KVER/kernel/$m.ko" "$ir/mods/"; done
printf '%q ' "$@" > "$ir/cmd"
printf '%s\n' "$without_unix_diag" > "$ir/first"
# The command runs after switch_root, not in a chroot: the kernel refuses a user namespace to a chrooted
# process (unshare --user fails with EPERM), and the suites need one.
cat > "$ir/init" <<EOF
#!/bin/busybox sh
/bin/busybox --install -s /bin
mount -t proc proc /proc; mount -t sysfs sys /sys; mount -t devtmpfs dev /dev
ifconfig lo 127.0.0.1 up   # the suites use TCP on loopback
for m in $(for m in "${mods[@]}"; do printf '%s ' "${m##*/}"; done); do insmod /mods/\$m.ko || echo "insmod \$m failed"; done
mount -t 9p -o trans=virtio,version=9p2000.L,ro host /mnt || { echo "9p mount failed"; poweroff -f; }
mkdir /hosttmp; mount --bind /mnt/tmp /hosttmp; mount -t tmpfs tmp /mnt/tmp; mkdir /mnt/tmp/host; mount --bind /hosttmp /mnt/tmp/host
if [ -n "$keep" ]; then mkdir -p "/mnt$keep"; mount --bind "/hosttmp/${keep#/tmp/}" "/mnt$keep"; fi
mount -t proc proc /mnt/proc; mount -t sysfs sys /mnt/sys; mount -t devtmpfs dev /mnt/dev
mount -t tmpfs run /mnt/run 2>/dev/null
mount -t cgroup2 none /mnt/sys/fs/cgroup 2>/dev/null
mkdir /mnt/tmp/.vm; cp /bin/busybox /cmd /first /stage2 /mods/unix_diag.ko /mnt/tmp/.vm/
exec switch_root /mnt /tmp/.vm/busybox sh /tmp/.vm/stage2
EOF
cat > "$ir/stage2" <<'EOF'
vm=/tmp/.vm
echo; echo "old-kernel-vm: begin"
(cd /tmp; . $vm/first) || { echo; echo "old-kernel-vm: exit 99"; $vm/busybox poweroff -f; }
$vm/busybox insmod $vm/unix_diag.ko || echo "insmod unix_diag failed"
(cd /tmp; . $vm/cmd); rc=$?
echo; echo "old-kernel-vm: exit $rc"
$vm/busybox poweroff -f
EOF
chmod +x "$ir/init"
(cd "$ir" && find . | cpio -o -H newc 2>/dev/null | gzip > "$work/initrd.gz")

timeout "$TIMEOUT" qemu-system-x86_64 -accel tcg -cpu max -m "$MEM" -smp 1 -nographic -no-reboot \
  -kernel "$kdir/vmlinuz" -initrd "$work/initrd.gz" -append "console=ttyS0 panic=-1 edd=off quiet loglevel=1" \
  -virtfs local,path=/,mount_tag=host,security_model=passthrough,readonly=on,multidevs=remap \
  > "$work/console" 2>&1 || true
# The console carries BIOS and kernel noise: print only what the command wrote, between the markers.
tr -d '\r' < "$work/console" | sed -n '/^old-kernel-vm: begin$/,/^old-kernel-vm: exit/p' | sed '1d;$d' | sed '${/^$/d}' || true
rc=$(tr -d '\r' < "$work/console" | sed -n 's/^old-kernel-vm: exit \([0-9]*\).*/\1/p' | tail -1)
[[ -n $rc ]] || { echo "old-kernel-vm: the command did not finish (boot failure or timeout after ${TIMEOUT}s)" >&2; exit 3; }
exit "$rc"
