#!/usr/bin/env python3
"""The differential lane: the same bundles and command sequences with runc
and with husk, compared.

  HUSK=build/husk PROBE=build/tests/compat/probe tests/compat/run.py [CASE-GLOB...]

Bundle cases (corpus.py): each config.json runs tests/compat/probe in the
shared busybox rootfs under both runtimes (`run`, stdin /dev/null); the
probe's report of what the process sees and the exit status are compared.
Command cases (commands.py): the same command sequence with both runtimes,
each step's exit status, stdout (normalised: ids, pids, times, paths) and
whether it wrote to stderr (the wording of an error is each runtime's own)
compared.  A difference passes only when tests/compat/known-differences
lists it (case glob, key regex, kind, section of docs/runc-differences.md).

Prints one line per case, `ok CASE` or `DIFF CASE` followed by the
differences, and `N passed, N failed` last.  Needs root.  Every container
of both runtimes, the namespace holder, the mounts and the cgroups it made
are removed at the end, on failure too.
"""
import copy
import fnmatch
import os
import re
import shlex
import shutil
import signal
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.dont_write_bytecode = True  # nothing written into the source tree
import commands  # noqa: E402
import corpus  # noqa: E402

TIMEOUT = 20  # seconds any one runtime command may take


class Lane:
    def __init__(self, husk, runc, probe):
        self.work = tempfile.mkdtemp(prefix="husk-compat.", dir="/tmp")
        os.chmod(self.work, 0o755)
        self.runtimes = {"runc": runc, "husk": husk}
        self.roots = {n: os.path.join(self.work, "root-" + n) for n in self.runtimes}
        self.rootfs = os.path.join(self.work, "rootfs")
        self.probe = probe
        self.holder = None
        self.private_dir = None
        self.cgroup_parent = "husk-compat-%d" % os.getpid()

    # --- the shared rootfs and the namespaces to join ----------------------
    def setup(self):
        r = self.rootfs
        # The mount points of the edge cases are there: a mapped root
        # (edge-userns-mapped-binds) may not make them in a root-owned rootfs.
        for d in ("bin", "dev", "proc", "sys/fs/cgroup", "tmp", "etc", "home/user", "root", "run", "var/tmp",
                  "mnt/private", "mnt/etc", "mnt/ro-bind", "mnt/proc", "mnt/bind-data"):
            os.makedirs(os.path.join(r, d), exist_ok=True)
        os.chmod(os.path.join(r, "tmp"), 0o1777)
        shutil.copy("/bin/busybox", os.path.join(r, "bin/busybox"))
        for a in ("sh", "cat", "echo", "sleep", "true", "false", "ls", "id", "kill", "env", "test"):
            os.symlink("busybox", os.path.join(r, "bin", a))
        shutil.copy(self.probe, os.path.join(r, "probe"))
        os.chmod(os.path.join(r, "probe"), 0o755)
        os.makedirs(os.path.join(self.work, "hooks"))
        # A bind source that only the host's root may read (edge-userns-mapped-binds).
        self.private_dir = os.path.join(self.work, "private")
        os.makedirs(self.private_dir)
        os.chmod(self.private_dir, 0o700)
        with open(os.path.join(r, "etc/passwd"), "w") as f:
            f.write("root:x:0:0:root:/root:/bin/sh\nuser:x:1000:1000:user:/home/user:/bin/sh\n"
                    "nobody:x:65534:65534:nobody:/nonexistent:/bin/sh\n")
        with open(os.path.join(r, "etc/group"), "w") as f:
            f.write("root:x:0:\ntty:x:5:\nwheel:x:10:user\nuser:x:1000:\nnogroup:x:65534:\n")
        os.chown(os.path.join(r, "home/user"), 1000, 1000)
        # The namespaces cases join: a sleeper in new ones (unshare execs
        # sleep in a forked child, pid 1 of its pid namespace).
        self.holder = subprocess.Popen(
            ["unshare", "--ipc", "--uts", "--net", "--mount", "--cgroup", "--pid", "--fork",
             "--kill-child", "sleep", "100000"], stdin=subprocess.DEVNULL, start_new_session=True)
        child = None
        for _ in range(200):
            try:
                with open("/proc/%d/task/%d/children" % (self.holder.pid, self.holder.pid)) as f:
                    kids = f.read().split()
                if kids and os.readlink("/proc/%s/exe" % kids[0]).endswith("sleep"):
                    child = int(kids[0])
                    break
            except OSError:
                pass
            subprocess.run(["sleep", "0.05"])
        if child is None:
            raise RuntimeError("the namespace holder did not start")
        self.holder_pid = child
        labels = []
        for kind in ("cgroup", "ipc", "mnt", "net", "pid", "time", "user", "uts"):
            labels.append("%d host" % os.stat("/proc/self/ns/" + kind).st_ino)
            ino = os.stat("/proc/%d/ns/%s" % (child, kind)).st_ino
            if ino != os.stat("/proc/self/ns/" + kind).st_ino:
                labels.append("%d joined" % ino)
        with open(os.path.join(r, "compat-ns"), "w") as f:
            f.write("\n".join(labels) + "\n")

    def ns_path(self, kind):
        return "/proc/%d/ns/%s" % (self.holder_pid, kind)

    def own_mount_ns(self, config):
        """config for one run, and the fd holding its mount namespace (or
        None).  A config joining the holder's mount namespace gets a new
        one instead, for each run: a runtime pivots the root of every
        process in the mount namespace it joins, so after the first
        runtime the holder's root would be that container's root and
        root.path would not be there for the second (runc then fails as
        husk did).  As helpers.bash's make_mount_ns, this process holds it
        by an fd, with no process in it; it is labelled "joined" for the
        probe."""
        nss = config.get("linux", {}).get("namespaces", [])
        if not any(n.get("path") == self.ns_path("mnt") for n in nss):
            return config, None
        p = subprocess.Popen(["unshare", "--mount", "--propagation", "private", "sh", "-c", "echo in; exec sleep 1000"],
                             stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, cwd="/")
        try:
            if p.stdout.readline() != b"in\n":
                raise RuntimeError("unshare --mount made no mount namespace")
            fd = os.open("/proc/%d/ns/mnt" % p.pid, os.O_RDONLY | os.O_CLOEXEC)
        finally:
            p.kill()
            p.wait()
        with open(os.path.join(self.rootfs, "compat-ns"), "a") as f:
            f.write("%d joined\n" % os.fstat(fd).st_ino)
        config = copy.deepcopy(config)
        for n in config["linux"]["namespaces"]:
            if n.get("path") == self.ns_path("mnt"):
                n["path"] = "/proc/%d/fd/%d" % (os.getpid(), fd)
        return config, fd

    def release_mount_ns(self, fd):
        """Undoes own_mount_ns: the namespace goes, and its label with it
        (the kernel gives its inode number to the next new namespace)."""
        path = os.path.join(self.rootfs, "compat-ns")
        label = "%d joined\n" % os.fstat(fd).st_ino
        os.close(fd)
        with open(path) as f:
            lines = [l for l in f if l != label]
        with open(path, "w") as f:
            f.write("".join(lines))

    # --- running a runtime -------------------------------------------------
    def rt(self, name, args, stdin=None, timeout=TIMEOUT, tty=False):
        """Runs runtime NAME with its root; returns (status, stdout, stderr).
        With tty, under script(1): the runtime's stdio is a terminal."""
        cmd = [self.runtimes[name], "--root", self.roots[name]] + args
        if tty:
            cmd = ["script", "-qefc", shlex.join(cmd), "/dev/null"]
        # Files, not pipes: a container started by create or run --detach
        # inherits them, and a pipe would wait for it to exit.
        with tempfile.TemporaryFile() as i, tempfile.TemporaryFile() as o, tempfile.TemporaryFile() as e:
            i.write(stdin or b"")
            i.seek(0)
            try:
                p = subprocess.run(cmd, stdin=i, stdout=o, stderr=e, timeout=timeout, cwd=self.work)
                status = p.returncode
            except subprocess.TimeoutExpired:
                status = 124
            o.seek(0)
            e.seek(0)
            out, err = o.read().decode(errors="replace"), e.read().decode(errors="replace")
            if status == 124:
                err += "timeout after %ss" % timeout
            return status, out, err

    def cleanup(self):
        for name in self.runtimes:
            if not os.path.isdir(self.roots[name]):
                continue
            st, out, _ = self.rt(name, ["list", "-q"])
            for cid in out.split():
                self.rt(name, ["delete", "--force", cid])
        if self.holder:
            try:
                os.killpg(self.holder.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            self.holder.wait()
        with open("/proc/self/mountinfo") as f:
            points = [line.split()[4] for line in f]
        for m in sorted((p for p in points if p.startswith(self.work)), reverse=True):
            subprocess.run(["umount", "-l", m], stderr=subprocess.DEVNULL)
        # What a runtime left in the lane's cgroups (a hung command, a
        # failed delete): thawed, killed, removed.
        dirs = [w[0] for top in os.listdir("/sys/fs/cgroup")
                for w in os.walk(os.path.join("/sys/fs/cgroup", top, self.cgroup_parent))]
        for d in dirs:
            if os.path.exists(os.path.join(d, "freezer.state")):
                with open(os.path.join(d, "freezer.state"), "w") as f:
                    f.write("THAWED")
        for d in dirs:
            try:
                with open(os.path.join(d, "cgroup.procs")) as f:
                    for pid in f.read().split():
                        os.kill(int(pid), signal.SIGKILL)
            except OSError:
                pass
        for d in sorted(dirs, key=len, reverse=True):
            for _ in range(50):
                try:
                    os.rmdir(d)
                    break
                except FileNotFoundError:
                    break
                except OSError:
                    subprocess.run(["sleep", "0.1"])
        shutil.rmtree(self.work, ignore_errors=True)


# --- known differences -------------------------------------------------------
def load_known(path, doc):
    """Lines: CASE-GLOB <TAB> KEY-REGEX <TAB> KIND <TAB> SECTION; # comments.
    Each SECTION must be a heading of doc (docs/runc-differences.md)."""
    with open(doc) as f:
        headings = {line.lstrip("#").strip() for line in f if line.startswith("#")}
    known = []
    with open(path) as f:
        for n, line in enumerate(f, 1):
            line = line.rstrip("\n")
            if not line.strip() or line.startswith("#"):
                continue
            parts = line.split("\t")
            if len(parts) != 4 or not (parts[2] == "intentional" or parts[2].startswith("pending: ")):
                raise SystemExit("%s:%d: want CASE<TAB>KEY-REGEX<TAB>intentional|pending: WHAT<TAB>SECTION" % (path, n))
            if parts[3] not in headings:
                raise SystemExit("%s:%d: no heading \"%s\" in %s" % (path, n, parts[3], doc))
            try:
                key = re.compile(parts[1])
            except re.error as e:
                raise SystemExit("%s:%d: %s" % (path, n, e))
            known.append({"case": parts[0], "key": key, "kind": parts[2],
                          "section": parts[3], "line": n, "used": False})
    return known


def explain(known, case, key):
    for k in known:
        if fnmatch.fnmatchcase(case, k["case"]) and k["key"].search(key):
            k["used"] = True
            return k
    return None


def report(case, diffs, known, results, note=""):
    """diffs: list of (key, runc_text, husk_text).  A known-differences
    pattern is matched against "KEY | runc: A | husk: B", the values' lines
    joined by " / "."""
    unlisted, listed = [], []
    for key, a, b in diffs:
        k = explain(known, case, "%s | runc: %s | husk: %s" % (key, a.strip().replace("\n", " / "), b.strip().replace("\n", " / ")))
        (listed if k else unlisted).append((key, a, b, k))
    if unlisted:
        print("DIFF %s" % case)
        for key, a, b, _ in unlisted:
            print("  %s" % key)
            print("    runc: %s" % a.replace("\n", "\n          "))
            print("    husk: %s" % b.replace("\n", "\n          "))
        results.append(False)
    else:
        notes = sorted({k["section"] for _, _, _, k in listed})
        print("ok %s%s%s" % (case, note, " [known: %s]" % "; ".join(notes) if notes else ""))
        results.append(True)


def lines_by_key(text):
    """Probe output -> {key: [values]} (a key is what comes before ': ')."""
    d = {}
    for line in text.splitlines():
        key, _, val = line.partition(": ")
        d.setdefault(key, []).append(val)
    return d


def run_bundle_case(lane, case, config, known, results):
    cid = "compat-" + re.sub(r"[^a-z0-9-]", "-", case.lower())
    bundle = os.path.join(lane.work, "bundles", case)
    os.makedirs(bundle, exist_ok=True)
    outs = {}
    opts = config.get("_compat", {})
    hooks = os.path.join(lane.work, "hooks")
    for name in lane.runtimes:
        run_config, mnt_fd = lane.own_mount_ns(config)
        corpus.write_config(bundle, run_config)
        status, out, err = lane.rt(name, ["run"] + opts.get("run_args", []) + ["--bundle", bundle, cid],
                                   tty=opts.get("tty", False))
        lane.rt(name, ["delete", "--force", cid])
        if mnt_fd is not None:
            lane.release_mount_ns(mnt_fd)
        # A pty behind a pty ends lines with \r\r\n, and script(1) echoes
        # the end of its stdin as ^@ before the probe's first line.
        out = out.replace("\r", "").replace("^@", "")
        report_ = re.search(r"--- probe\n(.*?)^--- end$", out, re.S | re.M)
        if report_ is None:  # the probe did not run: what there is is an error
            out, err = "", err + out
        else:
            out = report_.group(1)
        for kind in sorted(os.listdir(hooks)):  # edge-hooks
            with open(os.path.join(hooks, kind)) as f:
                out += "".join("hook %s: %s\n" % (kind, l.replace(lane.work, "<work>")) for l in f.read().splitlines())
            os.unlink(os.path.join(hooks, kind))
        outs[name] = (status, out, err)
    (sa, oa, ea), (sb, ob, eb) = outs["runc"], outs["husk"]
    diffs = []
    if sa != sb:
        diffs.append(("exit", "%d %s" % (sa, ea.strip()[-400:]), "%d %s" % (sb, eb.strip()[-400:])))
    if bool(oa.strip()) != bool(ob.strip()):
        # One of them did not run the probe: its exit says why; the other's
        # whole report would say nothing more.
        if sa == sb:
            diffs.append(("exit", "%d %s" % (sa, ea.strip()[-400:]), "%d %s" % (sb, eb.strip()[-400:])))
        report(case, diffs, known, results, "")
        return
    if not oa.strip():
        report(case, diffs, known, results, " (neither ran it; runc: %d %s; husk: %d %s)" % (
            sa, ea.strip().splitlines()[-1][-200:] if ea.strip() else "", sb, eb.strip()[-200:]))
        return
    ka, kb = lines_by_key(oa), lines_by_key(ob)
    for key in sorted(set(ka) | set(kb)):
        if ka.get(key) != kb.get(key):
            diffs.append((key, "\n".join(ka.get(key, ["(absent)"])), "\n".join(kb.get(key, ["(absent)"]))))
    report(case, diffs, known, results)


def main():
    husk = os.environ.get("HUSK")
    probe = os.environ.get("PROBE")
    runc = os.environ.get("RUNC", shutil.which("runc") or "/usr/sbin/runc")
    if not husk or not probe:
        raise SystemExit("run.py: set HUSK (the husk binary) and PROBE (the static probe)")
    if os.geteuid() != 0:
        raise SystemExit("run.py: run as root")
    husk, probe = os.path.abspath(husk), os.path.abspath(probe)
    globs = sys.argv[1:] or ["*"]
    known = load_known(os.path.join(HERE, "known-differences"),
                       os.path.join(HERE, "..", "..", "docs", "runc-differences.md"))
    lane = Lane(husk, runc, probe)
    results = []
    try:
        lane.setup()
        for case, config, skip in corpus.cases(lane):
            if not any(fnmatch.fnmatchcase(case, g) for g in globs):
                continue
            if skip:
                print("ok %s # skip %s" % (case, skip))
                continue
            run_bundle_case(lane, case, config, known, results)
        for case, diffs in commands.cases(lane, globs):
            report(case, diffs, known, results)
    finally:
        lane.cleanup()
    if globs == ["*"]:
        for k in known:
            if not k["used"]:
                print("# known-differences:%d (%s %s) was not seen in this run" % (k["line"], k["case"], k["kind"]))
    passed = sum(results)
    print("%d passed, %d failed" % (passed, len(results) - passed))
    return 0 if passed == len(results) else 1


if __name__ == "__main__":
    sys.exit(main())
