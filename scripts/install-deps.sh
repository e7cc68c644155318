#!/usr/bin/env bash
#! Installs the Linux system packages Haemong needs to build (`run`) or to be tested (`test`),
#! only those that are missing, with sudo when not root. Debian 12 and Ubuntu 22.04+.
set -euo pipefail
what="${1:-run}"

# perl: the vendored OpenSSL under SQLCipher is configured by Perl scripts (IPC::Cmd, which
# perl-base lacks); build-essential brings it on Debian, named here so nothing relies on that.
# binutils: `ar`, with which `make package` and its test look inside the .deb (scripts/repack-deb.sh).
build_pkgs=(build-essential binutils perl pkg-config curl file libssl-dev libwebkit2gtk-4.1-dev libgtk-3-dev
  libayatana-appindicator3-dev librsvg2-dev libxdo-dev libsecret-1-dev libdbus-1-dev)
test_pkgs=(xvfb xauth webkit2gtk-driver fonts-noto-cjk gnome-keyring libsecret-tools dbus dbus-x11
  imagemagick xdotool python3-xlib python3-dbus python3-gi strace fonts-noto-color-emoji locales procps sqlite3 nodejs
  gcc-mingw-w64-x86-64)

pkgs=("${build_pkgs[@]}")
if [ "$what" = test ] || [ "$what" = bench ]; then pkgs+=("${test_pkgs[@]}"); fi

if ! command -v cargo >/dev/null 2>&1; then
  echo "install-deps: Rust is missing. Install it with rustup (https://rustup.rs), open a new shell, and run make again." >&2
  exit 1
fi

if ! command -v dpkg-query >/dev/null 2>&1; then
  echo "install-deps: not a Debian/Ubuntu system; install the Tauri 2 prerequisites yourself (see README)." >&2
  exit 0
fi

missing=()
for p in "${pkgs[@]}"; do
  # nodejs may come from elsewhere (nvm, NodeSource); a working `node` is enough.
  if [ "$p" = nodejs ] && command -v node >/dev/null 2>&1; then continue; fi
  status=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
  [ "$status" = "install ok installed" ] || missing+=("$p")
done

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi

if [ "${#missing[@]}" -gt 0 ]; then
  echo "install-deps: installing ${missing[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

if [ "$what" = test ] || [ "$what" = bench ]; then
  # A Korean navigator.language needs the ko_KR.UTF-8 locale to exist.
  if ! locale -a 2>/dev/null | grep -qi '^ko_KR\.utf8$'; then
    if [ -f /etc/locale.gen ]; then
      $SUDO sed -i 's/^# *ko_KR.UTF-8 UTF-8/ko_KR.UTF-8 UTF-8/; s/^# *en_US.UTF-8 UTF-8/en_US.UTF-8 UTF-8/' /etc/locale.gen
      $SUDO locale-gen >/dev/null
    else
      $SUDO locale-gen ko_KR.UTF-8 en_US.UTF-8 >/dev/null
    fi
  fi
  # tauri-driver bridges WebDriver to WebKitWebDriver; it is a crates.io binary pinned to 2.x.
  if ! command -v tauri-driver >/dev/null 2>&1 && [ ! -x "$HOME/.cargo/bin/tauri-driver" ]; then
    echo "install-deps: installing tauri-driver"
    cargo install tauri-driver --locked --version '^2' >/dev/null
  fi
  # cargo-fuzz runs the fuzz targets (fuzz/) on stable Rust, without a sanitizer.
  if ! cargo fuzz --version >/dev/null 2>&1; then
    echo "install-deps: installing cargo-fuzz"
    cargo install cargo-fuzz --locked --version '^0.13' >/dev/null
  fi
  # `make cross-check` compiles the Windows and macOS code paths here: the Rust standard libraries
  # of both targets, mingw-w64 (above) for Windows build scripts' C, zig (PyPI) for macOS's.
  installed_targets=$(rustup target list --installed 2>/dev/null || true)
  for t in x86_64-pc-windows-gnu x86_64-apple-darwin; do
    if ! grep -qx "$t" <<<"$installed_targets"; then
      echo "install-deps: adding the Rust target $t"
      rustup target add "$t" >/dev/null
    fi
  done
  if ! python3 -m ziglang version >/dev/null 2>&1; then
    echo "install-deps: installing zig (ziglang from PyPI) for the macOS cross-check"
    python3 -m pip install --quiet --disable-pip-version-check 'ziglang==0.17.*' 2>/dev/null \
      || python3 -m pip install --quiet --disable-pip-version-check --break-system-packages 'ziglang==0.17.*'
  fi
  # cargo-deny checks licenses, banned crates and sources (deny.toml).
  if ! cargo deny --version >/dev/null 2>&1; then
    echo "install-deps: installing cargo-deny"
    cargo install cargo-deny --locked --version '^0.20' >/dev/null
  fi
fi
