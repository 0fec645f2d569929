"""The command line's EM accounts: the one the simulator accepts (--username, --password or
--password-env, --account-role) and extra ones with roles of their own (--extra-account,
their password from --extra-password-env), so one simulator serves, say, a Portal User and a
Portal Administrator at once. Passwords of extra accounts never come from the command line."""
from __future__ import annotations

import argparse
import os
from typing import Callable, NoReturn

from .auth import DEFAULT_PASSWORD, DEFAULT_USERNAME
from .roles import PORTAL_ADMINISTRATOR, ROLE_SPELLINGS, roles_from_text

Fail = Callable[[str], NoReturn]
# Account name -> (password, EM roles), as EmSimulator.add_user takes them.
Accounts = dict[str, tuple[str, tuple[str, ...]]]


def _roles(text: str) -> tuple[str, ...]:
    try:
        return roles_from_text(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


def _extra_account(text: str) -> tuple[str, tuple[str, ...]]:
    # Windows account names may not hold ':' (nor may EM's), so the last one ends the name.
    name, separator, roles = text.rpartition(":")
    if not separator or not name or not roles:
        raise argparse.ArgumentTypeError(f"invalid account {text!r}: use NAME:ROLE[,ROLE...]")
    return name, _roles(roles)


def add_account_options(parser: argparse.ArgumentParser) -> None:
    accounts = parser.add_argument_group("EM accounts")
    accounts.add_argument("--username", default=None, help=f"the EM account to accept (default {DEFAULT_USERNAME})")
    accounts.add_argument("--password", default=None, help=f"its password (default {DEFAULT_PASSWORD})")
    accounts.add_argument("--password-env", metavar="NAME",
                          help="read the password from this environment variable: it is then on no command line "
                               "and in no `set -x` trace of a test script")
    spellings = ", ".join(spelling for spelling in ROLE_SPELLINGS if spelling != "vm-restore-operator")
    accounts.add_argument("--account-role", metavar="ROLE", type=_roles, action="append",
                          help=f"an EM role of that account: {spellings} (repeatable, or a comma list; "
                               "default portal-administrator); the account reads what Veeam's Security Roles "
                               "page gives its roles")
    accounts.add_argument("--extra-account", metavar="NAME:ROLE[,ROLE]", type=_extra_account, action="append",
                          help="accept one more account with these roles (repeatable); its password comes "
                               "from --extra-password-env")
    accounts.add_argument("--extra-password-env", metavar="NAME",
                          help="the environment variable holding the password of every --extra-account")


def accounts_from_args(args: argparse.Namespace, fail: Fail) -> Accounts:
    """Every account the simulator is to accept: its own (the defaults unless the options name
    them), then the extra ones. Checked before any data is generated."""
    password = _password(args.password, args.password_env, "--password-env", fail)
    roles = _flat(args.account_role) or (PORTAL_ADMINISTRATOR,)
    accounts = {args.username or DEFAULT_USERNAME: (password or DEFAULT_PASSWORD, roles)}
    if not args.extra_account:
        if args.extra_password_env:
            fail("--extra-password-env goes with --extra-account")
        return accounts
    if not args.extra_password_env:
        fail("--extra-account needs --extra-password-env (its password is never given on the command line)")
    extra_password = _password(None, args.extra_password_env, "--extra-password-env", fail)
    for name, extra_roles in args.extra_account:
        if name in accounts:
            fail(f"--extra-account: the account {name} is named twice")
        accounts[name] = (extra_password, extra_roles)
    return accounts


def _password(given: str | None, variable: str | None, option: str, fail: Fail) -> str | None:
    if not variable:
        return given
    if given is not None:
        fail(f"give --password or {option}, not both")
    if not os.environ.get(variable):
        fail(f"{option}: the environment variable {variable} is not set or empty")
    return os.environ[variable]


def _flat(groups: list[tuple[str, ...]] | None) -> tuple[str, ...]:
    """The roles of repeated options, in order, each once."""
    return tuple(dict.fromkeys(role for group in groups or () for role in group))
