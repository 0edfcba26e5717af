#!/usr/bin/env bash
# Installs the Debian packages the test suite needs — PostgreSQL (the tests start
# private clusters from its binaries), Chromium (Playwright) and nginx (the forward-auth
# tests and bench run it in the foreground) — unless present.
# Used by `npm test` on a fresh machine and by .ci/run. Never starts a service.
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive

installed() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q "install ok installed"; }
missing=()
installed postgresql || ls -d /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || missing+=(postgresql)
installed chromium || [[ -x /usr/bin/chromium ]] || missing+=(chromium)
installed nginx || [[ -x /usr/sbin/nginx ]] || missing+=(nginx)
if ((${#missing[@]} == 0)); then
  echo "system packages: postgresql, chromium and nginx present"
  exit 0
fi
if [[ $(id -u) -ne 0 ]] || ! command -v apt-get >/dev/null; then
  echo "missing system packages: ${missing[*]}. Install them with: sudo apt-get install -y ${missing[*]}" >&2
  exit 1
fi
# Keep installation from starting services (the Debian PostgreSQL cluster and nginx in particular).
created_policy=0
if [[ ! -e /usr/sbin/policy-rc.d ]]; then
  printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d
  chmod +x /usr/sbin/policy-rc.d
  created_policy=1
fi
trap '((created_policy)) && rm -f /usr/sbin/policy-rc.d' EXIT
echo "installing system packages: ${missing[*]}"
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}"
