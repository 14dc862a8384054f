#!/usr/bin/env bash
# Prepare .venv for `make run` or `make test`, on a fresh Debian/Ubuntu machine or an old checkout.
#
#   scripts/bootstrap.sh run    .venv with servicekit installed (editable)
#   scripts/bootstrap.sh test   the same with the test extras, Debian's Chromium for the browser tests, and
#                               the quality checkers in tests/tools/ (the Nu HTML Checker, run with Java,
#                               and axe-core), installed with npm from tests/tools/package-lock.json
#
# PYTHON names the interpreter that creates .venv (default: python3; 3.11 or newer). servicekit is
# (re)installed only when pyproject.toml changed since the last install, and the checkers only when
# tests/tools/package-lock.json did, so later runs start at once.
# Runs unattended (CI, no terminal): it never asks, it installs what it can as root and otherwise prints
# the one command to run.
set -euo pipefail

mode=${1:-}
case $mode in
    run) extras="" ;;
    test) extras="[test]" ;;
    *) echo "usage: scripts/bootstrap.sh run|test" >&2; exit 2 ;;
esac

cd "$(dirname "$0")/.."
python=${PYTHON:-python3}
venv=.venv
stamp=$venv/.servicekit-installed
tools=tests/tools
tools_stamp=$tools/node_modules/.servicekit-installed
min_java=17  # the Nu HTML Checker's vnu.jar is built for Java 17
export DEBIAN_FRONTEND=noninteractive
export PIP_DISABLE_PIP_VERSION_CHECK=1
# Playwright drives the system's Chromium; it must never fetch a browser of its own.
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1

say() { printf 'servicekit: %s\n' "$*" >&2; }
die() { say "$*"; exit 1; }
is_root() { [ "$(id -u)" -eq 0 ]; }

apt_updated=""
apt_update() { [ -n "$apt_updated" ] || { apt-get update -q && apt_updated=yes; }; }

# apt_install PACKAGE...: install Debian packages as root; otherwise print the command to run, and stop.
apt_install() {
    if ! is_root; then
        say "a system package is missing. Run this, then run 'make $mode' again:"
        echo "sudo apt-get install -y $*"
        exit 1
    fi
    say "installing $* with apt-get"
    apt_update
    apt-get install -y -q "$@"
}

new_enough() { "$1" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; }
has() { command -v "$1" >/dev/null 2>&1; }
# The major version of `java` on PATH (8 for "1.8.0", 17 for "17.0.15"); empty when there is none.
java_version() {
    has java || return 0
    java -version 2>&1 | sed -n 's/.* version "\(1\.\)\{0,1\}\([0-9]*\).*/\2/p' | head -n 1
}
java_ok() { [ "$(java_version)" -ge "$min_java" ] 2>/dev/null; }

# 1. An interpreter that is new enough.
command -v "$python" >/dev/null 2>&1 \
    || die "cannot find '$python'. Install Python 3.11 or newer, or name one: make $mode PYTHON=/path/to/python3.11"
if ! new_enough "$python"; then
    found=$("$python" -c 'import platform; print(platform.python_version())' 2>/dev/null) || true
    die "servicekit needs Python 3.11 or newer, and '$python' is ${found:-of unknown version}. Install a newer Python and name it: make $mode PYTHON=python3.11"
fi

# 2. The virtual environment. Debian and Ubuntu ship venv's pip bootstrap in a separate package.
if [ -d "$venv" ] && ! new_enough "$venv/bin/python"; then
    say "$venv does not run or its Python is older than 3.11; creating it again"
    rm -rf "$venv"
fi
if [ ! -d "$venv" ]; then
    say "creating $venv with $python ($("$python" -c 'import sys; print(sys.executable)'))"
    if ! "$python" -m venv "$venv"; then
        rm -rf "$venv"
        command -v apt-get >/dev/null 2>&1 \
            || die "'$python -m venv $venv' failed (see above); install Python's venv module and try again"
        version=$("$python" -c 'import sys; print("%d.%d" % sys.version_info[:2])')
        package=python$version-venv
        if is_root; then
            apt_update
            apt-cache show "$package" >/dev/null 2>&1 || package=python3-venv
        fi
        apt_install "$package"
        "$python" -m venv "$venv" || { rm -rf "$venv"; die "'$python -m venv $venv' still fails (see above)"; }
    fi
fi

# 3. servicekit itself, editable, whenever pyproject.toml changed (a test install also serves `make run`).
digest=$("$venv/bin/python" -c 'import hashlib; print(hashlib.sha256(open("pyproject.toml", "rb").read()).hexdigest())')
installed_digest="" installed_extras=""
if [ -f "$stamp" ]; then
    read -r installed_digest installed_extras <"$stamp" || true
fi
if [ "$installed_digest" != "$digest" ] || { [ "$mode" = test ] && [ "$installed_extras" != "[test]" ]; }; then
    say "installing servicekit$extras and its dependencies into $venv (the first time takes a few minutes)"
    rm -f "$stamp"
    "$venv/bin/python" -m pip install --quiet --editable ".$extras"
    printf '%s %s\n' "$digest" "$extras" >"$stamp"
fi

[ "$mode" = test ] || exit 0

# 4. For the browser tests: Debian's Chromium, which Playwright drives in place of a downloaded browser.
#    For the quality checkers: Java to run the Nu HTML Checker, Node.js and npm to install both checkers.
missing=()
[ -x /usr/bin/chromium ] || missing+=(chromium)
has java || missing+=(default-jre-headless)
has node || missing+=(nodejs)
has npm || missing+=(npm)
if [ ${#missing[@]} -gt 0 ]; then
    apt_install "${missing[@]}"
fi
[ -x /usr/bin/chromium ] || die "apt-get installed chromium, but /usr/bin/chromium is still missing"
if ! java_ok; then
    # An older release's default Java (Ubuntu 22.04's is 11) is too old for vnu.jar.
    say "the Nu HTML Checker needs Java $min_java or newer; 'java' is Java $(java_version)"
    apt_install openjdk-17-jre-headless
    java_ok || die "Java 17 is installed, but 'java' still runs Java $(java_version): choose it with 'sudo update-alternatives --config java'"
fi

# 5. The quality checkers, exactly as tests/tools/package-lock.json pins them, whenever it changed. No
#    install scripts: vnu-jar's would download a Java runtime, and the machine's Java is used instead.
tools_digest=$("$venv/bin/python" -c 'import hashlib; print(hashlib.sha256(open("tests/tools/package-lock.json", "rb").read()).hexdigest())')
installed_tools_digest=""
if [ -f "$tools_stamp" ]; then
    read -r installed_tools_digest <"$tools_stamp" || true
fi
if [ "$installed_tools_digest" != "$tools_digest" ]; then
    say "installing the quality checkers into $tools/node_modules with npm ci"
    (cd "$tools" && npm ci --no-audit --no-fund --ignore-scripts --loglevel=error) \
        || die "'npm ci' in $tools failed (see above); check that the npm registry can be reached, then run 'make $mode' again"
    printf '%s\n' "$tools_digest" >"$tools_stamp"
fi
