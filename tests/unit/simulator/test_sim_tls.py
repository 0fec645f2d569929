"""Certificate checking is real: the simulator's CA is needed, and the name must match."""
from __future__ import annotations

import os

import pytest
import requests

from ansible_collections.veeam_em.core.tests.em_simulator import EmSimulator, load_fixture
from ansible_collections.veeam_em.core.tests.unit.simhelpers import DOCUMENTED


def test_untrusted_certificate_is_refused_and_trusted_one_accepted(documented_simulator):
    with pytest.raises(requests.exceptions.SSLError):
        requests.get(documented_simulator.url, verify=True, timeout=5)
    assert requests.get(documented_simulator.url, verify=documented_simulator.ca_path, timeout=5).status_code == 200


def test_hostname_outside_the_certificate_is_refused(tmp_path):
    with EmSimulator(load_fixture(DOCUMENTED), cert_hostnames=("em.invalid",)) as simulator:
        with pytest.raises(requests.exceptions.SSLError, match="(?i)hostname|match"):
            requests.get(simulator.url, verify=simulator.ca_path, timeout=5)


def test_plain_http_when_tls_is_off():
    with EmSimulator(load_fixture(DOCUMENTED), tls=False) as simulator:
        assert simulator.url.startswith("http://") and simulator.ca_path is None
        assert requests.get(simulator.url, timeout=5).status_code == 200


def test_throwaway_files_are_removed_on_stop():
    simulator = EmSimulator(load_fixture(DOCUMENTED)).start()
    ca_path = simulator.ca_path
    assert os.path.exists(ca_path)
    simulator.stop()
    assert not os.path.exists(ca_path)
