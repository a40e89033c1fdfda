"""A folder written by export.yml, checked as a whole before apply.yml writes (module_utils/folder.py).

The folders are the retail fixture in the portable form, written as export.yml writes them, then
broken in one place; the project is an empty one, the retail project itself, or the small
destination fixture."""

import pytest
import yaml

from fakes import by, fixture

from ansible_collections.contentstack.personalize.plugins.module_utils.errors import PersonalizeInputError
from ansible_collections.contentstack.personalize.plugins.module_utils.export import portable_from_raw
from ansible_collections.contentstack.personalize.plugins.module_utils.folder import (
    FILES,
    check_files,
    load_yaml,
    read_texts,
    validate_folder,
)
from ansible_collections.contentstack.personalize.plugins.module_utils.kinds import LOAD_ORDER

LYTICS = "High Propensity Buyers (Lytics)"
HOMEPAGE = "Homepage Hero by Loyalty"
CHECKOUT = "Checkout Button Color Test"
EMPTY = {"attributes": [], "events": [], "audiences": [], "experiences": [], "versions": [], "priority": {"priorityOrder": []}}


def texts_of(portable):
    """The files export.yml writes for a portable project."""
    texts = {"project.yml": yaml.safe_dump({"schema_version": 1, "kinds": list(LOAD_ORDER)})}
    for kind in LOAD_ORDER:
        texts["%s.yml" % kind] = yaml.safe_dump({kind: portable[kind]}, sort_keys=True)
    return texts


@pytest.fixture
def retail():
    return portable_from_raw(fixture("retail_raw.json"))


def refused(texts, project, *fragments):
    with pytest.raises(PersonalizeInputError) as info:
        validate_folder(texts, project, "/f")
    message = str(info.value)
    assert all(f in message for f in fragments), (fragments, message)
    return message


# ----------------------------------------------------------------------------- valid folders
def test_a_folder_for_an_empty_project_creates_everything_but_the_lytics_audience(retail):
    out = validate_folder(texts_of(retail), EMPTY, "/f")
    assert list(out)[:8] == ["schema_version"] + list(LOAD_ORDER) + ["read_only_audiences"]
    assert out["changes"] == {"attributes": {"create": 10}, "events": {"create": 5}, "audiences": {"create": 10},
                              "experiences": {"create": 6}, "versions": 6, "priority": True}
    assert [a["name"] for a in out["read_only_audiences"]] == [LYTICS]
    assert LYTICS not in [a["name"] for a in out["audiences"]]
    assert out["attributes"] == retail["attributes"] and out["priority"] == retail["priority"]
    assert out["summary"].startswith("folder ok: 10 attributes (10 to create), 5 events (5 to create)")


def test_the_project_s_own_export_changes_nothing(retail):
    out = validate_folder(texts_of(retail), fixture("retail_raw.json"), "/f")
    assert out["changes"] == {"attributes": {"none": 10}, "events": {"none": 5}, "audiences": {"none": 10},
                              "experiences": {"none": 6}, "versions": 0, "priority": False}
    assert "versions of 0 experiences to change, priority order unchanged" in out["summary"]


def test_references_resolve_to_what_the_project_already_has(retail):
    """The folder holds only audiences, experiences and versions: the attributes and events they
    name are the project's own (here the retail project with its audiences and experiences gone)."""
    project = fixture("retail_raw.json")
    project.update(audiences=[a for a in project["audiences"] if a.get("source") == "LYTICS"], experiences=[],
                   versions=[], priority={"priorityOrder": []})
    retail.update(attributes=[], events=[])
    out = validate_folder(texts_of(retail), project, "/f")
    assert out["changes"]["audiences"] == {"create": 10} and out["changes"]["versions"] == 6


def test_a_version_may_target_a_lytics_audience_the_project_has(retail):
    by(retail["versions"], "experience", HOMEPAGE)["versions"][0]["variants"][0]["lyticsAudiences"] = [LYTICS]
    out = validate_folder(texts_of(retail), fixture("retail_raw.json"), "/f")
    assert out["changes"]["versions"] == 1


def test_the_destination_fixture_is_planned_with_updates(retail):
    out = validate_folder(texts_of(retail), fixture("dest_raw.json"), "/f")
    assert out["changes"]["experiences"] == {"create": 5, "none": 1}
    assert out["changes"]["audiences"].get("update") == 1


# ----------------------------------------------------------------------------- one bad reference in any file
def _drop(items, field, value):
    items[:] = [i for i in items if i.get(field) != value]


def _rule_ref(audience, ref):
    audience["definition"]["rules"][0]["attribute"]["ref"] = ref


BAD_REFERENCES = [
    ("attributes.yml lacks an attribute an audience uses", lambda p: _drop(p["attributes"], "key", "loyalty_tier"),
     ["/f/audiences.yml", "audience 'Gold & Platinum Members'", "definition.rules[0].attribute", "loyalty_tier"]),
    ("audiences.yml names a missing attribute", lambda p: _rule_ref(by(p["audiences"], "name", "High-Value Shoppers"), "no_such"),
     ["/f/audiences.yml", "audience 'High-Value Shoppers'", "attribute", "no_such"]),
    ("events.yml lacks an event a metric uses", lambda p: _drop(p["events"], "key", "add_to_cart"),
     ["/f/versions.yml", "experience %r" % CHECKOUT, "metrics[1]", "add_to_cart"]),
    ("versions.yml names a missing audience", lambda p: by(p["versions"], "experience", HOMEPAGE)["versions"][0]["variants"][1]
     .update(audiences=["Nobody"]), ["/f/versions.yml", "experience %r" % HOMEPAGE, "variant 'Big spender hero'", "Nobody"]),
    ("versions.yml names a missing event", lambda p: by(p["versions"], "experience", CHECKOUT)["versions"][0]["metrics"][0]
     .update(event="no_event"), ["/f/versions.yml", "experience %r" % CHECKOUT, "metrics[0]", "no_event"]),
    ("versions.yml names a missing experience", lambda p: p["versions"].append({"experience": "Ghost", "versions": []}),
     ["/f/versions.yml", "experience 'Ghost'", "no such experience"]),
    ("experiences.yml lacks an experience the versions use", lambda p: _drop(p["experiences"], "name", HOMEPAGE),
     ["/f/versions.yml", "experience %r" % HOMEPAGE, "no such experience"]),
    ("priority.yml names a missing experience", lambda p: p["priority"].append("Ghost"),
     ["/f/priority.yml", "order", "'Ghost'", "neither experiences.yml nor the project"]),
]


@pytest.mark.parametrize("change, fragments", [r[1:] for r in BAD_REFERENCES], ids=[r[0] for r in BAD_REFERENCES])
def test_one_bad_reference_in_any_file_is_named(retail, change, fragments):
    change(retail)
    refused(texts_of(retail), EMPTY, *fragments)


# ----------------------------------------------------------------------------- other problems of the items
def test_a_split_over_100(retail):
    variants = by(retail["versions"], "experience", CHECKOUT)["versions"][0]["variants"]
    variants[1]["trafficDistribution"] = 60
    refused(texts_of(retail), EMPTY, "/f/versions.yml", "experience %r" % CHECKOUT, "trafficDistribution", "110", "100")


def test_an_experience_named_twice_in_the_priority_order(retail):
    retail["priority"].append(HOMEPAGE)
    refused(texts_of(retail), EMPTY, "/f/priority.yml", "twice")


def test_a_reference_to_a_lytics_audience_the_project_lacks(retail):
    by(retail["versions"], "experience", HOMEPAGE)["versions"][0]["variants"][2]["lyticsAudiences"] = [LYTICS]
    refused(texts_of(retail), EMPTY, "/f/versions.yml", "experience %r" % HOMEPAGE, "variant 'Subscriber hero'",
            "lyticsAudiences", "Lytics audience %r" % LYTICS, "sync it from Lytics")


def test_a_lytics_audience_targeted_by_an_ab_test(retail):
    by(retail["versions"], "experience", CHECKOUT)["versions"][0]["targeting"]["audience"]["audiences"] = [LYTICS]
    refused(texts_of(retail), EMPTY, "experience %r" % CHECKOUT, "targeting.audience.audiences", "Lytics audience")


def test_a_preset_attribute_in_the_folder_is_refused_by_the_engine(retail):
    retail["attributes"].append({"key": "COUNTRY", "name": "Country", "description": ""})
    refused(texts_of(retail), fixture("retail_raw.json"), "/f/attributes.yml", "attribute 'COUNTRY'", "preset")


def test_a_type_change_of_an_existing_experience(retail):
    by(retail["experiences"], "name", HOMEPAGE)["type"] = "ab_test"
    refused(texts_of(retail), fixture("retail_raw.json"), "/f/experiences.yml", "experience %r" % HOMEPAGE, "type cannot change")


def test_an_item_given_twice(retail):
    retail["events"].append(dict(retail["events"][0]))
    refused(texts_of(retail), EMPTY, "/f/events.yml", "event 'add_to_cart'", "twice")


def test_versions_of_one_experience_given_twice(retail):
    retail["versions"].append(dict(by(retail["versions"], "experience", HOMEPAGE)))
    refused(texts_of(retail), EMPTY, "/f/versions.yml", "experience %r" % HOMEPAGE, "twice")


def test_a_wrong_type_in_an_item(retail):
    retail["attributes"][3]["name"] = 5
    refused(texts_of(retail), EMPTY, "/f/attributes.yml", "attribute 'last_purchase_days'", "name", "must be a string")


def test_the_project_state_must_be_a_raw_read(retail):
    refused(texts_of(retail), {"attributes": []}, "export lookup's raw read")


# ----------------------------------------------------------------------------- the files themselves
def test_a_repeated_key_is_an_error_naming_the_line():
    with pytest.raises(PersonalizeInputError) as info:
        load_yaml("attributes:\n- key: a\n  name: A\n  description: ''\n  name: B\n")
    assert str(info.value) == "line 5: key 'name' appears twice in one mapping (also at line 3)"
    assert load_yaml("base: &b {x: 1}\nother:\n  <<: *b\n  x: 2\n") == {"base": {"x": 1}, "other": {"x": 2}}


def test_yaml_that_does_not_parse_names_the_line():
    with pytest.raises(PersonalizeInputError) as info:
        load_yaml("experiences:\n  - name: [unclosed\n")
    assert "line 3" in str(info.value)


FILE_PROBLEMS = [
    ("kind as a mapping", "attributes.yml", "attributes:\n  tier: {name: Tier}\n",
     "/f/attributes.yml is not a file written by export.yml: attributes must be a list, got a mapping"),
    ("no top-level key", "events.yml", "- key: add_to_cart\n", "events.yml is not a file written by export.yml: it needs a top-level events list"),
    ("another top-level key", "events.yml", "events: []\nattributes: []\n", "unknown top-level key(s) attributes"),
    ("an item not a mapping", "audiences.yml", "audiences:\n- just a name\n", "audiences[0] must be a mapping, got str"),
    ("priority not names", "priority.yml", "priority:\n- {name: x}\n", "priority[0] must be an experience name"),
    ("unknown kind", "project.yml", "schema_version: 1\nkinds: [%s, widgets]\n" % ", ".join(LOAD_ORDER),
     "/f/project.yml is not a file written by export.yml: kinds: unknown kind(s) 'widgets'"),
    ("a kind missing", "project.yml", "schema_version: 1\nkinds: [attributes]\n", "kinds: events, audiences, experiences, versions, priority missing"),
    ("a kind twice", "project.yml", "schema_version: 1\nkinds: [%s, events]\n" % ", ".join(LOAD_ORDER), "kinds: events named twice"),
    ("schema version", "project.yml", "schema_version: 2\n", "it needs schema_version: 1 (found 2)"),
    ("schema version true", "project.yml", "schema_version: true\n", "it needs schema_version: 1 (found True)"),
    ("unknown project field", "project.yml", "schema_version: 1\nname: x\n", "unknown field(s) name"),
    ("unknown item field", "attributes.yml", "attributes:\n- key: tier\n  descripton: x\n",
     "/f/attributes.yml: attribute 'tier': unknown field(s) descripton (the fields are key, name, description)"),
    ("a module option in an item", "events.yml", "events:\n- key: gone\n  state: absent\n", "event 'gone': unknown field(s) state"),
    ("unknown field of a version item", "versions.yml", "versions:\n- experience: E\n  status: active\n  versions: []\n",
     "experience 'E': unknown field(s) status (the fields are experience, versions)"),
    ("unknown field of a lytics audience", "audiences.yml", "audiences:\n- name: L\n  read_only: true\n  definition: {}\n",
     "audience 'L': unknown field(s) definition"),
    ("read_only not a boolean", "audiences.yml", "audiences:\n- name: L\n  read_only: 'yes'\n", "audience 'L': read_only must be true or false"),
    ("a repeated key", "attributes.yml", "attributes:\n- key: a\n  key: b\n",
     "/f/attributes.yml is not valid YAML: line 3: key 'key' appears twice in one mapping (also at line 2)"),
]


@pytest.mark.parametrize("name, text, fragment", [r[1:] for r in FILE_PROBLEMS], ids=[r[0] for r in FILE_PROBLEMS])
def test_a_file_problem_is_found_without_the_project(retail, name, text, fragment):
    texts = texts_of(retail)
    texts[name] = text
    with pytest.raises(PersonalizeInputError) as info:
        check_files(texts, "/f")
    assert fragment in str(info.value)


def test_the_problems_of_every_file_are_reported_together(retail):
    texts = texts_of(retail)
    texts.update({"events.yml": "- key: x\n", "project.yml": "schema_version: 2\n", "priority.yml": "priority: [a\n"})
    with pytest.raises(PersonalizeInputError) as info:
        check_files(texts, "/f")
    assert [p.split(" ", 1)[0] for p in str(info.value).split("; ")] == ["/f/project.yml", "/f/events.yml", "/f/priority.yml"]


def test_check_files_gives_the_items_as_written(retail):
    out = check_files(texts_of(retail), "/f")
    assert out["schema_version"] == 1 and out["versions"] == retail["versions"]
    assert len(out["audiences"]) == 11   # Lytics included: only validate_folder sets them apart


def test_read_texts_names_every_missing_file(tmp_path):
    for name in FILES[:3]:
        (tmp_path / name).write_text("x: 1\n")
    with pytest.raises(PersonalizeInputError) as info:
        read_texts(str(tmp_path))
    assert str(info.value) == "missing file(s) in %s: %s" % (tmp_path, ", ".join(FILES[3:]))
    with pytest.raises(PersonalizeInputError, match="is not a folder"):
        read_texts(str(tmp_path / "project.yml"))


def test_read_texts_refuses_a_file_that_is_not_utf8(tmp_path):
    for name in FILES:
        (tmp_path / name).write_text("x: 1\n")
    (tmp_path / "events.yml").write_bytes(b"events: [\xff]\n")
    with pytest.raises(PersonalizeInputError, match="events.yml cannot be read"):
        read_texts(str(tmp_path))
