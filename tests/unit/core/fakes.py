"""Helpers of the pure-core tests: fixture files and a fake client (no socket, no subprocess)."""

import copy
import json
import pathlib

FIXTURES = pathlib.Path(__file__).resolve().parents[1] / "fixtures"
_CACHE = {}


def fixture(name):
    """A fresh copy of a fixture file (tests may change it)."""
    if name not in _CACHE:
        with open(FIXTURES / name) as handle:
            _CACHE[name] = json.load(handle)
    return copy.deepcopy(_CACHE[name])


def by(items, field, value):
    return [i for i in items if i.get(field) == value][0]


class FakeClient:
    """The client as the engine sees it: ``get`` answers from a dict of path -> response,
    writes are recorded and answered like the API (the object as stored, with a uid)."""

    def __init__(self, responses=None, answers=None):
        self.responses = dict(responses or {})
        self.answers = dict(answers or {})
        self.calls = []
        self.max_retries = 2
        self.organization_uid = "blt5e1ec7ed0000b002"
        self.base_url = "https://personalize-api.contentstack.com"
        self.project_uid = "6650a1b2c3d4e5f601000001"
        self.stats = {"requests": 0}
        self.slept = []

    def get(self, path):
        self.calls.append(("GET", path))
        return copy.deepcopy(self.responses.get(path, []))

    def _write(self, method, path, body):
        self.calls.append((method, path))
        answer = self.answers.get((method, path))
        if isinstance(answer, Exception):
            raise answer
        if callable(answer):
            return answer(body)
        if answer is not None or body is None:
            return copy.deepcopy(answer)
        return dict(body, uid="%024x" % len(self.calls))

    def post(self, path, body):
        return self._write("POST", path, body)

    def put(self, path, body):
        return self._write("PUT", path, body)

    def delete(self, path):
        return self._write("DELETE", path, None)

    def sleep(self, seconds):
        self.slept.append(seconds)

    def _backoff(self, attempt):
        return 0.5 * attempt

    def writes(self):
        return [c for c in self.calls if c[0] != "GET"]


def listing_client(raw_export, **kw):
    """A fake client whose listings are those of a raw export."""
    responses = dict(("/" + k, raw_export[k]) for k in ("attributes", "events", "audiences", "experiences"))
    for entry in raw_export.get("versions") or []:
        responses["/experiences/%s/versions" % entry["experience"]] = entry["versions"]
    responses["/experiences-priority"] = raw_export.get("priority") or {}
    return FakeClient(responses, **kw)
