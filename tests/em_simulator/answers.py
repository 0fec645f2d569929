"""A request as the API handlers see it and what they answer: independent of HTTP plumbing."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .xmlrender import error_body

XML_TYPE = "application/xml; charset=utf-8"


@dataclass
class Request:
    method: str
    path: str
    params: dict[str, str]  # names lower-cased: EM treats parameter names case-insensitively
    headers: Any  # a case-insensitive mapping (email.message.Message)
    base: str  # e.g. https://127.0.0.1:9398/api
    # Set when the account may not read what it asked for and EM answers as if there were
    # nothing to show (config.denied_answer "empty").
    hidden: bool = False
    # The logon session (auth.LogonSession) the request was made in; None before logon.
    session: Any = None


@dataclass
class Response:
    status: int
    body: bytes = b""
    headers: list[tuple[str, str]] = field(default_factory=list)


class ApiError(Exception):
    def __init__(self, status: int, message: str, headers: list[tuple[str, str]] | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.headers = headers or []


def error_response(status: int, message: str, headers: list[tuple[str, str]] | None = None) -> Response:
    return Response(status, error_body(status, message), [("Content-Type", XML_TYPE), *(headers or [])])


def ok(body: bytes, status: int = 200) -> Response:
    return Response(status, body, [("Content-Type", XML_TYPE)])
