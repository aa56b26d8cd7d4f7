"""`stepnet train`: run to convergence with a progress bar, then report the accuracy."""

from __future__ import annotations

import argparse

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

from engine.config import RunConfig
from engine.diagnostics import accuracy
from engine.errors import StepnetError
from engine.generalisation import scores
from engine.parameters import save_parameters
from engine.stepper import DEFAULT_TOLERANCE
from tui.cli.setup_options import add_setup_options, config_from
from tui.session.scores_table import scores_table


def add_parser(commands, parser_class) -> None:
    train = commands.add_parser("train", help="train with a progress bar, report accuracy")
    add_setup_options(train, RunConfig().iterations)
    train.add_argument("--print-every", type=int, default=1000, help="print the cost every k")
    train.add_argument(
        "--tolerance", type=float, default=None, help="stop early once |ΔJ| < tolerance"
    )
    train.add_argument("--save-params", metavar="PATH.npz", help="write W1, b1, W2, b2 here")
    train.set_defaults(run=_run)


def _run(args: argparse.Namespace) -> int:
    if args.print_every < 1:
        raise StepnetError(f"--print-every {args.print_every}: give 1 or more")
    return run_train(
        config_from(args),
        print_every=args.print_every,
        tolerance=args.tolerance,
        save_params=args.save_params,
    )


def run_train(
    config: RunConfig,
    *,
    print_every: int,
    tolerance: float | None,
    save_params: str | None,
    console: Console | None = None,
) -> int:
    console = console or Console()
    stepper = config.stepper()
    test_data = config.load_test_data()  # the split's errors before any training
    printed = 0

    def report(stepper) -> None:
        nonlocal printed
        costs = stepper.costs
        while printed < len(costs):
            if printed % print_every == 0:
                progress.console.print(f"Cost after iteration {printed}: {costs[printed]:.6f}")
            printed += 1
        progress.update(task, completed=stepper.iteration)

    with Progress(
        TextColumn("training"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("J {task.fields[cost]}"),
        TimeRemainingColumn(),
        console=console,
        transient=True,
    ) as progress:
        task = progress.add_task("train", total=config.iterations, cost="…")

        def on_progress(stepper) -> None:
            report(stepper)
            progress.update(task, cost=f"{stepper.costs[-1]:.6f}")

        result = stepper.run(
            config.iterations,
            until_converged=tolerance is not None,
            tolerance=tolerance if tolerance is not None else DEFAULT_TOLERANCE,
            on_progress=on_progress,
            progress_every=max(1, min(print_every, 250)),
        )
        report(stepper)
    if result.reason in ("non-finite", "shape-error"):
        raise StepnetError(result.message)
    params = stepper.parameters()
    console.print(f"{result.message}; final cost {stepper.costs[-1]:.6f}")
    try:
        share = accuracy(params, stepper.X, stepper.Y, config.activation)
        console.print(f"training accuracy: {100 * share:.2f}%")
    except StepnetError as error:  # a mistake may leave parameters no network can use
        console.print(f"training accuracy: n/a ({error})")
    if test_data is not None:
        test = scores(params, *test_data, config.activation)
        console.print(
            "test accuracy: n/a (the parameters are not finite)"
            if test is None
            else f"test accuracy: {100 * test.accuracy:.2f}% ({test.m} examples held out)"
        )
        training = scores(params, stepper.X, stepper.Y, config.activation)
        console.print(scores_table(training, test))
    if save_params:
        path = save_parameters(save_params, params)
        console.print(f"parameters saved to {path}")
    return 0
