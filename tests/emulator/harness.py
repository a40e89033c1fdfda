"""Start and drive the Personalize emulator from tests and scripts (standard library only).

    from emulator.harness import Emulator
    with Emulator(seeds=["retail", "empty-dest"], rate_limit=0) as emu:
        emu.url, emu.mark(), emu.log(since=m), emu.writes(since=m), emu.state(),
        emu.configure(rate_limit=10, faults={...}, limits={...}, limiter={...}), emu.reset()

``limiter``: {"algorithm": "token_bucket" | "sliding_window" | "fixed_window", "scope":
"organization" | "server", "competing": R req/s, "jitter_ms": J, "retry_after": {"seconds": n,
"date": n, "none": n}} (see README.md "Rate limit").
"""

import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
SERVER = os.path.join(HERE, "server.py")
SEEDS_DIR = os.path.join(HERE, "seeds")

SOURCE_ORG = "blt5e1ec7ed0000a001"
DEST_ORG = "blt5e1ec7ed0000b002"
SOURCE_PROJECT = "6650a1b2c3d4e5f601000001"
DEST_PROJECT = "6650a1b2c3d4e5f602000001"
SOURCE_TOKEN = "csat-src-6f1d0c9a7b3e4d2f"
SOURCE_RO_TOKEN = "csat-src-ro-2b8e4f6a1c3d5e7f"
DEST_TOKEN = "csoa-dst-9c7a5e3b1d2f4a6c"
NOBODY_TOKEN = "csat-nobody-0a0a0a0a0a0a0a0a"
# The destination's OAuth app and the refresh token of its user (seeds/empty-dest.json; README.md "OAuth").
OAUTH_CLIENT_ID = "csapp-dst-4e8a1c6b2d"
OAUTH_CLIENT_SECRET = "cssecret-dst-7b3f9e1a5c2d8e40"
OAUTH_REFRESH_TOKEN = "csrt-dst-1f5b9d3e7a2c4e6b"

# Every reading of the token endpoint that the emulator plays (README.md "OAuth token endpoint"), as
# Emulator(**mode) / emu.configure(**mode) arguments: the product is tested against each.
TOKEN_MODES = [{"token_rotation": rotation, "revoke_old_access": revoke}
               for rotation in ("rotate", "keep", "omit") for revoke in (True, False)]


def token_mode_id(mode):
    """A test id for one of TOKEN_MODES: ``rotate-revoke``, ``keep-old-lives``..."""
    return "%s-%s" % (mode["token_rotation"], "revoke" if mode["revoke_old_access"] else "old-lives")


class EmulatorError(RuntimeError):
    pass


class Emulator:
    """One emulator process. ``seeds``: names in tests/emulator/seeds (no .json), paths or dicts."""

    def __init__(self, seeds=("retail", "empty-dest"), rate_limit=0, faults=None, tmp_path=None,
                 limits=None, state_path=None, region="aws-na", log_path=None, port=0,
                 start_timeout=15.0, cms_delay=None, cma=None, limiter=None, token_lifetime=None,
                 token_rotation=None, revoke_old_access=None, auth_counts_in_limit=False):
        self.seeds = list(seeds or [])
        self.token_lifetime = token_lifetime  # seconds an access token from POST /token lives (default 3600)
        self.token_rotation = token_rotation  # "rotate" (default), "keep" or "omit": README.md "OAuth token endpoint"
        self.revoke_old_access = revoke_old_access  # does a refresh revoke the old access token (default True)
        self.auth_counts_in_limit = auth_counts_in_limit  # a 401 counts against the rate limit too
        self.cms_delay = cms_delay  # seconds before the CMS variants of new experience variants exist
        self.cma = cma  # other CMA options (cma_page_size, cma_group_put...), see README.md
        self.rate_limit = rate_limit
        self.limiter = limiter  # the limiter's algorithm, scope, competing load, jitter, Retry-After mix
        self.faults = faults
        self.limits = limits
        self.region = region
        self.port = port
        self.start_timeout = start_timeout
        self._own_tmp = tmp_path is None
        self.tmp = str(tmp_path) if tmp_path is not None else tempfile.mkdtemp(prefix="personalize-emu-")
        os.makedirs(self.tmp, exist_ok=True)
        self.state_path = str(state_path) if state_path else None
        if log_path:
            self.log_path = str(log_path)
        else:  # unique per instance, so two emulators may share one tmp_path
            n = 1
            while True:
                name = "emulator-requests.jsonl" if n == 1 else "emulator-requests-%d.jsonl" % n
                self.log_path = os.path.join(self.tmp, name)
                try:
                    open(self.log_path, "x").close()
                    break
                except FileExistsError:
                    n += 1
        self.proc = None
        self.url = None
        self._stderr = None

    # ------------------------------------------------------------------ lifecycle
    def _seed_args(self):
        args = []
        for i, s in enumerate(self.seeds):
            if isinstance(s, dict):
                path = os.path.join(self.tmp, "seed-%d-%d.json" % (os.getpid(), i))
                with open(path, "w") as fh:
                    json.dump(s, fh)
                s = path
            elif not os.path.exists(str(s)):
                s = os.path.join(SEEDS_DIR, s if str(s).endswith(".json") else str(s) + ".json")
            args += ["--seed", str(s)]
        return args

    def start(self):
        if self.proc is not None:
            return self
        port_file = os.path.join(self.tmp, "emulator-port-%d-%d" % (os.getpid(), id(self)))
        if os.path.exists(port_file):
            os.unlink(port_file)
        cmd = [sys.executable, SERVER, "--port", str(self.port), "--port-file", port_file,
               "--log", self.log_path, "--rate-limit", str(self.rate_limit), "--region", self.region,
               "--exit-with-parent"]
        cmd += self._seed_args()
        if self.state_path:
            cmd += ["--state", self.state_path]
        if self.faults:
            cmd += ["--faults", json.dumps(self.faults)]
        if self.limits:
            cmd += ["--limits", json.dumps(self.limits)]
        if self.limiter:
            cmd += ["--limiter", json.dumps(self.limiter)]
        if self.cms_delay is not None:
            cmd += ["--cms-delay", str(self.cms_delay)]
        if self.cma:
            cmd += ["--cma", json.dumps(self.cma)]
        if self.token_lifetime is not None:
            cmd += ["--token-lifetime", str(self.token_lifetime)]
        if self.token_rotation is not None:
            cmd += ["--token-rotation", self.token_rotation]
        if self.auth_counts_in_limit:
            cmd += ["--auth-counts-in-limit"]
        if self.revoke_old_access is not None:
            cmd += ["--revoke-old-access", "true" if self.revoke_old_access else "false"]
        self._stderr = open(os.path.join(self.tmp, "emulator-stderr-%d.txt" % id(self)), "w+")
        self.proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=self._stderr,
                                     stdin=subprocess.DEVNULL)
        deadline = time.monotonic() + self.start_timeout
        try:
            while True:
                if os.path.exists(port_file):
                    with open(port_file) as fh:
                        text = fh.read().strip()
                    if text:
                        break
                if self.proc.poll() is not None:
                    raise EmulatorError("emulator exited with %s: %s" % (self.proc.returncode, self._err()))
                if time.monotonic() > deadline:
                    raise EmulatorError("emulator did not start within %ss: %s" % (self.start_timeout, self._err()))
                time.sleep(0.02)
            self.port = int(text)
            self.url = "http://127.0.0.1:%d" % self.port
            os.unlink(port_file)
        except BaseException:
            self.stop()
            raise
        return self

    def _err(self):
        try:
            self._stderr.seek(0)
            return self._stderr.read()[-2000:]
        except Exception:
            return ""

    def stop(self):
        """Terminate the process and wait for it; always safe to call."""
        proc, self.proc = self.proc, None
        if proc is not None:
            try:
                if proc.poll() is None:
                    proc.terminate()
                    try:
                        proc.wait(timeout=5)
                    except subprocess.TimeoutExpired:
                        proc.kill()
                        proc.wait(timeout=5)
            finally:
                if self._stderr:
                    self._stderr.close()
                    self._stderr = None
        if self._own_tmp and self.tmp and os.path.isdir(self.tmp) and not self.state_path:
            shutil.rmtree(self.tmp, ignore_errors=True)

    def restart(self):
        """Stop and start again on the same port (state survives only with state_path)."""
        keep_tmp, self._own_tmp = self._own_tmp, False
        self.stop()
        self._own_tmp = keep_tmp
        return self.start()

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()

    def __del__(self):
        try:
            self.stop()
        except Exception:
            pass

    # ------------------------------------------------------------------ admin
    def _admin(self, method, path, body=None):
        data = json.dumps(body).encode() if body is not None else None
        req = urllib.request.Request(self.url + path, data=data, method=method,
                                     headers={"Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(req, timeout=10) as resp:
                return json.loads(resp.read() or b"null")
        except urllib.error.HTTPError as e:
            raise EmulatorError("%s %s -> %s %s" % (method, path, e.code, e.read()[:500]))

    def state(self):
        return self._admin("GET", "/_emulator/state")

    def health(self):
        return self._admin("GET", "/_emulator/health")

    def configure(self, rate_limit=None, faults=None, limits=None, limiter=None, **cma):
        """``cma``: CMA options by name (cms_delay=5, cma_group_put="merge", cma_rate_limit=None...), the
        token endpoint's ``token_lifetime`` (seconds), ``token_rotation`` and ``revoke_old_access``, and
        ``auth_counts_in_limit``."""
        body = dict(cma)
        if limiter is not None:
            body["limiter"] = limiter
        if rate_limit is not None:
            body["rate_limit"] = rate_limit
        if faults is not None:
            body["faults"] = faults
        if limits is not None:
            body["limits"] = limits
        return self._admin("POST", "/_emulator/config", body)

    def reset(self, seed=None):
        return self._admin("POST", "/_emulator/reset", seed if seed is not None else {})

    # ------------------------------------------------------------------ request log
    def log(self, since=0):
        if not os.path.exists(self.log_path):
            return []
        out = []
        with open(self.log_path, encoding="utf-8") as fh:
            for line in fh:
                if line.endswith("\n"):
                    out.append(json.loads(line))
        return out[since:]

    def mark(self):
        return len(self.log())

    def writes(self, since=0):
        """Entries that write (POST/PUT/DELETE), the OAuth token endpoint's refreshes left out."""
        return [e for e in self.log(since) if e["method"] in ("POST", "PUT", "DELETE") and e.get("api") != "oauth"]

    def token_calls(self, since=0):
        """The OAuth token endpoint's entries (``POST /token``)."""
        return [e for e in self.log(since) if e.get("api") == "oauth"]
