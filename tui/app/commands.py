"""Every user command in one table: its keys, action, footer label and help text.

The app's bindings, the footer, the command palette and the help screen are all made from this
table, so they cannot drift apart. Users can remap keys by binding id (Textual keymaps). A
command without keys is offered by the palette alone.
"""

from __future__ import annotations

from dataclasses import dataclass

from textual.binding import Binding


@dataclass(frozen=True)
class Command:
    id: str  # binding id, stable for keymaps
    keys: str  # Textual key names, comma-separated; "" for a command of the palette alone
    action: str
    label: str  # short, for the footer
    help: str  # one sentence, for the help screen and the palette
    key_display: str | None = None
    in_footer: bool = True
    # when the footer is too narrow for every key, the highest ranks are left out first
    footer_rank: int = 5


COMMANDS: tuple[Command, ...] = (
    Command(
        "step", "n,space", "step", "step", "Compute the next step and show it.", "n", footer_rank=1
    ),
    Command(
        "back",
        "p",
        "back",
        "back",
        "Step back one step; earlier values come back exactly.",
        footer_rank=2,
    ),
    Command("iteration", "i", "finish_iteration", "iter", "Finish the current iteration."),
    Command(
        "run",
        "r",
        "run",
        "run/pause",
        "Run to convergence (or a breakpoint, NaN/Inf, the iteration limit); r again pauses.",
        footer_rank=1,
    ),
    Command(
        "run-back",
        "b",
        "run_back",
        "run back",
        "Run back to the latest earlier step where a breakpoint held; r pauses.",
        in_footer=False,
    ),
    Command("goto", "g", "goto", "goto", "Go to an iteration (earlier or later), exactly."),
    Command(
        "scrub-back",
        "comma",
        "scrub(-1)",
        "scrub ←",
        "Move back along the cost curve, a column at a time (or click on it).",
        ",",
        in_footer=False,
    ),
    Command(
        "scrub-forward",
        "full_stop",
        "scrub(1)",
        "scrub →",
        "Move forward along the run's cost curve, a column at a time.",
        ".",
        in_footer=False,
    ),
    Command(
        "zeros",
        "z",
        "zero_init",
        "zero init",
        "Restart with every weight zero: the hidden units stay identical.",
        footer_rank=6,
    ),
    Command(
        "random",
        "x",
        "random_init",
        "random init",
        "Restart with random weights, a new seed.",
        footer_rank=6,
    ),
    Command(
        "activation",
        "a",
        "next_activation",
        "g(z)",
        "Restart with the next hidden activation: tanh, sigmoid, relu, leaky_relu, linear.",
        footer_rank=7,
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
    Command(
        "manage",
        "K",
        "manage",
        "breakpoints",
        "List every breakpoint, watchpoint and watch: switch one off or on, edit or remove it.",
        in_footer=False,
    ),
    Command(
        "edit",
        "e",
        "edit",
        "edit",
        "What if: edit a weight, a bias or α here and go on from there.",
        in_footer=False,
    ),
    Command(
        "scores",
        "c",
        "show_scores",
        "scores",
        "Cost, accuracy and confusion matrix, training and test (--test-split 0.2).",
        in_footer=False,
    ),
    Command(
        "next-unit",
        "u",
        "next_unit",
        "unit",
        "Follow the next hidden unit (after the last, none): ▸ marks its map, its node in the "
        "network and its row in the matrices, ▾ its column in W[2] and dW[2].",
        in_footer=False,
    ),
    Command(
        "no-unit",
        "U",
        "clear_unit",
        "no unit",
        "Follow no hidden unit: the marks go.",
        in_footer=False,
    ),
    Command(
        "distributions",
        "d",
        "distributions",
        "distributions",
        "W1, dW1 and A1 over the iterations, as strips: where g saturates shows.",
        in_footer=False,
    ),
    Command(
        "gradient-check",
        "v",
        "check_gradients",
        "grad check",
        "Check backpropagation against the numerical gradient, per parameter, here.",
        in_footer=False,
    ),
    Command("watch", "w", "add_watch", "watch", "Add a watch expression, e.g. abs(dW1).max()."),
    Command(
        "yours",
        "y",
        "train_yours",
        "train yours",
        "With --student: train on your functions instead; the screen shows your parameters "
        "and both cost curves; y again: back to the engine's run.",
        in_footer=False,
    ),
    Command(
        "save",
        "s",
        "save",
        "save",
        "Save the session to a file, to reopen with --resume.",
        in_footer=False,
    ),
    Command(
        "picture",
        "o",
        "picture",
        "picture",
        "Save a PNG picture of the screen, for slides, where stepnet started.",
        in_footer=False,
    ),
    Command(
        "next-beat",
        "greater_than_sign",
        "next_beat",
        "beat",
        "In a lesson: go on to the next beat (its run, its notes, its claims checked).",
        ">",
        footer_rank=0,
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
    Command(
        "next-tab",
        "t",
        "next_tab",
        "tab",
        "Below 110×32, where panels are tabs: show the next tab (after the last, the first).",
        in_footer=False,
    ),
    Command(
        "previous-tab",
        "T",
        "previous_tab",
        "tab back",
        "Below 110×32, where panels are tabs: show the previous tab (before the first, the last).",
        in_footer=False,
    ),
    Command(
        "messages",
        "l",
        "message_log",
        "messages",
        "Every status-line message so far, whole, newest last (the status line cuts them).",
        in_footer=False,
    ),
    Command(
        "help",
        "question_mark",
        "help",
        "help",
        "Show every key and what it does.",
        "?",
        footer_rank=0,
    ),
    Command("quit", "q", "quit", "quit", "Quit stepnet.", footer_rank=1),
    Command(
        "add-breakpoint",
        "",
        "add_breakpoint",
        "add breakpoint condition…",
        "Stop a run when: cost rises, non-finite, grad norm < 1e-4, dead unit, "
        "saturated, symmetry kept/broken, iteration N, a step name, a watch that is True "
        "(cost < 0.3), or a watch's change (b2 changes by > 0.01, W2[0, 1] changes sign).",
    ),
    Command(
        "sweep",
        "",
        "sweep",
        "sweep as pictures…",
        "Train once per value of n_h, α or the seed (e.g. n_h 1 2 3 4 5 20 50) and draw each "
        "decision boundary with its accuracy; r stops it.",
    ),
    Command(
        "clear-breakpoints",
        "",
        "clear_breakpoints",
        "remove all breakpoints",
        "Clear every breakpoint.",
    ),
    Command(
        "remove-watches",
        "",
        "remove_watches",
        "remove all watches",
        "Clear every watch expression.",
    ),
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
        if command.keys
    ]
