#!/usr/bin/env bash
# Build the one-folder frozen app into dist/sor-desktop/ and smoke-test it.
#
#   packaging/build.sh              venv + install + freeze + smoke test
#   packaging/build.sh --no-test    skip the smoke test
#   packaging/build.sh --archive    also pack dist/sor-desktop-<version>-<os>-<arch>.tar.gz
#
# Needs only python3 (3.11+, with venv) and network access to PyPI. Uses its own venv
# (packaging/.venv, or $SOR_PACKAGING_VENV) so the frozen build never depends on a developer's
# .venv, and installs the project into it non-editable, as a wheel would: the bundle holds what
# the package ships, nothing that merely lies around in the checkout.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
PY=${PY:-python3}
venv=${SOR_PACKAGING_VENV:-$root/packaging/.venv}
run_tests=1
archive=0
for arg in "$@"; do
    case $arg in
        --no-test) run_tests=0 ;;
        --archive) archive=1 ;;
        -h|--help) sed -n '2,11p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) echo "build.sh: unknown option: $arg" >&2; exit 2 ;;
    esac
done

step() { printf '\n== %s\n' "$*"; }

step "venv $venv"
if [[ ! -x $venv/bin/python ]]; then
    "$PY" -m venv "$venv"
    "$venv/bin/python" -m pip install --quiet --upgrade pip
fi

step "install sor-desktop[packaging,test] (non-editable)"
# setuptools reuses build/lib between builds and would ship files deleted since: start clean.
rm -rf build/lib build/bdist.* ./*.egg-info
"$venv/bin/python" -m pip install --quiet --upgrade ".[packaging,test]"
rm -rf build/lib build/bdist.* ./*.egg-info

step "pyinstaller packaging/sor-desktop.spec"
rm -rf dist/sor-desktop
"$venv/bin/python" -m PyInstaller --noconfirm --clean --log-level WARN \
    --distpath dist --workpath build/pyinstaller packaging/sor-desktop.spec

app=dist/sor-desktop/sor-desktop
[[ -x $app ]] || { echo "build.sh: no executable at $app" >&2; exit 1; }
step "bundle"
du -sh dist/sor-desktop
echo "files: $(find dist/sor-desktop -type f | wc -l)"
"$app" --version

if [[ $run_tests == 1 ]]; then
    step "smoke test (tests/packaging, slow)"
    SOR_FROZEN_APP="$root/$app" QT_QPA_PLATFORM=offscreen \
        "$venv/bin/python" -m pytest -p no:cacheprovider -m slow -v tests/packaging
fi
if [[ $archive == 1 ]]; then
    version=$("$app" --version | awk '{print $2}')
    tarball=dist/sor-desktop-$version-$(uname -s | tr '[:upper:]' '[:lower:]')-$(uname -m).tar.gz
    step "archive $tarball"
    tar -C dist -czf "$tarball" sor-desktop
    du -sh "$tarball"
fi
step "done: $root/dist/sor-desktop"
