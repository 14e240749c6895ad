#!/usr/bin/env bash
# The sandbox's hostile suite again as an unprivileged user (nobody), after the suite ran as root:
# every promise must hold both ways. Needs root (to switch user) and setpriv; the checkout and
# node_modules must be readable by nobody. A 0600 root-owned file in a bound folder is planted for
# the "can't read root's file" case. The local model's end-to-end solve runs too: as nobody, with a
# fresh HOME, it installs the library into an empty cache folder (npm registry needed) and solves.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ "$(id -u)" -ne 0 ] || ! command -v setpriv >/dev/null; then
  echo "test-unprivileged: skipped (needs root and setpriv to run the suite as nobody)"
  exit 0
fi
secret="/usr/local/share/sstar-unprivileged-test-$$"
home="$(mktemp -d /tmp/sstar-nobody-XXXXXX)"
trap 'rm -rf "$secret" "$home"' EXIT
mkdir -p /usr/local/share
echo "root only" >"$secret"
chmod 600 "$secret"
chown 65534:65534 "$home"
# --configLoader runner: vitest would otherwise write its bundled config into node_modules.
# The machine's own trust and proxy settings for the npm registry (the local-model test installs
# its library from there), passed on by name when set; nothing else of this environment is.
pass=()
for v in NODE_EXTRA_CA_CERTS SSL_CERT_FILE SSL_CERT_DIR npm_config_cafile npm_config_registry HTTPS_PROXY HTTP_PROXY NO_PROXY https_proxy http_proxy no_proxy; do
  if [ -n "${!v:-}" ]; then pass+=("$v=${!v}"); fi
done
if [ -z "${npm_config_cafile:-}" ] && [ -n "$(npm config get cafile 2>/dev/null | grep -v '^null$' || true)" ]; then
  pass+=("npm_config_cafile=$(npm config get cafile)")
fi
setpriv --reuid=65534 --regid=65534 --clear-groups \
  env -i PATH="$PWD/node_modules/.bin:/usr/local/bin:/usr/bin:/bin" HOME="$home" LANG=C.UTF-8 SSTAR_TEST_ROOT_FILE="$secret" "${pass[@]}" \
  node_modules/.bin/vitest run --configLoader runner test/sandbox/hostile.test.ts test/sandbox/hostile-verdicts.test.ts test/sandbox/hostile-runner.test.ts test/sandbox/compile.test.ts test/sandbox/none.test.ts test/sandbox/importer-hostile.test.ts test/sandbox/spec-symlinks.test.ts \
  test/local/solve-local.test.ts
