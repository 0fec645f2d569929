"""Command line: `python -m em_simulator [options]` (with tests/ on PYTHONPATH)."""
from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import ssl
import sys
import threading
from typing import NoReturn, Sequence

from .cli_accounts import accounts_from_args, add_account_options
from .cli_jobs import add_job_options, job_settings_from_args
from .cli_protection import add_protection_options, generator_settings, print_estate_summary
from .cli_window import add_window_options, window_settings
from .config import (
    ANSWER_AS_MODES,
    DENIED_ANSWER_MODES,
    DISABLED_NEXT_RUN_MODES,
    NEXT_RUN_ELEMENTS,
    PAGE_LIMIT_MODES,
    PLAIN_HTTP_ON_TLS_MODES,
    POINTS_ACCESS_MODES,
    RUNNING_END_TIME_MODES,
    RUNNING_RESULT_MODES,
    SimulatorConfig,
)
from .datagen import GeneratorSpec, generate
from .dataset import Dataset
from .filters import PRECEDENCE_MODES
from .fixture_file import FixtureError, load_fixture
from .model import parse_utc
from .server import EmSimulator
from .tls import DEFAULT_HOSTNAMES, PROFILES, CertificateFiles, server_context

PROG = "em_simulator"


class OneLineParser(argparse.ArgumentParser):
    """Bad input gets one line on stderr and exit status 2, not a usage dump."""

    def error(self, message: str) -> NoReturn:
        fail(f"{message} (see --help)")


def fail(message: str) -> NoReturn:
    print(f"{PROG}: error: {message}", file=sys.stderr)
    raise SystemExit(2)


def _port(text: str) -> int:
    if not text.isdigit() or not 0 <= int(text) <= 65535:
        raise argparse.ArgumentTypeError(f"invalid port {text!r}: use a number from 0 to 65535")
    return int(text)


def _non_negative(kind: type) -> callable:
    def convert(text: str):
        try:
            value = kind(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"invalid number {text!r}") from None
        if value < 0:
            raise argparse.ArgumentTypeError(f"{text!r} must not be negative")
        return value
    return convert


def _utc(text: str) -> int:
    try:
        return parse_utc(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"invalid time {text!r}: use YYYY-MM-DDTHH:MM:SSZ") from None


def _denied_answer_for(text: str) -> tuple[str, str]:
    name, separator, mode = text.partition("=")
    if not separator or not name or not mode:
        raise argparse.ArgumentTypeError(f"invalid {text!r}: use RESOURCE=MODE, e.g. Job=empty")
    return name, mode


def build_parser() -> argparse.ArgumentParser:
    parser = OneLineParser(prog=PROG, description="A simulator of Veeam Backup Enterprise Manager's REST API (/api, XML).")
    server = parser.add_argument_group("server")
    server.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    server.add_argument("--port", type=_port, default=9398, help="port, 0 for any free one (default 9398)")
    server.add_argument("--no-tls", dest="tls", action="store_false", help="serve plain HTTP")
    server.add_argument("--cert", help="server certificate (PEM); default: a throwaway CA signs a new one")
    server.add_argument("--key", help="private key of --cert (PEM)")
    server.add_argument("--cert-hostname", action="append", help="name or IP the made certificate is for (repeatable)")
    server.add_argument("--ca-out", help="copy the throwaway CA certificate to this path")
    server.add_argument("--certificate-profile", choices=PROFILES, default="strict",
                        help="what the made certificates carry: strict (RFC 5280, as Python 3.13 checks; default) "
                             "or legacy (no key identifiers, like many installers' self-signed certificates)")
    server.add_argument("--ready-file", help="write {url, ca_path, pid, ...} as JSON here once listening")
    server.add_argument("--verbose", action="store_true", help="log every request")
    add_account_options(parser)
    data = parser.add_argument_group("data")
    data.add_argument("--fixture", help="load exact data from a JSON fixture instead of generating it")
    data.add_argument("--seed", type=int, default=1)
    data.add_argument("--servers", type=_non_negative(int), default=3)
    data.add_argument("--jobs-per-server", type=_non_negative(int), default=2)
    data.add_argument("--vms-per-job", type=_non_negative(int), default=5)
    data.add_argument("--days", type=_non_negative(float), default=7.0)
    data.add_argument("--interval-hours", type=_non_negative(float), default=6.0)
    data.add_argument("--point-retention", type=_non_negative(int), default=7,
                      help="restore points kept per VM (generated estates; default 7)")
    data.add_argument("--now", type=_utc, help="end of the generated history (default: now)")
    add_protection_options(parser, _non_negative(int), _non_negative(float))
    add_window_options(parser, _non_negative(int))
    _add_behaviour_options(parser)
    return parser


def _add_behaviour_options(parser: argparse.ArgumentParser) -> None:
    readings = parser.add_argument_group("readings of undocumented behaviour (strict by default)")
    readings.add_argument("--default-page-size", type=_non_negative(int), default=15, help="0: everything on one page")
    readings.add_argument("--max-page-size", type=_non_negative(int), default=0, help="0: no maximum")
    readings.add_argument("--max-page-size-mode", choices=PAGE_LIMIT_MODES, default="clamp")
    readings.add_argument("--filter-precedence", choices=PRECEDENCE_MODES, default="strict")
    readings.add_argument("--case-insensitive", action="store_true", help="compare filter strings ignoring case")
    readings.add_argument("--lenient-dates", action="store_true", help="accept filter times without Z")
    readings.add_argument("--utc-field-aliases", action="store_true", help="accept CreationTimeUTC/EndTimeUTC")
    readings.add_argument("--running-result", choices=RUNNING_RESULT_MODES, default="value",
                          help="Result of a running session; success: claims Success before it ends")
    readings.add_argument("--running-end-time", choices=RUNNING_END_TIME_MODES, default="omit",
                          help="EndTimeUTC of a running session: left out, or a placeholder")
    readings.add_argument("--next-run-element", choices=NEXT_RUN_ELEMENTS, default="NextRun",
                          help="the Job entity's element for the next run (the query field is NextRun)")
    readings.add_argument("--disabled-next-run", choices=DISABLED_NEXT_RUN_MODES, default="keep",
                          help="NextRun of a job whose schedule is disabled: the last planned run, or none")
    readings.add_argument("--points-access", choices=POINTS_ACCESS_MODES, default="full",
                          help="replica restore points for an account without rights on them: all, none, or 403")
    readings.add_argument("--denied-answer", choices=DENIED_ANSWER_MODES, default="forbidden",
                          help="a read the account's roles do not allow: 403 (forbidden), 401 as for an expired "
                               "token (unauthorized), or no records and 404 by id (empty)")
    readings.add_argument("--denied-answer-for", metavar="RESOURCE=MODE", type=_denied_answer_for, action="append",
                          help="answer denied reads of one collection (jobs) or query type (Job) otherwise "
                               "(repeatable)")
    readings.add_argument("--plain-collection-days", type=_non_negative(int), default=30)
    readings.add_argument("--query-window-days", type=_non_negative(int), default=0)
    readings.add_argument("--idle-timeout", type=_non_negative(float), default=900.0, help="seconds")
    setup = parser.add_argument_group("how EM is set up")
    setup.add_argument("--link-host", help="host name (NAME or NAME:PORT) EM writes into every Href; "
                       "default: the host the request named")
    setup.add_argument("--answer-as", choices=ANSWER_AS_MODES, default="em",
                       help="answer as EM, or as a service the url points at by mistake")
    setup.add_argument("--plain-http-on-tls", choices=PLAIN_HTTP_ON_TLS_MODES, default="reset",
                       help="plain HTTP sent to the TLS port: reset the connection, or answer as nginx does (400)")
    faults = parser.add_argument_group("faults")
    faults.add_argument("--latency-ms", type=_non_negative(float), default=0.0)
    faults.add_argument("--latency-jitter-ms", type=_non_negative(float), default=0.0)
    faults.add_argument("--logon-delay-ms", type=_non_negative(float), default=0.0,
                        help="answer each logon (POST /api/sessionMngr/) this late, as an EM that is starting")
    faults.add_argument("--error-rate", type=_non_negative(float), default=0.0, help="share of 5xx answers (0-1)")
    faults.add_argument("--error-status", type=int, action="append", help="500, 502, 503 or 504 (repeatable)")
    faults.add_argument("--retry-after", type=_non_negative(int), help="Retry-After seconds on injected errors")
    faults.add_argument("--drop-rate", type=_non_negative(float), default=0.0, help="share of dropped connections")
    faults.add_argument("--truncate-rate", type=_non_negative(float), default=0.0, help="share of cut bodies")
    faults.add_argument("--token-expiry-after", type=_non_negative(int), default=0, help="requests per token; 0: off")
    faults.add_argument("--fault-seed", type=int)
    add_job_options(parser, _non_negative(float))


def config_from_args(args: argparse.Namespace) -> SimulatorConfig:
    try:
        return SimulatorConfig(
            default_page_size=args.default_page_size or None, max_page_size=args.max_page_size or None,
            max_page_size_mode=args.max_page_size_mode, filter_precedence=args.filter_precedence,
            case_sensitive_strings=not args.case_insensitive, lenient_dates=args.lenient_dates,
            utc_field_aliases=args.utc_field_aliases, running_result=args.running_result,
            running_end_time=args.running_end_time, next_run_element=args.next_run_element,
            disabled_next_run=args.disabled_next_run, points_access=args.points_access,
            denied_answer=args.denied_answer, denied_answer_for=tuple(args.denied_answer_for or ()),
            cdp_result_filter=args.cdp_result_filter,
            link_host=args.link_host,
            answer_as=args.answer_as, plain_http_on_tls=args.plain_http_on_tls,
            plain_collection_days=args.plain_collection_days, query_window_days=args.query_window_days,
            idle_timeout=args.idle_timeout, latency_ms=args.latency_ms, latency_jitter_ms=args.latency_jitter_ms,
            logon_delay_ms=args.logon_delay_ms,
            error_rate=args.error_rate, error_statuses=tuple(args.error_status or (503,)),
            retry_after=args.retry_after, drop_rate=args.drop_rate, truncate_rate=args.truncate_rate,
            token_expiry_after=args.token_expiry_after or None, fault_seed=args.fault_seed,
            **job_settings_from_args(args),
        )
    except ValueError as error:
        fail(str(error))


def dataset_from_args(args: argparse.Namespace) -> Dataset:
    if args.fixture:
        try:
            return load_fixture(args.fixture)
        except FixtureError as error:
            fail(str(error))
    spec = GeneratorSpec(args.seed, args.servers, args.jobs_per_server, args.vms_per_job, args.days,
                         args.interval_hours, args.now, args.point_retention, **generator_settings(args),
                         **window_settings(args))
    return generate(spec)


def certificates_from_args(args: argparse.Namespace) -> CertificateFiles | None:
    if not args.tls or (args.cert is None and args.key is None):
        return None
    if args.cert is None or args.key is None:
        fail("--cert and --key go together")
    files = CertificateFiles(args.cert, args.key)
    try:
        server_context(files)
    except (OSError, ssl.SSLError) as error:
        fail(f"cannot use certificate {args.cert} with key {args.key}: {getattr(error, 'strerror', None) or error}")
    return files


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    accounts = accounts_from_args(args, fail)
    config = config_from_args(args)
    certificates = certificates_from_args(args)
    dataset = dataset_from_args(args)
    if args.estate_summary:
        print_estate_summary(dataset, args.now)
        return 0
    simulator = EmSimulator(dataset, config, host=args.host, port=args.port, tls=args.tls, certificates=certificates,
                            cert_hostnames=tuple(args.cert_hostname or DEFAULT_HOSTNAMES),
                            certificate_profile=args.certificate_profile, verbose=args.verbose)
    simulator.sessions.accounts.clear()
    for name, (password, roles) in accounts.items():
        simulator.add_user(name, password, roles)
    # Before start(), so that a signal during start-up also ends in stop(), which removes the
    # folder of throwaway certificates (a signal's default action would leave it behind).
    stopping = threading.Event()
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, lambda *_signal_args: stopping.set())
    try:
        simulator.start()
    except OSError as error:
        fail(f"cannot listen on {args.host}:{args.port}: {error.strerror or error}")
    try:
        _announce(simulator, args)
        stopping.wait()
    finally:
        simulator.stop()
    print(f"{PROG}: stopped", flush=True)
    return 0


def _announce(simulator: EmSimulator, args: argparse.Namespace) -> None:
    if args.ca_out and simulator.ca_path:
        shutil.copyfile(simulator.ca_path, args.ca_out)
    details = {
        "url": simulator.url, "ca_path": args.ca_out or simulator.ca_path, "pid": os.getpid(),
        "backup_servers": len(simulator.dataset.servers), "task_sessions": len(simulator.dataset.task_sessions),
        "job_sessions": len(simulator.dataset.job_sessions), "jobs": len(simulator.dataset.jobs),
        "replica_points": len(simulator.dataset.replica_points),
        "cdp_policies": len(simulator.dataset.cdp_policies), "cdp_task_sessions": len(simulator.dataset.cdp_task_sessions),
        "failover_plans": len(simulator.dataset.failover_plans), "special_cases": simulator.dataset.notes,
        "accounts": {name: list(account.roles) for name, account in simulator.sessions.accounts.items()},
    }
    if args.ready_file:
        with open(args.ready_file, "w", encoding="utf-8") as handle:
            json.dump(details, handle)
    print(f"{PROG}: listening on {details['url']} ({details['task_sessions']} task sessions, "
          f"{details['backup_servers']} backup servers; CA: {details['ca_path'] or 'none, plain HTTP'})", flush=True)
