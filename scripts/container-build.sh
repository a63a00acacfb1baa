#!/usr/bin/env bash
# Builds DIF's worker images without a Docker daemon, with buildah from Debian's packages.
#   bash scripts/container-build.sh            builds localhost/dif-worker and localhost/dif-clean-room
# The Dockerfile starts FROM a Node 20 image (NODE_IMAGE). Where a registry of images can be
# reached, set DIF_CONTAINER_BASE=docker.io/library/node:20-bookworm-slim and buildah pulls it.
# Where none can (this project's machines reach only npm, the Go proxy and Debian's mirror), the
# script makes the base itself: a Debian bookworm root filesystem from debootstrap, plus
# ca-certificates and this machine's Node 20 (the `nodejs` package's files), imported with
# `buildah from scratch` as localhost/dif-node20-bookworm. Idempotent: the base is made once.
# Needs root (buildah's chroot isolation, debootstrap); installs buildah and debootstrap if missing.
set -euo pipefail
cd "$(dirname "$0")/.."

BASE="${DIF_CONTAINER_BASE:-localhost/dif-node20-bookworm:local}"
WORK="${DIF_CONTAINER_WORK:-${TMPDIR:-/tmp}/dif-container}"
# chroot isolation: no OCI runtime (runc, crun) is needed for RUN steps; vfs: works where overlay mounts are refused.
BUILDAH=(buildah --storage-driver "${DIF_BUILDAH_STORAGE_DRIVER:-vfs}")

say() { echo "container-build: $*" >&2; }

need_tools() {
  local missing=()
  command -v buildah >/dev/null || missing+=(buildah)
  [[ "$BASE" == localhost/dif-node20-bookworm:* ]] && ! command -v debootstrap >/dev/null && missing+=(debootstrap)
  if ((${#missing[@]})); then
    [[ $(id -u) == 0 ]] || { say "needs ${missing[*]} (apt-get install -y ${missing[*]}) and root"; exit 1; }
    say "installing ${missing[*]} from Debian"
    DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install -y --no-install-recommends "${missing[@]}" >&2
  fi
}

have_image() { "${BUILDAH[@]}" inspect --type image "$1" >/dev/null 2>&1; }

# A stand-in for node:20-bookworm-slim: Debian's base system and the same Node major version as this machine's.
make_local_base() {
  local node_version rootfs="$WORK/rootfs"
  node_version=$(node -p 'process.versions.node')
  [[ ${node_version%%.*} == 20 ]] || { say "this machine's Node is $node_version; the image wants Node 20 (engines >=20.3)"; exit 1; }
  [[ $(command -v node) == /usr/bin/node ]] || { say "this machine's node is $(command -v node), not /usr/bin/node; set DIF_CONTAINER_BASE to a Node 20 image instead"; exit 1; }
  if [[ ! -x "$rootfs/usr/bin/apt-get" ]]; then
    say "debootstrap bookworm into $rootfs (a few minutes)"
    rm -rf "$rootfs" && mkdir -p "$WORK"
    debootstrap --variant=minbase bookworm "$rootfs" http://deb.debian.org/debian >"$WORK/debootstrap.log" 2>&1 ||
      { say "debootstrap failed; see $WORK/debootstrap.log"; exit 1; }
  fi
  if [[ ! -e "$rootfs/etc/ssl/certs/ca-certificates.crt" ]]; then
    say "installing ca-certificates into the base (npm reaches its registry over TLS)"
    cp /etc/resolv.conf "$rootfs/etc/resolv.conf"
    # A clean environment: this shell's TMPDIR and the like do not exist inside the chroot.
    chroot "$rootfs" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root /bin/sh -c 'dpkg --configure -a && apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends ca-certificates && apt-get clean && rm -rf /var/lib/apt/lists/*' >&2
  fi
  # This machine's own trusted CAs (a TLS-inspecting egress proxy's, say) go into the local base, so npm
  # inside the build reaches the registry as it does here; an image pulled from a registry gets none of them.
  if compgen -G "/usr/local/share/ca-certificates/*.crt" >/dev/null; then
    say "adding this machine's local CAs ($(ls /usr/local/share/ca-certificates | tr '\n' ' '))to the local base"
    mkdir -p "$rootfs/usr/local/share/ca-certificates"
    cp /usr/local/share/ca-certificates/*.crt "$rootfs/usr/local/share/ca-certificates/"
    chroot "$rootfs" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin update-ca-certificates >/dev/null
  fi
  say "copying Node $node_version and its npm into the base"
  # The node binary, and npm and corepack as installed here (npm may be newer than the package's).
  local files=(usr/bin/node) f
  for f in usr/bin/npm usr/bin/npx usr/bin/corepack usr/lib/node_modules/npm usr/lib/node_modules/corepack; do [[ -e /$f ]] && files+=("$f"); done
  tar -C / -cf - "${files[@]}" | tar -C "$rootfs" -xf -
  chroot "$rootfs" /usr/bin/env -i /usr/bin/node --version >/dev/null || { say "the copied node does not run in the base"; exit 1; }
  say "importing the base as $BASE"
  tar -C "$rootfs" -cf "$WORK/rootfs.tar" --exclude=./proc/* --exclude=./sys/* --exclude=./dev/* .
  local ctr
  ctr=$("${BUILDAH[@]}" from scratch)
  "${BUILDAH[@]}" add "$ctr" "$WORK/rootfs.tar" / >/dev/null
  # NODE_EXTRA_CA_CERTS: Node reads its own CA list, not the system's, unless told.
  "${BUILDAH[@]}" config --env PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
    --env NODE_EXTRA_CA_CERTS=/etc/ssl/certs/ca-certificates.crt --cmd node \
    --label "org.opencontainers.image.description=Debian bookworm (debootstrap) with Node $node_version, made by scripts/container-build.sh" "$ctr"
  "${BUILDAH[@]}" commit --rm "$ctr" "$BASE" >/dev/null
  rm -f "$WORK/rootfs.tar"
}

need_tools
if ! have_image "$BASE"; then
  if [[ "$BASE" == localhost/dif-node20-bookworm:* ]]; then make_local_base; else say "pulling $BASE"; "${BUILDAH[@]}" pull "$BASE" >&2; fi
fi
for target in worker clean-room; do
  say "building localhost/dif-$target from $BASE"
  # --format docker: OCI images have no HEALTHCHECK; --layers: the npm ci layer is reused across targets and builds.
  "${BUILDAH[@]}" build --isolation chroot --format docker --layers --build-arg "NODE_IMAGE=$BASE" \
    --target "$target" -t "localhost/dif-$target" . >&2
done
say "built localhost/dif-worker and localhost/dif-clean-room"
