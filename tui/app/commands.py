"""Every user command in one table: its keys, action, footer label and help text.

The app's bindings, the footer, the command palette and the help screen are all made from this
table, so they cannot drift apart. Users can remap keys by binding id (Textual keymaps).
"""

from __future__ import annotations

from dataclasses import dataclass

from textual.binding import Binding


@dataclass(frozen=True)
class Command:
    id: str  # binding id, stable for keymaps
    keys: str  # Textual key names, comma-separated
    action: str
    label: str  # short, for the footer
    help: str  # one sentence, for the help screen and the palette
    key_display: str | None = None
    in_footer: bool = True


COMMANDS: tuple[Command, ...] = (
    Command("step", "n,space", "step", "step", "Compute the next step and show it.", "n"),
    Command("back", "p", "back", "back", "Step back one step; earlier values come back exactly."),
    Command("iteration", "i", "finish_iteration", "iter", "Finish the current iteration."),
    Command(
        "run",
        "r",
        "run",
        "run/pause",
        "Run to convergence (or a breakpoint, NaN/Inf, the iteration limit); r again pauses.",
    ),
    Command("goto", "g", "goto", "goto", "Go to an iteration (earlier or later), exactly."),
    Command(
        "zeros",
        "z",
        "zero_init",
        "zero init",
        "Restart with every weight zero: the hidden units stay identical.",
    ),
    Command(
        "random", "x", "random_init", "random init", "Restart with random weights, a new seed."
    ),
    Command(
        "activation",
        "a",
        "next_activation",
        "g(z)",
        "Restart with the next hidden activation: tanh, sigmoid, relu, leaky_relu, linear.",
    ),
    Command("more", "plus", "hidden(1)", "n_h+", "Restart with one more hidden unit.", "+", False),
    Command(
        "fewer", "minus", "hidden(-1)", "n_h-", "Restart with one hidden unit fewer.", "-", False
    ),
    Command(
        "faster",
        "right_square_bracket",
        "learning_rate(2.0)",
        "α×2",
        "Restart with the learning rate doubled.",
        "]",
        in_footer=False,
    ),
    Command(
        "slower",
        "left_square_bracket",
        "learning_rate(0.5)",
        "α÷2",
        "Restart with the learning rate halved.",
        "[",
        in_footer=False,
    ),
    Command(
        "mistake",
        "m",
        "pick_mistake",
        "mistake",
        "Restart with a learner's mistake made on purpose, or with none.",
        in_footer=False,
    ),
    Command(
        "breakpoint",
        "k",
        "toggle_breakpoint",
        "break",
        "Toggle a breakpoint on the current step; conditions come from the palette.",
    ),
    Command("watch", "w", "add_watch", "watch", "Add a watch expression, e.g. abs(dW1).max()."),
    Command(
        "save",
        "s",
        "save",
        "save",
        "Save the session to a file, to reopen with --resume.",
        in_footer=False,
    ),
    Command(
        "next-beat",
        "greater_than_sign",
        "next_beat",
        "beat",
        "In a lesson: go on to the next beat (its run, its notes, its claims checked).",
        ">",
    ),
    Command(
        "previous-beat",
        "less_than_sign",
        "previous_beat",
        "beat back",
        "In a lesson: go back to the previous beat (the lesson is replayed exactly).",
        "<",
        in_footer=False,
    ),
    Command("help", "question_mark", "help", "help", "Show every key and what it does.", "?"),
    Command("quit", "q", "quit", "quit", "Quit stepnet."),
)


def bindings() -> list[Binding]:
    return [
        Binding(
            command.keys,
            command.action,
            command.label,
            show=command.in_footer,
            key_display=command.key_display,
            tooltip=command.help,
            id=command.id,
            # acts when the app takes the key, ahead of keys typed after it (keys_in_order.py);
            # the app refuses them while a dialog is on top, so the dialog gets its keys
            priority=True,
        )
        for command in COMMANDS
    ]
