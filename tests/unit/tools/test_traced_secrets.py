"""No integration test script lets `set -x` print a password.

Under `set -x` bash prints every command with its words expanded, before it runs, on stderr,
which ansible-test shows at default verbosity: a password on a traced line (an assignment, an
argument, a grep for it, even as "$VARIABLE") is in the output of every test run. The scripts
set passwords before `set -x` or inside `{ set +x; } 2>/dev/null` ... `set -x`, and pass them on
through the environment (the simulator's --password-env) or files.

The passwords are the simulator's default account's and every literal a script gives a
simulator (--password) or assigns to a variable named like a password; a variable assigned
from such a variable is one too. Heredoc bodies are not traced; a sourced script (one
without its own `set -x`) is traced throughout, as its caller traces it.
"""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from ansible_collections.veeam_em.core.tests.em_simulator.auth import DEFAULT_PASSWORD

TARGETS = Path(__file__).resolve().parents[2] / "integration" / "targets"
SECRET_NAME = re.compile(r"(?i:password|passwd)|^MARKER$")
ASSIGNMENT = re.compile(r"""(?:^|[\s;])(?:export\s+|local\s+)?([A-Za-z_][A-Za-z0-9_]*)=("[^"]*"|'[^']*'|[^\s;]*)""")
OPTION = re.compile(r"""--password[= ]("[^"]*"|'[^']*'|[^\s;]+)""")
HEREDOC = re.compile(r"""<<-?\s*(['"]?)([A-Za-z_]+)\1""")
TRACE_ON = re.compile(r"^\s*set\s+-[a-z]*x")
TRACE_OFF = re.compile(r"^\s*\{?\s*set\s+\+[a-z]*x")


def _unquoted(value: str) -> str:
    return value[1:-1] if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"" else value


def secrets_of(scripts: dict[str, str]) -> tuple[set[str], set[str]]:
    """(password literals, names of variables holding one) across all scripts."""
    literals, names = {DEFAULT_PASSWORD}, set()
    for text in scripts.values():
        literals |= {_unquoted(value) for value in OPTION.findall(text) if not value.lstrip("'\"").startswith("$")}
    for _round in range(3):  # a variable assigned from a secret variable, assigned from ...
        for text in scripts.values():
            for name, value in ASSIGNMENT.findall(text):
                plain = _unquoted(value)
                if SECRET_NAME.search(name) and plain:
                    names.add(name)
                    if not plain.startswith("$") and len(plain) >= 6:
                        literals.add(plain)
                elif plain in literals or re.sub(r"[${}]", "", plain).split(":")[0] in names:
                    names.add(name)
    return literals, names


def traced_leaks(text: str, literals: set[str], names: set[str], sourced: bool) -> list[tuple[int, str]]:
    """(line number, line) of every traced line that holds a password or expands a password variable."""
    expansions = re.compile(r"\$\{?(" + "|".join(map(re.escape, sorted(names))) + r")\b") if names else None
    traced, heredoc_end, leaks = sourced, None, []
    for number, line in enumerate(text.splitlines(), 1):
        if heredoc_end is not None:
            heredoc_end = None if line.strip() == heredoc_end else heredoc_end
            continue
        code = line.strip()
        if code.startswith("#"):
            continue
        if TRACE_OFF.match(code):
            traced = False
        elif TRACE_ON.match(code):
            traced = True
        elif traced and (any(secret in line for secret in literals) or (expansions and expansions.search(line))):
            leaks.append((number, line))
        heredoc = HEREDOC.search(line)
        heredoc_end = heredoc.group(2) if heredoc else None
    return leaks


def _sets_trace(text: str) -> bool:
    return any(TRACE_ON.match(line) for line in text.splitlines())


def _scripts() -> dict[str, str]:
    return {str(path.relative_to(TARGETS)): path.read_text(encoding="utf-8") for path in sorted(TARGETS.glob("*/*.sh"))}


def test_the_targets_have_scripts_with_passwords():
    """The check below has something to check: scripts, and passwords they use."""
    scripts = _scripts()
    literals, names = secrets_of(scripts)
    assert len(scripts) >= 10 and len(literals) >= 3 and "VEEAM_EM_PASSWORD" in names


def test_no_script_traces_a_password():
    scripts = _scripts()
    literals, names = secrets_of(scripts)
    leaks = [f"{path}:{number}: {line.strip()}" for path, text in scripts.items()
             for number, line in traced_leaks(text, literals, names, sourced=not _sets_trace(text))]
    assert not leaks, "passwords printed by set -x:\n" + "\n".join(leaks)


@pytest.mark.parametrize("script, leaked", [
    ("set -eux\nstart --password 'Pw-123456'\n", [2]),
    ("set -eux\nexport VEEAM_EM_PASSWORD='Pw-123456'\n", [2]),
    ("set -eux\nX_PASSWORD=\"$(cat f)\"\ncheck \"$X_PASSWORD\"\n", [3]),
    ("P_PASSWORD='Pw-123456'\nset -eux\ngrep -F -e 'Pw-123456' out\n", [3]),
    ("P_PASSWORD='Pw-123456'\nset -eux\nexport Q=\"$P_PASSWORD\"\nuse \"${Q}\"\n", [3, 4]),
    ("P_PASSWORD='Pw-123456'\nset -eux\nstart --password-env P_PASSWORD\n", []),
    ("set -eux\n{ set +x; } 2>/dev/null\nexport VEEAM_EM_PASSWORD='Pw-123456'\nset -x\nrun\n", []),
    ("set -eux\ncat > f <<YAML\npassword: $VEEAM_EM_PASSWORD\nYAML\n", []),
])
def test_the_check_finds_traced_passwords(script, leaked):
    literals, names = secrets_of({"runme.sh": script})
    assert [number for number, _line in traced_leaks(script, literals, names, sourced=False)] == leaked
