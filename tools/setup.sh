#!/usr/bin/env bash
# Idempotent set-up for `make demo` and `make test`: installs only what is missing, then
# installs the workspace from the lockfile and builds it. Safe to run again and again.
set -euo pipefail
cd "$(dirname "$0")/.."
export TURBO_TELEMETRY_DISABLED=1 DEBIAN_FRONTEND=noninteractive

PNPM_VERSION=10.34.9
# Debian packages: chromium ships SwiftShader's Vulkan driver (WebGPU tests through Dawn
# and the browser tests), libvulkan1 is the loader Dawn needs.
DEBIAN_PACKAGES=(chromium libvulkan1)

if [ "$(pnpm --version 2>/dev/null || true)" != "$PNPM_VERSION" ]; then
  echo "setup: installing pnpm $PNPM_VERSION"
  npm install -g "pnpm@$PNPM_VERSION" >/dev/null
fi

missing=()
for pkg in "${DEBIAN_PACKAGES[@]}"; do
  dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing Debian packages: ${missing[*]}"
  SUDO=""
  [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

pnpm install --frozen-lockfile --reporter=silent
pnpm exec turbo run build --output-logs=errors-only
