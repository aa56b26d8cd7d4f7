"""`stepnet serve ssh`, `serve web` and `serve bench`: the command line, checked, then the
server (imported only when asked for: every `stepnet` command builds this parser)."""

from __future__ import annotations

import argparse
import importlib.util
import os
import statistics
from pathlib import Path

from engine.errors import StepnetError
from tui.serve.confinement import EngineCaps
from tui.serve.gate import GateLimits
from tui.serve.limits import ClassLimits, parse_duration
from tui.serve.save_folder import checked_save_root

LOOPBACK = "127.0.0.1"
SERVE_EXTRA = "pip install 'stepnet[serve]'"


def add_parser(commands, parser_class) -> None:
    """`serve ssh`, `serve web` and `serve bench` under `commands`, the main parser's."""
    serve = commands.add_parser("serve", help="give a class its own sessions over SSH or the web")
    kinds = serve.add_subparsers(
        dest="serve_kind", metavar="{ssh,web,bench}", required=True, parser_class=parser_class
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

    web = kinds.add_parser(
        "web", help="each browser tab gets a private stepnet (a class code with --password-file)"
    )
    _add_common_options(web, port=8000)
    web.add_argument(
        "--password-file",
        type=Path,
        metavar="FILE",
        help="ask for the class code on this file's first line before any session starts",
    )
    web.add_argument(
        "--public-url",
        metavar="URL",
        help="the address students open, when a proxy stands in front (https://…)",
    )
    _add_bench_parser(kinds)
    serve.set_defaults(run=run_serve)


def _add_bench_parser(kinds) -> None:
    bench = kinds.add_parser(
        "bench", help="measure what a class costs: bytes per step, CPU and memory per session"
    )
    bench.add_argument(
        "--sessions",
        type=_counts,
        default=[5, 10, 20],
        metavar="N,N,…",
        help="class sizes to try, each student stepping once a second (default 5,10,20)",
    )
    bench.add_argument(
        "--seconds", type=float, default=20.0, help="how long each class size steps (20)"
    )
    bench.add_argument("--steps", type=int, default=30, help="steps timed for traffic (30)")
    bench.add_argument(
        "--only",
        choices=("ssh", "web"),
        help="measure one server: SSH (with the traffic per step) or the web (default both)",
    )


def _counts(text: str) -> list[int]:
    try:
        counts = [int(part) for part in text.split(",") if part.strip()]
    except ValueError:
        counts = []
    if not counts or min(counts) < 1:
        raise argparse.ArgumentTypeError(f"{text!r}: give class sizes such as 5,10,20")
    return counts


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
        "--save-to",
        metavar="DIR",
        help="keep what students save with s, a folder per session in DIR (default: s saves "
        "nothing over SSH, and only downloads in a browser)",
    )
    parser.add_argument(
        "--max-sessions",
        type=int,
        metavar="N",
        default=limits.max_sessions,
        help=f"sessions at once (default {limits.max_sessions})",
    )
    parser.add_argument(
        "--idle-timeout",
        type=_duration,
        default=limits.idle_seconds,
        metavar="TIME",
        help="close a session after this long without a key (90, 15m, 2h; default 15m)",
    )
    parser.add_argument(
        "--max-session-time",
        type=_duration,
        default=limits.session_seconds,
        metavar="TIME",
        help="the longest a session may last (default 3h)",
    )
    gate = GateLimits()
    for option, value, what in (
        ("--max-logging-in", gate.unauthenticated, "connections logging in at once, in all"),
        (
            "--max-logging-in-per-address",
            gate.unauthenticated_per_address,
            "connections logging in at once from one address (a class behind one NAT shares one)",
        ),
        (
            "--max-wrong-passwords",
            gate.failures_per_address,
            "wrong passwords from one address in 10 minutes before it is turned away",
        ),
    ):
        parser.add_argument(option, type=int, default=value, metavar="N", help=f"{what} ({value})")
    for option, value, what in (
        ("--max-hidden", caps.max_hidden, "hidden units n_h"),
        ("--max-examples", caps.max_examples, "examples m"),
        ("--max-iterations", caps.max_iterations, "iterations of a run or a jump"),
    ):
        parser.add_argument(
            option,
            type=int,
            default=value,
            metavar="N",
            help=f"most {what} a session may use ({value})",
        )


def run_serve(args: argparse.Namespace) -> int:
    if args.serve_kind == "bench":
        _require("asyncssh", "serve bench")
        _require("textual_serve", "serve bench")
        kinds = (args.only,) if args.only else ("ssh", "web")
        return run_serve_bench(args.sessions, args.seconds, args.steps, kinds)
    limits = _limits_from(args)
    gate = gate_limits_from(args)
    lesson = _checked_lesson(args.lesson, limits.caps) if args.lesson else None
    # checked before anything starts (a host key made, a port taken): a Path, or None
    args.save_to = checked_save_root(args.save_to) if args.save_to else None
    if args.serve_kind == "ssh":
        _require("asyncssh", "serve ssh")
        from tui.serve.ssh_server import serve_ssh

        return _until_stopped(lambda stop: serve_ssh(args, limits, lesson, stop, gate))
    _require("textual_serve", "serve web")
    from tui.serve.web_server import serve_web

    return _until_stopped(lambda stop: serve_web(args, limits, lesson, stop, gate))


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
        idle_seconds=args.idle_timeout,
        session_seconds=args.max_session_time,
        caps=EngineCaps(args.max_hidden, args.max_examples, args.max_iterations),
    )


def gate_limits_from(args: argparse.Namespace) -> GateLimits:
    """Who may be logging in at once, and how many wrong passwords an address may send."""
    for option in ("max_logging_in", "max_logging_in_per_address", "max_wrong_passwords"):
        if getattr(args, option) < 1:
            raise StepnetError(
                f"--{option.replace('_', '-')} {getattr(args, option)}: give 1 or more"
            )
    return GateLimits(
        unauthenticated=args.max_logging_in,
        unauthenticated_per_address=args.max_logging_in_per_address,
        failures_per_address=args.max_wrong_passwords,
    )


def _checked_lesson(name: str, caps: EngineCaps) -> str:
    """The lesson file `name` names (a shipped lesson, or the teacher's own file), as an
    absolute path: each session starts in a folder of its own. Its setup, every beat's and
    every sweep's are checked against the caps now, so that no student meets the error."""
    from tui.lessons.lesson_file import find_lesson, load_lesson

    path = find_lesson(name).resolve()
    lesson = load_lesson(path)
    line = 1
    try:
        config = caps.confine(lesson.setup)
        for beat in lesson.beats:
            line = beat.line
            if beat.setup:
                config = caps.confine(config.with_changes(**beat.setup))
            target = beat.run_to
            if target and target.kind == "iteration" and target.iteration >= caps.max_iterations:
                raise StepnetError(
                    f"a jump past iteration {target.iteration}: served sessions allow up "
                    f"to {caps.max_iterations}"
                )
            if beat.sweep is not None:  # the player trains each of these right through
                sweep = beat.sweep
                for value in sweep.values:
                    caps.confine(config.with_changes(**{sweep.setting: value}))
                if sweep.iterations > caps.max_iterations:
                    raise StepnetError(
                        f"a sweep of {sweep.iterations} iterations: served sessions allow up "
                        f"to {caps.max_iterations}"
                    )
    except StepnetError as error:
        raise StepnetError(
            f"lesson {path.name} line {line}: {error}; raise the cap or choose another lesson"
        ) from None
    return str(path)


def _require(module: str, command: str) -> None:
    if importlib.util.find_spec(module) is None:
        raise StepnetError(f"stepnet {command} needs {module}: {SERVE_EXTRA}")


def _until_stopped(serve) -> int:
    """Run `serve(stop)`, a coroutine that serves until the event `stop` is set, until Ctrl-C
    or SIGTERM sets it; the server then ends every session."""
    import asyncio
    import logging
    import signal
    import sys

    logging.basicConfig(
        stream=sys.stderr, level=logging.INFO, format="%(asctime)s %(message)s", force=True
    )
    from tui.serve.log_lines import RepeatLimit

    for handler in logging.getLogger().handlers:  # a flood of one line is told, not printed
        handler.addFilter(RepeatLimit())

    async def main() -> int:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for number in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(number, stop.set)
        return await serve(stop)

    return asyncio.run(main())


def run_serve_bench(
    session_counts: list[int], seconds: float, steps: int, kinds: tuple[str, ...]
) -> int:
    from rich.console import Console

    from tui.benchmarks.class_cost import measure

    console = Console()
    with console.status("starting a server, connecting students …"):
        traffic, loads = measure([(80, 24), (120, 40)], steps, session_counts, seconds, kinds)
    for each in traffic:
        median = statistics.median(each.per_step)
        console.print(
            f"SSH {each.size[0]}x{each.size[1]}: a step sends {median / 1000:.1f} kB "
            f"(median of {len(each.per_step)}; {min(each.per_step) / 1000:.1f}–"
            f"{max(each.per_step) / 1000:.1f} kB); a whole screen is "
            f"{each.full_repaint / 1000:.1f} kB, the first one {each.first_screen / 1000:.1f} kB"
        )
    for load in loads:
        console.print(
            f"{'SSH' if load.kind == 'ssh' else 'web'}, {load.sessions} students connecting at "
            f"once at 120x40: every first screen up after {load.start_seconds:.1f} s (median "
            f"{load.first_screen_median:.1f} s); CPU per session to its first screen "
            f"{load.start_cpu_per_session:.3f} s in its app, "
            f"{load.server_start_cpu_per_session:.3f} s in the server "
            f"({load.client_start_cpu_per_session:.3f} s in its client here; other users took "
            f"{load.others_start_cores:.2f} cores meanwhile); then each stepping once "
            f"a second for {load.seconds:.0f} s: CPU "
            f"{load.cores:.2f} cores ({100 * load.cores / _cores():.0f}% of this machine's "
            f"{_cores()}); {load.rss_per_session / 2**20:.0f} MiB per session "
            f"({load.private_per_session / 2**20:.0f} MiB of it unshared) "
            f"(server {load.server_rss / 2**20:.0f} MiB); key → first byte back: median "
            f"{1000 * load.latency_median:.0f} ms, 90th percentile "
            f"{1000 * load.latency_p90:.0f} ms over {load.steps} steps (load average before: "
            f"{load.load_average:.2f})"
        )
    return 0


def _cores() -> int:
    return len(os.sched_getaffinity(0))
