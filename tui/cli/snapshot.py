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
    snapshot.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    # the app's modules load only for this command, not for every `stepnet` start
    from tui.app.snapshot import parse_size, write_snapshot

    path = write_snapshot(config_from(args), args.steps, parse_size(args.size), args.output)
    print(f"wrote {path}")
    return 0
