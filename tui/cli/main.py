"""The `stepnet` command: the app by default, and trace, train and bench without a screen.

A user's mistake ends in one line on stderr and exit status 2, never a traceback.
"""

from __future__ import annotations

import argparse
import os
import sys
import warnings

from engine.activations import ACTIVATIONS
from engine.config import RunConfig
from engine.data import describe_sources
from engine.errors import StepnetError
from engine.mistakes.catalogue import MISTAKE_NAMES
from engine.parameters import INIT_CHOICES
from tui.cli.serve import add_serve_parser
from tui.serve.confinement import add_confinement_options, confinement_from

USAGE_ERROR = 2


class _Parser(argparse.ArgumentParser):
    """argparse, with its errors on one line like every other stepnet error."""

    def error(self, message: str):
        self.exit(USAGE_ERROR, f"stepnet: error: {message} (see {self.prog} --help)\n")


def _add_setup_options(parser: argparse.ArgumentParser, iterations: int) -> None:
    defaults = RunConfig()
    group = parser.add_argument_group("setup")
    group.add_argument("--data", default=defaults.data, help=describe_sources())
    group.add_argument("--hidden", type=int, default=defaults.hidden, help="hidden units n_h")
    group.add_argument(
        "--activation",
        default=defaults.activation,
        help=f"hidden activation g: {', '.join(ACTIVATIONS)}",
    )
    group.add_argument("--init", default=defaults.init, help=INIT_CHOICES)
    group.add_argument(
        "--scale", type=float, default=defaults.scale, help="random init: randn × scale"
    )
    group.add_argument("--seed", type=int, default=defaults.seed, help="random init seed")
    group.add_argument("--learning-rate", type=float, default=defaults.learning_rate, help="α")
    group.add_argument("--iterations", type=int, default=iterations, help="iterations to run")
    group.add_argument(
        "--mistake",
        metavar="NAME",
        help=f"make a learner's mistake on purpose: {', '.join(MISTAKE_NAMES)} "
        "(stepnet mistakes says what each does)",
    )


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="stepnet",
        description="Step through backpropagation in a one-hidden-layer network. "
        "With no command, opens the step-through debugger.",
    )
    _add_setup_options(parser, RunConfig().iterations)
    parser.add_argument("--resume", metavar="FILE", help="reopen a session saved with s in the app")
    add_confinement_options(parser)  # hidden: what a server gives each student's app
    commands = parser.add_subparsers(dest="command", parser_class=_Parser)

    trace = commands.add_parser("trace", help="print every step of some iterations")
    _add_setup_options(trace, 1)
    trace.add_argument("--format", choices=("table", "jsonl"), default="table")

    train = commands.add_parser("train", help="train with a progress bar, report accuracy")
    _add_setup_options(train, RunConfig().iterations)
    train.add_argument("--print-every", type=int, default=1000, help="print the cost every k")
    train.add_argument(
        "--tolerance", type=float, default=None, help="stop early once |ΔJ| < tolerance"
    )
    train.add_argument("--save-params", metavar="PATH.npz", help="write W1, b1, W2, b2 here")

    snapshot = commands.add_parser("snapshot", help="render the app after N steps to an SVG")
    _add_setup_options(snapshot, RunConfig().iterations)
    snapshot.add_argument("--steps", type=int, default=0, help="steps to take first")
    snapshot.add_argument("--size", default="120x40", help="WIDTHxHEIGHT, e.g. 80x24")
    snapshot.add_argument("-o", "--output", required=True, metavar="FILE.svg")

    commands.add_parser("lessons", help="list the lessons that come with stepnet")
    lesson = commands.add_parser("lesson", help="open the app in a lesson, or --check its claims")
    lesson.add_argument("name", metavar="NAME-or-PATH", help="a lesson's name, number or file")
    lesson.add_argument(
        "--check",
        action="store_true",
        help="check every claim without a screen; exit 1 if any fails",
    )
    commands.add_parser("mistakes", help="list the mistakes --mistake makes, and their symptoms")

    bench = commands.add_parser("bench", help="time the engine against a plain numpy loop")
    bench.add_argument("--repeats", type=int, default=3, help="interleaved rounds (median)")
    bench.add_argument(
        "--only", choices=("flower", "scale"), help="time one scenario instead of both"
    )
    bench.add_argument(
        "--app", action="store_true", help="time the app instead: step latency, run speed"
    )

    add_serve_parser(commands, _Parser)
    return parser


def config_from(args: argparse.Namespace) -> RunConfig:
    return RunConfig(
        data=args.data,
        hidden=args.hidden,
        activation=args.activation,
        init=args.init,
        scale=args.scale,
        seed=args.seed,
        learning_rate=args.learning_rate,
        iterations=args.iterations,
        mistake=args.mistake,
    ).checked()


def main(argv: list[str] | None = None) -> int:
    # stepnet detects NaN and Inf itself and names the step; numpy's overflow warnings on the
    # way there would only clutter the terminal (or the app's screen)
    warnings.filterwarnings("ignore", category=RuntimeWarning, module=r"engine\.")
    args = build_parser().parse_args(argv)
    try:
        return _dispatch(args)
    except StepnetError as error:
        print(f"stepnet: error: {error}", file=sys.stderr)
        return USAGE_ERROR
    except KeyboardInterrupt:
        print("stepnet: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # the reader (say `| head`) has gone: stop quietly, as Unix tools do
        sys.stdout = open(os.devnull, "w")  # noqa: SIM115 - replaces the closed stream for good
        return 0


def _dispatch(args: argparse.Namespace) -> int:
    if args.command == "bench":
        from tui.cli.bench import run_bench

        if args.repeats < 1:
            raise StepnetError(f"--repeats {args.repeats}: give 1 or more")
        if args.app:
            from tui.cli.bench import run_app_bench

            return run_app_bench()
        return run_bench([args.only] if args.only else ["flower", "scale"], args.repeats)
    if args.command == "serve":
        from tui.cli.serve import run_serve

        return run_serve(args)
    if args.command in ("lessons", "lesson"):
        from tui.cli.lessons import run_lesson, run_lessons

        if args.command == "lessons":
            return run_lessons()
        return run_lesson(args.name, args.check, confinement_from(args))
    if args.command == "mistakes":
        from tui.cli.mistakes import run_mistakes

        return run_mistakes()
    config = config_from(args)
    if args.command == "trace":
        from tui.cli.trace import run_trace

        return run_trace(config, args.format)
    if args.command == "train":
        from tui.cli.train import run_train

        if args.print_every < 1:
            raise StepnetError(f"--print-every {args.print_every}: give 1 or more")
        return run_train(
            config,
            print_every=args.print_every,
            tolerance=args.tolerance,
            save_params=args.save_params,
        )
    if args.command == "snapshot":
        from tui.app.snapshot import parse_size, write_snapshot

        path = write_snapshot(config, args.steps, parse_size(args.size), args.output)
        print(f"wrote {path}")
        return 0
    from tui.cli.debug import run_app

    return run_app(config, resume=args.resume, confinement=confinement_from(args))


if __name__ == "__main__":
    sys.exit(main())
