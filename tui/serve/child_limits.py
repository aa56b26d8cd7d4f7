"""What one served child may take of the machine: address space and CPU time.

The server cannot set a child's limits before it starts without preexec_fn (unsafe in a server
with threads), so the child sets its own, first thing, from the hidden options the server
gave it (--max-memory, --max-cpu): a process may always lower its own limits, and never raise
them again. Its forked runs inherit them.

Past the memory limit an allocation fails with MemoryError, which the confined app tells the
student in one line (tui/serve/confined_app.py); past the CPU time the kernel sends SIGXCPU,
on which the app ends with one line, and CPU_GRACE seconds later SIGKILL, should it not.
"""

from __future__ import annotations

import resource
import signal
from collections.abc import Callable

DEFAULT_MEMORY_MIB = 1024  # a session's app is ~170 MiB of address space, ~60 MiB resident
DEFAULT_CPU_SECONDS = 3600  # stepping costs milliseconds; a 20,000-iteration run ~1 s
CPU_GRACE = 10
# glibc gives each thread that allocates an arena of up to 64 MiB of address space: with
# Textual's and numpy's threads, that alone could pass the memory limit
CHILD_MALLOC = {"MALLOC_ARENA_MAX": "2"}


def limit_this_process(memory_mib: int, cpu_seconds: int) -> None:
    """Lower this process's address space to `memory_mib` MiB and its CPU time to
    `cpu_seconds` (soft; the hard limit CPU_GRACE later)."""
    memory = memory_mib * 2**20
    resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    resource.setrlimit(resource.RLIMIT_CPU, (cpu_seconds, cpu_seconds + CPU_GRACE))


def on_cpu_time_up(handler: Callable[[], None]) -> None:
    """Call `handler` (in the main thread) when the CPU limit is reached."""
    signal.signal(signal.SIGXCPU, lambda number, frame: handler())


def cpu_time_up_message(cpu_seconds: int) -> str:
    amount = f"{cpu_seconds} s" if cpu_seconds < 120 else f"{cpu_seconds / 60:.0f} minutes"
    return (
        f"stepnet: this session used its {amount} of computing time; "
        "connect again to start a new one"
    )
