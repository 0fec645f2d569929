"""Generated estates whose CDP task sessions run until the next long-term restore point
(--cdp-session-span long-term, datagen_protection.py), for the simulator's and the verdict's tests."""
from __future__ import annotations

from dataclasses import fields, replace

from ansible_collections.veeam_em.core.tests.em_simulator import Dataset, GeneratorSpec, generate
from ansible_collections.veeam_em.core.tests.em_simulator.datagen_protection import LONG_TERM, Estate, protection


def long_term_dataset(spec: GeneratorSpec) -> Dataset:
    """generate(spec) with long-term CDP task sessions."""
    if "cdp_session_span" in {field.name for field in fields(GeneratorSpec)}:
        return generate(replace(spec, cdp_session_span=LONG_TERM))
    # Until GeneratorSpec carries the span (datagen.py): the same steps as its build, the span
    # given. protection draws from a stream of its own, so the replica history is generate's.
    plain = generate(replace(spec, cdp_policies_per_server=0, failover_plans_per_server=0))
    estate = Estate(plain.servers, plain.jobs, plain.replica_points, plain.task_sessions, spec.resolved_now())
    protection(spec.seed, estate, spec.cdp_policies_per_server, spec.failover_plans_per_server, spec.cdp_days,
               span=LONG_TERM)
    return Dataset(servers=estate.servers, job_sessions=plain.job_sessions + estate.extra_job_sessions,
                   task_sessions=estate.tasks, jobs=estate.jobs, replica_points=estate.points,
                   cdp_policies=estate.policies, cdp_sessions=estate.sessions, cdp_task_sessions=estate.cdp_tasks,
                   failover_plans=estate.plans, notes=estate.notes)
