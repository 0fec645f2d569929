# Copyright: contributors to veeam_em.core
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Property-based tests (hypothesis) of the filter builder and the XML codec.

- Any Unicode name XML 1.0 can carry round-trips through the filter builder and the
  simulator's filter parser to an exact match, and through the real client and the
  simulator over HTTPS to exactly the sessions of that name.
- Random EM-shaped XML (elements missing, extra, reordered, empty, of the wrong type,
  random attributes, cut short) gives records or ProtocolError, never another exception.

Deterministic (derandomize=True, no example database), so CI sees the same examples
every run.
"""
from __future__ import annotations

import dataclasses
import itertools
import types
from typing import Any, Iterator

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ansible_collections.veeam_em.core.plugins.module_utils.em import _codec as codec
from ansible_collections.veeam_em.core.plugins.module_utils._connection import open_session
from ansible_collections.veeam_em.core.plugins.module_utils._errors import ProtocolError
from ansible_collections.veeam_em.core.plugins.module_utils.em._query_filter import Any as AnyOf
from ansible_collections.veeam_em.core.plugins.module_utils.em._query_filter import Comparison, QueryFilterBuilder
from ansible_collections.veeam_em.core.plugins.module_utils.em._em_api import EmApi, TaskSessionQuery
from ansible_collections.veeam_em.core.tests.em_simulator import EmSimulator, SimulatorConfig, load_fixture
from ansible_collections.veeam_em.core.tests.em_simulator import filters as simfilters
from ansible_collections.veeam_em.core.tests.em_simulator.query import TASK_FIELDS
from ansible_collections.veeam_em.core.tests.unit.simhelpers import DOCUMENTED, connection_options

etree = pytest.importorskip("lxml.etree")

NS = "http://www.veeam.com/ent/v1.0"
URL = "https://em.example:9398/api/query?type=ReplicaTaskSession&format=Entities"

# Every character XML 1.0 can carry except the controls (Cc: also TAB, LF and CR, which an
# attribute value would normalise to spaces) and the surrogates (Cs); U+FFFE and U+FFFF
# are not XML characters either.
XML_CHARACTERS = st.characters(blacklist_categories=("Cs", "Cc"), blacklist_characters="\ufffe\uffff")
NAMES = st.text(alphabet=XML_CHARACTERS, max_size=40)

FAST = settings(max_examples=200, deadline=None, derandomize=True, database=None)
NETWORK = settings(max_examples=25, deadline=None, derandomize=True, database=None,
                   suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])


# -- the filter builder and the simulator's parser ----------------------------------------
def simulator_predicate(text: str) -> tuple[Any, Any]:
    node = simfilters.parse_filter(text, TASK_FIELDS, simfilters.FilterOptions())
    return node, simfilters.compile_node(node, simfilters.FilterOptions())


def vm(name: str) -> types.SimpleNamespace:
    return types.SimpleNamespace(vm_name=name)


@FAST
@given(name=NAMES)
def test_any_name_round_trips_through_the_filter_parser(name):
    text = Comparison("VmDisplayName", "==", name).render()
    node, matches = simulator_predicate(text)
    assert isinstance(node, simfilters.Comparison), text
    assert node.field.name == "VmDisplayName" and node.op == "=="
    assert node.value == name, text
    assert matches(vm(name))
    assert not matches(vm(name + "x"))
    assert not matches(vm("x" + name))


@FAST
@given(names=st.lists(NAMES, min_size=1, max_size=5, unique=True), other=NAMES)
def test_several_names_round_trip_as_one_or_group(names, other):
    expression = QueryFilterBuilder("ReplicaTaskSession").equals_any("VmDisplayName", names)
    text = expression.render()
    node, matches = simulator_predicate(text)
    if len(names) == 1:
        assert isinstance(expression, Comparison) and node.value == names[0]
    else:
        assert isinstance(expression, AnyOf)
        assert isinstance(node, simfilters.Group) and node.joiner == ","
        assert [part.value for part in node.parts] == names
    for name in names:
        assert matches(vm(name)), (text, name)
    assert matches(vm(other)) == (other in names), (text, other)


@FAST
@given(field=st.sampled_from(["Name", "Reason", "JobName", "BackupServerName", "UID", "JobUid"]), value=NAMES,
       op=st.sampled_from(["==", "!=", "<", ">=", "<=", ">"]))
def test_text_values_of_every_string_field_and_operator_round_trip(field, value, op):
    text = QueryFilterBuilder("ReplicaTaskSession").compare(field, op, value).render()
    node, _matches = simulator_predicate(text)
    assert (node.field.name, node.op, node.value) == (field, op, value), text


# -- end to end: the real client against the simulator ------------------------------------
@pytest.fixture(scope="module")
def named_estate() -> Iterator[EmSimulator]:
    """The documented examples; each example below adds sessions EM records for a new VM name."""
    with EmSimulator(load_fixture(DOCUMENTED), SimulatorConfig(plain_collection_days=0)) as simulator:
        yield simulator
        assert simulator.snapshot()["sessions"]["open"] == 0, "an EM session was left open"


_NUMBERS = itertools.count(1)


@NETWORK
@given(name=st.text(alphabet=XML_CHARACTERS, min_size=1, max_size=40))
def test_any_vm_name_reads_back_exactly_its_sessions(named_estate, name):
    dataset = named_estate.dataset
    template = dataset.task_sessions[0]
    number = next(_NUMBERS)
    new = dataclasses.replace(template, id=f"00000000-0000-4000-8000-{number:012d}", vm_name=name,
                              created=template.created + number)
    dataset.add_task_sessions([new])
    expected = sorted(task.uid for task in dataset.task_sessions if task.vm_name == name)
    with open_session(connection_options(named_estate)) as em:
        records = EmApi(em).task_sessions(TaskSessionQuery(vm_names=(name,)))
    assert sorted(record["uid"] for record in records) == expected, repr(name)
    assert all(record["vm_name"] == name for record in records), repr(name)
    assert new.uid in expected


# -- random EM-shaped XML -------------------------------------------------------------------
XML_NAME = st.from_regex(r"[A-Za-z_][A-Za-z0-9_.\-]{0,12}", fullmatch=True)
TEXTS = st.text(alphabet=XML_CHARACTERS, max_size=20)
GUIDS = st.uuids().map(str)


def mostly(good: Any, bad: Any) -> Any:
    """Good values nine times in ten, so that whole pages of records are drawn too."""
    return st.integers(0, 9).flatmap(lambda number: bad if number == 9 else good)


BAD_TIMES = st.sampled_from([
    "2025-13-40T25:61:61Z", "2025-02-30T00:00:00Z", "0000-01-01T00:00:00Z", "9999-12-31T23:59:59-23:59",
    "0001-01-01T00:00:00+01:00", "2025-06-17T20:00:18+99:99", "2025-06-17", "yesterday", "2025-06-17T20:00:18",
])
TIMES = mostly(st.one_of(
    st.datetimes().map(lambda moment: moment.isoformat() + "Z"),
    st.datetimes().map(lambda moment: moment.strftime("%Y-%m-%dT%H:%M:%S.%f") + "1Z"),  # 7 digits, like .NET
    st.sampled_from(["2025-06-17T20:00:18.06Z", "2025-06-17T20:00:18+02:00", "2025-06-17T20:00:18.123456789Z"]),
), BAD_TIMES)
INTEGERS = mostly(st.integers().map(str), st.sampled_from(["abc", "1.5", "1e9", "0x10", "+", "--1", "١٢"]))
BOOLEANS = mostly(st.sampled_from(["true", "false", "True", "0", "1", " false "]), st.sampled_from(["yes", "maybe"]))
WRONG = st.one_of(TEXTS, INTEGERS, TIMES)

# Each documented child of an entity, with the values it takes, right and wrong.
TASK_CHILDREN = {
    "JobSessionUid": GUIDS.map(lambda guid: f"urn:veeam:ReplicaJobSession:{guid}"),
    "CreationTimeUTC": TIMES, "EndTimeUTC": TIMES,
    "State": st.sampled_from(["Completed", "InProgress", "Pending", "Broken"]),
    "Result": st.sampled_from(["Success", "Warning", "Failed", "None"]),
    "Reason": TEXTS, "TotalSize": INTEGERS, "VmUid": TEXTS,
}
JOB_CHILDREN = {
    "JobUid": GUIDS.map(lambda guid: f"urn:veeam:Job:{guid}"), "JobName": TEXTS, "JobType": TEXTS,
    "CreationTimeUTC": TIMES, "EndTimeUTC": TIMES, "State": TEXTS, "Result": TEXTS, "Progress": INTEGERS,
    "IsRetry": BOOLEANS, "FailureMessage": TEXTS,
}
SERVER_CHILDREN = {
    "Description": TEXTS, "Port": INTEGERS, "Version": TEXTS, "WcfPort": INTEGERS, "VbrCertificateThumbprint": TEXTS,
}
ENTITY_ATTRIBUTES = ("UID", "Name", "VmDisplayName", "Href", "Type")
LINK_TYPES = st.sampled_from(["BackupServerReference", "ReplicaJobSessionReference", "JobReference",
                              "ReplicaTaskSessionReference", "", "Other"])


def ns(local: str, foreign: bool = False) -> str:
    return local if foreign else "{" + NS + "}" + local


@st.composite
def attributes(draw: Any, known: tuple[str, ...] = ()) -> dict[str, str]:
    chosen = draw(st.lists(st.sampled_from(known), unique=True)) if known else []
    values = {name: draw(st.one_of(TEXTS, GUIDS.map(lambda guid: f"urn:veeam:X:{guid}"),
                                   st.just("https://em:9398/api/x/y?format=Entity")))
              for name in chosen}
    values.update(draw(st.dictionaries(XML_NAME, TEXTS, max_size=3)))
    return values


@st.composite
def unknown_element(draw: Any, depth: int = 0) -> Any:
    element = etree.Element(ns(draw(XML_NAME), foreign=draw(st.booleans())), draw(attributes()))
    element.text = draw(st.none() | TEXTS)
    if depth < 2:
        for child in draw(st.lists(unknown_element(depth + 1), max_size=2)):
            element.append(child)
    return element


@st.composite
def links(draw: Any) -> Any:
    element = etree.Element(ns("Links"))
    for _index in range(draw(st.integers(0, 4))):
        link = etree.SubElement(element, ns(draw(st.sampled_from(["Link", "Link", "NotALink"]))))
        for name, value in (("Type", draw(LINK_TYPES)), ("Rel", draw(st.sampled_from(["Up", "Alternate", "Delete"]))),
                            ("Href", draw(st.one_of(st.just("https://em:9398/api/x/" + draw(GUIDS)), TEXTS,
                                                    st.just("/"), st.just("?a#b")))),
                            ("Name", draw(TEXTS))):
            if draw(st.booleans()):
                link.set(name, value)
    return element


@st.composite
def entity(draw: Any, tag: str, children: dict[str, Any]) -> Any:
    """An entity with documented children present or missing, right or wrong, empty or not,
    unknown extra elements, and all of them in any order."""
    element = etree.Element(ns(tag), draw(attributes(ENTITY_ATTRIBUTES)))
    parts = []
    for local, values in children.items():
        if draw(st.booleans()):
            child = etree.Element(ns(local))
            child.text = draw(mostly(values, st.one_of(st.none(), st.just(""), WRONG)))
            if draw(st.integers(0, 9)) == 9:
                child.append(draw(unknown_element(1)))  # a nested element where text was expected
            parts.append(child)
    if draw(st.booleans()):
        parts.append(draw(links()))
    parts.extend(draw(st.lists(unknown_element(), max_size=3)))
    for child in draw(st.permutations(parts)):
        element.append(child)
    return element


KINDS = {
    "ReplicaTaskSession": ("ReplicaTaskSessions", TASK_CHILDREN, codec.task_session),
    "ReplicaJobSession": ("ReplicaJobSessions", JOB_CHILDREN, codec.job_session),
    "BackupServer": ("BackupServers", SERVER_CHILDREN, codec.backup_server),
}


@st.composite
def query_result(draw: Any, kind: str) -> bytes:
    plural, children, _converter = KINDS[kind]
    root = etree.Element(ns("QueryResult"), nsmap={None: NS})
    parts = []
    if draw(st.integers(0, 9)) < 9:
        entities = etree.Element(ns("Entities"))
        for _group in range(draw(st.integers(1, 2))):
            group = etree.SubElement(entities, ns(draw(mostly(st.just(plural), st.just("Other")))))
            for _item in range(draw(st.integers(0, 3))):
                # Mostly the right entity; sometimes another kind or a stranger.
                tag = draw(mostly(st.just(kind), st.sampled_from(["ReplicaJobSession", "Unknown"])))
                group.append(draw(entity(tag, children)))
        parts.append(entities)
    if draw(st.booleans()):
        paging = etree.Element(ns("PagingInfo"))
        for name in ("PageNum", "PageSize", "PagesCount"):
            if draw(st.booleans()):
                paging.set(name, draw(mostly(st.integers(-5, 10**12).map(str), st.one_of(INTEGERS, TEXTS))))
        if draw(st.booleans()):
            paging.append(draw(links()))
        parts.append(paging)
    parts.extend(draw(st.lists(unknown_element(), max_size=2)))
    for child in draw(st.permutations(parts)):
        root.append(child)
    body = etree.tostring(root, xml_declaration=draw(st.booleans()), encoding="utf-8")
    if draw(st.integers(0, 9)) == 9:
        body = body[: draw(st.integers(0, len(body)))]  # cut short
    return body


def records_or_protocol_error(read: Any) -> list[dict[str, Any]] | None:
    """What `read` returns, or None for ProtocolError; any other exception fails the test."""
    try:
        return read()
    except ProtocolError as error:
        assert str(error), "a ProtocolError without a message"
        return None


def check_records(records: list[dict[str, Any]], keys: tuple[str, ...]) -> None:
    for record in records:
        assert isinstance(record, dict)
        assert set(keys) <= set(record), sorted(set(keys) - set(record))


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_random_query_results_give_records_or_the_protocol_error(kind):
    _plural, _children, converter = KINDS[kind]
    keys = {"ReplicaTaskSession": codec.TASK_SESSION_KEYS, "ReplicaJobSession": codec.JOB_SESSION_KEYS,
            "BackupServer": codec.BACKUP_SERVER_KEYS}[kind]

    @settings(max_examples=50, deadline=None, derandomize=True, database=None,
              suppress_health_check=[HealthCheck.too_slow])
    @given(body=query_result(kind))
    def check(body):
        def read():
            root = codec.parse_document(body, URL, 200)
            return codec.query_items(root, converter), codec.query_pages_count(root)

        page = records_or_protocol_error(read)
        if page is not None:
            items, pages_count = page
            assert isinstance(items, list) and isinstance(pages_count, int)
            check_records(items, keys)

    check()


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_random_single_entities_give_a_record_or_the_protocol_error(kind):
    _plural, children, converter = KINDS[kind]

    @settings(max_examples=50, deadline=None, derandomize=True, database=None,
              suppress_health_check=[HealthCheck.too_slow])
    @given(element=entity(kind, children))
    def check(element):
        body = etree.tostring(element, encoding="utf-8")
        record = records_or_protocol_error(lambda: converter(codec.parse_document(body, URL, 200)))
        if record is not None:
            assert isinstance(record, dict)
            for key in ("creation_time", "end_time"):
                value = record.get(key)
                assert value is None or value.utcoffset() is not None, (key, value)

    check()


@FAST
@given(body=st.binary(max_size=300))
def test_random_bytes_give_a_document_or_the_protocol_error(body):
    def read():
        root = codec.parse_document(body, URL, 200)
        return codec.query_items(root, codec.task_session) if root.tag == "{" + NS + "}QueryResult" else root

    records_or_protocol_error(read)
