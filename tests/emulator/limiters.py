"""The emulator's rate limiters: three readings of "10 requests per second per organization".

* ``token_bucket``: a bucket of ``rate`` tokens refilled at ``rate`` per second (burst = rate);
* ``sliding_window``: at most ``rate`` accepted requests in any one-second window (a log of accepted
  arrival times);
* ``fixed_window``: at most ``rate`` accepted requests per wall-clock second (windows aligned to the
  second).

A refused request is not counted. ``scope`` ``organization`` keeps one budget per organization,
``server`` one budget for the whole server. ``competing`` is another client of each budget that
sends that many requests per second (evenly spaced, from the moment the budget is first used); its
requests always count, even over the limit (it retries until served, and it was there first), so
what is left for the client under test is ``rate - competing``. ``take(key)`` answers None (allowed)
or the seconds until a request would be allowed. Standard library only.
"""

import collections
import math
import threading
import time

ALGORITHMS = ("token_bucket", "sliding_window", "fixed_window")
SCOPES = ("organization", "server")
WINDOW = 1.0


class _Budget:
    """One budget's state for one algorithm."""

    def __init__(self, algorithm, rate, now):
        self.algorithm = algorithm
        self.rate = rate
        self.tokens, self.last = rate, now       # token bucket
        self.accepted = collections.deque()       # sliding window: accepted arrival times
        self.second, self.count = math.floor(now), 0  # fixed window
        self.competing_start, self.competing_sent = now, 0  # the competing client's requests so far

    def take(self, now, force=False):
        """None if a request arriving at ``now`` is allowed (and counted), else the wait.
        ``force``: counted even over the limit (the competing client's requests)."""
        if self.algorithm == "token_bucket":
            self.tokens = min(self.rate, self.tokens + (now - self.last) * self.rate)
            self.last = now
            if self.tokens >= 1.0 - 1e-9 or force:
                self.tokens -= 1.0
                return None
            return (1.0 - self.tokens) / self.rate
        if self.algorithm == "sliding_window":
            while self.accepted and self.accepted[0] <= now - WINDOW:
                self.accepted.popleft()
            if len(self.accepted) + 1 <= self.rate or force:
                self.accepted.append(now)
                return None
            return max(0.001, self.accepted[0] + WINDOW - now)
        second = math.floor(now)
        if second != self.second:
            self.second, self.count = second, 0
        if self.count + 1 <= self.rate or force:
            self.count += 1
            return None
        return max(0.001, second + WINDOW - now)

    def compete(self, now, competing):
        """The competing client's requests sent up to ``now``, in order, before ours."""
        if competing <= 0:
            return
        # A fixed window counts the competitor's requests of the whole current second up front: it
        # was there first, whatever the order within the second.
        until = math.floor(now) + WINDOW - 1e-6 if self.algorithm == "fixed_window" else now
        while True:
            at = round(self.competing_start + self.competing_sent / competing, 6)
            if at > until:
                return
            self.take(at, force=True)
            self.competing_sent += 1


class RateLimiter:
    """Per-key budgets of one algorithm. ``rate`` 0 switches limiting off."""

    def __init__(self, rate, algorithm="token_bucket", scope="organization", competing=0.0, clock=time.time):
        self.lock = threading.Lock()
        self.clock = clock
        self.algorithm, self.scope, self.competing = algorithm, scope, float(competing or 0)
        self.set_rate(rate)

    def set_rate(self, rate):
        with self.lock:
            self.rate = float(rate or 0)
            self.budgets = {}

    def configure(self, algorithm=None, scope=None, competing=None):
        """Change the algorithm, scope or competing load; every budget starts afresh."""
        with self.lock:
            if algorithm is not None:
                self.algorithm = algorithm
            if scope is not None:
                self.scope = scope
            if competing is not None:
                self.competing = float(competing)
            self.budgets = {}

    def view(self):
        return {"algorithm": self.algorithm, "scope": self.scope, "competing": self.competing}

    def take(self, key, now=None):
        """None if allowed, else seconds until a request would be allowed."""
        return self.take_at(key, now)[0]

    def take_at(self, key, now=None):
        """``(take's answer, the arrival time it used)``: the time is read inside the lock, so that
        requests are counted in the order of their arrival times."""
        with self.lock:
            now = self.clock() if now is None else now
            if self.rate <= 0:
                return None, now
            key = "*" if self.scope == "server" else key
            budget = self.budgets.get(key)
            if budget is None:
                budget = self.budgets[key] = _Budget(self.algorithm, self.rate, now)
            budget.compete(now, self.competing)
            return budget.take(now), now


def check_limiter_config(body, bad):
    """Validate a ``limiter`` config object; ``bad(field, text)`` builds the error to raise."""
    if not isinstance(body, dict):
        raise bad("limiter", "limiter must be an object")
    known = ("algorithm", "scope", "competing", "jitter_ms", "retry_after")
    for key in body:
        if key not in known:
            raise bad("limiter." + key, "unknown limiter option %s (known: %s)" % (key, ", ".join(known)))
    if "algorithm" in body and body["algorithm"] not in ALGORITHMS:
        raise bad("limiter.algorithm", "algorithm must be one of %s" % ", ".join(ALGORITHMS))
    if "scope" in body and body["scope"] not in SCOPES:
        raise bad("limiter.scope", "scope must be one of %s" % ", ".join(SCOPES))
    for key in ("competing", "jitter_ms"):
        value = body.get(key, 0)
        if not isinstance(value, (int, float)) or isinstance(value, bool) or value < 0:
            raise bad("limiter." + key, "%s must be a number >= 0" % key)
    mix = body.get("retry_after", {"seconds": 1})
    if not isinstance(mix, dict) or not mix or any(
            k not in RETRY_AFTER_STYLES or not isinstance(v, int) or isinstance(v, bool) or v < 0
            for k, v in mix.items()) or not sum(mix.values()):
        raise bad("limiter.retry_after", "retry_after must map some of %s to whole weights (not all 0)"
                  % ", ".join(RETRY_AFTER_STYLES))


RETRY_AFTER_STYLES = ("seconds", "date", "none")
