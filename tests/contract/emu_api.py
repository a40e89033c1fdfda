"""HTTP helper shared by the emulator contract tests."""

import requests

from emulator.harness import SOURCE_PROJECT, SOURCE_TOKEN

DEFAULT_LIMITS = {"attributes": 100, "audiences": 100, "events": 100, "experiences": 100,
                  "rules_per_audience": 50, "variants_per_experience": 20,
                  "projects_per_organization": 3}


class Api:
    """Tiny HTTP helper: default auth and project headers, JSON in and out."""

    def __init__(self, url, token=SOURCE_TOKEN, project=SOURCE_PROJECT, org=None, bearer=False):
        self.url = url
        self.session = requests.Session()
        self.headers = {}
        if token:
            if bearer:
                self.headers["authorization"] = "Bearer " + token
            else:
                self.headers["authtoken"] = token
        if project:
            self.headers["x-project-uid"] = project
        if org:
            self.headers["organization_uid"] = org

    def request(self, method, path, body=None, raw=None, headers=None, drop=(), **kw):
        h = dict(self.headers)
        for k in drop:
            h.pop(k, None)
        h.update(headers or {})
        if raw is not None:
            h.setdefault("Content-Type", "application/json")
            return self.session.request(method, self.url + path, data=raw, headers=h, timeout=10, **kw)
        return self.session.request(method, self.url + path, json=body, headers=h, timeout=10, **kw)

    def get(self, path, **kw):
        return self.request("GET", path, **kw)

    def post(self, path, body=None, **kw):
        return self.request("POST", path, body, **kw)

    def put(self, path, body=None, **kw):
        return self.request("PUT", path, body, **kw)

    def delete(self, path, **kw):
        return self.request("DELETE", path, **kw)

    def ok(self, method, path, body=None, status=None):
        r = self.request(method, path, body)
        expected = status or {"GET": 200, "POST": 201, "PUT": 200, "DELETE": 204}[method]
        assert r.status_code == expected, (method, path, r.status_code, r.text)
        return r.json() if r.content else None
