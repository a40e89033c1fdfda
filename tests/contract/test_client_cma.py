"""PersonalizeClient on the Content Management API side (client.cma, client.cma_list).

The same client, credentials, pacing, retries, errors and redaction as the Personalize calls, with the
CMA base URL (the region's, or cma_url) and the api_key and branch headers. Pagination is checked
against the emulator at several page sizes and with its maximum limit cutting the client's page.
"""

import math

import pytest

from ansible_collections.contentstack.personalize.plugins.module_utils.client import (
    CMA_REGIONS,
    REGIONS,
    PersonalizeClient,
)
from ansible_collections.contentstack.personalize.plugins.module_utils.errors import PersonalizeApiError, PersonalizeError
from emulator.harness import DEST_TOKEN, SOURCE_ORG, SOURCE_TOKEN, Emulator
from test_client import OAUTH, PROJECT, TOKEN, Sleeps, Stub

SEEDS = ["retail", "empty-dest", "retail-stack", "dest-stack", "cma-bulk"]
STACK = "blt8f2e6d4c0a9b7e53"          # retail-stack (source organization)
DEST_STACK = "blt3c9d1e7f5a2b4c68"     # dest-stack (destination organization)
BULK = "blt9b01c2d3e4f5a601"           # cma-bulk: 105 content types, 110 entries in bulk_ct_000
BULK_EV = "/v3/content_types/bulk_ct_000/entries/%s/variants"
DEFAULT_CMA = {"cma_page_size": 30, "cma_max_limit": 100, "cma_group_put": "replace", "cma_unlinked_status": 422,
               "cms_delay": 0}


@pytest.fixture
def stub():
    """Scripted servers (test_client.Stub), closed after the test."""
    made = []
    yield lambda *script: made.append(Stub(script)) or made[-1]
    for server in made:
        server.close()


@pytest.fixture(scope="module")
def stack_emu(tmp_path_factory):
    with Emulator(seeds=SEEDS, rate_limit=0, tmp_path=tmp_path_factory.mktemp("cma")) as emu:
        yield emu


@pytest.fixture
def emu(stack_emu):
    stack_emu.configure(rate_limit=0, faults={}, **DEFAULT_CMA)
    stack_emu.reset()
    yield stack_emu
    stack_emu.configure(**DEFAULT_CMA)


def cma_client(url, **kw):
    kw.setdefault("authtoken", TOKEN)
    kw.setdefault("rate_limit", 0)
    kw.setdefault("stack_api_key", STACK)
    client = PersonalizeClient(api_url=url, cma_url=kw.pop("cma_url", url), **kw)
    client.sleep = Sleeps()
    return client


def emu_client(emu, **kw):
    kw.setdefault("organization_uid", SOURCE_ORG)
    kw.setdefault("project_uid", PROJECT)
    return cma_client(emu.url, authtoken=kw.pop("authtoken", SOURCE_TOKEN), **kw)


# --------------------------------------------------------------------------- base URL
@pytest.mark.parametrize("region,url", [
    (None, "https://api.contentstack.io"), ("us", "https://api.contentstack.io"),
    ("EU", "https://eu-api.contentstack.com"), ("au", "https://au-api.contentstack.com"),
    ("azure-na", "https://azure-na-api.contentstack.com"), ("azure-eu", "https://azure-eu-api.contentstack.com"),
    ("gcp-na", "https://gcp-na-api.contentstack.com"), ("gcp-eu", "https://gcp-eu-api.contentstack.com"),
])
def test_cma_url_from_the_region(region, url):
    assert PersonalizeClient(region=region, authtoken=TOKEN).cma_base_url == url


def test_one_region_table_per_api():
    assert set(CMA_REGIONS) == set(REGIONS)


def test_cma_url_wins_and_follows_the_api_url_rules():
    c = PersonalizeClient(region="eu", cma_url="https://cma.example.com/", authtoken=TOKEN)
    assert c.cma_base_url == "https://cma.example.com" and c.base_url == REGIONS["aws-eu"]
    for bad, words in (("ftp://x", "scheme"), ("http://cma.example.com", "plain http"),
                       ("https://u:p@cma.example.com", "credentials"), ("https://cma.example.com?a=1", "query")):
        with pytest.raises(PersonalizeError) as err:
            PersonalizeClient(cma_url=bad, authtoken=TOKEN)
        assert "cma_url" in str(err.value) and words in str(err.value)
    assert PersonalizeClient(cma_url="http://cma.example.com", allow_http=True, authtoken=TOKEN).cma_base_url


def test_a_custom_personalize_host_needs_cma_url_or_region(stub):
    s = stub((200, {}))
    c = PersonalizeClient(api_url=s.url, authtoken=TOKEN, stack_api_key=STACK, rate_limit=0)
    with pytest.raises(PersonalizeError) as err:
        c.cma("GET", "/v3/stacks")
    assert "cma_url" in str(err.value) and s.requests == []
    c = PersonalizeClient(api_url=s.url, region="eu", authtoken=TOKEN)
    assert c.cma_base_url == CMA_REGIONS["aws-eu"]


def test_calls_without_a_stack_or_with_a_bad_path_fail_before_sending(stub):
    s = stub((200, {}))
    c = cma_client(s.url, stack_api_key=None)
    with pytest.raises(PersonalizeError) as err:
        c.cma("GET", "/v3/stacks")
    assert "stack_api_key" in str(err.value)
    with pytest.raises(PersonalizeError):
        c.cma("GET", "/attributes", api_key=STACK)
    with pytest.raises(PersonalizeError) as err:
        c.cma("GET", "/v3/stacks", api_key="bad key")
    assert "bad key" not in str(err.value)
    assert s.requests == []


# --------------------------------------------------------------------------- headers on the wire
def test_headers_authtoken_api_key_branch_and_no_personalize_scope(stub):
    s = stub((200, {"stack": {"api_key": STACK}}), (200, {"notice": "ok"}))
    c = cma_client(s.url, project_uid=PROJECT, organization_uid="blt5e1ec7ed0000a001", branch="develop")
    assert c.cma("GET", "/v3/stacks") == {"stack": {"api_key": STACK}}
    c.cma("PUT", "/v3/variant_groups/cs1", api_key=DEST_STACK, branch="main", body={"name": "n"})
    get, put = s.requests
    assert get["path"] == "/v3/stacks" and get["body"] == b""
    h = get["headers"]
    assert (h["authtoken"], h["api_key"], h["branch"]) == (TOKEN, STACK, "develop")
    assert "x-project-uid" not in h and "organization_uid" not in h and "content-type" not in h
    assert (put["headers"]["api_key"], put["headers"]["branch"]) == (DEST_STACK, "main")
    assert put["headers"]["content-type"] == "application/json" and put["body"] == b'{"name":"n"}'
    assert c.stats == {"calls": 2, "retries": 0, "throttled": 0, "cma_calls": 2}


def test_oauth_bearer_and_the_default_branch(stub):
    s = stub((200, {"stack": {}}))
    c = cma_client(s.url, authtoken=None, oauth_token=OAUTH)
    c.cma("GET", "/v3/stacks")
    h = s.requests[0]["headers"]
    assert h["authorization"] == "Bearer " + OAUTH and "authtoken" not in h and h["branch"] == "main"


def test_cma_calls_are_counted_apart_and_paced_by_the_sides_limiter(stub, monkeypatch):
    s = stub((200, []))
    c = cma_client(s.url, project_uid=PROJECT, organization_uid="blt5e1ec7ed0000a001")
    paced = []
    monkeypatch.setattr(c.limiter, "acquire", lambda *a, **k: paced.append(1))
    c.get("/attributes")
    s.script[:] = [(200, {"stack": {}})]
    c.cma("GET", "/v3/stacks")
    assert len(paced) == 2 and c.stats["calls"] == 2 and c.stats["cma_calls"] == 1
    # One budget per organization: the limiter key is the side's, whatever the API.
    assert c.rate_limit_key.endswith("|blt5e1ec7ed0000a001")


def test_both_apis_against_the_emulator(emu):
    mark = emu.mark()
    c = emu_client(emu)
    assert c.cma("GET", "/v3/stacks")["stack"]["org_uid"] == SOURCE_ORG
    assert len(c.get("/experiences")) == 6
    cma = [e for e in emu.log(since=mark) if e.get("api") == "cma"]
    assert [(e["path"], e["stack"], e["branch"]) for e in cma] == [("/v3/stacks", STACK, "main")]
    d = cma_client(emu.url, authtoken=None, oauth_token=DEST_TOKEN, stack_api_key=DEST_STACK)
    assert d.cma("GET", "/v3/stacks")["stack"]["api_key"] == DEST_STACK


# --------------------------------------------------------------------------- pagination
@pytest.mark.parametrize("page_size", [1, 7, 30, 100])
def test_lists_are_complete_at_any_page_size(emu, page_size):
    c = emu_client(emu, stack_api_key=BULK)
    entries = c.cma_list("/v3/content_types/bulk_ct_000/entries", "entries", page_size=page_size)
    assert len(entries) == 110 and len(set(e["uid"] for e in entries)) == 110
    assert c.stats["cma_calls"] == math.ceil(110 / page_size)
    first = entries[0]["uid"]
    variants = c.cma_list(BULK_EV % first, "entries", query={"locale": "en-us"}, page_size=page_size)
    expected = c.cma("GET", BULK_EV % first, query={"locale": "en-us", "limit": 1, "include_count": "true"})["count"]
    assert expected > 100 and len(variants) == expected
    assert len(set(v["_variant"]["_uid"] for v in variants)) == expected


@pytest.mark.parametrize("server_max", [7, 30])
def test_a_server_maximum_below_the_page_size_misses_nothing(emu, server_max):
    emu.configure(cma_max_limit=server_max)
    mark = emu.mark()
    c = emu_client(emu, stack_api_key=BULK)
    types = c.cma_list("/v3/content_types", "content_types")
    assert len(types) == 105 and len(set(t["uid"] for t in types)) == 105
    assert c.stats["cma_calls"] == math.ceil(105 / server_max)
    skips = [e["query"] for e in emu.log(since=mark) if e.get("api") == "cma"]
    assert "skip=%d" % server_max in skips[1]


def test_the_servers_default_page_does_not_bound_the_list(emu):
    emu.configure(cma_page_size=5)
    c = emu_client(emu)
    assert len(c.cma_list("/v3/content_types", "content_types")) == 7
    assert c.stats["cma_calls"] == 1


def test_without_count_a_short_page_ends_the_list(stub):
    s = stub((200, {"entries": [{"uid": "a"}, {"uid": "b"}]}), (200, {"entries": [{"uid": "c"}]}))
    c = cma_client(s.url)
    assert [e["uid"] for e in c.cma_list("/v3/content_types/x/entries", "entries", page_size=2)] == ["a", "b", "c"]
    assert len(s.requests) == 2 and "skip=2" in s.requests[1]["path"] and "include_count=true" in s.requests[1]["path"]
    s2 = stub((200, {"entries": [{"uid": "a"}]}), (200, {"entries": []}))
    c2 = cma_client(s2.url)
    # A first page shorter than asked may be the server's maximum: one more page says it is the end.
    assert len(c2.cma_list("/v3/content_types/x/entries", "entries")) == 1 and len(s2.requests) == 2


def test_a_server_that_ignores_skip_is_an_error_not_a_loop(stub):
    s = stub((200, {"entries": [{"uid": "a"}]}))
    with pytest.raises(PersonalizeApiError) as err:
        cma_client(s.url).cma_list("/v3/content_types/x/entries", "entries", page_size=1)
    assert "skip" in str(err.value) and len(s.requests) == 2


def test_a_list_without_its_member_is_an_error(stub):
    s = stub((200, {"other": []}))
    with pytest.raises(PersonalizeApiError) as err:
        cma_client(s.url).cma_list("/v3/content_types", "content_types")
    assert "content_types" in str(err.value)


# --------------------------------------------------------------------------- errors, retries, redaction
def test_cma_errors_name_method_path_status_and_message(emu):
    c = emu_client(emu)
    with pytest.raises(PersonalizeApiError) as err:
        c.cma("GET", "/v3/content_types/nope/entries")
    assert err.value.status == 404 and "GET /v3/content_types/nope/entries returned 404" in str(err.value)
    assert err.value.body["error_code"] == 118 and err.value.message
    with pytest.raises(PersonalizeApiError) as err:
        c.cma("GET", "/v3/stacks", branch="nope")
    assert err.value.status == 422 and "branch" in str(err.value)
    with pytest.raises(PersonalizeApiError) as err:
        c.cma("GET", "/v3/stacks", api_key=DEST_STACK)   # a stack of another organization
    assert err.value.status == 412 and c.stats["retries"] == 0


def test_an_entry_variant_refusal_names_the_field(emu):
    c = emu_client(emu)
    group = c.cma("GET", "/v3/variant_groups")["variant_groups"][0]
    variants = c.cma("GET", "/v3/variant_groups/%s/variants" % group["uid"])["variants"]
    with pytest.raises(PersonalizeApiError) as err:
        c.cma("PUT", "/v3/content_types/blog_post/entries/blt5ce0000000000060/variants/%s" % variants[0]["uid"],
              body={"entry": {"title": "x", "_variant": {"_change_set": ["title"]}}}, query={"locale": "en-us"})
    assert err.value.status == 422 and "content_type_uid" in str(err.value)


@pytest.mark.parametrize("status", [429, 500, 502, 503, 504])
@pytest.mark.parametrize("method", ["GET", "PUT"])
def test_cma_calls_retry_429_and_5xx(stub, method, status):
    s = stub((status, {"error_message": "busy", "error_code": 0}, {"Retry-After": "1"}), (200, {"notice": "ok"}))
    c = cma_client(s.url)
    assert c.cma(method, "/v3/variant_groups/cs1", body={"name": "n"} if method == "PUT" else None) == {"notice": "ok"}
    assert c.stats["retries"] == 1 and c.stats["cma_calls"] == 2 and c.sleep == [1.0]
    assert c.stats["throttled"] == (1 if status == 429 else 0)


def test_emulator_burst_429_on_cma_calls_is_retried(emu):
    emu.configure(faults={"seed": 1, "burst_429": 2})
    c = emu_client(emu)
    assert c.cma("GET", "/v3/locales")["locales"]
    assert c.stats["throttled"] == 2 and c.stats["cma_calls"] == 3


def test_emulator_reset_and_5xx_on_cma_calls_are_retried(emu):
    emu.configure(faults={"seed": 3, "error_503": 0.5, "reset": 0.3})
    c = emu_client(emu, max_retries=20)
    assert len(c.cma_list("/v3/content_types", "content_types", page_size=2)) == 7


def test_cma_error_texts_never_hold_a_token(stub):
    s = stub((401, {"error_message": "token %s is bad" % TOKEN, "error_code": 105, "errors": {"authtoken": [TOKEN]}}))
    c = cma_client(s.url, max_retries=0)
    with pytest.raises(PersonalizeApiError) as err:
        c.cma("GET", "/v3/stacks")
    text = str(err.value) + repr(err.value) + str(err.value.args) + str(err.value.body)
    assert TOKEN not in text and "********" in text
    s2 = stub((500, "upstream said Bearer %s" % OAUTH))
    c2 = cma_client(s2.url, authtoken=None, oauth_token=OAUTH, max_retries=0)
    with pytest.raises(PersonalizeApiError) as err:
        c2.cma("GET", "/v3/stacks")
    assert OAUTH not in str(err.value) + str(err.value.body)
