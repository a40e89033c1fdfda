"""Check mode on an empty project, where later tasks reference objects that only earlier tasks
of the same --check run would create: predicted (with a warning), never a failure or a write."""

from modhelp import assert_no_writes, assert_ok, dest, play, task


def build_tasks():
    gold_rule = {"attribute": {"key": "loyalty_tier"}, "attributeMatchCondition": "STRING_EQUALS",
                 "attributeMatchOptions": {"__type": "StringMatchOptions", "value": "gold"}}
    return [
        task("attribute", "personalize_attribute", {"key": "loyalty_tier", "name": "Loyalty tier"}),
        task("event", "personalize_event", {"key": "checkout_completed"}),
        task("audience", "personalize_audience", {"name": "Gold", "definition": {
            "combinationType": "AND", "rules": [gold_rule]}}),
        task("audience api form", "personalize_audience", {"name": "Gold API", "definition": {
            "__type": "RuleCombination", "combinationType": "OR", "rules": [dict(gold_rule, attribute={
                "__type": "CustomAttributeReference", "ref": "loyalty_tier"})]}}),
        task("experiences", "personalize_experience", {"items": [
            {"name": "Hero", "type": "segmented"}, {"name": "Checkout", "type": "ab_test"}]}),
        task("segmented version", "personalize_version", {"experience": "Hero", "status": "active", "variants": [
            {"name": "Gold", "audiences": ["Gold", "Gold API"], "audienceCombinationType": "AND"}]}),
        task("ab version", "personalize_version", {"experience": "Checkout", "status": "active", "variants": [
            {"name": "A", "trafficDistribution": 50}, {"name": "B", "trafficDistribution": 50}],
            "metrics": [{"name": "Checkouts", "event": "checkout_completed"}],
            "targeting": {"audience": {"audiences": ["Gold"]}}}),
    ]


def test_check_mode_with_parents_created_in_the_same_run(emulator, ansible_playbook):
    names = [t["name"] for t in build_tasks()]
    checked = ansible_playbook(play(emulator, build_tasks()), check=True, diff=True)
    assert checked.rc == 0, checked.stdout + checked.stderr
    assert_ok(checked, *names)
    for name in names:
        assert checked.result(name)["changed"] is True, name
    assert emulator.writes() == [], "a --check run must not write"
    # References to objects that do not exist yet are predicted and said so.
    warnings = " ".join(checked.result("audience").get("warnings", []))
    assert "loyalty_tier" in warnings and "check mode" in warnings, checked.result("audience")
    assert checked.result("audience")["diff"]["after"]["definition"]["rules"][0]["attribute"] == {
        "__type": "CustomAttributeReference", "ref": "loyalty_tier"}
    seg = checked.result("segmented version")
    assert seg["diff"]["after"]["versions"][0]["variants"][0]["audiences"] == ["Gold", "Gold API"]
    assert "Gold" in " ".join(seg.get("warnings", []))
    assert "checkout_completed" in " ".join(checked.result("ab version").get("warnings", []))
    state = dest(emulator)
    assert state["attributes"] == [] and state["audiences"] == [] and state["experiences"] == []

    # The real run does what check mode predicted; a --check re-run then predicts nothing at all.
    applied = ansible_playbook(play(emulator, build_tasks()), diff=True)
    assert applied.rc == 0, applied.stdout + applied.stderr
    for name in names:
        assert applied.result(name)["changed"] is True, name
        if "version" not in name:
            assert applied.result(name)["diff"] == checked.result(name)["diff"], name
    for name in ("segmented version", "ab version"):
        predicted = checked.result(name)["diff"]["after"]["versions"]
        actual = applied.result(name)["diff"]["after"]["versions"]
        strip = [dict(v, variants=[dict((k, x) for k, x in var.items() if k != "shortUid") for var in v["variants"]])
                 for v in actual]
        assert strip == predicted, name
    mark = emulator.mark()
    again = ansible_playbook(play(emulator, build_tasks()), check=True)
    assert again.rc == 0, again.stdout + again.stderr
    for name in names:
        assert again.result(name)["changed"] is False, (name, again.result(name))
        assert not again.result(name).get("warnings"), (name, again.result(name))
    assert emulator.writes(since=mark) == []
    assert_no_writes(again, emulator.log(), *names)
