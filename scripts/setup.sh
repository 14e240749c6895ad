#!/usr/bin/env bash
# Fresh-machine set-up: the system packages the sandbox and the candidate languages need, then the
# npm dependencies (which include a Node 24 binary that npm scripts run on).
set -euo pipefail
cd "$(dirname "$0")/.."
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
if ! command -v bwrap >/dev/null || ! command -v g++ >/dev/null || ! command -v python3 >/dev/null || ! command -v git >/dev/null; then
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq
  # bubblewrap: the sandbox; python3, g++: languages candidate programs are written in.
  $SUDO apt-get install -y -qq bubblewrap python3 g++ git >/dev/null
fi
npm ci --no-fund --no-audit
