"""The copy report counts OAuth refreshes (issue 14): where a task's client refreshed its token (a
write task, or a stack lookup of the stack phase), the side's call counts have ``refreshes`` and the
summary's API line says how many; without any, both stay as they were."""

from ansible_collections.contentstack.personalize.plugins.lookup import personalize_stack
from ansible_collections.contentstack.personalize.plugins.module_utils import migrate_role, migrate_stack

SRC = {"api_url": "http://127.0.0.1:9", "project_uid": "6650a1b2c3d4e5f601000001", "allow_http": True}
DST = {"region": "aws-eu", "project_uid": "6650a1b2c3d4e5f602000001"}
CALLS = {"calls": 5, "retries": 0, "throttled": 0}


def report(dest_refreshes, sections=None):
    results = {"_migrate_result_project": {"changed": False, "skipped": True},
               "_migrate_result_attributes": {"changed": True, "summary": {"created": 2},
                                              "api_calls": dict(CALLS, refreshes=dest_refreshes) if dest_refreshes else CALLS},
               "_migrate_result_priority": {"changed": False, "api_calls": CALLS}}
    context = {"endpoints": migrate_role.endpoints(SRC, DST), "calls": {"source": CALLS, "destination": CALLS},
               "problems": [], "check_mode": False, "activation": "mirror", "prune": False, "started": 0,
               "destination_uid": DST["project_uid"], "sections": sections}
    return migrate_role.report(results, {}, context)


def api_line(out):
    return [line for line in out["summary"] if line.startswith("API calls:")][0]


def test_refreshes_count_in_the_report_and_its_summary():
    out = report(2)
    assert out["report"]["calls"]["destination"] == {"calls": 15, "retries": 0, "throttled": 0, "refreshes": 2}
    assert api_line(out) == "API calls: destination 15, source 5 (0 retries, 0 throttled, 2 OAuth refreshes)"


def test_without_refreshes_nothing_changes():
    out = report(0)
    assert out["report"]["calls"]["destination"] == {"calls": 15, "retries": 0, "throttled": 0}
    assert api_line(out) == "API calls: destination 15, source 5 (0 retries, 0 throttled)"


class RefreshedClient:
    """What the stack lookup's wait sees of its client: no experience to wait for, one OAuth refresh."""

    stats = {"calls": 1, "retries": 0, "throttled": 0, "refreshes": 1}

    def get(self, path):
        return []


def test_the_stack_phase_s_refreshes_reach_the_report(monkeypatch):
    monkeypatch.setattr(personalize_stack, "client_from_module_params", lambda params: RefreshedClient())
    waited = personalize_stack.wait_side({"region": "aws-eu"}, {}, 0)
    assert waited == {"pending": None, "api_calls": {"calls": 1, "retries": 0, "throttled": 0, "cma_calls": 0, "refreshes": 1}}
    stack_plan = migrate_stack.off()
    stack_plan.update(on=True)
    section = migrate_stack.result(stack_plan, None, None, None, reads={"destination": [waited["api_calls"]]})["section"]
    assert section["report"]["cma_calls"]["destination"]["refreshes"] == 1
    out = report(0, sections={"stack": section})
    assert out["report"]["calls"]["destination"] == {"calls": 16, "retries": 0, "throttled": 0, "refreshes": 1}
    assert api_line(out) == "API calls: destination 16, source 5 (0 retries, 0 throttled, 1 OAuth refreshes)"
