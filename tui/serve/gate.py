"""Who gets in: connections not yet logged in, password attempts and failures, per address.

Like sshd's MaxStartups, a server holds only so many connections that have not logged in yet,
in all and from one address, so idle sockets cannot use up its descriptors or its class's
places. A wrong password costs FAILURE_DELAY seconds and one of a connection's few attempts;
an address that fails too often in a while is turned away until the while is over. A class
behind one school's NAT arrives from one address: the per-address numbers leave room for it.
Shared by `serve ssh` and `serve web`.
"""

from __future__ import annotations

import asyncio
import hmac
import logging
import time
from collections import defaultdict, deque
from collections.abc import Callable
from dataclasses import dataclass

from tui.serve.log_lines import shown

log = logging.getLogger("stepnet.serve")


@dataclass(frozen=True)
class GateLimits:
    unauthenticated: int = 64  # connections not logged in yet, in all
    unauthenticated_per_address: int = 48  # a class of 40 behind one NAT, and then some
    attempts_per_connection: int = 3  # wrong passwords, then the connection is closed
    failure_delay: float = 1.0  # seconds before a wrong password is answered
    failures_per_address: int = 30  # wrong passwords from one address within failure_window
    failure_window: float = 600.0


class Gate:
    def __init__(
        self, limits: GateLimits = GateLimits(), clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.limits = limits
        self._clock = clock
        self._waiting: dict[str, int] = defaultdict(int)  # not logged in yet, per address
        self._failures: dict[str, deque[float]] = defaultdict(deque)

    @property
    def waiting(self) -> int:
        return sum(self._waiting.values())

    def arrive(self, address: str) -> str | None:
        """Count a new connection from `address`, not logged in yet; or say why it is turned
        away (then it is not counted)."""
        limits = self.limits
        if self.locked_out(address):
            minutes = limits.failure_window / 60
            return f"too many wrong passwords from this address; try again in {minutes:.0f} minutes"
        if self.waiting >= limits.unauthenticated:
            return "too many connections are logging in at once; try again in a moment"
        if self._waiting[address] >= limits.unauthenticated_per_address:
            return "too many connections from this address are logging in; try again in a moment"
        self._waiting[address] += 1
        return None

    def leave(self, address: str) -> None:
        """A counted connection has logged in, or gone."""
        if self._waiting.get(address, 0) <= 1:
            self._waiting.pop(address, None)
        else:
            self._waiting[address] -= 1

    def locked_out(self, address: str) -> bool:
        failures = self._failures.get(address)
        if not failures:
            return False
        while failures and failures[0] <= self._clock() - self.limits.failure_window:
            failures.popleft()
        if not failures:
            del self._failures[address]
            return False
        return len(failures) >= self.limits.failures_per_address

    async def check_password(
        self, address: str, who: str, typed: str, expected: str, attempt: int
    ) -> bool:
        """True if `typed` is the class password; else, after FAILURE_DELAY, False, the failure
        counted and logged. `attempt` counts from 1 on this connection."""
        if hmac.compare_digest(typed.encode(), expected.encode()) and not self.locked_out(address):
            return True
        self._failures[address].append(self._clock())
        log.warning(
            "wrong password for %s from %s (attempt %d of %d)",
            shown(who),
            address,
            attempt,
            self.limits.attempts_per_connection,
        )
        await asyncio.sleep(self.limits.failure_delay)
        return False
