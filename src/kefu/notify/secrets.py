"""Channel secrets at rest: encrypted with the workspace's key, never shown again.

A webhook URL carries the robot's key, a signing secret signs its messages,
an SMTP password logs in: anyone holding one can post to the group. They are
encrypted with Fernet (AES-128-CBC with HMAC-SHA256, ``cryptography``) under
a key kept in ``<workspace>/notify.key`` (created with mode 0600 on first use).
The database alone therefore does not reveal them; lists show a fingerprint
and the last four characters only. Every Kefu process that sends needs the
same key file: with PostgreSQL and several hosts, copy it with the workspace.
"""

from __future__ import annotations

import hashlib
import json
import os
import stat
from pathlib import Path
from typing import Any

from cryptography.fernet import Fernet, InvalidToken

from kefu.errors import KefuError
from kefu.workspace import Workspace

KEY_FILE = "notify.key"


def key_path(ws: Workspace) -> Path:
    return ws.home / KEY_FILE


def _key(ws: Workspace) -> bytes:
    path = key_path(ws)
    if not path.exists():
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:  # another process made it meanwhile
            pass
        else:
            with os.fdopen(fd, "wb") as f:
                f.write(Fernet.generate_key())
    mode = stat.S_IMODE(path.stat().st_mode)
    if mode & 0o077:
        # Readable by others: tighten it rather than go on leaking it.
        path.chmod(0o600)
    return path.read_bytes().strip()


def seal(ws: Workspace, secrets: dict[str, str]) -> str:
    """``secrets`` encrypted for the database."""
    data = json.dumps(secrets, sort_keys=True, ensure_ascii=False).encode()
    return Fernet(_key(ws)).encrypt(data).decode("ascii")


def unseal(ws: Workspace, token: str) -> dict[str, str]:
    try:
        data = Fernet(_key(ws)).decrypt(token.encode("ascii"))
    except (InvalidToken, ValueError):
        raise KefuError(
            f"a channel's secrets cannot be read with {key_path(ws)} (another workspace's "
            "key?); copy the right key file there, or remove the channel and add it again"
        ) from None
    out: dict[str, Any] = json.loads(data)
    return {str(k): str(v) for k, v in out.items()}


def fingerprint(secrets: dict[str, str], main: str) -> str:
    """``3f9a01c2 …5aaa``: enough to tell channels apart, nothing to post with."""
    digest = hashlib.sha256(json.dumps(secrets, sort_keys=True).encode()).hexdigest()[:8]
    tail = secrets.get(main, "")[-4:]
    return f"{digest} …{tail}" if tail else digest
