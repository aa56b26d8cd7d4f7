"""`stepnet bench`: the engine's speed as ratios to the tightest plain numpy loop, one run."""

from __future__ import annotations

import statistics

from rich import box
from rich.console import Console
from rich.table import Table

from engine.errors import StepnetError
from tui.benchmarks.engine_speed import AGREEMENT_ITERATIONS, SCENARIOS, measure

# ratio = the runner's time / the tight loop's, except the event path's: it copies out fifteen
# values an iteration, so its target bounds that overhead against the assignment's dict loop
TARGETS = {
    ("flower", "fast"): 0.75,
    ("scale", "fast"): 0.9,
    ("flower", "events"): 1.5,
    ("scale", "events"): 1.5,
}

_AGAINST = {"fast": "×", "events": "÷d"}


def add_parser(commands, parser_class) -> None:
    bench = commands.add_parser("bench", help="time the engine against a plain numpy loop")
    bench.add_argument("--repeats", type=int, default=3, help="interleaved rounds (median)")
    bench.add_argument(
        "--only", choices=("flower", "scale"), help="time one scenario instead of both"
    )
    bench.add_argument(
        "--app", action="store_true", help="time the app instead: step latency, run speed"
    )
    bench.add_argument(
        "--check",
        nargs="?",
        const="",
        metavar="FILE",
        help="time stepnet check on a correct assignment instead (the corpus's, by default)",
    )
    bench.set_defaults(run=_run)


def _run(args) -> int:
    if args.repeats < 1:
        raise StepnetError(f"--repeats {args.repeats}: give 1 or more")
    if args.check is not None:
        return run_check_bench(args.check or None, args.repeats)
    if args.app:
        return run_app_bench()
    return run_bench([args.only] if args.only else ["flower", "scale"], args.repeats)


def run_bench(scenarios: list[str], repeats: int, console: Console | None = None) -> int:
    console = console or Console()
    table = Table(
        title=f"median of {repeats} interleaved runs; × = time / tight loop's, ÷d = / dict loop's",
        box=box.SIMPLE_HEAD,
    )
    columns = ("", "tight s", "fast s", "fast ×", "dict s", "fast ÷d", "events s", "events ÷d")
    columns += ("|Δθ|",)
    for column in columns:
        table.add_column(column, justify="left" if not column else "right")
    for key in scenarios:
        with console.status(f"timing {SCENARIOS[key].name} …"):
            timing = measure(SCENARIOS[key], repeats)
        seconds = timing.seconds
        table.add_row(
            key,
            f"{seconds['tight']:.3f}",
            f"{seconds['fast']:.3f}",
            _ratio(timing.ratio("fast"), TARGETS.get((key, "fast"))),
            f"{seconds['dict']:.3f}",
            _ratio(timing.ratio("fast", "dict"), None),
            f"{seconds['events']:.3f}",
            _ratio(timing.ratio("events", "dict"), TARGETS.get((key, "events"))),
            f"{timing.max_difference:.0e}",
        )
    console.print(table)
    targets = ", ".join(
        f"{runner} {_AGAINST[runner]} ≤ {target:g} ({key})"
        for (key, runner), target in TARGETS.items()
    )
    console.print(f"targets (✓ met, ✗ missed): {targets}")
    for key in scenarios:
        console.print(f"{key}: {SCENARIOS[key].name}")
    console.print(
        "tight: the fastest plain numpy loop we found, one function on locals; dict: the "
        "assignment's four functions passing dicts (tui/benchmarks/engine_speed.py)"
    )
    console.print(
        "|Δθ|: largest difference between fast-path and tight-loop parameters after "
        f"{AGREEMENT_ITERATIONS} iterations (or the scenario's count, if fewer)"
    )
    return 0


def _ratio(ratio: float, target: float | None) -> str:
    if target is None:
        return f"{ratio:.2f}"
    return f"{ratio:.2f} {'✓' if ratio <= target else '✗'}"


def run_app_bench(console: Console | None = None) -> int:
    from tui.benchmarks.app_speed import measure_app

    console = console or Console()
    with console.status("timing the app headless at 120x40 …"):
        timing = measure_app()
    console.print(
        f"step key → screen shows the step: median {1000 * timing.shown_median:.1f} ms; "
        f"→ screen settled: median {1000 * timing.settled_median:.1f} ms, 90th percentile "
        f"{1000 * timing.settled_p90:.1f} ms; over {timing.steps} steps (target < 30 ms)"
    )
    for iterations, ratio in timing.run_ratios.items():
        console.print(
            f"run of {iterations:,} iterations inside the app, key to end, against the same "
            f"run headless: {100 * ratio:.0f}% of the headless speed (target ≥ 80%)"
        )
    return 0


def run_check_bench(file: str | None, repeats: int, console: Console | None = None) -> int:
    from tui.benchmarks.check_speed import TARGET_SECONDS, measure_check

    console = console or Console()
    with console.status("timing stepnet check …"):
        timing = measure_check(file, repeats)
    mark = "✓" if timing.command_median < TARGET_SECONDS else "✗"
    runs = ", ".join(f"{seconds:.2f}" for seconds in timing.command)
    console.print(
        f"stepnet check {timing.file.name}, the whole command: median "
        f"{timing.command_median:.2f} s over {repeats} runs ({runs}) {mark} < {TARGET_SECONDS:g} s"
    )
    console.print(
        f"check_file in one process: first {timing.first_in_process:.2f} s (the engine's "
        f"answers too), then median {statistics.median(timing.next_in_process):.2f} s a file"
    )
    return 0
