#!/usr/bin/env bash
# Installs what the end-to-end tests need (Chromium, Neovim, ripgrep, code-server); idempotent, skips what is present.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
CODE_SERVER_VERSION="4.100.3"
CODE_SERVER_DIR="${STRIDE_CODE_SERVER_DIR:-$ROOT/.cache/code-server}"
RIPGREP_VERSION="1.15.11"
RIPGREP_ASSET="ripgrep-v13.0.0-10-x86_64-unknown-linux-musl.tar.gz"

log() { printf '[setup-e2e] %s\n' "$*"; }

# Debian packages: chromium drives the UI tests, neovim is the second LSP client,
# ripgrep feeds code-server's search, libkrb5-dev lets its kerberos addon compile.
install_apt_packages() {
  local missing=()
  local pkg
  for pkg in chromium ripgrep libkrb5-dev neovim; do
    if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed'; then
      missing+=("$pkg")
    fi
  done
  if [ "${#missing[@]}" -eq 0 ]; then
    log "apt packages present"
    return
  fi
  log "installing apt packages: ${missing[*]}"
  local sudo=""
  if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi
  # Another apt run (a parallel setup script) holds the dpkg lock for a while: wait for it instead of failing.
  $sudo apt-get -o DPkg::Lock::Timeout=600 update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends "${missing[@]}"
}

# @vscode/ripgrep downloads rg in its postinstall unless its cache already holds the
# release asset; a tarball of Debian's rg under the expected name keeps it offline.
seed_ripgrep_cache() {
  local cache_dir="${TMPDIR:-/tmp}/vscode-ripgrep-cache-$RIPGREP_VERSION"
  local tarball="$cache_dir/$RIPGREP_ASSET"
  if [ -s "$tarball" ]; then
    return
  fi
  log "seeding ripgrep cache at $tarball"
  mkdir -p "$cache_dir"
  tar -czf "$tarball" -C /usr/bin rg
}

code_server_installed() {
  local pkg="$CODE_SERVER_DIR/node_modules/code-server/package.json"
  [ -f "$pkg" ] && [ -x "$CODE_SERVER_DIR/node_modules/.bin/code-server" ] &&
    node -e "process.exit(require('$pkg').version === '$CODE_SERVER_VERSION' ? 0 : 1)"
}

# code-server lives in its own folder so the project's node_modules stays small and
# a plain `npm install` of the project never touches it.
install_code_server() {
  if code_server_installed; then
    log "code-server $CODE_SERVER_VERSION present in $CODE_SERVER_DIR"
    return
  fi
  seed_ripgrep_cache
  log "installing code-server $CODE_SERVER_VERSION into $CODE_SERVER_DIR (about 1.5 min)"
  mkdir -p "$CODE_SERVER_DIR"
  if [ ! -f "$CODE_SERVER_DIR/package.json" ]; then
    printf '{ "name": "stride-e2e-code-server", "private": true }\n' >"$CODE_SERVER_DIR/package.json"
  fi
  # npm 11 has no --unsafe-perm flag, but code-server's postinstall insists on it as
  # root; node-pty's postinstall runs `npx node-gyp`, which needs a "yes".
  (
    cd "$CODE_SERVER_DIR"
    # Concurrent npm installs share the npm cache; the project-wide lock serialises them.
    npm_config_unsafe_perm=true npm_config_yes=true \
      flock /tmp/stride-npm.lock npm install --no-audit --no-fund --save-exact "code-server@$CODE_SERVER_VERSION"
  )
  code_server_installed || {
    log "code-server install did not produce $CODE_SERVER_DIR/node_modules/.bin/code-server"
    exit 1
  }
}

install_apt_packages
install_code_server
log "ready: $CODE_SERVER_DIR/node_modules/.bin/code-server, /usr/bin/chromium, $(command -v nvim)"
