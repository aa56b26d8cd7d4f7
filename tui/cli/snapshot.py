"""`stepnet snapshot`: the app rendered headless after some steps, into an SVG."""

from __future__ import annotations

import argparse

from engine.config import RunConfig
from tui.cli.setup_options import add_setup_options, config_from


def add_parser(commands, parser_class) -> None:
    snapshot = commands.add_parser("snapshot", help="render the app after N steps to an SVG")
    add_setup_options(snapshot, RunConfig().iterations)
    snapshot.add_argument("--steps", type=int, default=0, help="steps to take first")
    snapshot.add_argument("--size", default="120x40", help="WIDTHxHEIGHT, e.g. 80x24")
    snapshot.add_argument("-o", "--output", required=True, metavar="FILE.svg")
    snapshot.add_argument(
        "--sweep",
        metavar="'SETTING V1 V2 …'",
        help="draw a decision boundary per value over the app, e.g. 'n_h 1 2 3 4 5 20 50' "
        "(n_h, alpha or seed; each trains min(--iterations, 5000) iterations)",
    )
    snapshot.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    # the app's modules load only for this command, not for every `stepnet` start
    from tui.app.snapshot import parse_size, write_snapshot

    config = config_from(args)
    path = write_snapshot(config, args.steps, parse_size(args.size), args.output, args.sweep)
    print(f"wrote {path}")
    return 0
