# Copyright: contributors to veeam_em.core
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""A waivers file read into Waivers: which VMs (by VM, job, backup server or failover plan
name or glob, scoped to an EM or not) have which findings waived, why, and until when.

The shape is checked whole before anything is read from Enterprise Manager, and every
error names the file, the entry (1-based) and its line, so a typo never turns into a
waiver that silently waives nothing or everything. Applying them is _waivers' job.
Pure functions over text (read_waivers only reads the file).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from typing import Any

from ansible_collections.veeam_em.core.plugins.module_utils._dependencies import optional_import
from ansible_collections.veeam_em.core.plugins.module_utils._errors import ConfigurationError
from ansible_collections.veeam_em.core.plugins.module_utils._times import DURATION, iso, parse_moment
from ansible_collections.veeam_em.core.plugins.module_utils.verdict._findings import FINDINGS, WAIVER_EXPIRED
from ansible_collections.veeam_em.core.plugins.module_utils.verdict._plan_summary import PLAN_NOT_READY
from ansible_collections.veeam_em.core.plugins.module_utils.verdict._unknown_names import did_you_mean

# PyYAML ships with ansible-core; imported this way so module_utils still loads without it.
yaml = optional_import("yaml")

# The findings a waiver may name: every VM finding but waiver_expired (given back by an expired one), and the run's own.
NOT_FOUND = "not_found"
WAIVABLE = tuple(finding for finding in FINDINGS if finding != WAIVER_EXPIRED) + (NOT_FOUND, PLAN_NOT_READY)
SELECTORS = ("vms", "jobs", "backup_servers", "failover_plans")
KEYS = SELECTORS + ("em", "findings", "justification", "starts", "expires", "permanent", "ticket", "owner")
DATE_ONLY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
TIME_HINT = "write ISO 8601 such as 2026-12-31T18:00:00Z, or a date such as 2026-12-31 (it holds through that day UTC)"


class WaiverFileError(ConfigurationError):
    """A waivers file that cannot be read as waivers; the message names file, entry and line."""


@dataclass(frozen=True)
class Waiver:
    """One entry of a waivers file. A selector given is a tuple of names or globs (empty: not
    given); `findings` None waives every finding of the VMs it matches; `expires` None only
    when `permanent`."""

    entry: int
    line: int
    justification: str
    vms: tuple[str, ...] = ()
    jobs: tuple[str, ...] = ()
    backup_servers: tuple[str, ...] = ()
    failover_plans: tuple[str, ...] = ()
    em: str | None = None
    findings: tuple[str, ...] | None = None
    starts: datetime | None = None
    expires: datetime | None = None
    permanent: bool = False
    ticket: str | None = None
    owner: str | None = None

    def as_dict(self) -> dict[str, Any]:
        """Plain JSON data: lists for the selectors and findings, ISO 8601 UTC text for times."""
        return {"entry": self.entry, "line": self.line, "vms": list(self.vms), "jobs": list(self.jobs),
                "backup_servers": list(self.backup_servers), "failover_plans": list(self.failover_plans),
                "em": self.em, "findings": None if self.findings is None else list(self.findings),
                "justification": self.justification, "starts": iso(self.starts), "expires": iso(self.expires),
                "permanent": self.permanent, "ticket": self.ticket, "owner": self.owner}


def read_waivers(path: str) -> list[Waiver]:
    """The waivers of the file at `path`; WaiverFileError when it cannot be read or is malformed."""
    try:
        with open(path, encoding="utf-8") as handle:
            text = handle.read()
    except OSError as error:
        raise WaiverFileError(f"waivers file {path} cannot be read: {error.strerror or error}; "
                              "check the path (a relative one is relative to where Ansible runs)") from None
    except UnicodeDecodeError:
        raise WaiverFileError(f"waivers file {path} is not UTF-8 text; save it as UTF-8") from None
    return parse_waivers(text, path)


def parse_waivers(text: str, source: str) -> list[Waiver]:
    """The waivers in YAML `text` (`source` names it in errors): a mapping with the one key
    `waivers` holding a list of entries; WaiverFileError for anything else."""
    if yaml is None:
        raise WaiverFileError(f"waivers file {source} cannot be read without PyYAML; install it where Ansible runs")
    entries = _entry_nodes(_document(text, source), source)
    return [_waiver(node, number, source) for number, node in enumerate(entries, start=1)]


def _document(text: str, source: str) -> Any:
    """The YAML node tree of `text`, one document; WaiverFileError naming line and column otherwise."""
    loader = yaml.SafeLoader(text)
    try:
        return loader.get_single_node()
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        raise WaiverFileError(f"waivers file {source} is not valid YAML{where}: {_problem(error)}; fix the YAML") from None
    except yaml.YAMLError as error:
        raise WaiverFileError(f"waivers file {source} is not valid YAML: {error}; fix the YAML") from None
    finally:
        loader.dispose()


def _problem(error: Any) -> str:
    """PyYAML's words for a syntax error (what it was parsing, then what it found), without its
    excerpt of the file."""
    context, problem = error.context, error.problem
    if not context or not problem:
        return str(problem or context)
    return f"{context}{', ' if problem.startswith('but ') else ': '}{problem}"


def _entry_nodes(root: Any, source: str) -> list[Any]:
    """The entry nodes under `waivers:`; WaiverFileError when the file is not that shape."""
    shape = "it must be a mapping with the one key waivers holding a list of entries (waivers: [] for none)"
    if not isinstance(root, yaml.MappingNode):
        where = "is empty" if root is None else f"(line {root.start_mark.line + 1}) is not a mapping"
        raise WaiverFileError(f"waivers file {source} {where}; {shape}")
    keys = [_key_text(pair[0]) for pair in root.value]
    if keys != ["waivers"]:
        others = ", ".join(repr(key) for key in keys if key != "waivers") or "'waivers' more than once"
        raise WaiverFileError(f"waivers file {source} (line {root.start_mark.line + 1}) has {others}; {shape}"
                              + (did_you_mean(keys[0], ["waivers"]) if len(keys) == 1 else ""))
    value = root.value[0][1]
    if not isinstance(value, yaml.SequenceNode):
        raise WaiverFileError(f"waivers file {source} (line {value.start_mark.line + 1}): waivers is not a list; {shape}")
    return list(value.value)


def _key_text(node: Any) -> str:
    return str(node.value) if isinstance(node, yaml.ScalarNode) else f"<{type(node).__name__}>"


def _waiver(node: Any, number: int, source: str) -> Waiver:
    """One entry as a Waiver; WaiverFileError naming the entry and its line."""
    line = node.start_mark.line + 1

    def fail(what: str) -> WaiverFileError:
        return WaiverFileError(f"waivers file {source}, entry {number} (line {line}): {what}")

    if not isinstance(node, yaml.MappingNode):
        raise fail("an entry must be a mapping of keys such as vms, justification and expires")
    fields = _fields(node, fail)
    expires, permanent = _end(fields, fail)
    starts = _moment(fields, "starts", fail, through_day=False)
    if starts is not None and expires is not None and starts >= expires:
        raise fail(f"starts {iso(starts)} is not before expires {iso(expires)}; a window must start before it ends")
    return Waiver(entry=number, line=line, justification=_justification(fields, fail),
                  **{key: _patterns(fields, key, fail) for key in SELECTORS},
                  em=_text(fields, "em", fail), findings=_findings(fields, fail), starts=starts, expires=expires,
                  permanent=permanent, ticket=_text(fields, "ticket", fail), owner=_text(fields, "owner", fail))


def _fields(node: Any, fail: Any) -> dict[str, Any]:
    """The entry's keys and values; a key that is unknown or given twice fails."""
    loader = yaml.SafeLoader("")
    fields: dict[str, Any] = {}
    lines: dict[str, int] = {}
    try:
        for key_node, value_node in node.value:
            key = _key_text(key_node)
            if key in lines:
                raise fail(f"key {key!r} is given twice (lines {lines[key]} and {key_node.start_mark.line + 1}); keep one")
            if key not in KEYS:
                raise fail(f"unknown key {key!r}" + (did_you_mean(key, KEYS) or f"; the keys are {', '.join(KEYS)}"))
            lines[key] = key_node.start_mark.line + 1
            fields[key] = _value(loader, key, value_node, fail)
    finally:
        loader.dispose()
    if not any(fields.get(key) not in (None, "", []) for key in SELECTORS):
        raise fail(f"no selector: give at least one of {', '.join(SELECTORS)}")
    return fields


def _value(loader: Any, key: str, node: Any, fail: Any) -> Any:
    """A value as YAML reads it; one YAML cannot build (a date such as 2026-13-01, a Python
    tag SafeLoader refuses) fails naming the key."""
    try:
        return loader.construct_object(node, deep=True)
    except (ValueError, yaml.YAMLError) as error:
        problem = getattr(error, "problem", None) or str(error)
        raise fail(f"{key} (line {node.start_mark.line + 1}): cannot read its value: {problem}") from None


def _patterns(fields: dict[str, Any], key: str, fail: Any) -> tuple[str, ...]:
    """A selector's names or globs: one string or a list of them (not given: ())."""
    value = fields.get(key)
    if value is None:
        return ()
    listed = [value] if isinstance(value, str) else value
    if not isinstance(listed, list) or not listed or not all(isinstance(item, str) and item for item in listed):
        raise fail(f"{key} must be a name or glob, or a list of them, not {value!r} (quote a name YAML reads as a "
                   "number or a date)")
    return tuple(listed)


def _findings(fields: dict[str, Any], fail: Any) -> tuple[str, ...] | None:
    """The findings waived (None: every finding); a name not in WAIVABLE fails."""
    value = fields.get("findings")
    if value is None:
        return None
    listed = [value] if isinstance(value, str) else value
    if not isinstance(listed, list) or not listed:
        raise fail(f"findings must be a list of findings, not {value!r} (leave it out to waive every finding)")
    for name in listed:
        if name not in WAIVABLE:
            hint = did_you_mean(str(name), WAIVABLE) or f"; choose from {', '.join(WAIVABLE)}"
            raise fail(f"unknown finding {name!r}{hint}")
    return tuple(dict.fromkeys(listed))


def _justification(fields: dict[str, Any], fail: Any) -> str:
    value = fields.get("justification")
    if value is None or (isinstance(value, str) and not value.strip()):
        raise fail("no justification: say why the finding may be waived (justification: <text>)")
    if not isinstance(value, str):
        raise fail(f"justification must be text, not {value!r}")
    return value.strip()


def _text(fields: dict[str, Any], key: str, fail: Any) -> str | None:
    """An optional text (em, ticket, owner); a number, such as a ticket number, as its text."""
    value = fields.get(key)
    if value is None or isinstance(value, str):
        return value or None
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    raise fail(f"{key} must be text, not {value!r}")


def _end(fields: dict[str, Any], fail: Any) -> tuple[datetime | None, bool]:
    """(expires, permanent): exactly one of an expiry and `permanent: true`."""
    permanent = fields.get("permanent", False)
    if not isinstance(permanent, bool):
        raise fail(f"permanent must be true or false, not {permanent!r}")
    expires = _moment(fields, "expires", fail, through_day=True)
    if permanent and expires is not None:
        raise fail("both expires and permanent: true; give one of them")
    if not permanent and expires is None:
        raise fail("neither expires nor permanent: true; give expires (a date-time or a date) or permanent: true")
    return expires, permanent


def _moment(fields: dict[str, Any], key: str, fail: Any, through_day: bool) -> datetime | None:
    """An aware UTC time from ISO 8601 (naive: UTC). A bare date is its midnight, or with
    `through_day` the midnight that ends it, so `expires: 2026-12-31` holds all of that day."""
    value = fields.get(key)
    if value is None:
        return None
    # YAML reads unquoted dates and date-times itself; back to text, one parse for all.
    text = value.isoformat() if isinstance(value, date) else str(value).strip()
    if not isinstance(value, (str, date)) or DURATION.match(text):
        raise fail(f"{key}: cannot read {value!r} as a time; {TIME_HINT}")
    try:
        # A duration is refused above, so parse_moment's `now` is never used.
        moment = parse_moment(text, key, datetime.min.replace(tzinfo=timezone.utc))
    except ConfigurationError:
        raise fail(f"{key}: cannot read {value!r} as a time; {TIME_HINT}") from None
    if moment is None:
        raise fail(f"{key} is empty; {TIME_HINT}")
    return moment + timedelta(days=1) if through_day and DATE_ONLY.match(text) else moment
