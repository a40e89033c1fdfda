"""Peak memory of a process tree, sampled from /proc (Linux).

Every ``interval`` seconds: the tree of the root pid (children found through
/proc/<pid>/task/<tid>/children, else by scanning /proc/*/stat), then for each process
/proc/<pid>/smaps_rollup. The tree's memory is the sum of PSS (proportional set size): pages
shared by forked Ansible workers are split between them, whereas a sum of RSS would count them
once per worker. The largest single-process RSS is kept too.
"""

import os
import threading


def _children_of(pid):
    kids = []
    try:
        tasks = os.listdir("/proc/%d/task" % pid)
    except OSError:
        return None
    for tid in tasks:
        try:
            with open("/proc/%d/task/%s/children" % (pid, tid)) as fh:
                kids.extend(int(x) for x in fh.read().split())
        except FileNotFoundError:
            return None  # kernel without CONFIG_PROC_CHILDREN
        except OSError:
            continue
    return kids


def _scan_parents():
    parents = {}
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        try:
            with open("/proc/%s/stat" % name) as fh:
                stat = fh.read()
        except OSError:
            continue
        fields = stat[stat.rfind(")") + 2:].split()
        parents.setdefault(int(fields[1]), []).append(int(name))
    return parents


def tree(root):
    """pids of root and all its descendants that exist now."""
    out, todo, parents = [], [root], None
    while todo:
        pid = todo.pop()
        out.append(pid)
        kids = _children_of(pid)
        if kids is None:
            if parents is None:
                parents = _scan_parents()
            kids = parents.get(pid, [])
        todo.extend(kids)
    return out


def own_cpu_s(pid):
    """CPU seconds (user + system) of the process ``pid`` itself, without its children; None if it is gone."""
    try:
        with open("/proc/%d/stat" % pid) as fh:
            stat = fh.read()
    except OSError:
        return None
    fields = stat[stat.rfind(")") + 2:].split()
    return (int(fields[11]) + int(fields[12])) / float(os.sysconf("SC_CLK_TCK"))


def rollup(pid):
    """(pss_kib, rss_kib) of one process, or None if it is gone."""
    pss = rss = None
    try:
        with open("/proc/%d/smaps_rollup" % pid) as fh:
            for line in fh:
                if line.startswith("Pss:"):
                    pss = int(line.split()[1])
                elif line.startswith("Rss:"):
                    rss = int(line.split()[1])
    except OSError:
        return None
    if pss is None or rss is None:
        return None
    return pss, rss


class TreeSampler:
    """``with TreeSampler(pid) as s: ...``; then s.peak_pss_mb, s.peak_rss_mb (one process),
    s.peak_processes, s.samples; s.root_cpu_s, the root process's own CPU seconds at the last sample
    (for ansible-playbook: the controller's main process, which queues every task and takes every result)."""

    def __init__(self, pid, interval=0.05):
        self.pid = pid
        self.interval = interval
        self.peak_pss_kib = 0
        self.peak_rss_kib = 0
        self.peak_processes = 0
        self.samples = 0
        self.root_cpu_s = 0.0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="procmem", daemon=True)

    def sample(self):
        own = own_cpu_s(self.pid)
        if own is not None:
            self.root_cpu_s = own
        total, count = 0, 0
        for pid in tree(self.pid):
            got = rollup(pid)
            if got is None:
                continue
            pss, rss = got
            total += pss
            count += 1
            self.peak_rss_kib = max(self.peak_rss_kib, rss)
        if count:
            self.samples += 1
            self.peak_pss_kib = max(self.peak_pss_kib, total)
            self.peak_processes = max(self.peak_processes, count)

    def _run(self):
        while not self._stop.is_set():
            self.sample()
            self._stop.wait(self.interval)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()

    @property
    def peak_pss_mb(self):
        return round(self.peak_pss_kib / 1024.0, 1)

    @property
    def peak_rss_mb(self):
        return round(self.peak_rss_kib / 1024.0, 1)
