"""The OAuth refresh benchmark (issue 14): ``python benchmarks/run.py --oauth``.

The benchmark's L copy and its fan-out (10 copies, forks 10, one organization), both at 10 requests
per second, with a destination credential that is a refresh token and a client id (no access token),
against an emulator whose access tokens live 10 seconds. Each is run twice (the first copy, then the
no-change re-run, which starts with the configured refresh token the first run rotated away: it
must find the newest pair in the private directory, the benchmark's TMPDIR). Per run, from the
emulator's log: refreshes, refresh tokens spent twice (must be 0), failed refreshes, 401s, requests
sent with a dead access token, and the most requests one dead token got after the refresh that
replaced it (at most one per process: the 401 that told it); from the reports: verify and the
refreshes they count.
"""

import json
import pathlib
import tempfile

LIFETIME = 10.0
APP = {"client_id": "csapp-bench-0000000001", "client_secret": "cssecret-bench-0000000001"}
REFRESH_TOKEN = "csrt-bench-0000000000000001"
SECRETS = (APP["client_secret"], REFRESH_TOKEN)


def oauth_seed(org):
    """An OAuth app and the refresh token of a user of ``org``."""
    return {"oauth_apps": [APP], "refresh_tokens": [{
        "token": REFRESH_TOKEN, "id": "seed-bench", "client_id": APP["client_id"], "organizations": [org],
        "scopes": ["personalize:read", "personalize:manage"], "user": {"uid": "blt7a1b2c3d4e5f6c09", "name": "Bench OAuth"}}]}


def oauth_bench(bench):
    """The class of run.py's ``bench`` (given, so that this file does not import run.py) with the
    destination's credential an OAuth refresh token, at 10 requests per second."""

    class OAuthBench(bench):
        def __init__(self, size, workdir, lifetime=LIFETIME, keep_logs=None):
            super().__init__(size, "rate10", workdir, keep_logs=keep_logs)
            self.lifetime = lifetime

        def emulators(self):
            src, dst = super().emulators()
            dst.seeds.append(oauth_seed(self.dest_org))
            dst.token_lifetime = self.lifetime
            return src, dst

        def inventory(self, src, dst):
            path = super().inventory(src, dst)
            data = json.loads(path.read_text())
            for host in data["bench"]["hosts"].values():
                side = host["migrate_destination"]
                for name in ("authtoken", "oauth_token"):
                    side.pop(name, None)
                side.update({"oauth_refresh_token": REFRESH_TOKEN, "oauth_client_id": APP["client_id"],
                             "oauth_client_secret": APP["client_secret"], "oauth_token_url": dst.url + "/token"})
            path.write_text(json.dumps(data, indent=1))
            return path

        def split_logs(self, src, dst, marks):
            """The API calls only: the token endpoint's are counted apart (``oauth_row``)."""
            logs = super().split_logs(src, dst, marks)
            return dict((side, [e for e in entries if e.get("api") != "oauth"]) for side, entries in logs.items())

        def phase(self, phase, src, dst, inventory):
            mark = dst.mark()
            row = super().phase(phase, src, dst, inventory)
            row["oauth"] = oauth_row(dst.log(since=mark), self.workdir, self.hosts)
            return row

    return OAuthBench


def oauth_row(log, workdir, hosts):
    """The token checks of one run, from its part of the destination emulator's log and its reports."""
    calls = [e for e in log if e.get("api") == "oauth"]
    api = [e for e in log if e.get("api") != "oauth"]
    killed = dict((e["revoked_access"], e["ts"]) for e in calls if e.get("revoked_access"))
    late = {}
    for e in api:
        if e.get("access") in killed and e["ts"] >= killed[e["access"]]:
            late[e["access"]] = late.get(e["access"], 0) + 1
    reports = [workdir / "reports" / host / "report.json" for host in hosts]
    counted, verified = 0, 0
    for path in reports:
        if path.exists():
            data = json.loads(path.read_text())
            counted += int(data["calls"]["destination"].get("refreshes", 0))
            verified += data.get("verify") == "ok"
    return {"refreshes": len([e for e in calls if e["status"] == 200]), "failed_refreshes": len([e for e in calls if e["status"] != 200]),
            "reused": len([e for e in calls if e.get("reused")]), "status_401": len([e for e in api if e["status"] == 401]),
            "dead_token_requests": len([e for e in api if e.get("access_dead")]), "most_late_per_token": max(late.values() or [0]),
            "report_refreshes": counted, "verified": verified}


def run_oauth(workdir, bench, sizes=("L", "fanout")):
    rows = []
    for size in sizes:
        bench_dir = workdir / size
        bench_dir.mkdir()
        rows.extend(oauth_bench(bench)(size, bench_dir).run())
    return rows


def oauth_table(rows):
    head = ("| size | hosts x forks | phase | rc | wall s | API calls | writes | refreshes | in reports | reused | 401s "
            "| dead-token requests | most per dead token | verified |")
    out = [head, "|" + "---|" * 14]
    for r in rows:
        o = r["oauth"]
        calls = r["calls"]["source"]["total"] + r["calls"]["destination"]["total"]
        out.append("| %s | %d x %d | %s | %d | %.1f | %d | %d | %d | %d | %d | %d | %d | %d | %d/%d |" % (
            r["size"], r["hosts"], r["forks"], r["phase"], r["rc"], r["wall_s"], calls, r["calls"]["destination"]["writes"],
            o["refreshes"], o["report_refreshes"], o["reused"], o["status_401"], o["dead_token_requests"],
            o["most_late_per_token"], o["verified"], r["hosts"]))
    return "\n".join(out)


def problems(rows):
    """What the issue's "Must show" forbids, per row."""
    out = []
    for r in rows:
        o, name = r["oauth"], "%s %s" % (r["size"], r["phase"])
        if r["rc"] != 0 or o["verified"] != r["hosts"]:
            out.append("%s: rc %d, %d of %d verified" % (name, r["rc"], o["verified"], r["hosts"]))
        if o["reused"] or o["failed_refreshes"]:
            out.append("%s: a refresh token spent twice or a refresh refused" % name)
        if o["most_late_per_token"] > r["forks"]:
            out.append("%s: a dead token was sent more than once per process" % name)
        if r["phase"] == "rerun" and r["calls"]["destination"]["writes"]:
            out.append("%s: the re-run wrote" % name)
        if r["phase"] == "first" and not o["report_refreshes"]:
            out.append("%s: the report shows no refresh" % name)
    return out


def main(out_dir, bench, sizes=("L", "fanout")):
    with tempfile.TemporaryDirectory(prefix="personalize-bench-oauth-") as tmp:
        rows = run_oauth(pathlib.Path(tmp), bench, sizes)
    text = oauth_table(rows)
    found = problems(rows)
    out = pathlib.Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    for r in rows:
        r.pop("memory_samples", None)
    (out / "oauth.json").write_text(json.dumps({"lifetime_s": LIFETIME, "rows": rows, "problems": found}, indent=1))
    print(text)
    print("\n" + ("\n".join(found) if found else "every check holds: all copies verified, no refresh token spent twice, "
                  "no dead token sent more than once per process, re-runs wrote nothing"))
    return 1 if found else 0
