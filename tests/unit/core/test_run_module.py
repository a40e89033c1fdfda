"""A module's whole run (run_module) over a fake client: the calls it makes for each kind,
check mode, and errors as results. Asserts the calls, not the result's layout."""

from fakes import FakeClient, by, listing_client

from ansible_collections.contentstack.personalize.plugins.module_utils.runner import run_module

HOMEPAGE = "Homepage Hero by Loyalty"


def test_the_list_form_writes_only_what_differs(source_raw):
    client = listing_client(source_raw)
    result = run_module("personalize_attribute", {"items": [{"key": "loyalty_tier"}, {"key": "fresh"}]}, client=client)
    assert result["changed"] and client.writes() == [("POST", "/attributes")]
    assert client.calls.count(("GET", "/attributes")) == 1


def test_the_single_form_and_check_mode(source_raw):
    client = listing_client(source_raw)
    result = run_module("personalize_event", {"key": "fresh", "state": "present"}, check_mode=True, diff=True,
                        client=client)
    assert result["changed"] and client.writes() == [] and result["diff"]["after"]["key"] == "fresh"
    assert not run_module("personalize_event", {"key": "add_to_cart", "name": "Add to Cart"}, client=client)["changed"]


def test_an_audience_may_name_an_attribute_check_mode_has_only_planned(source_raw):
    client = listing_client(source_raw)
    item = {"name": "New", "definition": {"rules": [{"attribute": {"key": "planned_attr"},
                                                     "attributeMatchCondition": "HAS_ANY_VALUE"}]}}
    result = run_module("personalize_audience", {"items": [item]}, check_mode=True, client=client)
    assert result["changed"] and "planned_attr" in result["warnings"][0]
    failed = run_module("personalize_audience", {"items": [item]}, client=client)
    assert failed["failed"] and "unknown custom attribute 'planned_attr'" in failed["msg"]
    assert client.writes() == []


def test_versions_write_the_draft_then_activate_it(source_raw):
    client = listing_client(source_raw)
    entry = by(source_raw["versions"], "name", "Newsletter Signup Prompt")
    draft = entry["versions"][0]
    variants = [{"name": "First visit prompt", "audiences": ["First-Time Visitors"]}]
    result = run_module("personalize_version", {"experience": "Newsletter Signup Prompt", "status": "active",
                                                "variants": variants}, client=client)
    path = "/experiences/%s/versions/%s" % (entry["experience"], draft["uid"])
    assert result["changed"] and client.writes() == [("PUT", path)]
    again = listing_client(source_raw)
    plan = run_module("personalize_version", {"items": [{"experience": HOMEPAGE, "versions": []}], "exact": True},
                      check_mode=True, client=again)
    assert again.writes() == [] and plan["changed"]   # exact: the undesired draft would go


def test_versions_of_an_experience_that_does_not_exist(source_raw):
    client = listing_client(source_raw)
    item = {"experience": "Not yet", "status": "active", "variants": [{"name": "A", "trafficDistribution": 100}]}
    assert run_module("personalize_version", item, check_mode=True, client=client)["changed"]
    failed = run_module("personalize_version", item, client=client)
    assert failed["failed"] and "create it first" in failed["msg"]


def test_priority_puts_the_full_order_once(source_raw):
    client = listing_client(source_raw)
    names = dict((e["uid"], e["name"]) for e in source_raw["experiences"])
    current = [names[u] for u in source_raw["priority"]["priorityOrder"]]
    assert not run_module("personalize_priority", {"order": current[:2]}, client=client)["changed"]
    result = run_module("personalize_priority", {"order": [current[-1]]}, client=client)
    assert result["changed"] and client.writes() == [("PUT", "/experiences-priority")]
    assert result["order"][0] == current[-1] and len(result["order"]) == 6
    failed = run_module("personalize_priority", {"order": ["Nope"]}, client=client)
    assert failed["failed"] and "unknown experience(s) 'Nope'" in failed["msg"]


def test_the_project_module_works_on_the_organization():
    client = FakeClient({"/projects": [{"uid": "p1", "name": "Shop", "description": ""}]})
    assert not run_module("personalize_project", {"name": "Shop"}, client=client)["changed"]
    result = run_module("personalize_project", {"name": "New", "description": "d"}, check_mode=True, client=client)
    assert result["changed"] and client.writes() == []
    client.organization_uid = None
    assert "needs organization_uid" in run_module("personalize_project", {"name": "x"}, client=client)["msg"]


def test_new_live_content_for_a_locked_version_posts_a_draft_then_activates_it(source_raw):
    entry = by(source_raw["versions"], "name", "Summer Sale Banner")
    path = "/experiences/%s/versions" % entry["experience"]
    client = listing_client(source_raw, answers={
        ("POST", path): lambda body: dict(body, uid="6650a1b2c3d4e5f6a50200aa",
                                          variants=[dict(v, shortUid="5") for v in body["variants"]])})
    variants = [{"name": "Only banner", "audiences": ["Summer Campaign Visitors"]}]
    result = run_module("personalize_version", {"experience": entry["name"], "variants": variants}, client=client)
    assert client.writes() == [("POST", path), ("PUT", path + "/6650a1b2c3d4e5f6a50200aa")]
    assert result["changed"] and result["short_uids"] == {"Only banner": "5"}
