"""Rate limiter, faults, request log, persistence and the harness itself."""

import json
import os
import time

import pytest
import requests

from emu_api import Api
from emulator.harness import (DEST_PROJECT, DEST_TOKEN, SOURCE_ORG, SOURCE_PROJECT, Emulator,
                              EmulatorError)
from emulator.limiters import RateLimiter


# ------------------------------------------------------------------ rate limiting

def test_rate_limit_429_with_and_without_retry_after(emu, api):
    """A bucket of 5 per second: the first 5 pass, then refusals, with and without Retry-After. Which
    requests are refused depends on how fast they come, so the answers are checked against the token
    bucket replayed on a simulated clock at the arrival times the log gives, whatever the machine's
    speed; the test sends until it has seen 4 refusals (a request every 0.2 s or slower sees none)."""
    emu.configure(rate_limit=5, limiter={"algorithm": "token_bucket", "scope": "organization", "competing": 0, "jitter_ms": 0})
    m = emu.mark()
    codes, retry = [], []
    while codes.count(429) < 4 and len(codes) < 200:
        r = api.get("/events")
        codes.append(r.status_code)
        if r.status_code == 429:
            retry.append(r.headers.get("Retry-After"))
            assert r.json() == {"message": "Too Many Requests"}
    assert codes.count(429) >= 4, "%d requests, none as fast as 5 per second" % len(codes)
    assert codes[:5] == [200] * 5
    assert set(codes) == {200, 429}
    with_header = [h for h in retry if h is not None]
    assert with_header and None in retry
    assert all(int(h) >= 1 for h in with_header)
    entries = emu.log(since=m)
    replayed = RateLimiter(5)
    assert [200 if replayed.take(SOURCE_ORG, now=e["arrival"]) is None else 429 for e in entries] == codes
    # admin endpoints are exempt; other organizations have their own bucket
    assert emu.state()["config"]["rate_limit"] == 5
    assert Api(emu.url, token=DEST_TOKEN, project=DEST_PROJECT).get("/events").status_code == 200
    entries = emu.log(since=m)
    assert sum(e["status"] == 429 for e in entries) == codes.count(429)
    assert all(e["org"] == SOURCE_ORG for e in entries if e["project"] == SOURCE_PROJECT)
    # after waiting, requests pass again (a quarter of a second refills 1.25 tokens, at any speed)
    time.sleep(0.25)
    assert api.get("/events").status_code == 200


def test_client_pacing_at_the_rate_never_sees_429(emu, api):
    emu.configure(rate_limit=10)
    start = time.monotonic()
    codes = []
    for i in range(15):
        delay = start + i * 0.1 - time.monotonic()
        if delay > 0:
            time.sleep(delay)
        codes.append(api.get("/attributes").status_code)
    assert codes == [200] * 15


def test_rate_limit_zero_is_unlimited(emu, api):
    emu.configure(rate_limit=0)
    assert all(api.get("/events").status_code == 200 for _i in range(40))


# ------------------------------------------------------------------ faults

@pytest.mark.parametrize("code", [500, 502, 503])
def test_error_faults(emu, api, code):
    emu.configure(faults={"seed": 1, "error_%d" % code: 1.0})
    m = emu.mark()
    r = api.post("/events", {"key": "never_applied"})
    assert r.status_code == code
    emu.configure(faults={})
    assert "never_applied" not in [e["key"] for e in api.ok("GET", "/events")]
    assert emu.log(since=m)[0]["fault"] == str(code)


def test_reset_fault_closes_connection(emu, api):
    emu.configure(faults={"reset": 1.0})
    m = emu.mark()
    with pytest.raises(requests.exceptions.ConnectionError):
        api.post("/events", {"key": "reset_event"})
    emu.configure(faults={})
    assert "reset_event" not in [e["key"] for e in api.ok("GET", "/events")]
    entry = emu.log(since=m)[0]
    assert entry["fault"] == "reset" and entry["status"] is None


def test_lost_write_applies_then_502(emu, api):
    emu.configure(faults={"lost_write": 1.0})
    r = api.post("/events", {"key": "lost_event"})
    assert r.status_code == 502
    assert "lost_event" in [e["key"] for e in api.ok("GET", "/events")]  # GETs are not affected
    assert emu.writes()[-1]["fault"] == "lost"
    emu.configure(faults={})


def test_latency_fault(emu, api):
    emu.configure(faults={"latency": 1.0, "latency_seconds": 0.3})
    t = time.monotonic()
    assert api.get("/events").status_code == 200
    assert time.monotonic() - t >= 0.3
    assert emu.log()[-1]["fault"] == "latency"


def test_burst_429(emu, api):
    emu.configure(faults={"burst_429": 3})
    rs = [api.get("/events") for _i in range(4)]
    assert [r.status_code for r in rs] == [429, 429, 429, 200]
    assert len({r.headers.get("Retry-After") is None for r in rs[:3]}) == 2
    assert [e["fault"] for e in emu.log()[-4:]] == ["burst_429"] * 3 + [None]


def test_faults_are_seeded(emu, api):
    runs = []
    for _i in range(2):
        emu.configure(faults={"seed": 42, "error_500": 0.5})
        runs.append([api.get("/events").status_code for _j in range(16)])
    assert runs[0] == runs[1] and set(runs[0]) == {200, 500}


def test_bad_config_rejected(emu):
    with pytest.raises(EmulatorError):
        emu.configure(faults={"eror_500": 1})
    with pytest.raises(EmulatorError):
        emu.configure(limits={"widgets": 3})


# ------------------------------------------------------------------ request log

def test_request_log(emu, api):
    m = emu.mark()
    api.get("/experiences?x=1")
    api.post("/events", {"key": "logged"})
    Api(emu.url, token="nope").get("/events")
    emu.state()
    entries = emu.log(since=m)
    assert len(entries) == 3  # the admin call is not logged
    first = entries[0]
    assert set(first) == {"ts", "method", "path", "query", "status", "org", "project", "fault", "arrival"}
    assert first["ts"] <= first["arrival"]  # when it reached the rate limiter
    assert isinstance(first["ts"], float)
    assert (first["method"], first["path"], first["query"], first["status"]) == ("GET", "/experiences", "x=1", 200)
    assert first["org"] == SOURCE_ORG and first["project"] == SOURCE_PROJECT and first["fault"] is None
    assert entries[2]["status"] == 401 and entries[2]["org"] is None
    w = emu.writes(since=m)
    assert [(e["method"], e["path"], e["status"]) for e in w] == [("POST", "/events", 201)]
    with open(emu.log_path) as fh:
        lines = fh.read().splitlines()
    assert all(json.loads(line) for line in lines)


# ------------------------------------------------------------------ persistence and harness

def test_state_persists_across_restart(tmp_path):
    state = tmp_path / "state.json"
    with Emulator(seeds=["retail"], state_path=state, tmp_path=tmp_path,
                  limits={"attributes": 11}, faults={"seed": 5}) as emu:
        api = Api(emu.url)
        a = api.ok("POST", "/attributes", {"key": "persisted", "name": "P"})
        r = api.post("/attributes", {"key": "over", "name": "O"})  # --limits applied
        assert r.json()["message"] == "personalize.ATTRIBUTES.LIMIT_EXCEEDED"
        x = api.ok("POST", "/experiences", {"name": "E", "__type": "SEGMENTED"})
        v = api.ok("PUT", "/experiences/%s/versions/%s" % (x["uid"], x["latestVersion"]), {
            "status": "DRAFT", "variants": [{"__type": "SegmentedVariant", "name": "v", "shortUid": "6",
                                             "audiences": ["6650a1b2c3d4e5f6a2000001"],
                                             "audienceCombinationType": "OR"}]})
        assert v["variants"][0]["shortUid"] == "6"
        pid = emu.proc.pid
        assert json.loads(state.read_text())["projects"][SOURCE_PROJECT]["attributes"][a["uid"]]["key"] == "persisted"
        emu.restart()
        assert emu.proc.pid != pid
        api = Api(emu.url)
        assert "persisted" in [x["key"] for x in api.ok("GET", "/attributes")]
        v = api.ok("PUT", "/experiences/%s/versions/%s" % (x["uid"], x["latestVersion"]), {
            "status": "DRAFT", "variants": [{"__type": "SegmentedVariant", "name": "w",
                                             "audiences": ["6650a1b2c3d4e5f6a2000001"],
                                             "audienceCombinationType": "OR"}]})
        assert v["variants"][0]["shortUid"] == "7"  # the counter survived too
        proc = emu.proc
    assert proc.poll() is not None  # stopped
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".emulator-state-")] == []


def test_reset_restores_seeds_and_accepts_a_seed(emu, api):
    api.ok("POST", "/events", {"key": "temp"})
    emu.reset()
    assert "temp" not in [e["key"] for e in api.ok("GET", "/events")]
    seed = {"organizations": [{"uid": SOURCE_ORG}],
            "tokens": [{"token": "tok-x", "organizations": [SOURCE_ORG]}],
            "projects": [{"uid": "0123456789abcdef01234567", "name": "Tiny", "organizationUid": SOURCE_ORG}]}
    out = emu.reset(seed)
    assert out["projects"] == ["0123456789abcdef01234567"]
    tiny = Api(emu.url, token="tok-x", project="0123456789abcdef01234567")
    assert len(tiny.ok("GET", "/attributes")) == 8
    assert api.get("/events").status_code == 401  # the old tokens are gone
    emu.reset()
    assert api.get("/events").status_code == 200


def test_harness_stop_always_terminates(tmp_path):
    emu = Emulator(seeds=[{"organizations": [], "tokens": [], "projects": []}], tmp_path=tmp_path)
    emu.start()
    proc = emu.proc
    assert emu.health()["status"] == "ok"
    emu.stop()
    emu.stop()  # idempotent
    assert proc.poll() is not None
    with pytest.raises(EmulatorError):
        Emulator(seeds=[str(tmp_path / "missing.json")], tmp_path=tmp_path).start()


def test_state_view_shape(emu):
    s = emu.state()
    p = s["projects"][SOURCE_PROJECT]
    assert set(p) >= {"project", "attributes", "audiences", "events", "experiences", "versions",
                      "priorityOrder", "counters"}
    assert len(p["attributes"]) == 10 and len(p["experiences"]) == 6
    assert p["counters"]["variantShortUid"]["6650a1b2c3d4e5f6a4000001"] == 5
    assert s["tokens"]["csoa-dst-9c7a5e3b1d2f4a6c"]["organizations"] == ["blt5e1ec7ed0000b002"]
    assert os.path.exists(emu.log_path)


def test_two_emulators_share_a_tmp_path(tmp_path):
    with Emulator(seeds=["retail"], tmp_path=tmp_path, region="aws-na") as src, \
            Emulator(seeds=["empty-dest"], tmp_path=tmp_path, region="aws-eu") as dst:
        assert src.log_path != dst.log_path and src.url != dst.url
        assert dst.health()["region"] == "aws-eu"
        Api(src.url).ok("GET", "/events")
        Api(dst.url, token=DEST_TOKEN, project=DEST_PROJECT).ok("GET", "/events")
        assert Api(dst.url).get("/events").status_code == 401  # source token unknown there
        assert [e["project"] for e in src.log()] == [SOURCE_PROJECT]
        assert [e["status"] for e in dst.log()] == [200, 401]


def test_server_exits_when_the_harness_process_dies(tmp_path):
    import signal
    import subprocess
    import sys
    tests_dir = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    code = ("import sys, time; sys.path.insert(0, %r)\n"
            "from emulator.harness import Emulator\n"
            "e = Emulator(seeds=['empty-dest'], tmp_path=%r).start()\n"
            "print(e.proc.pid, flush=True); time.sleep(60)\n" % (tests_dir, str(tmp_path)))
    parent = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True)
    try:
        server_pid = int(parent.stdout.readline())
    finally:
        parent.send_signal(signal.SIGKILL)
        parent.wait()
        parent.stdout.close()
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        try:
            os.kill(server_pid, 0)
        except ProcessLookupError:
            break
        time.sleep(0.1)
    else:
        os.kill(server_pid, signal.SIGTERM)
        pytest.fail("emulator outlived its parent")


def test_concurrent_writes_and_log_lines_stay_whole(emu):
    import threading
    m = emu.mark()
    errors = []

    def worker(n):
        api = Api(emu.url)
        for i in range(10):
            r = api.post("/events", {"key": "ev_%d_%d" % (n, i)})
            if r.status_code != 201:
                errors.append(r.text)

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    keys = [e["key"] for e in Api(emu.url).ok("GET", "/events")]
    assert len(keys) == len(set(keys)) == 85
    entries = emu.log(since=m)
    assert len(entries) == 81 and sum(e["status"] == 201 for e in entries) == 80
