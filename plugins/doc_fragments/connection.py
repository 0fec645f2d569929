# Copyright: contributors to veeam_em.core
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The connection options, documented once for every module and plugin."""
from __future__ import annotations


class ModuleDocFragment:
    DOCUMENTATION = r"""
options:
  url:
    description:
      - Address of Veeam Backup Enterprise Manager, for example V(https://em.example.com:9398/api).
      - V(/api) and the port are optional; the port defaults to 9398. V(http://) is accepted for
        test set-ups only.
      - If not set, the environment variable E(VEEAM_EM_URL) is used.
    type: str
  username:
    description:
      - Enterprise Manager account, for example V(CORP\\svc-backup-read).
      - In YAML double quotes a backslash starts an escape, so C("CORP\em-reader") holds the control character ESC
        where C(\e) was written. Write V('CORP\\em-reader') in single quotes, or double the backslash in double quotes.
        A control character in O(url), O(username) or O(password) is refused before any request, naming its position.
      - What the account may read depends on its Enterprise Manager role (Veeam's EM REST reference, page
        C(security_roles_concept), "Security Roles"). A Portal User reads everything the collection reads but the
        replication jobs, so only M(veeam_em.core.replication_job_info) and coverage (VMs in jobs that never ran,
        disabled and overdue jobs) need a Portal Administrator to read; without it, coverage is not judged and said
        so. Starting, stopping or retrying a job (M(veeam_em.core.replication_job), and M(veeam_em.core.replica_point)
        when a point is stale) needs a Portal Administrator too; a Portal User may ask EM to collect.
        A VM Restore Operator reads only replica restore points (M(veeam_em.core.replica_point_info)).
        A refused read names the role it needs. R(The quickstart guide,ansible_collections.veeam_em.core.docsite.quickstart.em_roles)
        has a table of each module and plugin and the role it needs.
      - If not set, the environment variable E(VEEAM_EM_USERNAME) is used.
    type: str
  password:
    description:
      - Password of O(username). Never logged and never returned.
      - If not set, the environment variable E(VEEAM_EM_PASSWORD) is used.
    type: str
  validate_certs:
    description:
      - Whether Enterprise Manager's TLS certificate is checked.
      - Turning this off sends the credentials to whoever answers; prefer O(ca_path).
      - If not set, the environment variable E(VEEAM_EM_VALIDATE_CERTS) is used.
    type: bool
    default: true
  ca_path:
    description:
      - PEM file with the CA certificate(s) that signed Enterprise Manager's certificate, as text holding
        C(-----BEGIN CERTIFICATE-----) blocks. A DER file (a binary C(.cer)), a directory, an empty file or another
        text file is refused before any request; convert DER with C(openssl x509 -inform der -in ca.cer -out ca.pem).
      - Without it, the CA bundle of the Python requests library is used (certifi's, or the file E(REQUESTS_CA_BUNDLE) names).
      - If not set, the environment variable E(VEEAM_EM_CA_PATH) is used.
    type: path
  timeout:
    description:
      - Seconds to wait for each answer from Enterprise Manager.
      - If not set, the environment variable E(VEEAM_EM_TIMEOUT) is used.
    type: float
    default: 60
  api_version:
    description:
      - Enterprise Manager REST API version to log on with, such as V(v1_7).
      - V(latest) takes the newest the server offers; another value is checked against the
        versions the server lists.
    type: str
    default: latest
  page_size:
    description:
      - Entities per page of Enterprise Manager's query service (1 to 10000).
    type: int
    default: 1000
  max_concurrency:
    description:
      - Pages read at the same time (1 to 16).
      - The C(veeam_em.core.replicas) inventory reads the restore points and the replication jobs' includes
        beside the task sessions, each read with up to this many requests, so up to twice this many requests
        to one Enterprise Manager are in flight there.
    type: int
    default: 4
  proxy:
    description:
      - An HTTP(S) proxy to reach Enterprise Manager through, such as V(http://proxy.example.com:3128) or
        V(http://user:password@proxy.example.com:3128) (the proxy's own account; it is never shown in messages).
      - The proxy is the path to Enterprise Manager, not another destination. Every request still goes to
        O(url)'s host and port, in a TLS tunnel the proxy opens with C(CONNECT); the proxy sees that host and port,
        never the credentials, the session token or the data. O(validate_certs) and O(ca_path) check
        Enterprise Manager's certificate through the tunnel as without a proxy.
      - When not set, the environment's proxy settings apply (E(HTTPS_PROXY), E(https_proxy), E(ALL_PROXY)),
        and E(NO_PROXY) (E(no_proxy)) is honoured. An explicit O(proxy) is used even when E(NO_PROXY) names
        the host.
      - With an V(http://) O(url) (test set-ups only) no proxy is used, because a proxy would read the
        credentials; an explicit O(proxy) is then an error.
    type: str
  retries:
    description:
      - How many times a transient failure is tried again (0 to 10) before the run fails; V(0) never retries.
      - Transient, so retried, are a connection that breaks or is reset after it was made, an answer cut short,
        HTTP 502, 503 or 504 (after the wait a C(Retry-After) header asks for), and a timeout (O(timeout)), which is
        tried once more at most because each attempt costs the whole O(timeout). A logon that times out is not sent
        again.
      - Not retried, because waiting does not fix them, and failing at once with a message that names the fix, are a
        refused connection (nothing listens at the host and port of O(url)), a host name that does not resolve, an
        V(http://) O(url) whose port speaks HTTPS, a certificate that does not verify (its names are listed when
        they do not include the host of O(url)), a refused logon and a bad query.
      - All waits of one request together stay within 60 seconds.
      - Each retry is shown at C(-vvv). The inventory and lookup plugins print one line per retry; a module, which
        cannot print while it runs, returns the lines in C(retried_requests), a list of strings that its result holds
        only at C(-vvv) and only when a request was retried.
    type: int
    default: 5
  retry_backoff:
    description:
      - Seconds before the first retry (more than 0, at most 30). Each next wait doubles, up to 8 seconds
        or this value if larger; each wait is between half and all of that, at random, so clients that
        failed together do not retry together.
    type: float
    default: 0.5
requirements:
  - requests
  - lxml
"""

    INFO_MODULE = r"""
author:
  - veeam_em.core maintainers (@veeam-em)
notes:
  - >-
    The modules talk to Enterprise Manager from where they run; run them on the controller
    (C(delegate_to: localhost) or a play on localhost).
  - Every logon to Enterprise Manager is logged out before the module returns, on errors too.
attributes:
  check_mode:
    support: full
    description: The module only reads from Enterprise Manager.
  diff_mode:
    support: none
    description: The module changes nothing, so there is no diff.
  action_group:
    support: full
    membership:
      - veeam_em.core.em
    description: Use C(group/veeam_em.core.em) in C(module_defaults) to set the connection once.
"""

    # For the modules that act (start jobs, collect): the same notes and action group; each module
    # says in its own attributes what check mode does.
    ACTION_MODULE = r"""
author:
  - veeam_em.core maintainers (@veeam-em)
notes:
  - >-
    The module talks to Enterprise Manager from where it runs; run it on the controller
    (C(delegate_to: localhost) or a play on localhost).
  - Every logon to Enterprise Manager is logged out before the module returns, on errors too.
  - The Task Enterprise Manager answers an action with is followed in the logon session that made it, as Enterprise
    Manager requires.
  - A request that acts is sent once - when its answer never comes (the connection broke, the timeout passed),
    Enterprise Manager may have acted, so it is not sent again and the error says how to check.
attributes:
  action_group:
    support: full
    membership:
      - veeam_em.core.em
    description: Use C(group/veeam_em.core.em) in C(module_defaults) to set the connection once.
"""

    # For controller plugins (the replicas inventory): adds only where else each option can
    # come from; the descriptions stay in DOCUMENTATION. Use both fragments together.
    PLUGINS = r"""
options:
  url:
    env:
      - name: VEEAM_EM_URL
  username:
    env:
      - name: VEEAM_EM_USERNAME
  password:
    env:
      - name: VEEAM_EM_PASSWORD
  validate_certs:
    env:
      - name: VEEAM_EM_VALIDATE_CERTS
  ca_path:
    env:
      - name: VEEAM_EM_CA_PATH
  timeout:
    env:
      - name: VEEAM_EM_TIMEOUT
"""
