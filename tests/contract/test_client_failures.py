"""Failure text of the client that leads with the real cause: the API's reason of a 403 kept, a
host name that does not resolve said in full and not retried."""

import pytest

from ansible_collections.contentstack.personalize.plugins.module_utils.client import PersonalizeClient, extract_message
from ansible_collections.contentstack.personalize.plugins.module_utils.errors import PersonalizeApiError
from emulator.harness import Emulator, NOBODY_TOKEN, SOURCE_PROJECT

HOST = "a-personalize-host-that-does-not-exist-anywhere.invalid"


def test_the_reason_beside_a_generic_message_is_kept():
    body = {"message": "Forbidden", "details": "this token has no access to organization blt1"}
    assert extract_message(body) == ("Forbidden: this token has no access to organization blt1", None)
    assert extract_message({"message": "no access to x", "details": "no access to x"}) == ("no access to x", None)


def test_a_403_says_why(tmp_path):
    with Emulator(seeds=["retail"], rate_limit=0, tmp_path=tmp_path) as emu:
        client = PersonalizeClient(api_url=emu.url, project_uid=SOURCE_PROJECT, authtoken=NOBODY_TOKEN, rate_limit=0)
        with pytest.raises(PersonalizeApiError) as err:
            client.get("/attributes")
    first_line = str(err.value).splitlines()[0]
    assert first_line.startswith("GET /attributes returned 403: Forbidden: this token has no access to organization")


def test_a_host_that_does_not_resolve_is_named_whole_and_not_retried():
    client = PersonalizeClient(api_url="https://%s" % HOST, project_uid=SOURCE_PROJECT, authtoken="csat-x", rate_limit=0)
    client.sleep = lambda seconds: pytest.fail("a DNS failure is not retried")
    with pytest.raises(PersonalizeApiError) as err:
        client.get("/attributes")
    assert str(err.value) == "GET /attributes failed: cannot resolve the host %s (DNS); check region or api_url" % HOST
    assert client.stats["calls"] == 1 and client.stats["retries"] == 0
