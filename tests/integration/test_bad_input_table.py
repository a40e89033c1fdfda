"""Bad input, one table: every row is refused with a message naming the item and the field, and
nothing is written (the request log of every emulator has no POST, PUT or DELETE from it).

Surfaces: the modules (one playbook, one failing task per row), the export lookup (one playbook,
one failing set_fact per row), apply.yml with a broken file folder, and the copy role through
playbooks/migrate.yml between two emulators (one ansible-playbook run per row). docs/reliability.md
lists the messages users may meet; this table is where they are checked.

Each row: (id, surface, input, [fragments the message must contain], phase). ``phase`` is, for
role rows, the start of the failing task's name ("Validate |" for problems found in the plan
or in reading either side; "arg spec" for the role's argument validation); for apply rows "files"
(found before the project is read: not even a GET) or "items" (found after one read of the
project, before any write); None otherwise.
"""

import json
import os
import urllib.request

import pytest

from conftest import DEST, ROOT, SOURCE
from emulator.harness import NOBODY_TOKEN, OAUTH_CLIENT_ID, OAUTH_CLIENT_SECRET, OAUTH_REFRESH_TOKEN
from modhelp import assert_ok, dest, failing, play, task
from reliability.copyrun import MIGRATE, Pair, copy_vars, run_playbook
from stackhelp import STAGING_STACK, with_stacks

LOOKUP = "contentstack.personalize.personalize_export"
BAD_TOKEN = "csat-not-a-token-0000"
HEX_UNKNOWN = "6650a1b2c3d4e5f6ffffffff"


def rule(attribute, value="x"):
    return {"attribute": attribute, "attributeMatchCondition": "STRING_EQUALS",
            "attributeMatchOptions": {"__type": "StringMatchOptions", "value": value}}


SEG = {"experience": "Seg", "status": "active"}
AB = {"experience": "AB", "status": "active"}
AB_OK = [{"name": "A", "trafficDistribution": 50}, {"name": "B", "trafficDistribution": 50}]

# ----------------------------------------------------------------------------- the table
TABLE = [
    # --- modules: wrong types and unknown enum values
    ("wrong type bool", "module", ("personalize_attribute", {"key": "k1", "prune": "perhaps"}), ["prune", "bool"], None),
    ("wrong type in item", "module", ("personalize_attribute", {"items": [{"key": "ok"}, {"key": "k2", "name": 5}]}),
     ["attribute 'k2'", "name", "must be a string, got int"], None),
    ("wrong type traffic", "module", ("personalize_version", dict(AB, variants=[
        {"name": "A", "trafficDistribution": "fifty"}, {"name": "B", "trafficDistribution": 50}])),
        ["variant 'A'", "trafficDistribution"], None),
    ("wrong type timeout", "module", ("personalize_event", {"key": "e1", "timeout": "soon"}), ["timeout", "int"], None),
    ("wrong type definition", "module", ("personalize_audience", {"name": "Aud D", "definition": ["AND"]}),
     ["definition", "dict"], None),
    ("unknown experience type", "module", ("personalize_experience", {"name": "E", "type": "multivariate"}),
     ["type", "multivariate", "ab_test"], None),
    ("unknown experience type in item", "module", ("personalize_experience", {"items": [{"name": "E2", "type": "mvt"}]}),
     ["experience 'E2'", "type", "mvt"], None),
    ("unknown version status", "module", ("personalize_version", dict(SEG, status="running", variants=[{"name": "V"}])),
     ["status", "running"], None),
    ("unknown combination type", "module", ("personalize_audience", {"name": "Aud X", "definition": {
        "combinationType": "XOR", "rules": [rule({"preset": "COUNTRY"})]}}),
        ["audience 'Aud X'", "combinationType", "XOR"], None),
    ("unknown variant combination", "module", ("personalize_version", dict(SEG, variants=[
        {"name": "V1", "audiences": ["Known"], "audienceCombinationType": "XOR"}])),
        ["experience 'Seg'", "variant 'V1'", "audienceCombinationType", "XOR"], None),
    ("unknown item state", "module", ("personalize_event", {"items": [{"key": "e1", "state": "gone"}]}),
     ["event 'e1'", "state", "gone"], None),
    ("unknown state", "module", ("personalize_attribute", {"key": "k3", "state": "gone"}), ["state", "gone", "present"], None),
    ("unknown version field", "module", ("personalize_version", {"experience": "AB", "versions": [
        {"status": "active", "variants": AB_OK, "colour": "red"}]}),
        ["experience 'AB'", "unknown version field", "colour"], None),
    # --- modules: references and structure
    ("rule unknown attribute", "module", ("personalize_audience", {"name": "Aud Y", "definition": {
        "combinationType": "AND", "rules": [rule({"key": "no_such_attribute"})]}}),
        ["audience 'Aud Y'", "definition.rules[0].attribute", "no_such_attribute"], None),
    ("variant unknown audience", "module", ("personalize_version", dict(SEG, variants=[
        {"name": "V1", "audiences": ["Known"]}, {"name": "V2", "audiences": ["Nobody here"]}])),
        ["experience 'Seg'", "variant 'V2'", "audiences", "Nobody here"], None),
    ("targeting unknown audience", "module", ("personalize_version", dict(AB, variants=AB_OK, targeting={
        "audience": {"audiences": ["Nobody here"]}})),
        ["experience 'AB'", "targeting.audience.audiences", "Nobody here"], None),
    ("metric unknown event", "module", ("personalize_version", dict(
        AB, variants=AB_OK, metrics=[{"name": "M", "event": "no_such_event"}])),
     ["experience 'AB'", "metrics[0]", "no_such_event"], None),
    ("traffic not 100", "module", ("personalize_version", dict(AB, variants=[
        {"name": "A", "trafficDistribution": 60}, {"name": "B", "trafficDistribution": 30}])),
        ["experience 'AB'", "trafficDistribution", "90", "100"], None),
    ("empty variants", "module", ("personalize_version", dict(SEG, variants=[])),
     ["experience 'Seg'", "variants", "non-empty"], None),
    ("segmented variant without audience", "module", ("personalize_version", dict(SEG, variants=[{"name": "Lonely"}])),
     ["experience 'Seg'", "variant 'Lonely'", "at least one audience"], None),
    ("duplicate variant name", "module", ("personalize_version", dict(AB, variants=[
        {"name": "A", "trafficDistribution": 50}, {"name": "A", "trafficDistribution": 50}])),
        ["experience 'AB'", "variant 'A'", "twice"], None),
    ("bad variant shortUid", "module", ("personalize_version", dict(AB, variants=[
        {"name": "A", "shortUid": "01", "trafficDistribution": 50}, {"name": "B", "trafficDistribution": 50}])),
        ["experience 'AB'", "variant 'A'", "shortUid", "01"], None),
    ("metrics on segmented", "module", ("personalize_version", dict(
        SEG, variants=[{"name": "V", "audiences": ["Known"]}], metrics=[{"event": "x"}])),
     ["experience 'Seg'", "metrics", "A/B"], None),
    ("two live versions", "module", ("personalize_version", {"experience": "AB", "versions": [
        {"status": "active", "variants": AB_OK}, {"status": "paused", "variants": AB_OK}]}),
        ["experience 'AB'", "at most one live"], None),
    ("version of unknown experience", "module", ("personalize_version", {"experience": "Ghost", "variants": AB_OK}),
     ["experience 'Ghost'", "does not exist"], None),
    ("experience type change", "module", ("personalize_experience", {"name": "Seg", "type": "ab_test"}),
     ["experience 'Seg'", "type cannot change", "replace"], None),
    ("duplicate key in items", "module", ("personalize_attribute", {
        "items": [{"key": "dup"}, {"key": "other"}, {"key": "dup"}]}),
     ["attribute 'dup'", "twice", "0", "2"], None),
    ("duplicate name in items", "module", ("personalize_audience", {"items": [
        {"name": "Twice", "definition": {"rules": [rule({"preset": "COUNTRY"})]}}, {"name": "Twice", "state": "absent"}]}),
        ["audience 'Twice'", "twice"], None),
    ("duplicate experience in version items", "module", ("personalize_version", {"items": [
        dict(AB, variants=AB_OK), dict(AB, variants=AB_OK)]}), ["experience 'AB'", "twice"], None),
    ("preset attribute", "module", ("personalize_attribute", {"key": "COUNTRY", "name": "Country"}),
     ["attribute 'COUNTRY'", "preset"], None),
    ("preset attribute absent", "module", ("personalize_attribute", {"key": "DEVICE_TYPE", "state": "absent"}),
     ["attribute 'DEVICE_TYPE'", "preset"], None),
    ("ambiguous audience", "module", ("personalize_audience", {"name": "Same name", "description": "x"}),
     ["audience 'Same name'", "ambiguous"], None),
    ("ambiguous audience absent", "module", ("personalize_audience", {"name": "Same name", "state": "absent"}),
     ["audience 'Same name'", "ambiguous"], None),
    ("variant ambiguous audience", "module", ("personalize_version", dict(SEG, variants=[
        {"name": "V1", "audiences": ["Same name"]}])),
        ["experience 'Seg'", "variant 'V1'", "audiences", "audience 'Same name' is ambiguous"], None),
    ("priority unknown experience", "module", ("personalize_priority", {"order": ["AB", "Ghost"]}),
     ["order", "Ghost"], None),
    ("priority names twice", "module", ("personalize_priority", {"order": ["AB", "AB"]}), ["order", "twice"], None),
    ("both forms", "module", ("personalize_attribute", {"key": "k", "items": [{"key": "k"}]}), ["key", "items"], None),
    ("missing identity", "module", ("personalize_event", {"name": "no key"}), ["key", "items"], None),
    # --- modules: connection
    ("module unknown region", "module", ("personalize_attribute", {"key": "k4", "api_url": "", "region": "mars"}),
     ["unknown region 'mars'", "aws-eu"], None),
    ("module malformed url", "module", ("personalize_attribute", {"key": "k4", "api_url": "personalize-api.contentstack.com"}),
     ["api_url", "not a valid URL", "https://"], None),
    ("module plain http to a remote host", "module", ("personalize_attribute", {
        "key": "k4", "api_url": "http://personalize.example.com"}), ["api_url", "plain http", "allow_http"], None),
    ("module both tokens", "module", ("personalize_attribute", {"key": "k4", "authtoken": BAD_TOKEN}),
     ["authtoken and oauth_token", "exactly one"], None),
    ("module no token", "module", ("personalize_attribute", {"key": "k4", "oauth_token": ""}), ["no credentials"], None),
    ("module bad project uid", "module", ("personalize_attribute", {"key": "k4", "project_uid": "retail-eu"}),
     ["project_uid", "24-character hexadecimal", "retail-eu"], None),
    ("module unknown project", "module", ("personalize_attribute", {"key": "k4", "project_uid": HEX_UNKNOWN}),
     ["GET /attributes returned 404", "PROJECTS.NOT_FOUND"], None),
    ("module 401", "module", ("personalize_attribute", {"key": "k4", "oauth_token": BAD_TOKEN}),
     ["GET /attributes returned 401"], None),
    ("module 403", "module", ("personalize_attribute", {"key": "k4", "oauth_token": NOBODY_TOKEN}),
     ["GET /attributes returned 403", "Forbidden"], None),
    # --- the export lookup
    ("lookup invalid jmespath", "lookup", ("attributes", {"query": "[?key == 'x'"}),
     ["personalize_export", "invalid JMESPath query", "[?key == 'x'"], None),
    ("lookup unknown kind", "lookup", ("widgets", {}), ["unknown kind 'widgets'", "all"], None),
    ("lookup term not a string", "lookup", (5, {}), ["a term must be a kind name", "5"], None),
    ("lookup no term", "lookup", ([], {}), ["give at least one term", "all"], None),
    ("lookup unknown region", "lookup", ("events", {"api_url": None, "region": "mars"}), ["unknown region 'mars'"], None),
    ("lookup malformed url", "lookup", ("events", {"api_url": "ftp://emulator"}), ["api_url", "not a valid URL"], None),
    ("lookup plain http to a remote host", "lookup", ("events", {"api_url": "http://personalize.example.com"}),
     ["plain http", "allow_http"], None),
    ("lookup both tokens", "lookup", ("events", {"oauth_token": BAD_TOKEN}), ["mutually exclusive"], None),
    ("lookup no token", "lookup", ("events", {"authtoken": ""}), ["no credentials"], None),
    ("lookup bad project uid", "lookup", ("events", {"project_uid": "6650a1b2"}),
     ["project_uid", "24-character hexadecimal", "6650a1b2"], None),
    ("lookup 401", "lookup", ("events", {"authtoken": BAD_TOKEN}), ["GET /events returned 401"], None),
    ("lookup 403", "lookup", ("events", {"authtoken": NOBODY_TOKEN}), ["GET /events returned 403", "Forbidden"], None),
    # --- apply.yml: a file folder with a missing or corrupt YAML file
    ("apply missing file", "apply", ("remove", "audiences.yml"), ["missing file(s)", "audiences.yml", "nothing was written"],
     None),
    ("apply corrupt file", "apply", ("write", "experiences.yml", "experiences:\n  - name: [unclosed\n"),
     ["experiences.yml is not valid YAML", "nothing was written"], None),
    ("apply wrong shape", "apply", ("write", "events.yml", "- key: add_to_cart\n"),
     ["events.yml is not a file written by export.yml", "nothing was written"], None),
    # --- the copy role (playbooks/migrate.yml, two emulators as two regions)
    ("role source is destination", "role", {"migrate_destination": "SOURCE"},
     ["refusing to copy a project onto itself", "Nothing was written"], "Validate |"),
    ("role lytics without allow_skips", "role", {"migrate_allow_skips": False},
     ["High Propensity Buyers (Lytics)", "Lytics", "migrate_allow_skips"], "Validate |"),
    ("role excluded dependency", "role", {"migrate_exclude": ["Gold & Platinum Members"]},
     ["audience 'Gold & Platinum Members' is excluded", "experience"], "Validate |"),
    ("role missing audience reference", "role", {"_source_seed": "dangling-audience"},
     ["the source cannot be copied", "experience 'Summer Sale Banner', paused version: variant",
      "references audience uid", "does not exist"], "Validate |"),
    ("role source 401", "role", {"migrate_source": {"authtoken": BAD_TOKEN}},
     ["cannot read the source", "401"], "Validate |"),
    ("role source 403", "role", {"migrate_source": {"authtoken": NOBODY_TOKEN}},
     ["cannot read the source", "403"], "Validate |"),
    ("role destination 401", "role", {"migrate_destination": {"oauth_token": BAD_TOKEN}},
     ["cannot read the destination", "401"], "Validate |"),
    ("role destination 403", "role", {"migrate_destination": {"oauth_token": NOBODY_TOKEN}},
     ["cannot read the destination", "403"], "Validate |"),
    ("role over-limit destination", "role", {"migrate_limits": {"audiences": 5}},
     ["10 audiences would exceed the destination's limit of 5"], "Validate |"),
    ("role destination both tokens", "role", {"migrate_destination": {"authtoken": BAD_TOKEN}},
     ["cannot read the destination", "mutually exclusive"], "Validate |"),
    ("role source bad project uid", "role", {"migrate_source": {"project_uid": "retail"}},
     ["cannot read the source", "project_uid", "retail"], "Validate |"),
    ("role destination unknown region", "role", {"migrate_destination": {"api_url": "", "region": "mars"}},
     ["invalid connection settings of the destination", "unknown region 'mars'"], "Validate |"),
    ("role destination plain http", "role", {"migrate_destination": {"api_url": "http://personalize.example.com"}},
     ["invalid connection settings of the destination", "plain http", "allow_http"], "Validate |"),
    ("role unknown activation", "role", {"migrate_activation": "sometimes"},
     ["migrate_activation", "sometimes", "mirror"], "arg spec"),
    ("role wrong type", "role", {"migrate_prune": "perhaps"}, ["migrate_prune", "bool"], "arg spec"),
    ("role missing project uid", "role", {"migrate_destination": {"project_uid": None}},
     ["project_uid", "migrate_destination"], "arg spec"),
]

# --- strict portable types and the checks that need no server (issue 18, part "strict"): in a list,
# the bad item is not the first, so that "before the first write" is tested.
OK_AUD = {"name": "Aud ok", "definition": {"rules": [rule({"preset": "COUNTRY"})]}}
HEX32_LYTICS = "0123456789abcdef0123456789abcdef"
ROWS_strict = [
    ("strict misspelled field", "module", ("personalize_attribute", {"items": [{"key": "s1"}, {"key": "s2", "descripton": "x"}]}),
     ["attribute 's2'", "unknown field", "descripton", "description"], None),
    ("strict unknown event field", "module", ("personalize_event", {"items": [{"key": "s1"}, {"key": "s2", "colour": "red"}]}),
     ["event 's2'", "unknown field", "colour"], None),
    ("strict unknown audience field", "module", ("personalize_audience", {"items": [OK_AUD, {"name": "Aud s", "definiton": {}}]}),
     ["audience 'Aud s'", "unknown field", "definiton"], None),
    ("strict unknown experience field", "module", ("personalize_experience", {"items": [
        {"name": "E ok"}, {"name": "E s", "status": "active"}]}), ["experience 'E s'", "unknown field", "status"], None),
    ("strict invert string", "module", ("personalize_audience", {"items": [OK_AUD, {"name": "Aud i", "definition": {
        "rules": [dict(rule({"preset": "COUNTRY"}), invertCondition="perhaps")]}}]}),
        ["audience 'Aud i'", "definition.rules[0]", "invertCondition", "boolean", "perhaps"], None),
    ("strict invert list", "module", ("personalize_audience", {"name": "Aud il", "definition": {
        "rules": [dict(rule({"preset": "COUNTRY"}), invertCondition=[True])]}}),
        ["audience 'Aud il'", "invertCondition", "boolean", "list"], None),
    ("strict attribute key list", "module", ("personalize_audience", {"items": [OK_AUD, {"name": "Aud kl", "definition": {
        "rules": [rule({"key": ["a", "b"]})]}}]}),
        ["audience 'Aud kl'", "definition.rules[0].attribute.key", "non-empty string", "list"], None),
    ("strict misspelled rule field", "module", ("personalize_audience", {"items": [OK_AUD, {"name": "Aud mr", "definition": {
        "rules": [{"attribute": {"preset": "COUNTRY"}, "attributeMatchCondtion": "STRING_EQUALS"}]}}]}),
        ["audience 'Aud mr'", "definition.rules[0]", "unknown field", "attributeMatchCondtion"], None),
    ("strict unknown combination field", "module", ("personalize_audience", {"name": "Aud cf", "definition": {
        "combinationType": "AND", "rule": []}}), ["audience 'Aud cf'", "definition", "unknown field", "rule"], None),
    ("strict unknown preset", "module", ("personalize_audience", {"items": [OK_AUD, {"name": "Aud p", "definition": {
        "rules": [rule({"preset": "COUNTY"})]}}]}),
        ["audience 'Aud p'", "definition.rules[0].attribute.preset", "unknown preset attribute 'COUNTY'", "COUNTRY"], None),
    ("strict unknown preset by type", "module", ("personalize_audience", {"name": "Aud pt", "definition": {
        "rules": [rule({"__type": "PresetAttributeReference", "ref": "WEATHER"})]}}),
        ["audience 'Aud pt'", "attribute.ref", "unknown preset attribute 'WEATHER'"], None),
    ("strict unknown lytics attribute", "module", ("personalize_audience", {"name": "Aud la", "definition": {
        "rules": [rule({"__type": "LyticsAttributeReference", "ref": "LYTICS_MOOD"})]}}),
        ["audience 'Aud la'", "attribute.ref", "LYTICS_MOOD", "LYTICS_AUDIENCE"], None),
    ("strict unknown match options type", "module", ("personalize_audience", {"items": [OK_AUD, {"name": "Aud mo", "definition": {
        "rules": [dict(rule({"preset": "COUNTRY"}), attributeMatchOptions={"__type": "RegexMatchOptions", "value": "x"})]}}]}),
        ["audience 'Aud mo'", "attributeMatchOptions.__type", "RegexMatchOptions", "StringMatchOptions"], None),
    ("strict number match options", "module", ("personalize_audience", {"name": "Aud nm", "definition": {
        "rules": [dict(rule({"preset": "COUNTRY"}), attributeMatchOptions={"__type": "NumberMatchOptions", "value": "ten"})]}}),
        ["audience 'Aud nm'", "attributeMatchOptions.value", "must be a number", "str"], None),
    ("strict match options list", "module", ("personalize_audience", {"name": "Aud ml", "definition": {
        "rules": [dict(rule({"preset": "COUNTRY"}), attributeMatchOptions=["x"])]}}),
        ["audience 'Aud ml'", "attributeMatchOptions", "must be a mapping", "list"], None),
    ("strict too many rules", "module", ("personalize_audience", {"items": [OK_AUD, {"name": "Aud many", "definition": {
        "rules": [rule({"preset": "COUNTRY"}, "C%d" % i) for i in range(51)]}}]}),
        ["audience 'Aud many'", "51 rules", "limit of 50", "the limits option", "migrate_limits"], None),
    ("strict two primary metrics", "module", ("personalize_version", dict(AB, variants=AB_OK, metrics=[
        {"name": "Clicks", "event": "e1"}, {"name": "Buys", "event": "e2", "__type": "Primary"}])),
        ["experience 'AB'", "2 primary metrics", "metric 'Clicks'", "metric 'Buys'", "Secondary"], None),
    ("strict unknown metric type", "module", ("personalize_version", dict(AB, variants=AB_OK, metrics=[
        {"name": "Clicks", "event": "e1", "__type": "Tertiary"}])),
        ["experience 'AB'", "metric 'Clicks'", "__type", "Tertiary"], None),
    ("strict unknown metric field", "module", ("personalize_version", dict(AB, variants=AB_OK, metrics=[
        {"name": "Clicks", "event": "e1", "goal": 3}])), ["experience 'AB'", "metrics[0]", "unknown field", "goal"], None),
    ("strict normal audience in lyticsAudiences", "module", ("personalize_version", dict(SEG, variants=[
        {"name": "V1", "audiences": ["Known"]}, {"name": "V2", "lyticsAudiences": ["Known"]}])),
        ["experience 'Seg'", "variant 'V2'", "lyticsAudiences", "'Known'", "not a Lytics audience"], None),
    ("strict lytics uid in audiences", "module", ("personalize_version", dict(SEG, variants=[
        {"name": "V1", "audiences": ["Known"]}, {"name": "V2", "audiences": [HEX32_LYTICS]}])),
        ["experience 'Seg'", "variant 'V2'", "audiences", HEX32_LYTICS, "lyticsAudiences"], None),
    ("strict unknown targeting field", "module", ("personalize_version", dict(AB, variants=AB_OK, targeting={
        "audiences": ["Known"]})), ["experience 'AB'", "targeting", "unknown field", "audiences"], None),
    ("strict variant split list", "module", ("personalize_version", {"items": [
        dict(SEG, variants=[{"name": "V1", "audiences": ["Known"]}]), dict(AB, variants=AB_OK, variant_split=["a"])]}),
        ["experience 'AB'", "variant_split", "must be a string, got list"], None),
    ("strict NUL in key", "module", ("personalize_attribute", {"items": [{"key": "s1"}, {"key": "bad\u0000key"}]}),
     ["attribute 'bad\\x00key'", "key", "control character U+0000"], None),
    ("strict control character in name", "module", ("personalize_audience", {"items": [
        OK_AUD, {"name": "Bell\u0007", "definition": {"rules": [rule({"preset": "COUNTRY"})]}}]}),
        ["audience 'Bell\\x07'", "name", "control character U+0007"], None),
    ("strict NUL in variant name", "module", ("personalize_version", dict(AB, variants=[
        {"name": "A", "trafficDistribution": 50}, {"name": "B\u0000", "trafficDistribution": 50}])),
        ["experience 'AB'", "variants[1]", "name", "control character U+0000"], None),
    ("strict NUL in tag", "module", ("personalize_experience", {"items": [{"name": "E ok"}, {"name": "E t", "tags": ["a\u0000"]}]}),
     ["experience 'E t'", "tags[0]", "control character U+0000"], None),
    ("strict long key", "module", ("personalize_event", {"items": [{"key": "s1"}, {"key": "k" * 300}]}),
     ["event 'kkkk", "key is 300 characters long", "limit of 255"], None),
    ("strict huge description", "module", ("personalize_audience", {"items": [
        OK_AUD, {"name": "Aud big", "description": "x" * 100001}]}),
        ["audience 'Aud big'", "description is 100001 characters long", "limit of 10000"], None),
    ("strict replace not a boolean", "module", ("personalize_experience", {"items": [
        {"name": "E ok"}, {"name": "E r", "type": "ab_test", "replace": "perhaps"}]}),
        ["experience 'E r'", "replace", "boolean", "perhaps"], None),
    ("strict too many attributes", "module", ("personalize_attribute", {"items": [{"key": "many_%d" % i} for i in range(101)]}),
     ["attributes", "create 101", "limit of 100", "the limits option", "migrate_limits", "Nothing was written"], None),
    ("strict too many audiences", "module", ("personalize_audience", {"items": [
        {"name": "Many %d" % i, "definition": {"rules": [rule({"preset": "COUNTRY"})]}} for i in range(98)]}),
        ["audiences", "create 98, leaving 101", "3 exist now", "limit of 100"], None),
    ("strict too many variants", "module", ("personalize_version", dict(SEG, variants=[
        {"name": "V%d" % i, "audiences": ["Known"]} for i in range(21)])),
        ["experience 'Seg'", "21 variants", "limit of 20"], None),
    ("strict lookup misspelled project option", "lookup", ("all", {"projects": [
        {"api_url": "http://127.0.0.1:1", "project_uid": HEX_UNKNOWN, "authtoken": "x", "label": "ok"},
        {"api_url": "http://127.0.0.1:1", "projet_uid": HEX_UNKNOWN, "authtoken": "x"}]}),
        ["personalize_export", "projects[2]", "unknown connection option", "projet_uid", "project_uid"], None),
    ("strict lookup projects not mappings", "lookup", ("all", {"projects": "source,destination"}),
     ["personalize_export", "projects must be a list of mappings"], None),
    ("strict lookup portable not a boolean", "lookup", ("events", {"portable": "perhaps"}), ["personalize_export: portable", "boolean", "perhaps"], None),
    ("strict lookup versions not a boolean", "lookup", ("events", {"versions": "sometimes"}), ["personalize_export: versions", "boolean", "sometimes"], None),
    ("strict lookup stats not a boolean", "lookup", ("all", {"stats": "maybe"}), ["stats", "boolean", "maybe"], None),
    ("strict lookup unknown on_error", "lookup", ("all", {"on_error": "ignore", "projects": []}), ["on_error", "ignore"], None),
]
TABLE += ROWS_strict
# apply.yml: problems of the files (phase "files": found before the project is read) and of the
# items (phase "items": found after one read of the project, before any write).
APPLY_AB = "experiences:\n- {name: AB, type: ab_test}\n"
APPLY_SEG = "experiences:\n- {name: Seg, type: segmented}\n"
ROWS_apply = [
    ("apply split over 100", "apply", ("files", {"experiences.yml": APPLY_AB, "versions.yml": (
        "versions:\n- experience: AB\n  versions:\n  - status: active\n    variants:\n"
        "    - {name: A, trafficDistribution: 60}\n    - {name: B, trafficDistribution: 50}\n")}),
     ["versions.yml", "experience 'AB'", "trafficDistribution", "110", "nothing was written"], "items"),
    ("apply experience twice in priority", "apply", ("files", {"experiences.yml": APPLY_SEG, "priority.yml": "priority: [Seg, Seg]\n"}),
     ["priority.yml", "order", "twice", "nothing was written"], "items"),
    ("apply Lytics reference", "apply", ("files", {
        "audiences.yml": "audiences:\n- {name: Synced, description: '', source: LYTICS, slug: synced, read_only: true}\n",
        "experiences.yml": APPLY_SEG, "versions.yml": (
            "versions:\n- experience: Seg\n  versions:\n  - status: active\n    variants:\n"
            "    - {name: V, lyticsAudiences: [Synced]}\n")}),
     ["versions.yml", "experience 'Seg'", "variant 'V'", "lyticsAudiences", "Lytics audience 'Synced'", "does not have"], "items"),
    ("apply preset attribute", "apply", ("write", "attributes.yml", "attributes:\n- {key: COUNTRY, name: Country}\n"),
     ["attributes.yml", "attribute 'COUNTRY'", "preset"], "items"),
    ("apply versions of an unknown experience", "apply", ("write", "versions.yml", "versions:\n- {experience: Ghost, versions: []}\n"),
     ["versions.yml", "experience 'Ghost'", "no such experience"], "items"),
    ("apply wrong type in an item", "apply", ("write", "events.yml", "events:\n- {key: e1, name: [a, b]}\n"),
     ["events.yml", "event 'e1'", "name", "must be a string"], "items"),
    ("apply kind as a mapping", "apply", ("write", "attributes.yml", "attributes:\n  tier: {name: Tier}\n"),
     ["attributes.yml", "attributes must be a list, got a mapping", "nothing was written"], "files"),
    ("apply unknown kind", "apply", ("write", "project.yml", (
        "schema_version: 1\nkinds: [attributes, events, audiences, experiences, versions, priority, widgets]\n")),
     ["project.yml", "unknown kind(s) 'widgets'"], "files"),
    ("apply duplicate key", "apply", ("write", "attributes.yml", "attributes:\n- key: from_file\n  name: A\n  name: B\n"),
     ["attributes.yml", "line 4", "key 'name' appears twice", "line 3"], "files"),
    ("apply unknown field", "apply", ("write", "attributes.yml", "attributes:\n- {key: from_file, descripton: typo}\n"),
     ["attributes.yml", "attribute 'from_file'", "unknown field(s) descripton"], "files"),
    ("apply state in an item", "apply", ("write", "events.yml", "events:\n- {key: e1, state: absent}\n"),
     ["events.yml", "event 'e1'", "unknown field(s) state"], "files"),
    ("apply read_only not a boolean", "apply", ("write", "audiences.yml", "audiences:\n- {name: L, read_only: 'no'}\n"),
     ["audiences.yml", "audience 'L'", "read_only must be true or false"], "files"),
    ("apply priority not names", "apply", ("write", "priority.yml", "priority:\n- {name: Seg}\n"),
     ["priority.yml", "priority[0] must be an experience name"], "files"),
]
TABLE += ROWS_apply
# --- the copy role's inputs as users type them (-e strings, a string for a list, a mapping's keys),
# the same project written two ways, and a report folder that cannot be written
ROWS_inputs = [
    ("role allow_skips as the string false", "role", {"migrate_allow_skips": "false"},
     ["High Propensity Buyers (Lytics)", "migrate_allow_skips"], "Validate |"),
    ("role allow_skips not a bool string", "role", {"migrate_allow_skips": "sometimes"},
     ["migrate_allow_skips", "bool"], "arg spec"),
    ("role exclude as a string is one pattern", "role", {"migrate_exclude": "Gold & Platinum Members"},
     ["audience 'Gold & Platinum Members' is excluded", "experience"], "Validate |"),
    ("role include as a mapping", "role", {"migrate_include": {"Checkout*": True}},
     ["migrate_include", "list"], "arg spec"),
    ("role limits as a JSON string", "role", {"migrate_limits": '{"audiences": 5}'},
     ["10 audiences would exceed the destination's limit of 5"], "Validate |"),
    ("role limits as a key=value string", "role", {"migrate_limits": "audiences=5"},
     ["10 audiences would exceed the destination's limit of 5"], "Validate |"),
    ("role limits not a mapping", "role", {"migrate_limits": "five"}, ["migrate_limits", "dict"], "arg spec"),
    ("role limits a list", "role", {"migrate_limits": ["audiences"]}, ["migrate_limits", "dict"], "arg spec"),
    ("role limits misspelled key", "role", {"migrate_limits": {"audiencs": 5}},
     ["migrate_limits", "audiencs", "rules_per_audience"], "arg spec"),
    ("role limits not an integer", "role", {"migrate_limits": {"audiences": "many"}},
     ["audiences", "migrate_limits", "int"], "arg spec"),
    ("role limits zero", "role", {"migrate_limits": {"audiences": 0}},
     ["migrate_limits.audiences must be a positive integer, got 0", "Nothing was read or written"], "Validate |"),
    ("role limits negative string", "role", {"migrate_limits": "events=-1"},
     ["migrate_limits.events must be a positive integer, got -1"], "Validate |"),
    ("role misspelled variable", "role", {"migrate_prnue": True},
     ["unknown variable(s) migrate_prnue", "migrate_prune"], "Validate |"),
    ("role source validate_certs not a bool", "role", {"migrate_source": {"validate_certs": "perhaps"}},
     ["validate_certs", "migrate_source", "bool"], "arg spec"),
    ("role destination timeout not an int", "role", {"migrate_destination": {"timeout": "soon"}},
     ["timeout", "migrate_destination", "int"], "arg spec"),
    ("role destination misspelled option", "role", {"migrate_destination": {"projct_name": "x"}},
     ["migrate_destination", "projct_name"], "arg spec"),
    ("role same project uid at another URL", "role", {"migrate_destination": {"project_uid": SOURCE["project_uid"]}},
     ["refusing to copy a project onto itself", SOURCE["project_uid"], "Nothing was written"], "Validate |"),
    ("role same project uid in capitals", "role", {"migrate_destination": {"project_uid": SOURCE["project_uid"].upper()}},
     ["refusing to copy a project onto itself", "Nothing was written"], "Validate |"),
    ("role same project uid by region", "role", {"migrate_destination": {
        "api_url": "", "region": "aws-na", "project_uid": SOURCE["project_uid"]}},
     ["refusing to copy a project onto itself", "Nothing was written"], "Validate |"),
    ("role report dir is a file", "role", {"migrate_report_dir": "/dev/null"},
     ["migrate_report_dir", "/dev/null exists and is not a folder"], "Validate |"),
    ("role report dir under a file", "role", {"migrate_report_dir": "/dev/null/report"},
     ["migrate_report_dir", "/dev/null is a file, not a folder"], "Validate |"),
]
TABLE += ROWS_inputs
# --- two runs at once (lock): another run of this machine holds the destination's lock
ROWS_lock = [
    ("role destination locked, no wait", "role", {"migrate_lock_wait": 0, "_lock": "held"},
     ["is being written by another run", "run another-pipeline", "since", ".lock", "migrate_lock_wait",
      "Nothing was written"], "Extract |"),
]


def hold_lock(destination):
    """Hold the destination's lock as a live run would (this test process is its owner)."""
    from ansible_collections.contentstack.personalize.plugins.module_utils import run_lock
    from ansible_collections.contentstack.personalize.plugins.module_utils.migrate_role import endpoint
    me = (os.getpid(), run_lock.process_start(os.getpid()))
    run_lock.acquire(endpoint(destination), "another-pipeline", me=me)
    return lambda: run_lock.release(endpoint(destination), "another-pipeline", me=me)


TABLE += ROWS_lock
# --- the stack phase (both sides name a stack; "_stack" seeds both emulators with the stacks, see with_stacks)
ROWS_stack = [
    ("role stack destination connected to another stack", "role",
     {"_stack": "connected", "migrate_destination": {"stack_api_key": STAGING_STACK}},
     ["is connected to another stack (blt3c9d1e7f5a2b4c68)", STAGING_STACK], "Validate |"),
    ("role stack destination connected to none", "role", {"_stack": "unconnected"},
     ["6650a1b2c3d4e5f602000001 is connected to no stack", "blt3c9d1e7f5a2b4c68"], "Validate |"),
    ("role stack content type missing in the destination", "role", {"_stack": "staging"},
     ["content type(s) shipping_notice linked in the source stack are missing in the destination stack", "Free Shipping"],
     "Validate |"),
    ("role stack entry missing without allow_skips", "role",
     {"_stack": "connected", "migrate_entry_variants": True, "migrate_allow_skips": False},
     ["entry blt5ce0000000000000 of content type home_page has variants", "the destination stack has no entry"], "Validate |"),
    ("role stack entry uid map not a JSON object", "role",
     {"_stack": "connected", "migrate_entry_variants": True,
      "migrate_entry_uid_map": str(ROOT / "tests" / "unit" / "fixtures" / "entry-uid-map-not-an-object.json")},
     ["migrate_entry_uid_map", "entry-uid-map-not-an-object.json must be a JSON object of strings", "got list"], "Validate |"),
    ("role stack unknown branch", "role", {"_stack": "connected", "migrate_destination": {"branch": "nosuch"}},
     ["cannot read the destination stack", "branch"], "Validate |"),
    ("role stack entry variants without stacks", "role", {"migrate_entry_variants": True},
     ["migrate_entry_variants needs a stack on both sides", "stack_api_key"], "Validate |"),
]


TABLE += ROWS_stack
# --- the stack-side modules: refused before the stack is read (tests/integration/test_module_*variant*.py
# have the refusals that need a stack)
ROWS_stcore = [
    ("variant group unknown field", "module", ("personalize_variant_group", {"variant_groups": [
        {"experience": "Seg", "content_types": ["home_page"], "colour": "red"}]}), ["variant_groups[0]", "colour"], None),
    ("variant group content types not a list", "module", ("personalize_variant_group", {"variant_groups": [
        {"experience": "Seg", "content_types": "home_page"}]}), ["variant_groups[0]", "content_types", "list"], None),
    ("variant group exact with absent", "module", ("personalize_variant_group", {
        "experience": "Seg", "content_types": ["home_page"], "exact": True, "state": "absent"}),
     ["experience 'Seg'", "exact", "present"], None),
    ("entry variant without its variant", "module", ("personalize_entry_variant", {"entry_variants": [
        {"content_type": "home_page", "entry": "blt5ce0000000000000", "experience": "Seg"}]}),
     ["entry_variants[0]", "variant"], None),
    ("entry variant unknown state", "module", ("personalize_entry_variant", {"entry_variants": [
        {"content_type": "home_page", "entry": "blt5ce0000000000000", "experience": "Seg", "variant": "V",
         "state": "gone"}]}), ["entry_variants[0]", "experience 'Seg'", "state", "gone"], None),
]
TABLE += ROWS_stcore
# --- the limit refusal says how to proceed: the variable to raise, the counts, where the defaults come from
ROWS_pace = [
    ("role over-limit names migrate_limits", "role", {"migrate_limits": {"audiences": 5, "events": 3}},
     ["10 audiences would exceed the destination's limit of 5 (10 from the source, 0 more",
      "set migrate_limits: {audiences: 10}", "5 events would exceed the destination's limit of 3",
      "documented plan defaults"], "Validate |"),
]
TABLE += ROWS_pace

# personalize_version with a status alone (the operator's switch) on what the experience cannot do
ROWS_ncops = [
    ("status alone pauses nothing live", "module", ("personalize_version", {"experience": "Seg", "status": "paused"}),
     ["experience 'Seg'", "has no live version to pause"], None),
    ("status alone activates an empty draft", "module", ("personalize_version", {"experience": "AB", "status": "active"}),
     ["experience 'AB'", "no draft with variants to activate"], None),
    ("status draft alone", "module", ("personalize_version", {"experience": "AB", "status": "draft"}),
     ["experience 'AB'", "status draft needs variants"], None),
]
TABLE += ROWS_ncops

# OAuth refresh (issue 14): bad combinations refused at the client's construction, and refreshes the token
# endpoint refuses; "EMULATOR" in a value stands for the emulator's URL (at()). The message names the option.
DEAD_REFRESH = "csrt-dead-0000000000000000"
ROWS_oauth = [
    ("oauth dead refresh token", "module", ("personalize_attribute", {
        "key": "k_oauth", "oauth_token": "", "oauth_refresh_token": DEAD_REFRESH, "oauth_client_id": OAUTH_CLIENT_ID,
        "oauth_client_secret": OAUTH_CLIENT_SECRET, "oauth_token_url": "EMULATOR/token"}),
     ["invalid_grant", "the refresh token is dead or was rotated", "set oauth_refresh_token (or CONTENTSTACK_OAUTH_REFRESH_TOKEN)"],
     None),
    ("oauth wrong client id", "module", ("personalize_attribute", {
        "key": "k_oauth", "oauth_token": "", "oauth_refresh_token": OAUTH_REFRESH_TOKEN, "oauth_client_id": "csapp-wrong-0000",
        "oauth_token_url": "EMULATOR/token"}), ["invalid_client", "oauth_client_id", "oauth_client_secret"], None),
    ("oauth refresh token without client id", "module", ("personalize_attribute", {
        "key": "k_oauth", "oauth_refresh_token": OAUTH_REFRESH_TOKEN, "oauth_token_url": "EMULATOR/token"}),
     ["oauth_refresh_token needs oauth_client_id (or CONTENTSTACK_OAUTH_CLIENT_ID)"], None),
    ("oauth refresh token with authtoken", "module", ("personalize_attribute", {
        "key": "k_oauth", "oauth_token": "", "authtoken": NOBODY_TOKEN, "oauth_refresh_token": OAUTH_REFRESH_TOKEN,
        "oauth_client_id": OAUTH_CLIENT_ID, "oauth_token_url": "EMULATOR/token"}),
     ["oauth_refresh_token cannot be used with authtoken"], None),
    ("oauth client id without refresh token", "module", ("personalize_event", {
        "key": "e_oauth", "oauth_client_id": OAUTH_CLIENT_ID, "oauth_client_secret": OAUTH_CLIENT_SECRET}),
     ["oauth_client_id and oauth_client_secret are used only with oauth_refresh_token"], None),
    ("oauth custom api_url without token url", "module", ("personalize_event", {
        "key": "e_oauth", "oauth_refresh_token": OAUTH_REFRESH_TOKEN, "oauth_client_id": OAUTH_CLIENT_ID}),
     ["needs oauth_token_url (or CONTENTSTACK_OAUTH_TOKEN_URL)"], None),
    ("role oauth destination dead refresh token", "role", {"migrate_destination": {
        "oauth_token": None, "oauth_refresh_token": DEAD_REFRESH, "oauth_client_id": OAUTH_CLIENT_ID,
        "oauth_client_secret": OAUTH_CLIENT_SECRET, "oauth_token_url": "EMULATOR/token"}},
     ["destination", "invalid_grant", "set oauth_refresh_token"], "Validate |"),
]


def at(emu, value):
    """``value`` with "EMULATOR" standing for ``emu``'s URL (the OAuth rows' token endpoint)."""
    return json.loads(json.dumps(value).replace('"EMULATOR/', '"%s/' % emu.url))


TABLE += ROWS_oauth
ROWS_scale = [
    ("export folder without a path", "module", ("personalize_export_folder", {}), ["missing required arguments", "path"], None),
    ("export folder under a file", "module", ("personalize_export_folder", {"path": "/dev/null/export"}),
     ["/dev/null is not a folder"], None),
    ("report without a report", "module", ("personalize_report", {"path": "report"}), ["missing required arguments", "report"], None),
    ("report of the wrong type", "module", ("personalize_report", {"path": "report", "report": ["x"]}), ["report", "dict"], None),
]
TABLE += ROWS_scale

BY_SURFACE = dict((s, [r for r in TABLE if r[1] == s]) for s in ("module", "lookup", "apply", "role"))


def test_the_table_is_the_single_list_of_bad_inputs():
    ids = [r[0] for r in TABLE]
    assert len(ids) == len(set(ids)), "row ids are unique"
    assert len(TABLE) >= 40
    assert all(BY_SURFACE[s] for s in BY_SURFACE), "every surface has rows"
    assert all(r[3] for r in TABLE), "every row names what its message must say"


# ----------------------------------------------------------------------------- modules
def api_post(emu, path, body):
    """A direct API call (outside the collection) to set up what the modules refuse to create."""
    req = urllib.request.Request(emu.url + path, data=json.dumps(body).encode(), method="POST", headers={
        "Content-Type": "application/json", "x-project-uid": DEST["project_uid"],
        "authorization": "Bearer " + DEST["oauth_token"]})
    with urllib.request.urlopen(req, timeout=10) as resp:
        return json.loads(resp.read())


def problems_of(run, log, rows, fail_words=None):
    problems = []
    for name, _surface, _input, fragments, _phase in rows:
        rec = run.task(name)
        msg = rec["result"].get("msg", "")
        if rec["status"] != "failed":
            problems.append("%s: did not fail: %s" % (name, rec["result"]))
            continue
        missing = [f for f in fragments if f not in msg]
        if missing:
            problems.append("%s: message lacks %s: %s" % (name, missing, msg))
        if run.writes(name, log):
            problems.append("%s: wrote %s" % (name, run.writes(name, log)))
    return problems


def test_module_rows(emulator, ansible_playbook):
    # Two audiences with one name, made directly through the API (which does not forbid it).
    same = [api_post(emulator, "/audiences", {"name": "Same name", "description": "copy %d" % i, "definition": {
        "__type": "RuleCombination", "combinationType": "AND", "rules": []}})["uid"] for i in (1, 2)]
    setup = [
        task("known audience", "personalize_audience", {"name": "Known", "definition": {
            "rules": [rule({"preset": "COUNTRY"}, "CA")]}}),
        task("segmented", "personalize_experience", {"name": "Seg", "type": "segmented"}),
        task("ab test", "personalize_experience", {"name": "AB", "type": "ab_test"}),
    ]
    rows = BY_SURFACE["module"]
    tasks = setup + [failing(name, module, at(emulator, args)) for name, _surface, (module, args), _words, _phase in rows]
    # Negative control for module_defaults: the same module in a play without the group's
    # defaults has no connection at all (the runner clears CONTENTSTACK_* from the environment).
    bare = {"name": "no defaults", "hosts": "localhost", "gather_facts": False,
            "tasks": [failing("without module_defaults", "personalize_attribute", {"key": "k"})]}
    mark = emulator.mark()
    run = ansible_playbook([play(emulator, tasks), bare])
    assert run.rc == 0, run.stdout + run.stderr
    assert run.task("without module_defaults")["status"] == "failed"
    assert "no credentials" in run.result("without module_defaults")["msg"]
    assert run.requests("without module_defaults", emulator.log()) == []
    assert_ok(run, *[t["name"] for t in setup])
    log = emulator.log()
    problems = problems_of(run, log, rows)
    assert not problems, "\n".join(problems)
    # The ambiguity messages list the uids of both audiences.
    for name in ("ambiguous audience", "ambiguous audience absent", "variant ambiguous audience"):
        msg = run.result(name)["msg"]
        assert all(uid in msg for uid in same), (name, msg)
    # In the whole run, the only writes are the setup's three creations; the source is untouched.
    writes = emulator.writes(mark)  # a refresh at the token endpoint is not a write
    assert [(e["method"], e["path"]) for e in writes] == [
        ("POST", "/audiences"), ("POST", "/experiences"), ("POST", "/experiences")], writes
    assert not [e for e in emulator.log() if e["project"] == SOURCE["project_uid"]]
    after = dest(emulator)
    assert sorted(a["name"] for a in after["audiences"]) == ["Known", "Same name", "Same name"]
    assert after["attributes"] == [] and after["events"] == []
    assert sorted(x["name"] for x in after["experiences"]) == ["AB", "Seg"]


# ----------------------------------------------------------------------------- the lookup
def test_lookup_rows(emulator, ansible_playbook):
    rows = BY_SURFACE["lookup"]
    tasks = []
    for name, _surface, (term, options), _words, _phase in rows:
        conn = {"api_url": emulator.url, "project_uid": SOURCE["project_uid"], "authtoken": SOURCE["authtoken"],
                "rate_limit": 0}
        conn.update(options)
        kwargs = ", ".join("%s=%s" % (k, json.dumps(v)) for k, v in sorted(conn.items()) if v is not None)
        tasks.append({"name": name, "ansible.builtin.set_fact": {
            "value": "{{ query('%s', %s, %s) }}" % (LOOKUP, json.dumps(term), kwargs)}, "ignore_errors": True})
    playbook = [{"hosts": "localhost", "gather_facts": False, "connection": "local",
                 "vars": {"ansible_python_interpreter": "{{ ansible_playbook_python }}"}, "tasks": tasks}]
    run = ansible_playbook(playbook)
    assert run.rc == 0, run.stdout + run.stderr
    problems = problems_of(run, emulator.log(), rows)
    assert not problems, "\n".join(problems)
    assert emulator.writes() == []
    assert BAD_TOKEN not in run.stdout + run.stderr and NOBODY_TOKEN not in run.stdout + run.stderr


# ----------------------------------------------------------------------------- apply.yml
KINDS = ("attributes", "events", "audiences", "experiences", "versions", "priority")


@pytest.mark.parametrize("row", BY_SURFACE["apply"], ids=[r[0] for r in BY_SURFACE["apply"]])
def test_apply_rows(emulator, ansible_playbook, tmp_path, row):
    _name, _surface, change, fragments, phase = row
    folder = tmp_path / "files"
    folder.mkdir()
    (folder / "project.yml").write_text("schema_version: 1\nkinds: [%s]\n" % ", ".join(KINDS))
    (folder / "attributes.yml").write_text("attributes:\n- key: from_file\n  name: From a file\n  description: ''\n")
    for kind in KINDS[1:]:
        (folder / ("%s.yml" % kind)).write_text("%s: []\n" % kind)
    if change[0] == "remove":
        (folder / change[1]).unlink()
    elif change[0] == "files":
        for file_name, text in change[1].items():
            (folder / file_name).write_text(text)
    else:
        (folder / change[1]).write_text(change[2])
    run = ansible_playbook(str(ROOT / "playbooks" / "apply.yml"), extra_vars={
        "personalize_api_url": emulator.url, "personalize_project_uid": DEST["project_uid"],
        "personalize_oauth_token": DEST["oauth_token"], "personalize_rate_limit": 0,
        "personalize_export_dir": str(folder)})
    assert run.rc != 0
    failed = [t for t in run.tasks if t["status"] == "failed"]
    assert failed, run.stdout
    text = json.dumps(failed[-1]["result"])  # the task that stopped the run
    assert all(f in text for f in fragments), (fragments, text)
    assert emulator.writes() == [], "nothing is written"
    if phase != "items":
        assert emulator.log() == [], "nothing is even read from the API before the files are checked"
    assert "Traceback" not in run.stdout + run.stderr


# ----------------------------------------------------------------------------- the copy role
def dangling_seed():
    """The retail seed with one variant naming an audience uid the project does not have (the
    seed loader does not validate; the API would refuse to create it)."""
    seed = json.loads((ROOT / "tests" / "emulator" / "seeds" / "retail.json").read_text())
    project = seed["projects"][0]
    exp = [x for x in project["experiences"] if x["name"] == "Summer Sale Banner"][0]
    exp["versions"][-1]["variants"][0]["audiences"] = [HEX_UNKNOWN]
    return seed


@pytest.mark.parametrize("row", BY_SURFACE["role"], ids=[r[0] for r in BY_SURFACE["role"]])
def test_role_rows(tmp_path, row):
    name, _surface, change, fragments, phase = row
    with Pair(tmp_path, rate_limit=0) as pair:
        if change.get("_source_seed") == "dangling-audience":
            pair.source.reset(dangling_seed())
        variables = copy_vars(pair, tmp_path / "report")
        if change.get("_stack"):
            variables = with_stacks(pair, change["_stack"], variables)
        release = hold_lock(variables["migrate_destination"]) if change.get("_lock") == "held" else None
        for key, value in at(pair.dest, change).items():
            if key.startswith("_"):
                continue
            if value == "SOURCE":
                variables[key] = dict(variables["migrate_source"])
            elif key in ("migrate_source", "migrate_destination"):
                variables[key] = dict(variables[key], **value)
                variables[key] = dict((k, v) for k, v in variables[key].items() if v is not None)
            else:
                variables[key] = value
        run = run_playbook(tmp_path, MIGRATE, variables)
        if release:
            release()
        assert run.rc != 0, run.stdout[-3000:]
        assert pair.source.writes() == [] and pair.dest.writes() == [], "no write, on either side"
        failed = run.failed_tasks()
        assert failed, run.stdout[-3000:]
        stopped = failed[-1]  # the task that stopped the run (a rescued read failed before it)
        task_name = stopped["name"].split(" : ", 1)[-1]
        if phase == "arg spec":
            assert task_name.startswith("Validating arguments against arg spec"), task_name
        else:
            assert task_name.startswith(phase), task_name
        text = json.dumps(stopped["result"])
        assert all(f in text for f in fragments), (fragments, stopped["result"].get("msg"))
        assert not (tmp_path / "report" / "report.json").exists()
        for token in (BAD_TOKEN, NOBODY_TOKEN):
            assert token not in run.stdout + run.stderr


def test_an_item_the_api_refuses_is_named_with_what_was_written_before_it(emulator, ansible_playbook):
    """Match conditions are the API's to check (the reference calls its list incomplete), so an
    unknown one reaches the API: the error names the audience, the call and the API's field, and
    says how many changes of the task had been written before it."""
    items = [{"name": "Aud fine", "definition": {"combinationType": "AND", "rules": [rule({"preset": "COUNTRY"})]}},
             {"name": "Aud Z", "definition": {"combinationType": "AND", "rules": [
                 dict(rule({"preset": "COUNTRY"}), attributeMatchCondition="SOUNDS_LIKE")]}}]
    run = ansible_playbook(play(emulator, [task("refused", "personalize_audience", {"items": items})]))
    assert run.rc != 0
    message = run.result("refused")["msg"]
    assert message.startswith("audience 'Aud Z': POST /audiences returned 400"), message
    assert "attributeMatchCondition" in message and "1 change(s) of this task were written before it" in message
    names = [a["name"] for a in dest(emulator)["audiences"]]
    assert "Aud fine" in names and "Aud Z" not in names
