"""The server's host key, and who may log in: students' public keys and an optional password."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import asyncssh

from engine.errors import StepnetError

HOST_KEY_TYPE = "ssh-ed25519"


def load_or_create_host_key(path: Path) -> tuple[asyncssh.SSHKey, bool]:
    """The host key at `path`, generated there (mode 0600) if there is none yet; and whether it
    was generated now. Students' ssh remembers it, so it must outlive the server."""
    try:
        handle = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return _read_host_key(path), False
    except OSError as error:
        raise StepnetError(f"cannot create host key {path}: {error.strerror}") from None
    key = asyncssh.generate_private_key(HOST_KEY_TYPE)
    with os.fdopen(handle, "wb") as stream:
        stream.write(key.export_private_key())
    return key, True


def _read_host_key(path: Path) -> asyncssh.SSHKey:
    mode = path.stat().st_mode
    if mode & (stat.S_IRWXG | stat.S_IRWXO):
        raise StepnetError(
            f"host key {path} can be read by others (mode {stat.S_IMODE(mode):o}): "
            f"chmod 600 {path}, or remove it to make a new one"
        )
    try:
        return asyncssh.read_private_key(path)
    except (OSError, asyncssh.KeyImportError) as error:
        reason = getattr(error, "strerror", None) or error
        raise StepnetError(
            f"cannot read host key {path}: {reason}; remove it to make a new one"
        ) from None


def fingerprint(key: asyncssh.SSHKey) -> str:
    """SHA256:…, as `ssh` shows it when it first meets the server."""
    return key.get_fingerprint("sha256")


def read_authorized_keys(path: Path) -> asyncssh.SSHAuthorizedKeys:
    """Students' public keys, one per line, in OpenSSH's authorized_keys format."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        raise StepnetError(f"cannot read authorized keys {path}: {error.strerror}") from None
    except UnicodeDecodeError:
        raise StepnetError(
            f"authorized keys {path} is not text: give an authorized_keys file"
        ) from None
    if not any(line.strip() and not line.lstrip().startswith("#") for line in text.splitlines()):
        raise StepnetError(f"authorized keys {path} holds no keys: add the students' .pub lines")
    try:
        return asyncssh.import_authorized_keys(text)
    except (ValueError, asyncssh.KeyImportError) as error:
        raise StepnetError(f"authorized keys {path}: {error}") from None
