"""The setup options the app, `trace`, `train` and `snapshot` share, and the RunConfig they make."""

from __future__ import annotations

import argparse

from engine.activations import ACTIVATIONS
from engine.config import RunConfig
from engine.data import describe_sources
from engine.mistakes.catalogue import MISTAKE_NAMES
from engine.parameters import INIT_CHOICES


def add_setup_options(parser: argparse.ArgumentParser, iterations: int) -> None:
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
        "--test-split",
        type=float,
        default=defaults.test_split,
        metavar="F",
        help="hold out this share of the examples as a test set (seeded), e.g. 0.2",
    )
    group.add_argument(
        "--mistake",
        metavar="NAME",
        help=f"make a learner's mistake on purpose: {', '.join(MISTAKE_NAMES)} "
        "(stepnet mistakes says what each does)",
    )


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
        test_split=args.test_split,
    ).checked()
