#!/usr/bin/env bash
# Fresh-machine set-up: the system packages the sandbox and the candidate languages need, then the
# npm dependencies (which include a Node 24 binary that npm scripts run on).
set -euo pipefail
cd "$(dirname "$0")/.."
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
if ! command -v bwrap >/dev/null || ! command -v g++ >/dev/null || ! command -v python3 >/dev/null || ! command -v git >/dev/null || ! command -v chromium >/dev/null; then
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq
  # bubblewrap: the sandbox; python3, g++: languages candidate programs are written in; chromium:
  # the browser the HTML report tests drive (playwright-core, no browser download).
  $SUDO apt-get install -y -qq bubblewrap python3 g++ git chromium >/dev/null
fi
# npm itself runs on the machine's Node, which may be older than the Node 24 that the `node` dev
# dependency brings and every npm script runs on: its EBADENGINE warnings say nothing about this
# set-up, so they are dropped; every other line (and npm's exit status) is kept.
npm ci --no-fund --no-audit 2>&1 | { grep -v 'EBADENGINE' || true; }
