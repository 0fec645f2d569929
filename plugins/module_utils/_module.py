# Copyright: contributors to veeam_em.core
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""What every module shares: the connection argument spec and the run wrapper that turns
neutral errors into fail_json. The one module_utils file that knows AnsibleModule."""
from __future__ import annotations

from typing import Any, Callable

from ansible.module_utils.basic import AnsibleModule, env_fallback, missing_required_lib

from ansible_collections.veeam_em.core.plugins.module_utils._connection import (
    connection_options_from,
    open_api,
)
from ansible_collections.veeam_em.core.plugins.module_utils._dependencies import missing_libraries
from ansible_collections.veeam_em.core.plugins.module_utils._errors import ActionFailed, ConfigurationError, VeeamEmError
from ansible_collections.veeam_em.core.plugins.module_utils._options import CONNECTION_OPTIONS
from ansible_collections.veeam_em.core.plugins.module_utils.em._em_api import EmApi
from ansible_collections.veeam_em.core.plugins.module_utils.verdict._unknown_names import backup_server_warnings
from ansible_collections.veeam_em.core.plugins.module_utils.verdict._not_judged import message as not_judged_message


def connection_argument_spec() -> dict[str, dict[str, Any]]:
    """The connection options of every module, from the table (documented in the connection doc fragment)."""
    spec: dict[str, dict[str, Any]] = {}
    for option in CONNECTION_OPTIONS:
        entry: dict[str, Any] = {"type": option.type}
        if option.default is not None:
            entry["default"] = option.default
        if option.no_log:
            entry["no_log"] = True
        if option.env:
            entry["fallback"] = (env_fallback, [option.env])
        spec[option.name] = entry
    return spec


# The option of every info module with an exact-name filter EM does not check itself
# (backup_server_names): documented once in the name_checks doc fragment.
STRICT_NAMES_OPTION = {"strict_names": {"type": "bool", "default": False}}


def run_info_module_with(options: dict[str, dict[str, Any]], gather: Callable[[EmApi, dict[str, Any]], dict[str, Any]]) -> None:
    """An info module's main(): the connection options and its own `options` as the argument
    spec (check mode supported: every module only reads), then run_info_module. A module that
    takes backup_server_names also takes strict_names, since it warns of the names EM does not
    know (run_info_module) and strict_names makes that warning a failure."""
    argument_spec = connection_argument_spec()
    argument_spec.update(options)
    if "backup_server_names" in options:
        argument_spec.update(STRICT_NAMES_OPTION)
    run_info_module(AnsibleModule(argument_spec=argument_spec, supports_check_mode=True), gather)


def run_info_module(module: AnsibleModule, gather: Callable[[EmApi, dict[str, Any]], dict[str, Any]]) -> None:
    """Connect, call `gather`, log out, and exit: exit_json on success, fail_json on error.

    A module that takes backup_server_names also warns of each name EM does not know, since
    EM's exact filter answers such a name with nothing, and nothing says why; with strict_names
    it fails with the same words instead, before the rest is read.
    """
    for library, error in missing_libraries():
        module.fail_json(msg=missing_required_lib(library), exception=error)
    retried: list[str] = []
    try:
        options = connection_options_from(module.params)
        for warning in options.warnings():
            module.warn(warning)
        # A failed logout is one warning, whether the run succeeded or not.
        with open_api(options, on_retry=retried.append, on_logout_failure=module.warn) as api:
            if module.params.get("strict_names"):
                _refuse_unknown_names(backup_server_warnings(api, module.params.get("backup_server_names")))
            result = gather(api, module.params)
            warnings = backup_server_warnings(api, module.params.get("backup_server_names"))
    except VeeamEmError as error:
        module.fail_json(msg=str(error), **_retry_notes(module, retried))
    for warning in warnings + [not_judged_message(entry) for entry in result.get("not_judged") or ()]:
        module.warn(warning)
    module.exit_json(changed=False, **result, **_retry_notes(module, retried))


def _refuse_unknown_names(warnings: list[str]) -> None:
    """strict_names: the unknown-name warnings, in their own words and one a line, as the
    error of the run (raised, so that the session is logged out before the module fails)."""
    if warnings:
        raise ConfigurationError("\n".join(warnings))


def _retry_notes(module: AnsibleModule, retried: list[str]) -> dict[str, list[str]]:
    """The retries of the run as `retried_requests`, at -vvv only.

    A module cannot print as it runs; its result is what -v and above show. The key is added
    only at -vvv (where ansible-core also shows connection details), so results stay the same
    at lower verbosity, and it is not named `retries`, which ansible-core writes for `until`.
    """
    return {"retried_requests": retried} if retried and getattr(module, "_verbosity", 0) >= 3 else {}


def run_action_module(options: dict[str, dict[str, Any]], act: Callable[[AnsibleModule, EmApi, Any], dict[str, Any]],
                      prepare: Callable[[dict[str, Any]], Any] = dict) -> None:
    """A module that acts on EM (starts a job, collects): the connection options and its own
    `options` as the argument spec, check mode supported (`act` reads module.check_mode and
    sends nothing that acts in it). `prepare(params)` checks the module's own options before
    any request (ConfigurationError); then `act(module, api, prepared)` over one logon:
    exit_json with its result (which holds `changed`), or fail_json with the error's message
    and what is known (ActionFailed.known, such as the jobs it started), so nothing started is
    left untracked."""
    module = AnsibleModule(argument_spec={**connection_argument_spec(), **options}, supports_check_mode=True)
    for library, error in missing_libraries():
        module.fail_json(msg=missing_required_lib(library), exception=error)
    try:
        prepared = prepare(module.params)
        connection = connection_options_from(module.params)
        for warning in connection.warnings():
            module.warn(warning)
        with open_api(connection, on_logout_failure=module.warn) as api:
            result = act(module, api, prepared)
    except ActionFailed as failure:
        module.fail_json(msg=str(failure), **failure.known)
    except VeeamEmError as error:
        module.fail_json(msg=str(error))
    module.exit_json(**result)
