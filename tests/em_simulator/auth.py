"""EM logon sessions: Basic-auth logon, tokens, idle expiry, logout, and their counts."""
from __future__ import annotations

import base64
import binascii
import secrets
import threading
import time
import uuid
from dataclasses import dataclass
from typing import Callable

from .roles import PORTAL_ADMINISTRATOR, ROLES

DEFAULT_USERNAME = "CORP\\em-reader"
DEFAULT_PASSWORD = "Sim-Passw0rd!"


@dataclass
class LogonSession:
    id: str
    token: str
    user: str
    last_used: float
    requests: int = 0
    # The account's roles at logon: every request of the session is judged on them.
    roles: tuple[str, ...] = ()


@dataclass(frozen=True)
class Account:
    password: str
    # EM's roles (roles.ROLES) the account holds; with none it may not log on (403).
    roles: tuple[str, ...]

    def __post_init__(self) -> None:
        # A bare string would read as a tuple of letters.
        if isinstance(self.roles, str) or any(role not in ROLES for role in self.roles):
            raise ValueError(f"roles must be a tuple of {', '.join(ROLES)}; got {self.roles!r}")


def parse_basic(header: str | None) -> tuple[str, str] | None:
    """(user, password) from a Basic Authorization header sent as UTF-8, else None."""
    if not header or not header[:6].lower() == "basic ":
        return None
    try:
        decoded = base64.b64decode(header[6:].strip(), validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError):
        return None
    user, separator, password = decoded.partition(":")
    return (user, password) if separator else None


class SessionManager:
    def __init__(self, idle_timeout: float, clock: Callable[[], float] = time.monotonic) -> None:
        self.idle_timeout = idle_timeout
        self.token_expiry_after: int | None = None
        self.clock = clock
        self.accounts: dict[str, Account] = {DEFAULT_USERNAME: Account(DEFAULT_PASSWORD, (PORTAL_ADMINISTRATOR,))}
        self._by_token: dict[str, LogonSession] = {}
        self._lock = threading.Lock()
        self.reset_counts()

    def reset_counts(self) -> None:
        self.counts = {"logons": 0, "logouts": 0, "failed_logons": 0, "expired": 0}
        # Every token handed out since the reset, so tests can prove none leaks into output.
        self.issued_tokens: list[str] = []

    def authenticate(self, header: str | None) -> tuple[str, Account] | None:
        credentials = parse_basic(header)
        account = self.accounts.get(credentials[0]) if credentials else None
        if credentials is None or account is None or not secrets.compare_digest(
            account.password.encode("utf-8"), credentials[1].encode("utf-8")
        ):
            with self._lock:
                self.counts["failed_logons"] += 1
            return None
        return credentials[0], account

    def logon(self, user: str, roles: tuple[str, ...]) -> LogonSession:
        # The token is unrelated to the session id, as on EM: clients must read the header.
        token = base64.b64encode(secrets.token_bytes(16)).decode()
        session = LogonSession(str(uuid.uuid4()), token, user, self.clock(), roles=roles)
        with self._lock:
            self._by_token[session.token] = session
            self.counts["logons"] += 1
            self.issued_tokens.append(session.token)
        return session

    def resolve(self, token: str | None) -> LogonSession | None:
        """The live session for a token, counting the request; None if unknown or expired."""
        if not token:
            return None
        with self._lock:
            session = self._by_token.get(token)
            if session is None:
                return None
            now = self.clock()
            session.requests += 1
            worn_out = self.token_expiry_after is not None and session.requests > self.token_expiry_after
            if worn_out or now - session.last_used > self.idle_timeout:
                del self._by_token[token]
                self.counts["expired"] += 1
                return None
            session.last_used = now
            return session

    def logout(self, session_id: str) -> bool:
        with self._lock:
            for token, session in self._by_token.items():
                if session.id == session_id:
                    del self._by_token[token]
                    self.counts["logouts"] += 1
                    return True
        return False

    def open_sessions(self) -> list[LogonSession]:
        """Live sessions; idle ones past the timeout are expired on the way."""
        with self._lock:
            now = self.clock()
            for token, session in list(self._by_token.items()):
                if now - session.last_used > self.idle_timeout:
                    del self._by_token[token]
                    self.counts["expired"] += 1
            return list(self._by_token.values())

    def drop_all(self) -> None:
        with self._lock:
            self._by_token.clear()
