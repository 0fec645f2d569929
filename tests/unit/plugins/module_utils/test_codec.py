# Copyright: contributors to veeam_em.core
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The XML codec: hardened parsing, EM's Error body, every converter, times and paging."""
from __future__ import annotations

import json
import os
import re
import socket
from datetime import datetime, timedelta, timezone

import pytest

from ansible_collections.veeam_em.core.plugins.module_utils.em import _codec as codec
from ansible_collections.veeam_em.core.plugins.module_utils._errors import ApiError, ConfigurationError, ProtocolError

etree = pytest.importorskip("lxml.etree")

FIXTURES = os.path.join(os.path.dirname(__file__), "fixtures")
SIMULATOR_FIXTURE = os.path.join(
    os.path.dirname(__file__), "..", "..", "..", "em_simulator", "fixtures", "documented_examples.json"
)
URL = "https://em.example:9398/api/query?type=ReplicaTaskSession&format=Entities"
NS = "http://www.veeam.com/ent/v1.0"
UTC = timezone.utc


def fixture(name: str) -> bytes:
    with open(os.path.join(FIXTURES, name), "rb") as handle:
        return handle.read()


def parse(name: str) -> etree._Element:
    return codec.parse_document(fixture(name), URL, 200)


def entity(xml: str) -> etree._Element:
    """An element in EM's namespace from a snippet written without the xmlns."""
    return codec.parse_document(re.sub(r"^<(\w+)", rf'<\1 xmlns="{NS}"', xml, count=1).encode(), URL, 200)


def test_without_lxml_the_codec_says_what_to_install(monkeypatch):
    monkeypatch.setattr(codec, "etree", None)
    with pytest.raises(ConfigurationError, match="install lxml"):
        codec.parse_document(b"<x/>", URL, 200)


# -- parse_document: what is refused, and how the refusal reads ----------------------
@pytest.mark.parametrize(
    ("body", "words"),
    [
        (b"", "empty body"),
        (b"  \r\n\t ", "empty body"),
        (b"Service Unavailable", "not well-formed XML"),
        (b'{"Message": "a JSON body"}', "not well-formed XML"),
        (b"<QueryResult xmlns=\"http://www.veeam.com/ent/v1.0\"><Entities><ReplicaTaskSess", "not well-formed XML"),
        (b'<QueryResult xmlns="http://example.com/other"/>', "not in the namespace"),
        (b"<QueryResult/>", "not in the namespace"),
        (b"<html><body><h1>502 Bad Gateway</h1></body></html>", "not in the namespace"),
        (b"<!DOCTYPE html><html><body>proxy login</body></html>", "DOCTYPE"),
    ],
)
def test_bodies_that_are_not_em_xml(body, words):
    with pytest.raises(ProtocolError) as caught:
        codec.parse_document(body, URL, 502, method="GET")
    message = str(caught.value)
    assert words in message
    assert f"GET {URL}" in message and "HTTP 502" in message


def test_a_body_cut_short_names_the_url_and_status():
    body = fixture("query_replica_task_sessions.xml")
    with pytest.raises(ProtocolError, match=r"not well-formed XML \(cut short\?\) for GET .* \(HTTP 200\)"):
        codec.parse_document(body[: len(body) // 2], URL, 200)


def test_the_method_is_named():
    with pytest.raises(ProtocolError, match=r"for POST https://em/api/sessionMngr/\?v=latest \(HTTP 201\)"):
        codec.parse_document(b"", "https://em/api/sessionMngr/?v=latest", 201, method="POST")


def test_comments_and_blank_text_are_dropped():
    root = parse("query_replica_task_sessions.xml")
    assert root.tag == f"{{{NS}}}QueryResult"
    assert all(isinstance(element.tag, str) for element in root.iter())
    assert all(not (element.tail or "").strip() for element in root.iter())


def test_utf8_bom_and_non_ascii_are_read():
    body = "\ufeff<?xml version=\"1.0\" encoding=\"utf-8\"?>" \
        f'<BackupServer xmlns="{NS}" Name="Köln-fs01 データ" UID="urn:veeam:BackupServer:1"><Port>1</Port></BackupServer>'
    root = codec.parse_document(body.encode("utf-8"), URL, 200)
    assert codec.backup_server(root)["name"] == "Köln-fs01 データ"


# -- hostile documents ---------------------------------------------------------------
@pytest.fixture()
def secret_file(tmp_path):
    path = tmp_path / "secret.txt"
    path.write_text("TOPSECRET-8c1f2e", encoding="utf-8")
    return path


def xxe_bodies(path) -> list[bytes]:
    """In element content, in an attribute, as a parameter entity, and hidden by UTF-16."""
    uri = path.as_uri()
    prolog = f'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "{uri}">]>'
    content = f'{prolog}<Error xmlns="{NS}" Message="m" StatusCode="400"><StackTrace>&x;</StackTrace></Error>'
    attribute = f'{prolog}<Error xmlns="{NS}" Message="&x;" StatusCode="400"/>'
    parameter = (
        f'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY % p SYSTEM "{uri}"> %p;]>'
        f'<Error xmlns="{NS}" Message="m" StatusCode="400"/>'
    )
    # UTF-16 hides "<!DOCTYPE" from a byte search, so the check after parsing must catch it.
    utf16 = content.replace('"1.0"?>', '"1.0" encoding="utf-16"?>', 1).encode("utf-16")
    return [content.encode(), attribute.encode(), parameter.encode(), utf16]


def test_xxe_never_reads_the_file(secret_file):
    for body in xxe_bodies(secret_file):
        with pytest.raises(ProtocolError, match="DOCTYPE") as caught:
            codec.parse_document(body, URL, 200)
        assert "TOPSECRET" not in str(caught.value)
        assert "TOPSECRET" not in repr(caught.value.__cause__)


def test_the_parser_itself_resolves_no_entity(secret_file):
    """Even without the DOCTYPE refusal, the hardened parser reads no file."""
    for body in xxe_bodies(secret_file):
        try:
            root = etree.fromstring(body, codec._PARSER)
        except etree.XMLSyntaxError as error:
            assert "TOPSECRET" not in str(error)  # refused (an external entity in an attribute)
            continue
        text = etree.tostring(root, encoding="unicode")
        assert "TOPSECRET" not in text
        assert all("TOPSECRET" not in value for element in root.iter() for value in element.values())


def test_the_check_after_parsing_stands_alone(secret_file, monkeypatch):
    """With the prolog scan switched off, libxml2's own limits and the docinfo check still refuse."""
    monkeypatch.setattr(codec, "_has_doctype", lambda body: False)
    for body in xxe_bodies(secret_file) + [billion_laughs(), quadratic_blowup()]:
        with pytest.raises(ProtocolError) as caught:
            codec.parse_document(body, URL, 200)
        assert "TOPSECRET" not in str(caught.value)


def test_no_network_fetch_for_an_external_dtd_or_entity():
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.bind(("127.0.0.1", 0))
    listener.listen(1)
    listener.settimeout(0.3)
    port = listener.getsockname()[1]
    body = (
        f'<?xml version="1.0"?><!DOCTYPE r SYSTEM "http://127.0.0.1:{port}/x.dtd" '
        f'[<!ENTITY e SYSTEM "http://127.0.0.1:{port}/e">]><r xmlns="{NS}">&e;</r>'
    ).encode()
    try:
        with pytest.raises(ProtocolError):
            codec.parse_document(body, URL, 200)
        try:
            etree.fromstring(body, codec._PARSER)
        except etree.XMLSyntaxError:
            pass  # refusing is as good as not fetching
        with pytest.raises(OSError):  # socket.timeout: nobody connected
            listener.accept()[0].close()
    finally:
        listener.close()


def billion_laughs(encoding: str = "utf-8") -> bytes:
    entities = ['<!ENTITY lol0 "lol">'] + [
        f'<!ENTITY lol{level} "{("&lol%d;" % (level - 1)) * 10}">' for level in range(1, 10)
    ]
    text = (
        f'<?xml version="1.0" encoding="{encoding}"?><!DOCTYPE lolz [{"".join(entities)}]>'
        f'<QueryResult xmlns="{NS}"><Refs><Ref Name="&lol9;"/></Refs><x>&lol9;</x></QueryResult>'
    )
    return text.encode(encoding)


def quadratic_blowup() -> bytes:
    big = "A" * 50_000
    return (
        f'<?xml version="1.0"?><!DOCTYPE q [<!ENTITY a "{big}">]><QueryResult xmlns="{NS}">'
        + "&a;" * 50_000 + "</QueryResult>"
    ).encode()


@pytest.mark.parametrize("body", [billion_laughs(), billion_laughs("utf-16"), quadratic_blowup()],
                         ids=["billion-laughs", "billion-laughs-utf16", "quadratic-blowup"])
def test_entity_expansion_is_refused_in_little_memory(body):
    resource = pytest.importorskip("resource")
    # Expanded, each of these needs gigabytes; the peak resident size must barely move.
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    with pytest.raises(ProtocolError):
        codec.parse_document(body, URL, 200)
    grown_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before
    assert grown_kib < 64 * 1024


def test_the_raw_parser_does_not_expand_either():
    resource = pytest.importorskip("resource")
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    try:
        root = etree.fromstring(billion_laughs(), codec._PARSER)
    except etree.XMLSyntaxError:
        root = None  # libxml2's own amplification limit refused it: fine too
    if root is not None:
        assert len(etree.tostring(root)) < 10_000
    assert resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before < 64 * 1024


# -- EM's Error body ------------------------------------------------------------------
def test_error_body_becomes_api_error():
    error = codec.api_error(parse("error_400.xml"), URL, 400)
    assert isinstance(error, ApiError)
    assert error.em_message == 'Unknown field "VmName" in the filter'
    assert error.status_code == 400
    assert error.url == URL
    assert "HTTP 400" in str(error) and 'Unknown field "VmName"' in str(error)


def test_error_body_with_its_optional_children():
    error = codec.api_error(parse("error_500_first_chance.xml"), URL, 500)
    assert (error.em_message, error.status_code) == ("Object reference not set to an instance of an object.", 500)


@pytest.mark.parametrize(
    ("attributes", "children", "message", "code"),
    [
        ('Message="gone"', "", "gone", 503),  # no StatusCode: the HTTP status stands in
        ('Message="gone" StatusCode="n/a"', "", "gone", 503),
        ('StatusCode="500"', "<FirstChanceExceptionMessage>inner</FirstChanceExceptionMessage>", "inner", 500),
        ('Message="" StatusCode="404"', "", "Enterprise Manager gave no reason", 404),
    ],
)
def test_error_body_fallbacks(attributes, children, message, code):
    root = entity(f"<Error {attributes}>{children}</Error>")
    error = codec.api_error(root, URL, 503)
    assert (error.em_message, error.status_code) == (message, code)


def test_other_roots_are_not_errors():
    assert codec.api_error(parse("logon_session.xml"), URL, 200) is None


# -- times ------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2014-10-19T06:47:21Z", datetime(2014, 10, 19, 6, 47, 21, tzinfo=UTC)),
        ("2025-06-17T20:00:18.06Z", datetime(2025, 6, 17, 20, 0, 18, 60000, tzinfo=UTC)),
        ("2025-06-17T20:02:36.993Z", datetime(2025, 6, 17, 20, 2, 36, 993000, tzinfo=UTC)),
        ("2025-08-14T12:31:30.389954Z", datetime(2025, 8, 14, 12, 31, 30, 389954, tzinfo=UTC)),
        # .NET ticks: the 7th digit is truncated, never rounded into the next second.
        ("2025-06-17T15:17:04.1234567Z", datetime(2025, 6, 17, 15, 17, 4, 123456, tzinfo=UTC)),
        ("2025-06-17T23:59:59.9999999Z", datetime(2025, 6, 17, 23, 59, 59, 999999, tzinfo=UTC)),
        ("2025-06-17T20:00:18+00:00", datetime(2025, 6, 17, 20, 0, 18, tzinfo=UTC)),
        ("2019-10-23T22:00:00+02:00", datetime(2019, 10, 23, 20, 0, 0, tzinfo=UTC)),
        ("1753-01-01T00:00:00Z", datetime(1753, 1, 1, tzinfo=UTC)),  # EM's "never" sentinel
    ],
)
def test_parse_time(text, expected):
    parsed = codec.parse_time(text)
    assert parsed == expected
    assert parsed.tzinfo is UTC and parsed.utcoffset() == timedelta(0)


@pytest.mark.parametrize("stamp", ["2014-10-19T06:47:21", "2025-06-17T20:00:18.06", "2024-02-29T23:59:59.999999",
                                   "1753-01-01T00:00:00", "9999-12-31T23:59:59.5"])
def test_the_z_fast_path_agrees_with_the_general_path(stamp):
    assert codec.parse_time(stamp + "Z") == codec.parse_time(stamp + "+00:00") == codec.parse_time(stamp + "z")


@pytest.mark.parametrize(
    "text",
    ["", "yesterday", "2025-06-17", "2025-06-17T20:00:18", "2025-06-17 20:00:18Z", "2025-06-17T20:00:18.Z",
     "2025-13-01T00:00:00Z", "2025-02-30T00:00:00Z", "2025-06-17T24:00:00Z", "2025-06-17T20:00:18+25:00",
     "２０２５-06-17T20:00:18Z", "0000-01-01T00:00:00Z"],
)
def test_parse_time_refuses_bad_text(text):
    with pytest.raises(ProtocolError) as caught:
        codec.parse_time(text)
    assert repr(text) in str(caught.value)


# -- task sessions ---------------------------------------------------------------------
def test_documented_query_result():
    root = parse("query_replica_task_sessions.xml")
    items = codec.query_items(root, codec.task_session)
    assert codec.query_pages_count(root) == 1
    assert [item["id"] for item in items] == [
        "efe448ad-6d52-496b-ba79-decd586713eb", "3be8eb42-7d94-4789-b2cf-891a2d9aed41",
    ]
    assert items[0] == {
        "uid": "urn:veeam:ReplicaTaskSession:efe448ad-6d52-496b-ba79-decd586713eb",
        "id": "efe448ad-6d52-496b-ba79-decd586713eb",
        "name": "apache02@2025-06-17 20:00:18",
        "vm_name": "apache02",
        "href": "https://enterprise06:9398/api/replicaTaskSessions/efe448ad-6d52-496b-ba79-decd586713eb?format=Entity",
        "job_session_uid": "urn:veeam:ReplicaJobSession:90e440bb-8af1-4e3f-8022-bfd89dd267a0",
        "job_session_id": "90e440bb-8af1-4e3f-8022-bfd89dd267a0",
        "creation_time": datetime(2025, 6, 17, 20, 0, 18, 60000, tzinfo=UTC),
        "end_time": datetime(2025, 6, 17, 20, 2, 36, 993000, tzinfo=UTC),
        "state": "Completed",
        "result": "Success",
        "reason": "",
        "total_size": 8589934592,
        "vm_uid": None,
        "backup_server_id": "7445e6ce-86f5-4171-b909-dac209c66563",
        "backup_server_name": "enterprise06.tech.local",
        "job_session_name": "Replication Job 2@2025-06-17 20:00:05",
    }
    assert list(items[0]) == list(codec.TASK_SESSION_KEYS)


def test_running_task_session_with_reordered_links_and_unknown_element():
    record = codec.task_session(parse("replica_task_session_running.xml"))
    assert record["end_time"] is None
    assert record["creation_time"] == datetime(2025, 10, 8, 20, 0, 9, 750000, tzinfo=UTC)
    assert (record["state"], record["result"], record["reason"]) == ("InProgress", "None", "")
    assert record["vm_uid"] == "urn:VMware:Vm:4b5f9c2e-1d3a-4e6f-8a7b-9c0d1e2f3a4b.vm-1042"
    # Chosen by Type: the Related and Alternate links come first here; ids drop the
    # query string and a trailing slash.
    assert record["backup_server_id"] == "a490c017-2c1c-40ee-8bcf-73bcce6ab36f"
    assert record["backup_server_name"] == "enterprise01.tech.local"
    assert record["job_session_name"] == "Replication Job 1@2025-10-08 20:00:01"
    assert record["job_session_id"] == "1d0c3a52-7c55-4f0e-9a0b-6f3f0f6d9c21"
    assert "processed_size" not in record and set(record) == set(codec.TASK_SESSION_KEYS)


def test_links_are_chosen_by_type_in_any_order():
    links = [
        '<Link Href="https://em/api/replicaSessions/job-1" Name="job" Type="ReplicaJobSessionReference" Rel="Up"/>',
        '<Link Href="https://em/api/backupServers/server-1?format=Entity" Name="vbr" Type="BackupServerReference" Rel="Up"/>',
        '<Link Href="https://em/api/replicaTaskSessions/t-1" Name="t" Type="ReplicaTaskSessionReference" Rel="Alternate"/>',
        '<Link Href="https://em/api/vmReplicaPoints/p-1" Name="p" Type="VmReplicaPoint" Rel="Related"/>',
    ]
    results = set()
    for order in (links, links[::-1], links[2:] + links[:2], links[1::2] + links[::2]):
        record = codec.task_session(entity(
            f'<ReplicaTaskSession UID="urn:veeam:ReplicaTaskSession:t-1"><Links>{"".join(order)}</Links></ReplicaTaskSession>'
        ))
        results.add((record["backup_server_id"], record["backup_server_name"], record["job_session_id"],
                     record["job_session_name"]))
    assert results == {("server-1", "vbr", "job-1", "job")}


def test_missing_optional_parts_become_none():
    record = codec.task_session(entity("<ReplicaTaskSession><Unknown><Deep>1</Deep></Unknown></ReplicaTaskSession>"))
    assert set(record) == set(codec.TASK_SESSION_KEYS)
    assert all(value is None for value in record.values())


def test_empty_elements_are_empty_strings_or_none():
    record = codec.task_session(entity(
        "<ReplicaTaskSession UID=\"urn:veeam:ReplicaTaskSession:x\"><State /><Result /><Reason />"
        "<EndTimeUTC /><TotalSize /></ReplicaTaskSession>"
    ))
    assert (record["state"], record["result"], record["reason"]) == ("", "", "")
    assert (record["end_time"], record["total_size"]) == (None, None)


@pytest.mark.parametrize(
    ("child", "words"),
    [
        ("<TotalSize>lots</TotalSize>", "TotalSize 'lots', which is not an integer"),
        ("<TotalSize>1.5</TotalSize>", "not an integer"),
        ("<TotalSize>0x10</TotalSize>", "not an integer"),
        ("<CreationTimeUTC>last Tuesday</CreationTimeUTC>", "'last Tuesday'"),
        ("<EndTimeUTC>2025-06-17T20:00:18</EndTimeUTC>", "'2025-06-17T20:00:18'"),
    ],
)
def test_bad_values_raise_protocol_error_naming_them(child, words):
    with pytest.raises(ProtocolError) as caught:
        codec.task_session(entity(f'<ReplicaTaskSession UID="urn:veeam:ReplicaTaskSession:t-9">{child}</ReplicaTaskSession>'))
    assert words in str(caught.value)
    assert "urn:veeam:ReplicaTaskSession:t-9" in str(caught.value)


@pytest.mark.parametrize(
    "converter", [codec.task_session, codec.job_session, codec.backup_server, codec.logon_session]
)
def test_wrong_element_is_refused(converter):
    with pytest.raises(ProtocolError, match="<Error> where"):
        converter(parse("error_400.xml"))


WEIRD_TEXTS = ["", " ", "\t", "x", "-1", "1e3", "١٢", "true", "2025-06-17T20:00:18Z", "9" * 40, "<&>"]


@pytest.mark.parametrize(
    ("name", "converter"),
    [
        ("replica_task_session_running.xml", codec.task_session),
        ("replica_job_session.xml", codec.job_session),
        ("backup_server_v13.xml", codec.backup_server),
        ("logon_session.xml", codec.logon_session),
    ],
)
def test_any_text_in_any_child_gives_a_dict_or_protocol_error(name, converter):
    """Malformed but well-formed entities never raise anything but ProtocolError."""
    root = parse(name)
    for index in range(len(root)):
        for text in WEIRD_TEXTS:
            broken = parse(name)
            broken[index].text = text
            for attribute in ("UID", "Href"):
                broken.attrib.pop(attribute, None)
            try:
                record = converter(broken)
            except ProtocolError:
                continue
            assert isinstance(record, dict)


def test_links_without_href_or_type():
    record = codec.task_session(entity(
        "<ReplicaTaskSession><Links><Link Rel=\"Up\"/><Link Type=\"BackupServerReference\" Rel=\"Up\"/>"
        "<Link Type=\"ReplicaJobSessionReference\" Href=\"\"/></Links></ReplicaTaskSession>"
    ))
    assert (record["backup_server_id"], record["backup_server_name"], record["job_session_id"]) == (None, None, None)


def test_task_sessions_rendered_by_the_simulator():
    """The codec reads what the simulator writes for the documented examples, value for value."""
    from ansible_collections.veeam_em.core.tests.em_simulator import load_fixture, resources
    from ansible_collections.veeam_em.core.tests.em_simulator.query import paginate
    from ansible_collections.veeam_em.core.tests.em_simulator.xmlrender import Renderer

    with open(SIMULATOR_FIXTURE, encoding="utf-8") as handle:
        raw = {item["id"]: item for item in json.load(handle)["replica_task_sessions"]}
    dataset = load_fixture(SIMULATOR_FIXTURE)
    page = paginate(dataset.task_sessions, 2, 1)
    body = resources.query_result_document(
        Renderer("https://em:9398/api"), resources.TASK_SESSION, page, True,
        resources.QueryEcho("ReplicaTaskSession", "Entities", None, None),
    )
    root = codec.parse_document(body, URL, 200)
    assert codec.query_pages_count(root) == 3
    for record in codec.query_items(root, codec.task_session):
        expected = raw[record["id"]]
        assert record["creation_time"] == codec.parse_time(expected["creation_time"])
        assert (record["vm_name"], record["reason"], record["total_size"]) == (
            expected["vm_name"], expected["reason"], expected["total_size"])
        assert record["job_session_id"] == expected["job_session_id"]


# -- job sessions ----------------------------------------------------------------------
def test_job_session():
    record = codec.job_session(parse("replica_job_session.xml"))
    assert record == {
        "uid": "urn:veeam:ReplicaJobSession:c73c05f9-1f01-4a72-8126-c8fc8ed2df12",
        "id": "c73c05f9-1f01-4a72-8126-c8fc8ed2df12",
        "name": "Replication Job 2@2025-06-17 15:16:53",
        "href": "https://enterprise06:9398/api/replicaSessions/c73c05f9-1f01-4a72-8126-c8fc8ed2df12?format=Entity",
        "job_uid": "urn:veeam:Job:5a2d67c1-8a4e-4bde-9b85-1c1b3f0c5e11",
        "job_id": "5a2d67c1-8a4e-4bde-9b85-1c1b3f0c5e11",
        "job_name": "Replication Job 2",
        "job_type": "Replica",
        "creation_time": datetime(2025, 6, 17, 15, 16, 53, 900000, tzinfo=UTC),
        "end_time": datetime(2025, 6, 17, 15, 19, 35, tzinfo=UTC),
        "state": "Stopped",
        "result": "Failed",
        "progress": 100,
        "is_retry": False,
        "failure_message": "Processing finished with errors",
        "backup_server_id": "7445e6ce-86f5-4171-b909-dac209c66563",
        "backup_server_name": "enterprise06.tech.local",
    }
    assert list(record) == list(codec.JOB_SESSION_KEYS)


def test_running_job_session():
    record = codec.job_session(parse("replica_job_session_running.xml"))
    assert (record["end_time"], record["failure_message"], record["progress"]) == (None, None, 40)
    assert (record["state"], record["result"], record["is_retry"]) == ("Working", "None", True)
    assert record["backup_server_id"] == "a490c017-2c1c-40ee-8bcf-73bcce6ab36f"


@pytest.mark.parametrize(("text", "expected"), [("true", True), ("FALSE", False), ("True", True), ("0", False), ("", None)])
def test_is_retry(text, expected):
    assert codec.job_session(entity(f"<ReplicaJobSession><IsRetry>{text}</IsRetry></ReplicaJobSession>"))["is_retry"] is expected


def test_is_retry_refuses_other_words():
    with pytest.raises(ProtocolError, match="'maybe', which is not true or false"):
        codec.job_session(entity("<ReplicaJobSession><IsRetry>maybe</IsRetry></ReplicaJobSession>"))


def test_job_falls_back_to_the_job_link():
    record = codec.job_session(entity(
        '<ReplicaJobSession><Links><Link Href="https://em/api/jobs/j-7" Name="Nightly" Type="JobReference" Rel="Up"/>'
        "</Links></ReplicaJobSession>"
    ))
    assert (record["job_id"], record["job_name"], record["job_uid"]) == ("j-7", "Nightly", None)


# -- backup servers ----------------------------------------------------------------------
def test_backup_server_v13():
    assert codec.backup_server(parse("backup_server_v13.xml")) == {
        "uid": "urn:veeam:BackupServer:7445e6ce-86f5-4171-b909-dac209c66563",
        "id": "7445e6ce-86f5-4171-b909-dac209c66563",
        "name": "enterprise06.tech.local",
        "href": "https://enterprise06:9398/api/backupServers/7445e6ce-86f5-4171-b909-dac209c66563?format=Entity",
        "description": "",
        "port": 9392,
        "version": "13.0.0.4967",
        "wcf_port": 9405,
        "certificate_thumbprint": "3A9F1C0D5B7E2A4C6E8F0A1B2C3D4E5F60718293",
    }


def test_backup_server_without_wcf_port():
    record = codec.backup_server(parse("backup_server_v11.xml"))
    assert (record["wcf_port"], record["certificate_thumbprint"]) == (None, None)
    assert (record["description"], record["port"], record["version"]) == ("Backup server", 9392, "11.0.1.1261")


def test_backup_server_bad_port():
    with pytest.raises(ProtocolError, match="Port 'nine', which is not an integer"):
        codec.backup_server(entity('<BackupServer UID="urn:veeam:BackupServer:1"><Port>nine</Port></BackupServer>'))


# -- references, logon sessions, the entry point --------------------------------------
def test_a_references_page_tells_its_pages_count():
    assert codec.query_pages_count(parse("query_backup_server_refs_page2.xml")) == 2


def test_logon_session():
    assert codec.logon_session(parse("logon_session.xml")) == {
        "href": "https://enterprise06:9398/api/logonSessions/44cfbdbe-5a95-4156-8867-91f069b7c2cc",
        "user_name": "SRV12\\Administrator",
        "session_id": "44cfbdbe-5a95-4156-8867-91f069b7c2cc",
        "delete_href": "https://enterprise06:9398/api/logonSessions/44cfbdbe-5a95-4156-8867-91f069b7c2cc",
    }


def test_logon_session_without_links():
    record = codec.logon_session(entity("<LogonSession><UserName>u</UserName></LogonSession>"))
    assert record == {"href": None, "user_name": "u", "session_id": None, "delete_href": None}


def test_supported_versions():
    assert codec.supported_versions(parse("entry_point.xml")) == ["v1_5", "v1_6", "v1_7"]


def test_supported_versions_wants_the_entry_point():
    with pytest.raises(ProtocolError, match="<EnterpriseManager>"):
        codec.supported_versions(parse("logon_session.xml"))


# -- query pages -------------------------------------------------------------------------
def test_page_without_paging_info():
    root = entity(
        '<QueryResult><Entities><BackupServers><BackupServer UID="urn:veeam:BackupServer:a"/>'
        '<BackupServer UID="urn:veeam:BackupServer:b"/></BackupServers></Entities></QueryResult>'
    )
    assert [item["id"] for item in codec.query_items(root, codec.backup_server)] == ["a", "b"]
    assert codec.query_pages_count(root) == 1


def test_empty_page():
    root = entity(
        '<QueryResult><Entities><ReplicaTaskSessions /></Entities><PagingInfo PageNum="1" PageSize="100" PagesCount="0">'
        "<Links /></PagingInfo></QueryResult>"
    )
    assert (codec.query_items(root, codec.task_session), codec.query_pages_count(root)) == ([], 0)


def test_bad_paging_info():
    with pytest.raises(ProtocolError, match="PagesCount='many'"):
        codec.query_pages_count(entity('<QueryResult><PagingInfo PageNum="1" PagesCount="many"/></QueryResult>'))


def test_query_items_want_a_query_result():
    with pytest.raises(ProtocolError, match="<QueryResult>"):
        codec.query_items(parse("backup_server_v13.xml"), codec.backup_server)


def test_references_given_to_an_entity_converter_are_refused():
    with pytest.raises(ProtocolError, match="<Ref> where <ReplicaTaskSession>"):
        codec.query_items(parse("query_backup_server_refs_page2.xml"), codec.task_session)


@pytest.mark.parametrize(
    ("href", "expected"),
    [
        ("https://em/api/backupServers/abc", "abc"),
        ("https://em/api/backupServers/abc?format=Entity", "abc"),
        ("https://em/api/backupServers/abc/", "abc"),
        ("https://em/api/backupServers/abc#frag", "abc"),
        ("", None),
        (None, None),
    ],
)
def test_id_from_href(href, expected):
    assert codec.id_from_href(href) == expected


@pytest.mark.parametrize(
    "spec, keys",
    [
        (codec._TASK_SPEC, codec.TASK_SESSION_KEYS),
        (codec._JOB_SPEC, codec.JOB_SESSION_KEYS),
        (codec._SERVER_SPEC, codec.BACKUP_SERVER_KEYS),
    ],
    ids=["task session", "job session", "backup server"],
)
def test_every_element_a_converter_reads_lands_on_a_record_key(spec, keys):
    # The keys are derived from EM's element names; a derivation that drifted from the
    # published record keys would fill a key nobody reads and leave the real one None.
    assert {key for key, _convert in spec.values()} <= set(keys)


@pytest.mark.parametrize(
    "element, key",
    [("CreationTimeUTC", "creation_time"), ("JobSessionUid", "job_session_uid"), ("IsRetry", "is_retry"),
     ("WcfPort", "wcf_port"), ("State", "state")],
)
def test_record_keys_are_em_element_names_in_snake_case_without_utc(element, key):
    assert codec._snake_key(element) == key
