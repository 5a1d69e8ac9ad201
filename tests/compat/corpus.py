"""The bundle cases of the compat lane: config.json files from the
ecosystem's generators and hand-written edge cases, each rewritten to run
the probe in the lane's rootfs.

Sources:
  spec-runc, spec-husk, spec-runc-rootless  `runc spec`, `husk spec`,
      `runc spec --rootless`, generated at run time by the binaries under test
  podman      shared/testdata/podman-config.json (skipped when shared/ is absent)
  docker-*, containerd-default, cri-sandbox, cri-container
              corpus/*.json, captured from the real engines by capture.sh
  edge-*      hand-written below, each on top of `runc spec`

rewrite() makes a config runnable here, the same for both runtimes:
  - root.path is the lane's rootfs; process.args is the probe; the cwd is
    kept (both runtimes make a missing one);
  - hooks go (but in edge-hooks): they name the engines' binaries (Docker's libnetwork-setkey,
    podman's, CRI's) and state of engines that are not running;
  - bind mounts whose source does not exist here go: the engines' files of
    the container (resolv.conf, hosts, hostname, /dev/shm of a sandbox,
    secrets);
  - a namespace joined by path (CRI's container joins its sandbox's) joins
    the lane's holder instead, the same kinds;
  - process.apparmorProfile, process.selinuxLabel and linux.mountLabel go:
    this host has no LSM, and both runtimes refuse a label there;
  - linux.cgroupsPath is the lane's own (one per case, the same for both
    runtimes, which run one after the other); a systemd-style path would
    need the systemd driver;
  - when no mount is at /sys/fs/cgroup, a read-only cgroup mount is added
    there so that the probe can read the limits and devices.list (`runc
    spec` has none);
  - a config with process.terminal runs under script(1), which gives the
    runtime's foreground `run` a terminal to proxy the pty to.
"""
import copy
import json
import os
import subprocess

HERE = os.path.dirname(os.path.abspath(__file__))


def write_config(bundle, config):
    """config.json, less the lane's own "_compat" member (how to run it:
    run_args, tty)."""
    c = {k: v for k, v in config.items() if k != "_compat"}
    with open(os.path.join(bundle, "config.json"), "w") as f:
        json.dump(c, f, indent=1)


def rewrite(lane, case, config):
    c = copy.deepcopy(config)
    c["root"] = dict(c.get("root") or {}, path=lane.rootfs)
    p = c.setdefault("process", {})
    p["args"] = ["/probe"]
    if p.get("terminal"):
        c.setdefault("_compat", {})["tty"] = True
    p.pop("consoleSize", None)
    p.pop("apparmorProfile", None)
    p.pop("selinuxLabel", None)
    # This host's root has no CAP_SYS_RESOURCE in its bounding set: a
    # process cannot be given it, nor lower its oom_score_adj (CRI's
    # sandbox asks for -998).  Both go; edge-cap-not-in-bounding and
    # edge-oom-score-adj-negative keep them.
    if not case.startswith("edge-"):
        for k, caps in (p.get("capabilities") or {}).items():
            p["capabilities"][k] = [x for x in caps if x != "CAP_SYS_RESOURCE"]
        if (p.get("oomScoreAdj") or 0) < 0:
            del p["oomScoreAdj"]
    if not case.startswith("edge-"):
        c.pop("hooks", None)
    mounts = []
    for m in c.get("mounts") or []:
        bind = m.get("type") == "bind" or any(o in ("bind", "rbind") for o in m.get("options") or [])
        if bind and m.get("source", "").startswith("/") and not os.path.exists(m["source"]):
            continue
        mounts.append(m)
    if not any(os.path.normpath(m["destination"]) == "/sys/fs/cgroup" for m in mounts):
        mounts.append({"destination": "/sys/fs/cgroup", "type": "cgroup", "source": "cgroup",
                       "options": ["nosuid", "noexec", "nodev", "relatime", "ro"]})
    c["mounts"] = mounts
    lx = c.setdefault("linux", {})
    lx.pop("mountLabel", None)
    for ns in lx.get("namespaces") or []:
        if ns.get("path"):
            ns["path"] = lane.ns_path({"network": "net", "mount": "mnt"}.get(ns["type"], ns["type"]))
    lx["cgroupsPath"] = "/%s/%s" % (lane.cgroup_parent, case)
    return c


def generated(lane, name, args):
    d = os.path.join(lane.work, "spec-" + name + "-" + "-".join(a.strip("-") for a in args))
    if os.path.exists(os.path.join(d, "config.json")):
        os.unlink(os.path.join(d, "config.json"))
    os.makedirs(d, exist_ok=True)
    subprocess.run([lane.runtimes[name], "spec", "--bundle", d] + args, check=True,
                   stdout=subprocess.DEVNULL)
    with open(os.path.join(d, "config.json")) as f:
        return json.load(f)


def shared_dir():
    """The shared/ beside the checkout (CI), or beside the worktrees."""
    src = os.path.dirname(os.path.dirname(HERE))
    for d in (os.path.join(src, "..", "shared"), os.path.join(src, "..", "..", "shared")):
        if os.path.isdir(d):
            return d
    return None


def edge_cases(lane, base):
    """Hand-written: each namespace kind absent or joined, a read-only root,
    a user namespace, devices, every resource, the process's members."""
    def variant(f):
        c = copy.deepcopy(base)
        f(c)
        return c

    def ns_without(kind):
        def f(c):
            c["linux"]["namespaces"] = [n for n in c["linux"]["namespaces"] if n["type"] != kind]
            if kind == "uts":
                c.pop("hostname", None)
                c.pop("domainname", None)
        return f

    def ns_joined(*kinds):
        def f(c):
            nss = [n for n in c["linux"]["namespaces"] if n["type"] not in kinds]
            for k in kinds:
                nss.append({"type": k, "path": "joined"})  # rewrite() names the holder's
            c["linux"]["namespaces"] = nss
            if "uts" in kinds:
                c.pop("hostname", None)
        return f

    out = []
    for kind in ("pid", "network", "ipc", "uts", "mount", "cgroup"):
        out.append(("edge-no-%s-ns" % kind, variant(ns_without(kind))))
    out.append(("edge-ns-cgroup", variant(lambda c: c["linux"]["namespaces"].append({"type": "cgroup"}))))
    out.append(("edge-ns-time", variant(lambda c: c["linux"]["namespaces"].append({"type": "time"}) or c["linux"].update(
        timeOffsets={"monotonic": {"secs": 3600, "nanosecs": 0}, "boottime": {"secs": 7200, "nanosecs": 5}}))))
    out.append(("edge-join-net-ipc-uts", variant(ns_joined("network", "ipc", "uts"))))
    out.append(("edge-join-pid", variant(ns_joined("pid"))))
    out.append(("edge-join-mount", variant(ns_joined("mount"))))
    out.append(("edge-join-uts-hostname", variant(lambda c: ns_joined("uts")(c) or c.update(hostname="compat"))))
    out.append(("edge-rw-root", variant(lambda c: c["root"].update(readonly=False))))

    def userns(c):
        c["linux"]["namespaces"].append({"type": "user"})
        c["linux"]["uidMappings"] = [{"containerID": 0, "hostID": 0, "size": 65536}]
        c["linux"]["gidMappings"] = [{"containerID": 0, "hostID": 0, "size": 65536}]
    out.append(("edge-userns", variant(userns)))
    out.append(("edge-userns-nonroot", variant(lambda c: userns(c) or c["process"].update(
        user={"uid": 1000, "gid": 1000, "additionalGids": [10]}))))

    def devices(c):
        c["linux"]["devices"] = [
            {"path": "/dev/compat-null", "type": "c", "major": 1, "minor": 3, "fileMode": 0o640, "uid": 0, "gid": 5},
            {"path": "/dev/sub/zero", "type": "c", "major": 1, "minor": 5},
            {"path": "/dev/compat-loop", "type": "b", "major": 7, "minor": 0, "fileMode": 0o600}]
        c["linux"]["resources"]["devices"] = [
            {"allow": False, "access": "rwm"},
            {"allow": True, "type": "c", "major": 1, "minor": 3, "access": "rwm"},
            {"allow": True, "type": "c", "major": 1, "minor": 5, "access": "r"},
            {"allow": True, "type": "b", "major": 7, "access": "rw"},
            {"allow": True, "type": "c", "major": 136, "access": "rwm"},
            {"allow": True, "type": "c", "major": 5, "minor": 2, "access": "rwm"}]
    out.append(("edge-devices", variant(devices)))
    out.append(("edge-devices-allow-all", variant(lambda c: c["linux"]["resources"].update(
        devices=[{"allow": True, "access": "rwm"}]))))

    def resources(c):
        c["linux"]["resources"].update({
            "memory": {"limit": 67108864, "reservation": 33554432, "swap": 134217728, "swappiness": 10,
                       "disableOOMKiller": False, "kernelTCP": 16777216},
            "cpu": {"shares": 512, "quota": 50000, "period": 100000, "cpus": "0", "mems": "0"},
            "pids": {"limit": 123},
            "blockIO": {"throttleReadBpsDevice": [{"major": 254, "minor": 0, "rate": 1048576}],
                        "throttleWriteIOPSDevice": [{"major": 254, "minor": 0, "rate": 100}]},
        })
    out.append(("edge-resources", variant(resources)))
    # What Docker writes for a container without --cpu-rt-*: zeros.
    out.append(("edge-cpu-realtime-zero", variant(lambda c: c["linux"]["resources"].update(
        cpu={"shares": 512, "realtimeRuntime": 0, "realtimePeriod": 0}))))
    out.append(("edge-hugetlb", variant(lambda c: c["linux"]["resources"].update(
        hugepageLimits=[{"pageSize": "2MB", "limit": 4194304}]))))
    out.append(("edge-blkio-weight", variant(lambda c: c["linux"]["resources"].update(
        blockIO={"weight": 300, "leafWeight": 300}))))
    out.append(("edge-blkio-weight-0", variant(lambda c: c["linux"]["resources"].update(
        blockIO={"weight": 0}))))
    out.append(("edge-cpu-quota-only", variant(lambda c: c["linux"]["resources"].update(
        cpu={"quota": 20000}))))
    out.append(("edge-cpu-period-only", variant(lambda c: c["linux"]["resources"].update(
        cpu={"period": 50000}))))
    out.append(("edge-memory-unlimited", variant(lambda c: c["linux"]["resources"].update(
        memory={"limit": -1, "swap": -1}))))

    def process(c):
        c["process"].update({
            "user": {"uid": 1000, "gid": 1000, "umask": 0o027, "additionalGids": [10, 5]},
            "cwd": "/home/user",
            "env": ["PATH=/bin", "B=2", "A=1"],
            "rlimits": [{"type": "RLIMIT_NOFILE", "hard": 4096, "soft": 1024},
                        {"type": "RLIMIT_CORE", "hard": 0, "soft": 0},
                        {"type": "RLIMIT_NPROC", "hard": 500, "soft": 400}],
            "oomScoreAdj": 500,
            "noNewPrivileges": False,
            "capabilities": {"bounding": ["CAP_CHOWN", "CAP_KILL", "CAP_NET_RAW"],
                             "effective": ["CAP_KILL"], "permitted": ["CAP_KILL", "CAP_NET_RAW"],
                             "inheritable": ["CAP_NET_RAW"], "ambient": ["CAP_NET_RAW"]},
        })
    out.append(("edge-process", variant(process)))
    out.append(("edge-cap-not-in-bounding", variant(lambda c: [c["process"]["capabilities"][k].append(
        "CAP_SYS_RESOURCE") for k in ("bounding", "effective", "permitted")])))
    out.append(("edge-oom-score-adj-negative", variant(lambda c: c["process"].update(oomScoreAdj=-500))))
    out.append(("edge-home-from-passwd", variant(lambda c: c["process"].update(
        user={"uid": 1000, "gid": 1000}, env=["PATH=/bin"]))))
    out.append(("edge-home-root", variant(lambda c: c["process"].update(env=["PATH=/bin"]))))
    out.append(("edge-cwd-missing-ro-root", variant(lambda c: c["process"].update(cwd="/no/such/dir"))))
    out.append(("edge-cwd-missing-rw-root", variant(lambda c: c["root"].update(readonly=False) or
                                                    c["process"].update(cwd="/no/such/dir"))))
    out.append(("edge-personality-sched", variant(lambda c: c["process"].update(
        scheduler={"policy": "SCHED_BATCH", "nice": 5},
        ioPriority={"class": "IOPRIO_CLASS_BE", "priority": 6}) or c["linux"].update(
        personality={"domain": "LINUX32"}))))
    out.append(("edge-sysctl-domainname", variant(lambda c: c.update(domainname="compat.example") or
                                                  c["linux"].update(sysctl={"kernel.shm_rmid_forced": "1",
                                                                            "net.ipv4.ip_forward": "1"}))))
    out.append(("edge-mounts", variant(lambda c: c["mounts"].extend([
        {"destination": "/tmp", "type": "tmpfs", "source": "tmpfs", "options": ["nosuid", "nodev", "size=1m", "mode=1777"]},
        {"destination": "/mnt/ro-bind", "type": "bind", "source": "/etc", "options": ["rbind", "ro", "nosuid"]},
        {"destination": "/mnt/private", "type": "bind", "source": "/etc", "options": ["bind", "rprivate"]},
        {"destination": "/mnt/proc", "type": "proc", "source": "proc", "options": ["nosuid", "noexec"]},
    ]))))
    # A filesystem's data option on a bind (runc passes it to mount(2), which
    # ignores it for a bind).
    out.append(("edge-bind-data-options", variant(lambda c: c["mounts"].append(
        {"destination": "/mnt/bind-data", "type": "none", "source": "/etc", "options": ["bind", "ro", "mode=700"]}))))
    out.append(("edge-ro-dev", variant(lambda c: c["mounts"].__setitem__(
        [m["destination"] for m in c["mounts"]].index("/dev"),
        {"destination": "/dev", "type": "tmpfs", "source": "tmpfs", "options": ["nosuid", "strictatime", "mode=755", "size=65536k", "ro"]}))))
    out.append(("edge-rootfs-propagation", variant(lambda c: c["linux"].update(rootfsPropagation="slave"))))
    out.append(("edge-masked-readonly", variant(lambda c: c["linux"].update(
        maskedPaths=["/proc/kcore", "/proc/no-such", "/sys/firmware", "/etc/group"],
        readonlyPaths=["/proc/sys", "/proc/no-such-either", "/etc/passwd"]))))
    def hooks(c):
        # Each hook records its cwd and the state's status it was given.
        d = os.path.join(lane.work, "hooks")
        def hook(kind):
            return {"path": "/bin/sh", "env": ["PATH=/usr/bin:/bin"], "args": ["sh", "-c",
                    'pwd > %s/%s; sed -n \'s/.*"status": *"\\([a-z]*\\)".*/\\1/p\' >> %s/%s' % (d, kind, d, kind)]}
        c["hooks"] = {k: [hook(k)] for k in ("prestart", "createRuntime", "poststart", "poststop")}
    out.append(("edge-hooks", variant(hooks)))

    def seccomp(*rules, default="SCMP_ACT_ALLOW"):
        def f(c):
            c["linux"]["seccomp"] = {"defaultAction": default, "architectures": ["SCMP_ARCH_X86_64"],
                                     "syscalls": list(rules)}
        return f
    query = {"index": 0, "value": 0xffffffff, "op": "SCMP_CMP_EQ"}
    # Two conditions on two arguments: both must hold.
    out.append(("edge-seccomp-two-args", variant(seccomp(
        {"names": ["personality"], "action": "SCMP_ACT_ERRNO", "errnoRet": 13,
         "args": [query, {"index": 1, "value": 0, "op": "SCMP_CMP_EQ"}]}))))
    # Two conditions on one argument: runc makes a rule of each.
    out.append(("edge-seccomp-same-arg", variant(seccomp(
        {"names": ["personality"], "action": "SCMP_ACT_ERRNO", "errnoRet": 13,
         "args": [query, {"index": 0, "value": 8, "op": "SCMP_CMP_EQ"}]}))))
    # An allow list with an errno default: what the engines' profiles do.
    out.append(("edge-seccomp-allowlist", variant(seccomp(
        {"names": ["read", "write", "openat", "open", "close", "fstat", "newfstatat", "lseek", "mmap",
                   "munmap", "brk", "exit_group", "exit", "getdents64", "readlink", "readlinkat", "getcwd",
                   "uname", "getuid", "geteuid", "getgid", "getegid", "getgroups", "prctl", "getrlimit",
                   "prlimit64", "personality", "sched_getscheduler", "getpriority", "ioprio_get", "access",
                   "faccessat", "faccessat2", "lstat", "stat", "statx", "ioctl", "execve", "arch_prctl",
                   "set_tid_address", "set_robust_list", "rseq", "mprotect", "futex", "rt_sigaction",
                   "rt_sigprocmask", "fcntl", "dup2", "dup3", "getpid", "getppid", "keyctl",
                   # what runc's init still calls once the filter is on
                   "fstatfs", "statfs", "capget", "capset", "setgroups", "setresuid", "setresgid",
                   "setuid", "setgid", "sigaltstack", "gettid", "tgkill", "nanosleep", "clock_gettime",
                   "close_range", "epoll_create1", "epoll_ctl", "epoll_pwait", "pipe2", "madvise",
                   "sched_yield", "getrandom", "fchdir", "chdir", "umask", "setsid", "kill",
                   "rt_sigreturn", "poll", "ppoll", "pread64", "readv", "writev", "sched_getaffinity",
                   "mlock", "munlock", "wait4", "waitid", "exit", "unlinkat", "mkdirat", "fchmodat",
                   "fchownat", "symlinkat"],
         "action": "SCMP_ACT_ALLOW"}, default="SCMP_ACT_ERRNO"))))
    out.append(("edge-no-pivot", variant(lambda c: c.update(_compat={"run_args": ["--no-pivot"]}))))
    out.append(("edge-tty", variant(lambda c: c["process"].update(terminal=True))))
    out.append(("edge-tty-nonroot", variant(lambda c: c["process"].update(
        terminal=True, user={"uid": 1000, "gid": 1000}))))

    def userns_mapped(c):
        # Root of the container is host uid 100000: a bind source only host
        # root may read, and one anyone may.
        c["linux"]["namespaces"].append({"type": "user"})
        c["linux"]["uidMappings"] = [{"containerID": 0, "hostID": 100000, "size": 65536}]
        c["linux"]["gidMappings"] = [{"containerID": 0, "hostID": 100000, "size": 65536}]
        c["mounts"].append({"destination": "/mnt/private", "type": "bind", "source": lane.private_dir,
                            "options": ["rbind", "ro"]})
        c["mounts"].append({"destination": "/mnt/etc", "type": "bind", "source": "/etc",
                            "options": ["rbind", "ro"]})
    out.append(("edge-userns-mapped-binds", variant(userns_mapped)))
    return out


def cases(lane):
    """Yields (case, rewritten config, skip reason or None)."""
    base = generated(lane, "runc", [])
    yield "spec-runc", rewrite(lane, "spec-runc", base), None
    yield "spec-husk", rewrite(lane, "spec-husk", generated(lane, "husk", [])), None
    # As root, `runc spec --rootless` still applies: a user namespace
    # mapping root to root (size 1), no network namespace, no cgroup
    # limits; both runtimes run it as root with that user namespace.
    yield "spec-runc-rootless", rewrite(lane, "spec-runc-rootless", generated(lane, "runc", ["--rootless"])), None
    sh = shared_dir()
    if sh and os.path.exists(os.path.join(sh, "testdata/podman-config.json")):
        with open(os.path.join(sh, "testdata/podman-config.json")) as f:
            yield "podman", rewrite(lane, "podman", json.load(f)), None
    else:
        yield "podman", None, "shared/testdata/podman-config.json is absent"
    cdir = os.path.join(HERE, "corpus")
    for name in sorted(os.listdir(cdir)):
        if name.endswith(".json"):
            with open(os.path.join(cdir, name)) as f:
                case = name[:-5]
                yield case, rewrite(lane, case, json.load(f)), None
    # The edge cases start from `runc spec`, less its terminal and its
    # ambient set (CAP_KILL without CAP_KILL inheritable, a case of its own
    # above), so that each shows the one thing it is about.
    base = copy.deepcopy(base)
    base["process"]["terminal"] = False  # but in edge-tty*
    base["process"]["capabilities"].pop("ambient", None)
    base["linux"].setdefault("resources", {})
    base["linux"]["resources"].setdefault("devices", [{"allow": False, "access": "rwm"}])
    for case, c in edge_cases(lane, base):
        yield case, rewrite(lane, case, c), None
