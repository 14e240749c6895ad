#!/usr/bin/env bash
# Fresh-machine set-up: the system packages the sandbox and the candidate languages need, then the
# npm dependencies (which include a Node 24 binary that npm scripts run on). A second run is quick:
# apt is skipped when the tools are there, `npm ci` when node_modules was installed from this
# package-lock.json (its hash is kept in node_modules/.sstar-lock-hash).
set -euo pipefail
cd "$(dirname "$0")/.."
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi

# Another apt or dpkg (unattended-upgrades on a fresh machine, often) holds the lock: wait for it,
# at most SSTAR_APT_WAIT seconds (default 300), instead of failing at once.
wait_for_apt() {
  local waited=0 limit="${SSTAR_APT_WAIT:-300}"
  while $SUDO fuser /var/lib/dpkg/lock-frontend /var/lib/dpkg/lock /var/lib/apt/lists/lock >/dev/null 2>&1; do
    if [ "$waited" -ge "$limit" ]; then
      echo "setup: another apt/dpkg process still holds the package lock after ${limit} s; wait for it to finish (or raise SSTAR_APT_WAIT) and rerun" >&2
      exit 1
    fi
    if [ "$waited" -eq 0 ]; then echo "setup: waiting for another apt/dpkg process to release the package lock (at most ${limit} s)" >&2; fi
    sleep 5
    waited=$((waited + 5))
  done
}

if ! command -v bwrap >/dev/null || ! command -v g++ >/dev/null || ! command -v python3 >/dev/null || ! command -v git >/dev/null || ! command -v chromium >/dev/null; then
  export DEBIAN_FRONTEND=noninteractive
  # fuser (psmisc) may be missing: then apt's own lock timeout does the waiting.
  if command -v fuser >/dev/null; then wait_for_apt; fi
  $SUDO apt-get -o DPkg::Lock::Timeout="${SSTAR_APT_WAIT:-300}" update -qq
  # bubblewrap: the sandbox; python3, g++: languages candidate programs are written in; chromium:
  # the browser the HTML report tests drive (playwright-core, no browser download).
  $SUDO apt-get -o DPkg::Lock::Timeout="${SSTAR_APT_WAIT:-300}" install -y -qq bubblewrap python3 g++ git chromium >/dev/null
fi

lock_hash="$(sha256sum package-lock.json | cut -d' ' -f1)"
stamp=node_modules/.sstar-lock-hash
if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$lock_hash" ] && [ -f node_modules/.package-lock.json ]; then
  echo "setup: node_modules already matches package-lock.json; npm ci skipped (delete node_modules to reinstall)"
  exit 0
fi
# npm itself runs on the machine's Node, which may be older than the Node 24 that the `node` dev
# dependency brings and every npm script runs on: its EBADENGINE warnings (from dependencies that
# ask for a newer Node) say nothing about this set-up, so they are dropped; every other line (and
# npm's exit status) is kept.
npm ci --no-fund --no-audit 2>&1 | { grep -v 'EBADENGINE' || true; }
echo "$lock_hash" > "$stamp"
