"""`stepnet serve ssh` and `stepnet serve web`: the command line, checked, then the server."""

from __future__ import annotations

import argparse
import asyncio
import importlib.util
import logging
import signal
import sys
from pathlib import Path

from engine.errors import StepnetError
from tui.serve.confinement import EngineCaps
from tui.serve.limits import ClassLimits, parse_duration

LOOPBACK = "127.0.0.1"
SERVE_EXTRA = "pip install 'stepnet[serve]'"


def add_serve_parser(commands, parser_class) -> None:
    """`serve ssh` and `serve web` under `commands` (the main parser's subcommands)."""
    serve = commands.add_parser("serve", help="give a class its own sessions over SSH or the web")
    kinds = serve.add_subparsers(
        dest="serve_kind", metavar="{ssh,web}", required=True, parser_class=parser_class
    )

    ssh = kinds.add_parser("ssh", help="each SSH connection gets a private stepnet")
    _add_common_options(ssh, port=2222)
    ssh.add_argument(
        "--host-key",
        type=Path,
        default=Path("stepnet-host-key"),
        metavar="PATH",
        help="the server's key, made here on first run (default: ./stepnet-host-key)",
    )
    ssh.add_argument(
        "--authorized-keys",
        type=Path,
        metavar="FILE",
        help="students' public keys, one per line (OpenSSH authorized_keys format)",
    )
    ssh.add_argument(
        "--password-file",
        type=Path,
        metavar="FILE",
        help="also let in whoever types the password on this file's first line",
    )
    ssh.add_argument(
        "--idle-timeout",
        type=_duration,
        default=ClassLimits.idle_seconds,
        metavar="TIME",
        help="close a session after this long without a key (90, 15m, 2h; default 15m)",
    )

    web = kinds.add_parser(
        "web", help="each browser tab gets a private stepnet (no authentication: see README)"
    )
    _add_common_options(web, port=8000)
    web.add_argument(
        "--public-url",
        metavar="URL",
        help="the address students open, when a proxy stands in front (https://…)",
    )


def _duration(text: str) -> float:
    try:
        return parse_duration(text)
    except StepnetError as error:
        raise argparse.ArgumentTypeError(str(error)) from None  # argparse words its own errors


def _add_common_options(parser: argparse.ArgumentParser, port: int) -> None:
    limits, caps = ClassLimits(), EngineCaps()
    parser.add_argument(
        "--host", default=LOOPBACK, help=f"address to listen on (default {LOOPBACK} only)"
    )
    parser.add_argument("--port", type=int, default=port, help=f"default {port}")
    parser.add_argument(
        "--lesson", metavar="NAME", help="start every session in this lesson, at its first beat"
    )
    parser.add_argument(
        "--max-sessions",
        type=int,
        default=limits.max_sessions,
        help=f"sessions at once (default {limits.max_sessions})",
    )
    parser.add_argument(
        "--max-session-time",
        type=_duration,
        default=limits.session_seconds,
        metavar="TIME",
        help="the longest a session may last (default 3h)",
    )
    for option, value, what in (
        ("--max-hidden", caps.max_hidden, "hidden units n_h"),
        ("--max-examples", caps.max_examples, "examples m"),
        ("--max-iterations", caps.max_iterations, "iterations of a run or a jump"),
    ):
        parser.add_argument(
            option, type=int, default=value, help=f"most {what} a session may use ({value})"
        )


def run_serve(args: argparse.Namespace) -> int:
    limits = _limits_from(args)
    lesson = _lesson_argument(args.lesson)
    if args.serve_kind == "ssh":
        _require("asyncssh", "serve ssh")
        from tui.serve.ssh_server import serve_ssh

        return _until_stopped(lambda stop: serve_ssh(args, limits, lesson, stop))
    _require("textual_serve", "serve web")
    from tui.serve.web_server import serve_web

    return _until_stopped(lambda stop: serve_web(args, limits, lesson, stop))


def _limits_from(args: argparse.Namespace) -> ClassLimits:
    for option in ("max_sessions", "max_hidden", "max_examples", "max_iterations"):
        if getattr(args, option) < 1:
            raise StepnetError(
                f"--{option.replace('_', '-')} {getattr(args, option)}: give 1 or more"
            )
    if not 0 <= args.port <= 65535:
        raise StepnetError(f"--port {args.port}: give a port from 1 to 65535 (or 0: any free one)")
    return ClassLimits(
        max_sessions=args.max_sessions,
        idle_seconds=getattr(args, "idle_timeout", ClassLimits.idle_seconds),
        session_seconds=args.max_session_time,
        caps=EngineCaps(args.max_hidden, args.max_examples, args.max_iterations),
    )


def _lesson_argument(name: str | None) -> str | None:
    """A lesson named by a path is passed on absolute: children start in their own folders."""
    if name and Path(name).exists():
        return str(Path(name).resolve())
    return name


def _require(module: str, command: str) -> None:
    if importlib.util.find_spec(module) is None:
        raise StepnetError(f"stepnet {command} needs {module}: {SERVE_EXTRA}")


def _until_stopped(serve) -> int:
    """Run `serve(stop)`, a coroutine that serves until the event `stop` is set, until Ctrl-C
    or SIGTERM sets it; the server then ends every session."""
    logging.basicConfig(
        stream=sys.stderr, level=logging.INFO, format="%(asctime)s %(message)s", force=True
    )

    async def main() -> int:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for number in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(number, stop.set)
        return await serve(stop)

    return asyncio.run(main())
