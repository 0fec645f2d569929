"""plugin_utils._unsafe and _host_names: EM values never evaluated, host names plain text; both feature paths tested."""
from __future__ import annotations

import pytest
from ansible.utils.unsafe_proxy import wrap_var

from ansible_collections.veeam_em.core.plugins.plugin_utils import _host_names, _unsafe

NAMES = ["vbr01.corp.example", "db 01 (prod)", "a{b}c", "{{ 6*7 }}", "{% if x %}y{% endif %}", "{# note #}x",
         "{{{x}}}"]


@pytest.mark.parametrize("name", NAMES)
def test_with_data_tagging_a_name_is_kept_exactly(monkeypatch, name):
    monkeypatch.setattr(_host_names, "UNTRUSTED_UNLESS_TAGGED", True)
    assert _host_names.plain_host_name(name) == name


@pytest.mark.parametrize("name, host", [
    ("vbr01.corp.example", "vbr01.corp.example"),
    ("a{b}c", "a{b}c"),  # a lone brace opens no template
    ("{{ 6*7 }}", "_{ 6*7 }}"),
    ("{% if x %}y{% endif %}", "_% if x %}y_% endif %}"),
    ("{# note #}x", "_# note #}x"),
    ("{{{x}}}", "__{x}}}"),
])
def test_without_data_tagging_template_openings_are_defused(monkeypatch, name, host):
    monkeypatch.setattr(_host_names, "UNTRUSTED_UNLESS_TAGGED", False)
    assert _host_names.plain_host_name(name) == host


@pytest.mark.parametrize("tagging", [True, False])
def test_the_name_is_an_exact_str_even_from_an_unsafe_or_tagged_value(monkeypatch, tagging):
    # ansible-inventory --list prints anything but an exact str as {"__ansible_unsafe": ...}
    # before 2.19; from 2.19 wrap_var gives a tagged str.
    monkeypatch.setattr(_host_names, "UNTRUSTED_UNLESS_TAGGED", tagging)
    name = _host_names.plain_host_name(wrap_var("vbr01.corp.example"))
    assert name.__class__ is str and name == "vbr01.corp.example"


def test_the_installed_ansible_core_takes_the_path_its_features_call_for():
    from ansible.template import Templar
    from ansible.parsing.dataloader import DataLoader

    host = _host_names.plain_host_name("{{ 6*7 }}")
    # Whichever path applies, a playbook's {{ inventory_hostname }} gives the name back, not 42.
    template = "{{ inventory_hostname }}"
    if _unsafe.trust_as_template is not None:  # a playbook's own templates are trusted
        template = _unsafe.trust_as_template(template)
    templar = Templar(loader=DataLoader(), variables={"inventory_hostname": host})
    assert templar.template(template) == host
    assert host == ("{{ 6*7 }}" if _unsafe.UNTRUSTED_UNLESS_TAGGED else "_{ 6*7 }}")


def _wrapped(value) -> bool:
    from ansible.utils.unsafe_proxy import AnsibleUnsafe

    try:  # ansible-core 2.19+: wrap_var gives untrusted strings, not AnsibleUnsafe objects
        from ansible.template import is_trusted_as_template
    except ImportError:
        return isinstance(value, AnsibleUnsafe)
    return isinstance(value, str) and not is_trusted_as_template(value)


def test_without_data_tagging_every_string_is_wrapped_at_any_depth(monkeypatch):
    monkeypatch.setattr(_unsafe, "UNTRUSTED_UNLESS_TAGGED", False)
    value = {"veeam_vm_name": "{{ 6*7 }}", "veeam_job_names": ["a", "b"], "n": 3, "ok": True, "none": None,
             "veeam_latest_session": {"reason": "{% x %}"}}
    wrapped = _unsafe.make_unsafe(value)
    assert wrapped == value
    assert all(_wrapped(key) for key in wrapped)
    assert _wrapped(wrapped["veeam_vm_name"]) and all(_wrapped(job) for job in wrapped["veeam_job_names"])
    assert _wrapped(wrapped["veeam_latest_session"]["reason"])
    assert wrapped["n"] == 3 and wrapped["ok"] is True and wrapped["none"] is None


def test_with_data_tagging_the_untagged_value_is_returned_as_it_is(monkeypatch):
    # Nothing to walk: lxml and the collection build untagged strings, which 2.19+ never evaluates.
    monkeypatch.setattr(_unsafe, "UNTRUSTED_UNLESS_TAGGED", True)
    value = {"veeam_vm_name": "{{ 6*7 }}"}
    assert _unsafe.make_unsafe(value) is value
