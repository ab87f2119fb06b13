#!/usr/bin/env bash
# Put sor-desktop in the desktop's application menu for the current user (no root):
# the .desktop entry into $XDG_DATA_HOME/applications and the icons into the hicolor theme.
#
#   install-desktop-entry.sh [--exec PATH]   install (or refresh) the menu entry
#   install-desktop-entry.sh --uninstall     remove exactly what install put there
#
# Works from the repository (packaging/) and from a release folder (next to the sor-desktop
# binary, where the build copies it). Never touches the app's data, config or key vault: see
# "Uninstall" in README.md for those.
set -euo pipefail

APP=sor-desktop
SIZES=(16 32 48 64 128 256 512)
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
data_home=${XDG_DATA_HOME:-$HOME/.local/share}
apps_dir=$data_home/applications
icons_dir=$data_home/icons/hicolor

die() { echo "install-desktop-entry: $*" >&2; exit 2; }

usage() { sed -n '2,10p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; }

find_resources() {
    local d
    for d in "$here/resources" "$here/../resources"; do
        if [[ -f $d/$APP.desktop && -d $d/icons ]]; then
            (cd "$d" && pwd)
            return 0
        fi
    done
    return 1
}

find_exec() {
    # Release folder first (the script sits beside the binary), then the checkout's venv, then PATH.
    local c
    for c in "$here/$APP" "$here/../.venv/bin/$APP"; do
        if [[ -x $c && ! -d $c ]]; then
            echo "$(cd "$(dirname "$c")" && pwd)/$(basename "$c")"
            return 0
        fi
    done
    command -v "$APP" || return 1
}

refresh_caches() {
    # Optional helpers: menus pick the entry up without them after a re-login.
    if command -v update-desktop-database >/dev/null 2>&1; then
        update-desktop-database -q "$apps_dir" || echo "install-desktop-entry: update-desktop-database failed (harmless)" >&2
    fi
    if command -v gtk-update-icon-cache >/dev/null 2>&1 && [[ -f $icons_dir/index.theme ]]; then
        gtk-update-icon-cache -q -t "$icons_dir" || echo "install-desktop-entry: gtk-update-icon-cache failed (harmless)" >&2
    fi
}

install_entry() {
    local exec_path=$1 res
    res=$(find_resources) || die "cannot find resources/$APP.desktop and resources/icons next to $here"
    [[ -x $exec_path && ! -d $exec_path ]] || die "not an executable: $exec_path"
    case $exec_path in
        *'"'*|*'`'*|*'$'*|*'\'*) die "the program path has characters a desktop entry cannot quote: $exec_path" ;;
    esac
    mkdir -p "$apps_dir"
    # Exec/TryExec get the absolute path, quoted, so the menu works without PATH changes.
    local esc=${exec_path//&/\\&}
    esc=${esc//|/\\|}
    sed -e "s|^Exec=.*|Exec=\"$esc\"|" -e "s|^TryExec=.*|TryExec=$esc|" \
        "$res/$APP.desktop" > "$apps_dir/$APP.desktop.tmp"
    mv "$apps_dir/$APP.desktop.tmp" "$apps_dir/$APP.desktop"
    chmod 644 "$apps_dir/$APP.desktop"
    local size
    for size in "${SIZES[@]}"; do
        install -D -m 644 "$res/icons/$APP-$size.png" "$icons_dir/${size}x${size}/apps/$APP.png"
    done
    install -D -m 644 "$res/icons/$APP.svg" "$icons_dir/scalable/apps/$APP.svg"
    refresh_caches
    echo "installed $apps_dir/$APP.desktop (Exec=$exec_path) and icons under $icons_dir"
}

uninstall_entry() {
    local removed=0 f size
    local files=("$apps_dir/$APP.desktop" "$icons_dir/scalable/apps/$APP.svg")
    for size in "${SIZES[@]}"; do
        files+=("$icons_dir/${size}x${size}/apps/$APP.png")
    done
    for f in "${files[@]}"; do
        if [[ -e $f ]]; then
            rm -f -- "$f"
            removed=$((removed + 1))
        fi
    done
    refresh_caches
    echo "removed $removed file(s) of the $APP menu entry; data, config and the key vault are untouched"
}

mode=install
exec_path=
while [[ $# -gt 0 ]]; do
    case $1 in
        --uninstall) mode=uninstall ;;
        --exec) [[ $# -ge 2 ]] || die "--exec needs a path"; exec_path=$2; shift ;;
        -h|--help) usage; exit 0 ;;
        *) die "unknown option: $1 (try --help)" ;;
    esac
    shift
done

if [[ $mode == uninstall ]]; then
    uninstall_entry
else
    if [[ -z $exec_path ]]; then
        exec_path=$(find_exec) || die "cannot find the $APP program; pass --exec /path/to/$APP"
    fi
    install_entry "$exec_path"
fi
