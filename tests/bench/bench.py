#!/usr/bin/env python3
"""The husk benchmark driver: husk, crun and runc (and the floor program)
side by side, in one run, on the same bundles, under the same wrapper.

Run it through bench.sh, which installs what is missing, builds the floor
program and enters the private mount namespace this script expects (crun
1.8.1 refuses the host's hybrid cgroup layout, so /sys/fs/cgroup/unified is
unmounted there, for all three runtimes alike).

Every runtime call is timed from posix_spawn to wait4 of the runtime
process; wait4's rusage gives its CPU time (the whole tree it reaped).  The
peak RSS is read by the tiny static rss helper (see rss.c for why).  Iterations alternate
between the runtimes so that noise from other load hits all of them alike;
the table shows medians.  Nothing passes or fails on a timing: a runtime
that refuses a workload gets "refused (its error)" in the table instead of
a number.
"""
import argparse
import json
import os
import select
import shutil
import signal
import statistics
import subprocess
import sys
import time

CALL_TIMEOUT = 60.0  # seconds before a runtime call counts as hung
BENCH_CGROUP = "husk-bench-%d" % os.getpid()
CGROUP_ROOT = "/sys/fs/cgroup"


class Refused(Exception):
    """A runtime failed a step: the message is its stderr."""


# ---------------------------------------------------------------- processes


class Call:
    def __init__(self, ms, rc, cpu_ms, err):
        self.ms, self.rc, self.cpu_ms, self.err = ms, rc, cpu_ms, err


def spawn(argv, errfile):
    actions = [
        (os.POSIX_SPAWN_OPEN, 0, "/dev/null", os.O_RDONLY, 0),
        (os.POSIX_SPAWN_OPEN, 1, "/dev/null", os.O_WRONLY, 0),
        (os.POSIX_SPAWN_OPEN, 2, errfile, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600),
    ]
    return os.posix_spawn(argv[0], argv, os.environ, file_actions=actions)


def wait_call(pid, t0, errfile, timeout=CALL_TIMEOUT):
    """Waits for a spawned runtime; kills it after TIMEOUT seconds."""
    pidfd = os.pidfd_open(pid)
    try:
        p = select.poll()
        p.register(pidfd, select.POLLIN)
        if not p.poll(timeout * 1000):
            os.kill(pid, signal.SIGKILL)
        _, status, ru = os.wait4(pid, 0)
    finally:
        os.close(pidfd)
    ms = (time.perf_counter_ns() - t0) / 1e6
    rc = os.waitstatus_to_exitcode(status)
    err = ""
    if rc != 0:
        with open(errfile, errors="replace") as f:
            lines = [l.strip() for l in f.read().splitlines() if l.strip()]
        err = lines[-1] if lines else "exit status %d" % rc
        if 'msg="' in err:  # runc's logrus line: keep the message only
            err = err.split('msg="', 1)[1].rstrip('"')
        if rc == -signal.SIGKILL and not lines:
            err = "killed (hung more than %ds?)" % timeout
    return Call(ms, rc, (ru.ru_utime + ru.ru_stime) * 1000, err)


def call(argv, errfile, timeout=CALL_TIMEOUT):
    t0 = time.perf_counter_ns()
    pid = spawn(argv, errfile)
    return wait_call(pid, t0, errfile, timeout)


def reap_orphans():
    """Reaps any child of ours left a zombie (none should be: container
    inits whose runtime exited go to the host's init, not to us)."""
    while True:
        try:
            pid, _ = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            return


def wait_exit(pid, timeout=10.0):
    """Waits for a container init to exit (a pidfd is readable once the
    process has exited, whoever its parent is)."""
    try:
        pidfd = os.pidfd_open(pid)
    except ProcessLookupError:
        return
    try:
        p = select.poll()
        p.register(pidfd, select.POLLIN)
        p.poll(timeout * 1000)
    finally:
        os.close(pidfd)


# ---------------------------------------------------------------- runtimes


class Runtime:
    def __init__(self, name, binary, state):
        self.name = name
        self.binary = binary
        self.root = os.path.join(state, name)
        self.errfile = os.path.join(WORK, "err." + name)
        os.makedirs(self.root, exist_ok=True)

    def argv(self, *args):
        return [self.binary, "--root", self.root] + list(args)

    def do(self, *args, timeout=CALL_TIMEOUT):
        return call(self.argv(*args), self.errfile, timeout)

    def must(self, *args):
        c = self.do(*args)
        if c.rc != 0:
            raise Refused(c.err)
        return c

    def ids(self):
        try:
            return sorted(os.listdir(self.root))
        except FileNotFoundError:
            return []

    def delete_all(self):
        for cid in self.ids():
            if os.path.isdir(os.path.join(self.root, cid)):
                self.do("delete", "--force", cid, timeout=20)
        reap_orphans()


def cgroup_path(rt, cid):
    return "/%s/%s-%s" % (BENCH_CGROUP, rt, cid)


def mount_points():
    with open("/proc/self/mountinfo") as f:
        return {l.split()[4] for l in f}


def remove_bench_cgroups():
    """rmdir, deepest first, every cgroup under our prefix in every
    hierarchy (the runtimes' delete should have removed them already).
    /sys/fs/cgroup/unified is unmounted in our namespace, and crun 1.8.1
    still makes plain directories and files there, in the host's
    /sys/fs/cgroup tmpfs: those are removed as ordinary files."""
    left = []
    try:
        hierarchies = os.listdir(CGROUP_ROOT)
    except FileNotFoundError:
        return left
    mounted = mount_points()
    for h in hierarchies:
        top = os.path.join(CGROUP_ROOT, h, BENCH_CGROUP)
        if not os.path.isdir(top):
            continue
        if os.path.join(CGROUP_ROOT, h) not in mounted:
            shutil.rmtree(top, ignore_errors=True)
            continue
        for d, _, _ in sorted(os.walk(top), key=lambda e: -e[0].count("/")):
            try:
                os.rmdir(d)
            except OSError as e:
                left.append("%s (%s)" % (d, e.strerror))
    return left


# ---------------------------------------------------------------- bundles


def write_json(path, obj):
    with open(path, "w") as f:
        json.dump(obj, f, indent=1)


class Bundles:
    """Bundles are directories holding only a config.json: every one uses
    the same busybox rootfs by its absolute path, and its own cgroupsPath.
    Sequential runs of a workload share a bundle (hence a cgroup, made and
    removed by each run); containers that exist at the same time (scale,
    parallel) get one bundle each."""

    def __init__(self, work, rootfs):
        self.work = work
        self.rootfs = rootfs
        self.n = 0

    def make(self, config, rt_name, cid_prefix):
        """A bundle directory whose config uses cgroupsPath
        /husk-bench-PID/RT-PREFIX (one cgroup per bundle: sequential
        runs reuse it after each delete)."""
        self.n += 1
        d = os.path.join(self.work, "bundles", "%d-%s-%s" % (self.n, rt_name, cid_prefix))
        os.makedirs(d)
        c = json.loads(json.dumps(config))
        # runc refuses a rootfs that is a symlink: all bundles share one
        # rootfs by its absolute path.
        c["root"]["path"] = self.rootfs
        c.setdefault("linux", {})["cgroupsPath"] = cgroup_path(rt_name, cid_prefix)
        write_json(os.path.join(d, "config.json"), c)
        return d


def minimal_config():
    """runc spec (1.1.5) with `true` and no terminal: pid, network, ipc,
    uts and mount namespaces, read-only root, masked and read-only paths,
    capabilities, rlimits, no seccomp."""
    # runc spec writes config.json into the current directory.
    d = os.path.join(WORK, "spec")
    os.makedirs(d, exist_ok=True)
    subprocess.run(["runc", "spec"], cwd=d, check=True)
    with open(os.path.join(d, "config.json")) as f:
        c = json.load(f)
    c["process"]["terminal"] = False
    c["process"]["args"] = ["true"]
    return c


def podman_config(path, files):
    """podman's real config (tests/../shared/testdata) with its host paths
    replaced by local ones: the rootfs, a netns made for the bench (podman
    joins one too), and the shm dir and hostname/resolv.conf/hosts/
    .containerenv files podman would have written."""
    with open(path) as f:
        c = json.load(f)
    c["process"]["args"] = ["true"]
    c["process"]["terminal"] = False
    for ns in c["linux"]["namespaces"]:
        if "path" in ns:
            ns["path"] = files["netns"]
    for m in c["mounts"]:
        if m.get("type") == "bind":
            m["source"] = files[m["destination"]]
    return c


def json_path_delete(config, path):
    """Deletes a member named as in husk's errors: a.b[3].c ...  Returns
    False when the path does not name something in CONFIG."""
    parts = []
    for seg in path.split("."):
        while "[" in seg:
            name, rest = seg.split("[", 1)
            idx, seg = rest.split("]", 1)
            if name:
                parts.append(name)
            parts.append(int(idx))
        if seg:
            parts.append(seg)
    obj = config
    try:
        for p in parts[:-1]:
            obj = obj[p]
        del obj[parts[-1]]
    except (KeyError, IndexError, TypeError):
        return False
    return True


# Members that would change what is measured too much to be dropped.
NOT_DROPPABLE = ("root", "process.args", "linux.namespaces", "ociVersion")


def adapt(config, probe):
    """Drops, one at a time, each config member the probe refuses with
    "config.json: PATH: ..." (a mounts[N] entry as a whole).  Returns the
    adapted config, the dropped paths and the last refusal (None when
    the probe accepted the config)."""
    dropped = []
    for _ in range(16):
        err = probe(config)
        if err is None:
            return config, dropped, None
        msg = err.split("config.json: ", 1)
        if len(msg) != 2 or ":" not in msg[1]:
            return config, dropped, err
        path = msg[1].split(":", 1)[0].strip()
        if path.startswith("mounts["):
            path = path.split("]", 1)[0] + "]"
        elif "[" in path:
            path = path.split("[", 1)[0]
        if path.startswith(NOT_DROPPABLE) or not json_path_delete(config, path):
            return config, dropped, err
        what = path
        if path.startswith("mounts["):
            what = "%s (%s)" % (path, err.split(": ", 3)[-1])
        dropped.append(what)
    return config, dropped, "too many refusals"


# ---------------------------------------------------------------- the table


class Table:
    def __init__(self, cols):
        self.cols = cols
        self.rows = []
        self.notes = []
        self.footnotes = []

    def add(self, label, unit, values, fmt="%.2f"):
        """VALUES: runtime -> number, or a string (an error / remark)."""
        self.rows.append((label, unit, values, fmt))

    def note(self, text):
        self.notes.append(text)

    def cell(self, v, fmt):
        """Long texts (errors) become a reference to a footnote."""
        if v is None:
            return "-"
        if isinstance(v, str):
            if len(v) <= 24:
                return v
            if v not in self.footnotes:
                self.footnotes.append(v)
            head = v.split(" (", 1)[0] if v.startswith("refused") else "see"
            return "%s [e%d]" % (head, self.footnotes.index(v) + 1)
        return fmt % v

    def ratio(self, v, w):
        if isinstance(v, (int, float)) and isinstance(w, (int, float)) and w:
            return "%.2fx" % (v / w)
        return "-"

    def render(self, markdown=False):
        head = ["workload", "unit"] + self.cols + ["husk/crun", "husk/runc"]
        body = []
        for label, unit, values, fmt in self.rows:
            cells = [label, unit] + [self.cell(values.get(c), fmt) for c in self.cols]
            cells += [self.ratio(values.get("husk"), values.get("crun")),
                      self.ratio(values.get("husk"), values.get("runc"))]
            body.append(cells)
        out = []
        if markdown:
            out.append("| " + " | ".join(head) + " |")
            out.append("|" + "---|" * len(head))
            for cells in body:
                out.append("| " + " | ".join(c.replace("|", "\\|") for c in cells) + " |")
        else:
            widths = [max(len(r[i]) for r in [head] + body) for i in range(len(head))]
            widths = [min(w, 48) for w in widths]
            line = lambda cells: "  ".join(
                c.ljust(widths[i]) if i < 2 else c.rjust(widths[i]) for i, c in enumerate(cells))
            out.append(line(head))
            for cells in body:
                out.append(line(cells))
        out.append("")
        for i, n in enumerate(self.footnotes, 1):
            out.append("[e%d] %s" % (i, n))
        for i, n in enumerate(self.notes, 1):
            out.append(("%d. " % i) + n)
        return "\n".join(out)


def median(xs):
    return statistics.median(xs) if xs else None


def refused(err):
    return "refused (%s)" % err


# ---------------------------------------------------------------- workloads


class Bench:
    def __init__(self, args, runtimes, floor, bundles, table):
        self.a = args
        self.rts = runtimes
        self.floor = floor
        self.b = bundles
        self.t = table
        self.seq = 0
        self.extra_rts = []

    def cid(self, prefix):
        self.seq += 1
        return "%s%d" % (prefix, self.seq)

    def order(self, i):
        """Runtimes in an order that rotates with I."""
        k = i % len(self.rts)
        return self.rts[k:] + self.rts[:k]

    def log(self, msg):
        print("bench: " + msg, file=sys.stderr, flush=True)

    # (1), (2), (5): sequential runs of true
    def seq_runs(self, label, config, prefix, with_floor):
        n = self.a.n
        bundles = {rt.name: self.b.make(config, rt.name, prefix) for rt in self.rts}
        times = {rt.name: [] for rt in self.rts}
        cpu = {rt.name: [] for rt in self.rts}
        errs = {}
        if with_floor and self.floor:
            times["floor"], cpu["floor"] = [], []
        warm = 2
        self.log("%s: %d runs each (+%d warm-up)" % (label, n, warm))
        for i in range(n + warm):
            for rt in self.order(i):
                if rt.name in errs:
                    continue
                c = rt.do("run", "--bundle", bundles[rt.name], self.cid(prefix))
                if c.rc != 0:
                    errs[rt.name] = c.err
                    rt.delete_all()
                elif i >= warm:
                    times[rt.name].append(c.ms)
                    cpu[rt.name].append(c.cpu_ms)
            if "floor" in times:
                c = call([self.floor, self.b.rootfs], os.path.join(WORK, "err.floor"))
                if c.rc != 0:
                    errs["floor"] = c.err
                    del times["floor"]
                elif i >= warm:
                    times["floor"].append(c.ms)
                    cpu["floor"].append(c.cpu_ms)
            reap_orphans()
        t = {k: median(v) for k, v in times.items()}
        u = {k: median(v) for k, v in cpu.items()}
        for k, e in errs.items():
            t[k] = u[k] = refused(e)
        return t, u

    def peak_rss(self, config, prefix, op="run", reps=3):
        """Peak RSS of `run` (or `create`) through the static rss helper
        (see rss.c), median of REPS; the floor program too."""
        v = {}
        out = os.path.join(WORK, "rss.out")
        cmds = [(rt.name, rt.argv(op, "--bundle", self.b.make(config, rt.name, prefix)), rt)
                for rt in self.rts]
        if self.floor and config is self.minimal and op == "run":
            cmds.append(("floor", [self.floor, self.b.rootfs], None))
        for name, argv, rt in cmds:
            got = []
            for _ in range(reps):
                c = call([self.rss, out] + argv + [self.cid(prefix)] * (rt is not None),
                         os.path.join(WORK, "err.rss"))
                if rt:
                    rt.delete_all()
                if c.rc != 0:
                    v[name] = refused(c.err)
                    break
                with open(out) as f:
                    got.append(int(f.read()) / 1024)
            else:
                v[name] = median(got)
        reap_orphans()
        return v

    def run_minimal(self):
        t, u = self.seq_runs("run, minimal config", self.minimal, "m", True)
        self.t.add("(1) run true, minimal config", "ms", t)
        self.t.add("(1) CPU time of that run (user+sys, whole process tree)", "ms", u)

    def run_podman(self):
        t, u = self.seq_runs("run, podman config", self.podman, "p", False)
        self.t.add("(2) run true, podman config", "ms", t)
        self.t.add("(2) CPU time of that run (user+sys, whole process tree)", "ms", u)
        if self.podman_adapted is not None:
            t2, u2 = self.seq_runs("run, podman config (adapted)", self.podman_adapted, "q", False)
            self.t.add("(2b) run true, podman config minus what husk refuses", "ms", t2)
            self.t.add("(2b) CPU time of that run", "ms", u2)

    # (3): create, start, delete separately
    def lifecycle(self):
        n = self.a.n
        steps = ("create", "start", "delete")
        times = {rt.name: {s: [] for s in steps} for rt in self.rts}
        errs = {}
        bundles = {rt.name: self.b.make(self.minimal, rt.name, "l") for rt in self.rts}
        self.log("create/start/delete: %d each" % n)
        for i in range(n + 1):
            for rt in self.order(i):
                if rt.name in errs:
                    continue
                cid = self.cid("l")
                pidfile = os.path.join(WORK, "pid." + rt.name)
                try:
                    c1 = rt.must("create", "--bundle", bundles[rt.name], "--pid-file", pidfile, cid)
                    with open(pidfile) as f:
                        pid = int(f.read().strip())
                    c2 = rt.must("start", cid)
                    wait_exit(pid)
                    c3 = rt.must("delete", cid)
                except (Refused, OSError, ValueError) as e:
                    errs[rt.name] = str(e)
                    rt.delete_all()
                    continue
                if i >= 1:
                    for s, c in zip(steps, (c1, c2, c3)):
                        times[rt.name][s].append(c.ms)
            reap_orphans()
        for s in steps:
            v = {k: median(d[s]) for k, d in times.items()}
            for k, e in errs.items():
                v[k] = refused(e)
            self.t.add("(3) %s (minimal config; delete after exit)" % s, "ms", v)

    # (4): exec
    def exec_latency(self):
        n = self.a.n
        cfg = json.loads(json.dumps(self.minimal))
        cfg["process"]["args"] = ["sleep", "100000"]
        v = {}
        self.log("exec: %d each" % n)
        live = {}
        for rt in self.rts:
            cid = self.cid("x")
            c = rt.do("run", "--detach", "--bundle", self.b.make(cfg, rt.name, "x"), cid)
            if c.rc != 0:
                v[rt.name] = refused("run --detach: " + c.err)
            else:
                live[rt.name] = cid
        times = {k: [] for k in live}
        for i in range(n + 1):
            for rt in self.order(i):
                if rt.name not in live or rt.name in v:
                    continue
                c = rt.do("exec", live[rt.name], "true")
                if c.rc != 0:
                    v[rt.name] = refused(c.err)
                elif i >= 1:
                    times[rt.name].append(c.ms)
        for rt in self.rts:
            if rt.name in live:
                rt.do("delete", "--force", live[rt.name])
                if rt.name not in v:
                    v[rt.name] = median(times[rt.name])
        reap_orphans()
        self.t.add("(4) exec ID true into a running container", "ms", v)

    # (6): the smallest memory limit
    def memory_floor(self):
        v = {}
        top = 64 << 20
        page = 4096
        self.log("memory limit: bisecting between 4 KiB and 64 MiB")
        for rt in self.rts:
            tries = []

            def ok(limit):
                cfg = json.loads(json.dumps(self.minimal))
                cfg["linux"].setdefault("resources", {})["memory"] = {"limit": limit}
                c = rt.do("run", "--bundle", self.b.make(cfg, rt.name, "k%d" % limit),
                          self.cid("k"), timeout=30)
                rt.delete_all()
                tries.append((limit, c.rc, c.err))
                return c.rc == 0, c.err

            good, err = ok(top)
            if not good:
                v[rt.name] = refused(err) if "memory" in err or "resources" in err \
                    else "fails even at 64 MiB (%s)" % err
                continue
            lo, hi = 0, top // page  # lo fails (or is 0), hi works, in pages
            while hi - lo > 1:
                mid = (lo + hi) // 2
                if ok(mid * page)[0]:
                    hi = mid
                else:
                    lo = mid
            # Near the edge a run can succeed once by luck (the charge
            # depends on timing: page cache, kernel allocations): the
            # answer is the smallest limit from there up where two more
            # runs in a row succeed.
            for _ in range(64):
                if ok(hi * page)[0] and ok(hi * page)[0]:
                    break
                hi += 1
            v[rt.name] = hi * page / 1024
        reap_orphans()
        self.t.add("(6) smallest memory.limit that runs true", "KiB", v, "%.0f")

    # (7): scale
    def scale(self):
        k = self.a.scale
        reps = self.a.scale_reps
        ops = ("create", "state", "list", "delete")
        v = {op: {} for op in ops}
        ratio = {op: {} for op in ops}
        fill = {}
        self.log("scale: %d containers per runtime, %d measurements per op" % (k, reps))
        for rt in self.rts:
            bundle = self.b.make(self.minimal, rt.name, "s")
            # Each created container needs its own cgroup.
            def create(cid):
                cfg_dir = self.b.make(self.minimal, rt.name, cid)
                return rt.do("create", "--bundle", cfg_dir, cid)

            def measure():
                res = {op: [] for op in ops}
                for r in range(reps + 1):  # the first is a warm-up
                    cid = self.cid("z")
                    steps = (("create",), ("state", cid), ("list",), ("delete", "--force", cid))
                    c = create(cid)
                    if c.rc != 0:
                        raise Refused(c.err)
                    if r:
                        res["create"].append(c.ms)
                    for op, args in zip(ops[1:], steps[1:]):
                        c = rt.do(*args)
                        if c.rc != 0:
                            raise Refused("%s: %s" % (op, c.err))
                        if r:
                            res[op].append(c.ms)
                    reap_orphans()
                return {op: median(x) for op, x in res.items()}

            try:
                empty = measure()
                t0 = time.monotonic()
                for i in range(k):
                    c = create("f%d" % i)
                    if c.rc != 0:
                        raise Refused("creating container %d: %s" % (i + 1, c.err))
                fill[rt.name] = (time.monotonic() - t0) * 1000 / k
                full = measure()
                for op in ops:
                    v[op][rt.name] = full[op]
                    ratio[op][rt.name] = "%.2f / %.2f = %.2fx" % (full[op], empty[op], full[op] / empty[op])
            except Refused as e:
                for op in ops:
                    v[op][rt.name] = ratio[op][rt.name] = refused(str(e))
            t0 = time.monotonic()
            rt.delete_all()
            if rt.name in fill:
                fill[rt.name + "-delete"] = (time.monotonic() - t0) * 1000 / max(k, 1)
        for op in ops:
            self.t.add("(7) %s with %d created containers" % (op, k), "ms", v[op])
        for op in ops:
            self.t.add("(7) %s: with %d / empty" % (op, k), "ms/ms", ratio[op])
        self.t.add("(7) filling: create, mean of the %d" % k, "ms",
                   {rt.name: fill.get(rt.name) for rt in self.rts})
        self.t.add("(7) emptying: delete --force, mean of the %d" % k, "ms",
                   {rt.name: fill.get(rt.name + "-delete") for rt in self.rts})

    # (8): parallel
    def parallel(self):
        p = self.a.parallel
        reps = self.a.parallel_reps
        v = {}
        self.log("parallel: %d at once, %d times each" % (p, reps))
        walls = {rt.name: [] for rt in self.rts}
        for i in range(reps):
            for rt in self.order(i):
                if rt.name in v:
                    continue
                bundles = [self.b.make(self.minimal, rt.name, "par%d-%d" % (i, j)) for j in range(p)]
                errfile = os.path.join(WORK, "err.par")
                t0 = time.perf_counter_ns()
                pids = [spawn(rt.argv("run", "--bundle", bundles[j], self.cid("par")),
                              errfile + ".%d" % j) for j in range(p)]
                bad = None
                for j, pid in enumerate(pids):
                    c = wait_call(pid, t0, errfile + ".%d" % j)
                    if c.rc != 0 and bad is None:
                        bad = c.err
                wall = (time.perf_counter_ns() - t0) / 1e6
                if bad:
                    v[rt.name] = refused(bad)
                    rt.delete_all()
                else:
                    walls[rt.name].append(wall)
                reap_orphans()
        for rt in self.rts:
            if rt.name not in v:
                v[rt.name] = median(walls[rt.name])
        self.t.add("(8) %d runs of true started at once, wall time" % p, "ms", v, "%.0f")


    # (9): where the time goes, by difference: the minimal config with one
    # thing taken out at a time, all variants interleaved.
    def variants(self):
        n = self.a.n
        base = self.minimal

        def without_ns(kind):
            c = json.loads(json.dumps(base))
            c["linux"]["namespaces"] = [x for x in c["linux"]["namespaces"] if x["type"] != kind]
            return c

        def without_mount(dest):
            c = json.loads(json.dumps(base))
            c["mounts"] = [m for m in c["mounts"] if m["destination"] != dest]
            return c

        def without_resources():
            c = json.loads(json.dumps(base))
            c["linux"].pop("resources", None)
            return c

        def bare():
            c = without_ns("network")
            c["mounts"] = [m for m in c["mounts"] if m["destination"] == "/proc"]
            c["linux"].pop("resources", None)
            return c

        disk = os.path.join(WORK, "disk-state")
        disk_rts = [Runtime(rt.name, rt.binary, disk) for rt in self.rts]
        self.extra_rts.extend(disk_rts)
        cases = [("baseline: the minimal config of (1)", base, self.rts),
                 ("state dir (--root) on disk (/tmp, ext4) instead of tmpfs", base, disk_rts),
                 ("minus the network namespace", without_ns("network"), self.rts),
                 ("minus the /sys mount", without_mount("/sys"), self.rts),
                 ("minus /dev/mqueue", without_mount("/dev/mqueue"), self.rts),
                 ("minus linux.resources (the devices cgroup rule)", without_resources(), self.rts),
                 ("only /proc; no netns; no resources", bare(), self.rts)]
        # The podman config as husk takes it: (2b) while husk refuses part
        # of (2), else (2) itself.
        pod, row = (self.podman_adapted, "2b") if self.podman_adapted is not None \
            else (self.podman, "2")
        if pod is not None:
            pod_noseccomp = json.loads(json.dumps(pod))
            pod_noseccomp["linux"].pop("seccomp", None)
            cases += [("podman config of (%s)" % row, pod, self.rts),
                      ("podman config of (%s) minus linux.seccomp" % row, pod_noseccomp, self.rts)]
        bundles = [{rt.name: self.b.make(cfg, rt.name, "v%d" % k) for rt in rts}
                   for k, (_, cfg, rts) in enumerate(cases)]
        floors = {0: [self.floor, self.b.rootfs], 2: [self.floor, "--no-netns", self.b.rootfs]}
        floor_times = {k: [] for k in floors} if self.floor else {}
        floor_cpu = {k: [] for k in floors}
        times = [{rt.name: [] for rt in rts} for _, _, rts in cases]
        cpu = [{rt.name: [] for rt in rts} for _, _, rts in cases]
        errs = [{} for _ in cases]
        self.log("variants: %d cases, %d runs each" % (len(cases), n))
        for i in range(n + 1):
            for k, (_, _, rts) in enumerate(cases):
                for rt in rts[i % len(rts):] + rts[:i % len(rts)]:
                    if rt.name in errs[k]:
                        continue
                    c = rt.do("run", "--bundle", bundles[k][rt.name], self.cid("v"))
                    if c.rc != 0:
                        errs[k][rt.name] = c.err
                        rt.delete_all()
                    elif i:
                        times[k][rt.name].append(c.ms)
                        cpu[k][rt.name].append(c.cpu_ms)
                if k in floor_times:
                    c = call(floors[k], os.path.join(WORK, "err.floor"))
                    if i and c.rc == 0:
                        floor_times[k].append(c.ms)
                        floor_cpu[k].append(c.cpu_ms)
            reap_orphans()
        for what, t, ft, unit in (("", times, floor_times, "ms"),
                                  ("CPU: ", cpu, floor_cpu, "CPU ms")):
            for k, (label, _, _) in enumerate(cases):
                v = {name: median(x) for name, x in t[k].items()}
                if k in ft:
                    v["floor"] = median(ft[k])
                for name, e in errs[k].items():
                    v[name] = refused(e)
                self.t.add("(9) %s%s" % (what, label), unit, v)


# ---------------------------------------------------------------- main


def main():
    global WORK
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--work", required=True)
    ap.add_argument("--husk", required=True)
    ap.add_argument("--floor")
    ap.add_argument("--rss", required=True)
    ap.add_argument("--rootfs", required=True)
    ap.add_argument("--podman-config")
    ap.add_argument("-n", type=int, default=100)
    ap.add_argument("--scale", type=int, default=1000)
    ap.add_argument("--scale-reps", type=int, default=5)
    ap.add_argument("--parallel", type=int, default=50)
    ap.add_argument("--parallel-reps", type=int, default=3)
    ap.add_argument("--only", default="1,2,3,4,5,6,7,8")
    ap.add_argument("--markdown", action="store_true")
    a = ap.parse_args()
    WORK = a.work
    only = set(a.only.split(","))

    # Not a child subreaper on purpose: a `delete --force` that waits for
    # the container's init to go away would wait for us to reap it (runc
    # polls for ~100 ms then), and that would be measured.
    #
    # Ctrl-C reaches us as KeyboardInterrupt (also when started with SIGINT
    # ignored, as a background job is); SIGTERM and SIGHUP do the same, so
    # that the cleanup always runs.
    for s in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(s, signal.default_int_handler)

    # The state dirs live on a tmpfs, as /run does on a usual host (on this
    # machine /run is on disk); it vanishes with the mount namespace.
    state = os.path.join(WORK, "state")
    os.makedirs(state)
    subprocess.run(["mount", "-t", "tmpfs", "-o", "mode=0700", "bench-state", state], check=True)
    rts = [Runtime("husk", a.husk, state), Runtime("crun", shutil.which("crun"), state),
           Runtime("runc", shutil.which("runc"), state)]
    cols = ["husk", "crun", "runc"] + (["floor"] if a.floor else [])
    table = Table(cols)
    bundles = Bundles(WORK, a.rootfs)
    bench = Bench(a, rts, a.floor, bundles, table)
    bench.rss = a.rss
    t_start = time.monotonic()
    try:
        husk = rts[0]

        def probe(cfg):
            c = husk.do("run", "--bundle", bundles.make(cfg, "husk", "probe"), bench.cid("probe"))
            husk.delete_all()
            return None if c.rc == 0 else c.err

        bench.minimal, dropped, err = adapt(minimal_config(), probe)
        if dropped:
            table.note("minimal config: `runc spec` with args [\"true\"], minus what husk refuses "
                       "today (dropped for all three runtimes): " + "; ".join(dropped))
        else:
            table.note("minimal config: `runc spec` with args [\"true\"], unchanged.")
        if err:
            table.note("husk refuses even the adapted minimal config: " + err)
        bench.podman = bench.podman_adapted = None
        if a.podman_config and ("2" in only or "9" in only):
            files = setup_podman_files()
            bench.podman = podman_config(a.podman_config, files)
            pc, pdropped, perr = adapt(json.loads(json.dumps(bench.podman)), probe)
            if pdropped and not perr:
                bench.podman_adapted = pc
                table.note("podman config adapted for (2b): " + "; ".join(pdropped))
            table.note("podman config: ../shared/testdata/podman-config.json with args [\"true\"], "
                       "the rootfs, netns, shm dir and bind-mounted files replaced by local ones.")

        if "1" in only:
            bench.run_minimal()
        if "2" in only and bench.podman:
            bench.run_podman()
        if "3" in only:
            bench.lifecycle()
        if "4" in only:
            bench.exec_latency()
        if "5" in only:
            table.add("(5) peak RSS of `run`, minimal config", "MiB", bench.peak_rss(bench.minimal, "r"))
            table.add("(5) peak RSS of `create`, minimal config", "MiB",
                      bench.peak_rss(bench.minimal, "c", op="create"))
            if bench.podman:
                table.add("(5) peak RSS of `run`, podman config", "MiB", bench.peak_rss(bench.podman, "R"))
            table.note("peak RSS: ru_maxrss from wait4 of the runtime process, started by vfork "
                       "from a tiny static parent (rss.c): the largest of the runtime and the "
                       "descendants it reaped (so `run` is at least busybox's own 1.3 MiB: the floor row); "
                       "`create` does not reap the container, so its row is the runtime alone.")
        if "6" in only:
            bench.memory_floor()
        if "7" in only:
            bench.scale()
        if "8" in only:
            bench.parallel()
        if "9" in only:
            bench.variants()
    except KeyboardInterrupt:
        print("\nbench: interrupted: cleaning up", file=sys.stderr)
        cleanup(rts + bench.extra_rts)
        raise SystemExit(130)
    except BaseException:
        cleanup(rts + bench.extra_rts)
        raise
    cleanup(rts + bench.extra_rts)
    table.note("medians; every iteration alternates the runtimes; timings include posix_spawn "
               "and wait4 of the runtime process; %d sequential runs per row (N); state dirs "
               "(--root) on a tmpfs, the shared busybox rootfs on disk." % a.n)
    table.note("bench took %.0f s." % (time.monotonic() - t_start))
    print(table.render(a.markdown))


def setup_podman_files():
    d = os.path.join(WORK, "podman")
    os.makedirs(os.path.join(d, "shm"), exist_ok=True)
    files = {"/dev/shm": os.path.join(d, "shm")}
    for dest, text in (("/etc/hostname", "17920233fd85\n"),
                       ("/etc/resolv.conf", "nameserver 127.0.0.1\n"),
                       ("/etc/hosts", "127.0.0.1 localhost\n"),
                       ("/run/.containerenv", "")):
        p = os.path.join(d, os.path.basename(dest))
        with open(p, "w") as f:
            f.write(text)
        files[dest] = p
    # A network namespace bound to a file, as podman's netns is; it lives
    # as long as this private mount namespace.
    netns = os.path.join(d, "netns")
    open(netns, "w").close()
    subprocess.run(["unshare", "--net=" + netns, "true"], check=True)
    files["netns"] = netns
    return files


def cleanup(rts):
    # Ignore further signals while cleaning up.
    for s in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(s, signal.SIG_IGN)
    for rt in rts:
        rt.delete_all()
    left = remove_bench_cgroups()
    reap_orphans()
    if left:
        print("bench: cgroups left behind: " + ", ".join(left), file=sys.stderr)


WORK = None
if __name__ == "__main__":
    main()
