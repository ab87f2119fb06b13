"""``sor-desktop`` entry point. Each subcommand lives in its own module exposing
``add_parser(subparsers)`` and ``run(args) -> int``; with no subcommand the window starts."""

from __future__ import annotations

import argparse
import importlib
import logging
import os
import sys
from collections.abc import Sequence

from sor_desktop import __version__, logs, paths
from sor_desktop.cli import gui_error
from sor_desktop.cli.errors import CliError

# subcommand -> module under sor_desktop.cli
COMMANDS: dict[str, str] = {
    "plan": "plan_cmd",
    "record": "record_cmd",
    "keys": "keys_cmd",
    "route": "route_cmd",
    "journal": "journal_cmd",
}

log = logging.getLogger("sor_desktop")


class _Parser(argparse.ArgumentParser):
    """argparse exits with 2 on bad usage already; keep its one-line message. A flag no command
    knows is said with the usage of the command it was typed to (``plan ... --slipage-bps`` got
    the top-level usage, which lists none of plan's flags)."""

    def parse_args(self, args: Sequence[str] | None = None,  # type: ignore[override]
                   namespace: argparse.Namespace | None = None) -> argparse.Namespace:
        parsed, extras = self.parse_known_args(args, namespace)
        if extras:
            _deepest(self, parsed).error(f"unrecognized arguments: {' '.join(extras)}")
        return parsed


def _deepest(parser: argparse.ArgumentParser, parsed: argparse.Namespace) -> argparse.ArgumentParser:
    """The (sub)command parser the arguments chose, down through nested commands."""
    while True:
        subs = next((a for a in parser._actions if isinstance(a, argparse._SubParsersAction)), None)
        chosen = getattr(parsed, subs.dest, None) if subs is not None else None
        if subs is None or chosen not in subs.choices:
            return parser
        parser = subs.choices[chosen]


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="sor-desktop", description="Smart order routing terminal for crypto perpetuals")
    parser.add_argument("--version", action="version", version=f"sor-desktop {__version__}")
    subs = parser.add_subparsers(dest="command")
    for module in COMMANDS.values():
        try:
            mod = importlib.import_module(f"sor_desktop.cli.{module}")
        except ModuleNotFoundError as exc:
            if exc.name != f"sor_desktop.cli.{module}":
                raise
            continue
        mod.add_parser(subs)
    try:
        gui = importlib.import_module("sor_desktop.cli.gui_cmd")
    except ModuleNotFoundError as exc:
        if exc.name != "sor_desktop.cli.gui_cmd":
            raise
    else:
        gui.add_arguments(parser)
    return parser


def _makes_folders(command: str) -> bool:
    """False for a command that only reads (``MAKES_FOLDERS = False`` in its module)."""
    return bool(getattr(importlib.import_module(f"sor_desktop.cli.{COMMANDS[command]}"), "MAKES_FOLDERS", True))


def _file_logging() -> str:
    """Send log records to the log file, so nothing (least of all a traceback) falls through to
    logging's last-resort stderr printer. Returns where the details go, for error lines."""
    try:
        return str(logs.setup())
    except OSError as exc:
        logging.getLogger().addHandler(logging.NullHandler())
        return f"no log file: {exc.strerror}"


def main(argv: Sequence[str] | None = None) -> int:
    try:
        return _main(argv)
    except KeyboardInterrupt:
        # Ctrl+C while the commands' modules are imported (a second or more at start-up) or
        # between the handlers below: a traceback from importlib had been printed
        print("sor-desktop: interrupted", file=sys.stderr)
        return 130


def _main(argv: Sequence[str] | None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    makes = args.command is None or _makes_folders(args.command)
    try:
        if makes:
            paths.ensure_private_folders()
        else:
            paths.check_private_folders()
    except paths.UnsafeFolder as exc:
        print(f"sor-desktop: {exc}", file=sys.stderr)
        if args.command is None:
            gui_error.show(str(exc))
        return 2
    except OSError as exc:  # a file where a folder goes, a path that cannot be made: no log file yet
        text = f"cannot {'make' if makes else 'use'} the folder {exc.filename or ''}: {exc.strerror or exc}"
        print(f"sor-desktop: {text}", file=sys.stderr)
        if args.command is None:
            gui_error.show(text)
        return 2
    log_target = _file_logging()
    try:
        if args.command is None:
            gui = importlib.import_module("sor_desktop.cli.gui_cmd")
            return int(gui.run(args))
        mod = importlib.import_module(f"sor_desktop.cli.{COMMANDS[args.command]}")
        rc = int(mod.run(args))
        sys.stdout.flush()  # a closed pipe shows here, inside the handlers, not at exit
        return rc
    except CliError as exc:
        log.warning("%s %s: %s", "window" if args.command is None else args.command, "refused", exc)
        print(f"sor-desktop: {exc}", file=sys.stderr)
        if args.command is None:
            gui_error.show(str(exc))
        return int(getattr(exc, "exit_code", 2))  # 2: bad input; a subclass may say otherwise
    except paths.UnsafeFolder as exc:  # a --journal or --vault in a shared folder: refused, said plainly
        log.warning("%s", exc)
        print(f"sor-desktop: {exc}", file=sys.stderr)
        if args.command is None:
            gui_error.show(str(exc))
        return 2
    except KeyboardInterrupt:
        print("sor-desktop: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # the reader went away (`| head`): nothing left to tell it; keep Python from
        # complaining again when it flushes stdout at exit
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 0
    except Exception as exc:  # the last line of defence: log it, never show a traceback
        log.exception("unexpected error")
        said = logs.redact(f"{type(exc).__name__}: {exc}")  # the log's own records are masked; this line too
        print(f"sor-desktop: unexpected error: {said} (details in {log_target})", file=sys.stderr)
        if args.command is None:
            gui_error.show(f"unexpected error: {said}\n\ndetails in {log_target}")
        return 1


if __name__ == "__main__":
    raise SystemExit(main())
