#!/usr/bin/env bash
# Times `vigil generate` into a brand-new ext4 file system (a loop device), so that the
# disk's history (ext4 gets slower at creating files where many were just deleted) does not
# swamp the figure. Needs root (mkfs, mount). Usage:
#   scripts/bench-fresh-ext4.sh target/release/vigil SPEC [RUNS]
# Synthetic specs: cargo bench --bench compile -- 10000 --keep /tmp/synth (then
# /tmp/synth/10000/kdl/spec.kdl).
set -euo pipefail
vigil=$(realpath "$1")
spec=$(realpath "$2")
runs=${3:-3}
image=$(mktemp --tmpdir=/var/tmp vigil-ext4.XXXXXX)
mount_point=$(mktemp -d)
cleanup() {
    umount "$mount_point" 2>/dev/null || true
    rm -f "$image"
    rmdir "$mount_point" 2>/dev/null || true
}
trap cleanup EXIT
for _ in $(seq "$runs"); do
    truncate -s 3G "$image"
    mkfs.ext4 -q -F "$image"
    mount -o loop "$image" "$mount_point"
    cat "$spec" > /dev/null
    /usr/bin/time -f "%e s wall, %U s user, %S s sys, %M KiB peak" \
        "$vigil" generate "$spec" --out "$mount_point/out" 2>&1 | tail -1
    umount "$mount_point"
    rm -f "$image"
done
