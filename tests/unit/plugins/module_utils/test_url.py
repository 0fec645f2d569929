"""The url option: every accepted form, and a clear error for anything else."""
from __future__ import annotations

import pytest

from ansible_collections.veeam_em.core.plugins.module_utils._errors import ConfigurationError
from ansible_collections.veeam_em.core.plugins.module_utils.em._url import api_root


@pytest.mark.parametrize(
    ("url", "root"),
    [
        ("https://em.example", "https://em.example:9398/api"),
        ("https://em.example/", "https://em.example:9398/api"),
        ("https://em.example/api", "https://em.example:9398/api"),
        ("https://em.example/api/", "https://em.example:9398/api"),
        ("https://em.example:9443/api", "https://em.example:9443/api"),
        ("http://em.example:9399", "http://em.example:9399/api"),
        ("HTTPS://EM.Example", "https://em.example:9398/api"),
        ("https://[::1]/api", "https://[::1]:9398/api"),
        ("  https://10.0.0.5  ", "https://10.0.0.5:9398/api"),
    ],
)
def test_accepted_forms(url, root):
    assert api_root(url) == root


@pytest.mark.parametrize(
    ("url", "fragment"),
    [
        (None, "url is required"),
        ("", "url is required"),
        ("em.example", "must start with https://"),
        ("ftp://em.example", "must start with https://"),
        ("https://em.example/api/v1", "optionally ending in /api"),
        ("https://em.example/api?x=1", "optionally ending in /api"),
        ("https://em.example:99999", "invalid port"),
        ("https://:9398", "no host name"),
    ],
)
def test_refused_forms(url, fragment):
    with pytest.raises(ConfigurationError, match=fragment):
        api_root(url)


def test_credentials_in_the_url_are_refused_without_repeating_them():
    with pytest.raises(ConfigurationError) as caught:
        api_root("https://admin:S3cret!@em.example/api")
    assert "S3cret" not in str(caught.value) and "username and password options" in str(caught.value)
