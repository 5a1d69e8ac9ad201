"""The command cases of the compat lane: one command sequence run with each
runtime in turn (same container id, each runtime its own --root), then
compared step by step: the exit status, stdout normalised (the container's
id, the paths of the lane, pids and times replaced by placeholders; JSON
compared as data), and whether stderr is empty (the wording of an error
is each runtime's own: it is shown, not compared).  The case id of a step
is SEQUENCE-NN-LABEL."""
import copy
import fnmatch
import json
import os
import re
import time

import corpus

# A step: (label, runtime args with {id} {bundle} {work} filled in, stdin,
# how stdout is compared: "text", "json", "table", "stats", "pids"[, a
# timeout in seconds for a step that may hang]).
# "wait-stopped" is not a step: it waits (at most 10 s) for the container
# to stop, with the runtime's own `state`.
LIFECYCLE = [
    ("state-missing", ["state", "{id}"], None, "text"),
    ("create", ["create", "--bundle", "{bundle}", "{id}"], None, "text"),
    ("create-again", ["create", "--bundle", "{bundle}", "{id}"], None, "text"),
    ("state-created", ["state", "{id}"], None, "json"),
    ("list", ["list"], None, "table"),
    ("list-json", ["list", "--format", "json"], None, "json"),
    ("list-q", ["list", "-q"], None, "text"),
    ("start", ["start", "{id}"], None, "text"),
    ("start-again", ["start", "{id}"], None, "text"),
    ("state-running", ["state", "{id}"], None, "json"),
    ("ps-json", ["ps", "--format", "json", "{id}"], None, "pids"),
    ("exec-true", ["exec", "{id}", "true"], None, "text"),
    ("exec-exit-3", ["exec", "{id}", "sh", "-c", "exit 3"], None, "text"),
    ("exec-missing-binary", ["exec", "{id}", "/no/such/binary"], None, "text"),
    ("exec-env-cwd-user", ["exec", "--env", "A=1", "--cwd", "/tmp", "--user", "1000:1000", "{id}",
                           "sh", "-c", "echo $A; pwd; id"], None, "text"),
    ("exec-process-json", ["exec", "--process", "{work}/process.json", "{id}"], None, "text"),
    ("exec-process-bad-json", ["exec", "--process", "{work}/bad.json", "{id}"], None, "text"),
    ("exec-no-command", ["exec", "{id}"], None, "text"),
    ("exec-missing-id", ["exec", "no-such-container", "true"], None, "text"),
    ("kill-0", ["kill", "{id}", "0"], None, "text"),
    ("kill-bad-signal", ["kill", "{id}", "SIGNOPE"], None, "text"),
    ("kill-bad-number", ["kill", "{id}", "99"], None, "text"),
    ("kill-term-ignored", ["kill", "{id}", "TERM"], None, "text"),
    ("delete-running", ["delete", "{id}"], None, "text"),
    ("pause", ["pause", "{id}"], None, "text"),
    ("state-paused", ["state", "{id}"], None, "json"),
    ("exec-paused", ["exec", "{id}", "true"], None, "text"),
    ("pause-again", ["pause", "{id}"], None, "text"),
    ("delete-paused", ["delete", "{id}"], None, "text"),
    ("resume", ["resume", "{id}"], None, "text"),
    ("resume-again", ["resume", "{id}"], None, "text"),
    ("update-memory", ["update", "--memory", "100000000", "{id}"], None, "text"),
    ("check-memory", ["exec", "{id}", "cat", "/sys/fs/cgroup/memory/memory.limit_in_bytes"], None, "text"),
    ("update-bad-json", ["update", "--resources", "{work}/bad.json", "{id}"], None, "text"),
    ("update-resources-stdin", ["update", "--resources", "-", "{id}"],
     b'{"cpu": {"shares": 256}, "pids": {"limit": 50}}', "text"),
    ("check-cpu-pids", ["exec", "{id}", "cat", "/sys/fs/cgroup/cpu/cpu.shares", "/sys/fs/cgroup/pids/pids.max"],
     None, "text"),
    ("update-quota-period", ["update", "--cpu-quota", "30000", "--cpu-period", "60000", "{id}"], None, "text"),
    ("check-quota-period", ["exec", "{id}", "cat", "/sys/fs/cgroup/cpu/cpu.cfs_quota_us",
                            "/sys/fs/cgroup/cpu/cpu.cfs_period_us"], None, "text"),
    ("update-zero-fields", ["update", "--resources", "-", "{id}"],
     b'{"memory": {"limit": 0}, "cpu": {"shares": 0, "quota": 0}, "pids": {"limit": 0}}', "text"),
    ("check-after-zero", ["exec", "{id}", "cat", "/sys/fs/cgroup/memory/memory.limit_in_bytes",
                          "/sys/fs/cgroup/cpu/cpu.shares", "/sys/fs/cgroup/cpu/cpu.cfs_quota_us",
                          "/sys/fs/cgroup/pids/pids.max"], None, "text"),
    ("update-blkio-weight-0", ["update", "--blkio-weight", "0", "{id}"], None, "text"),
    ("update-flags-after-id", ["update", "{id}", "--memory", "200000000"], None, "text"),
    ("update-resources-dev-stdin", ["update", "--resources", "/dev/stdin", "{id}"],
     b'{"pids": {"limit": 60}}', "text"),
    ("exec-process-dev-stdin", ["exec", "--process", "/dev/stdin", "{id}"],
     b'{"args": ["cat", "/sys/fs/cgroup/pids/pids.max"], "cwd": "/", "env": ["PATH=/bin"], "user": {"uid": 0, "gid": 0}}',
     "text"),
    ("update-missing-id", ["update", "--memory", "100000000", "no-such-container"], None, "text"),
    ("events-stats", ["events", "--stats", "{id}"], None, "stats"),
    ("kill-kill", ["kill", "{id}", "KILL"], None, "text"),
    "wait-stopped",
    ("state-stopped", ["state", "{id}"], None, "json"),
    ("exec-stopped", ["exec", "{id}", "true"], None, "text"),
    ("kill-stopped", ["kill", "{id}", "KILL"], None, "text"),
    ("pause-stopped", ["pause", "{id}"], None, "text"),
    ("delete", ["delete", "{id}"], None, "text"),
    ("delete-missing", ["delete", "{id}"], None, "text"),
    ("delete-force-missing", ["delete", "--force", "{id}"], None, "text"),
    ("kill-missing", ["kill", "{id}", "KILL"], None, "text"),
    ("list-empty", ["list", "-q"], None, "text"),
]

RUN = [
    ("run-exit-7", ["run", "--bundle", "{work}/b-exit7", "{id}"], None, "text"),
    ("run-killed", ["run", "--bundle", "{work}/b-killed", "{id}"], None, "text"),
    ("run-missing-binary", ["run", "--bundle", "{work}/b-missing", "{id}"], None, "text"),
    ("state-after-failed-run", ["state", "{id}"], None, "text"),
    ("delete-force-after-failed-run", ["delete", "--force", "{id}"], None, "text"),
    ("run-bad-json", ["run", "--bundle", "{work}/b-badjson", "{id}"], None, "text"),
    ("run-missing-bundle", ["run", "--bundle", "{work}/no-such-bundle", "{id}"], None, "text"),
    ("run-bad-id", ["run", "--bundle", "{work}/b-exit7", "../bad"], None, "text"),
    ("run-detach", ["run", "--detach", "--bundle", "{bundle}", "{id}"], None, "text"),
    ("state-detached", ["state", "{id}"], None, "json"),
    ("delete-force-running", ["delete", "--force", "{id}"], None, "text"),
    ("state-after-delete-force", ["state", "{id}"], None, "text"),
    ("create-pid-file", ["create", "--bundle", "{bundle}", "--pid-file", "{work}/pidfile", "{id}"], None, "text"),
    ("kill-all-created", ["kill", "--all", "{id}", "KILL"], None, "text"),
    "wait-stopped",
    ("delete-after-kill-all", ["delete", "{id}"], None, "text"),
    ("unknown-command", ["frobnicate"], None, "text"),
    ("unknown-flag", ["state", "--frobnicate", "{id}"], None, "text"),
    ("state-no-id", ["state"], None, "text"),
]

# exec --ignore-paused into a paused container: its process freezes, and
# the exec is killed (a short timeout); then the container must still obey.
# "thaw" is not a step: it thaws the container's freezer cgroup by hand, so
# that the frozen process can die and the sequence end.
PAUSED_EXEC = [
    ("run-detach", ["run", "--detach", "--bundle", "{bundle}", "{id}"], None, "text"),
    ("pause", ["pause", "{id}"], None, "text"),
    ("exec-ignore-paused-killed", ["exec", "--ignore-paused", "{id}", "true"], None, "text", 2),
    ("state-after", ["state", "{id}"], None, "json"),
    ("resume-after", ["resume", "{id}"], None, "text", 5),
    "thaw",
    ("delete-force", ["delete", "--force", "{id}"], None, "text"),
]

SEQUENCES = [("cmd-lifecycle", LIFECYCLE), ("cmd-run", RUN), ("cmd-paused-exec", PAUSED_EXEC)]
NOT_STEPS = ("wait-stopped", "thaw")


def prepare(lane):
    """The bundles and files the sequences use, in lane.work."""
    base = corpus.generated(lane, "runc", [])
    base["process"]["capabilities"].pop("ambient", None)  # as in the edge cases
    base["process"]["terminal"] = False

    def bundle(name, args, raw=None):
        d = os.path.join(lane.work, name)
        os.makedirs(d, exist_ok=True)
        if raw is not None:
            with open(os.path.join(d, "config.json"), "w") as f:
                f.write(raw)
            return d
        c = corpus.rewrite(lane, "cmd-" + name, copy.deepcopy(base))
        c["process"]["args"] = args
        c["linux"].setdefault("resources", {})["devices"] = [{"allow": False, "access": "rwm"}]
        corpus.write_config(d, c)
        return d

    main = bundle("b-sleep", ["sleep", "1000"])
    bundle("b-exit7", ["sh", "-c", "exit 7"])
    bundle("b-killed", ["sh", "-c", "kill -KILL $$"])
    bundle("b-missing", ["/no/such/binary"])
    bundle("b-badjson", None, raw='{"ociVersion": "1.0.2", "process": ')
    with open(os.path.join(lane.work, "process.json"), "w") as f:
        json.dump({"args": ["sh", "-c", "echo $B; pwd; id -u"], "env": ["PATH=/bin", "B=2"],
                   "cwd": "/home/user", "user": {"uid": 1000, "gid": 1000}, "terminal": False}, f)
    with open(os.path.join(lane.work, "bad.json"), "w") as f:
        f.write("{not json")
    return main


def fill(args, **kw):
    return [a.format(**kw) for a in args]


def normalise(lane, name, text, kind, cid, bundle):
    root = lane.roots[name]
    for old, new in ((root, "<root>"), (bundle, "<bundle>"), (lane.work, "<work>")):
        text = text.replace(old, new)
    text = re.sub(r"\b%s\b" % re.escape(cid), "<id>", text)
    if kind in ("json", "stats", "pids"):
        try:
            data = [json.loads(line) for line in text.splitlines() if line.strip()] if kind == "stats" \
                else json.loads(text or "null")
        except ValueError:
            return text
        if kind == "pids":
            return "%s pids" % (len(data) if isinstance(data, list) else "?")
        if kind == "stats":
            data = [value_free(e) for e in data]
        return json.dumps(scrub(data, kind == "stats"), sort_keys=True, indent=None)
    if kind == "table":
        out = []
        for line in text.splitlines():
            cols = line.split()
            # ID PID STATUS BUNDLE CREATED OWNER
            if len(cols) >= 6 and cols[0] != "ID":
                cols[1] = "<pid>" if cols[1] != "0" else "0"
                cols[4] = "<time>"
            out.append(" ".join(cols))
        return "\n".join(out)
    return text


def value_free(event):
    """An events --stats entry without the members whose presence depends
    on the values under runc's omitempty rules, not on the runtime: the
    blkio tables (a container that read nothing from disk has none; the
    first runtime to run a bundle reads it, the second finds it cached)
    memory.cache and cpu.throttling (0 is omitted; the periods counted
    depend on when the stats are read)."""
    d = event.get("data") if isinstance(event, dict) else None
    if isinstance(d, dict):
        if isinstance(d.get("blkio"), dict):
            d["blkio"] = "<tables: depend on the IO done>"
        if isinstance(d.get("memory"), dict):
            d["memory"].pop("cache", None)
        if isinstance(d.get("cpu"), dict):
            d["cpu"].pop("throttling", None)
    return event


def scrub(v, structure_only, key=None):
    """pids and times to placeholders; with structure_only (events
    --stats), every number too: only the shape is compared."""
    if isinstance(v, dict):
        return {k: scrub(x, structure_only, k) for k, x in v.items()}
    if isinstance(v, list):
        return [scrub(x, structure_only) for x in v]
    if key == "pid" and isinstance(v, int) and v > 0:
        return "<pid>"
    if key == "created" and isinstance(v, str):
        return "<time>"
    if structure_only and isinstance(v, (int, float)) and not isinstance(v, bool):
        return "<number>"
    return v


def wait_stopped(lane, name, cid):
    for _ in range(100):
        st, out, _ = lane.rt(name, ["state", cid])
        if st != 0 or '"stopped"' in out:
            return
        time.sleep(0.1)


def thaw(lane):
    path = "/sys/fs/cgroup/freezer/%s/cmd-b-sleep/freezer.state" % lane.cgroup_parent
    if os.path.exists(path):
        with open(path, "w") as f:
            f.write("THAWED")
    time.sleep(0.2)  # the killed, frozen processes die


def run_sequence(lane, steps, cid, bundle):
    results = {}
    for name in lane.runtimes:
        res = []
        try:
            for step in steps:
                if step == "wait-stopped":
                    wait_stopped(lane, name, cid)
                    continue
                if step == "thaw":
                    thaw(lane)
                    continue
                label, args, stdin, kind = step[:4]
                args = fill(args, id=cid, bundle=bundle, work=lane.work)
                st, out, err = lane.rt(name, args, stdin=stdin, **({"timeout": step[4]} if len(step) > 4 else {}))
                res.append((label, st, normalise(lane, name, out, kind, cid, bundle), err.strip()))
        finally:
            lane.rt(name, ["delete", "--force", cid])
            lane.rt(name, ["delete", "--force", "../bad"])
        results[name] = res
    return results


def json_paths(v, path=""):
    """{JSON path: value} of the leaves (a list is one leaf)."""
    if isinstance(v, dict) and v:
        out = {}
        for k, x in v.items():
            out.update(json_paths(x, "%s.%s" % (path, k)))
        return out
    return {path: json.dumps(v, sort_keys=True)}


def spec_cases(lane, globs):
    """`spec` and `spec --rootless`: the configs the two write, member by
    member (the hostname, each runtime's name, aside)."""
    for case, args in (("cmd-spec", []), ("cmd-spec-rootless", ["--rootless"])):
        if not any(fnmatch.fnmatchcase(case, g) for g in globs):
            continue
        a = corpus.generated(lane, "runc", args)
        b = corpus.generated(lane, "husk", args)
        a.pop("hostname", None)
        b.pop("hostname", None)
        pa, pb = json_paths(a), json_paths(b)
        yield case, [("spec " + k, pa.get(k, "(absent)"), pb.get(k, "(absent)"))
                     for k in sorted(set(pa) | set(pb)) if pa.get(k) != pb.get(k)]


def cases(lane, globs):
    """Yields (case id, [(key, runc's, husk's)]) for each step."""
    yield from spec_cases(lane, globs)
    bundle = prepare(lane)
    for seq, steps in SEQUENCES:
        labels = ["%s-%02d-%s" % (seq, i + 1, s[0]) for i, s in enumerate(s for s in steps if s not in NOT_STEPS)]
        if not any(fnmatch.fnmatchcase(c, g) for c in labels for g in globs):
            continue
        cid = "compat-%s-%d" % (seq, os.getpid())
        res = run_sequence(lane, steps, cid, bundle)
        for case, a, b in zip(labels, res["runc"], res["husk"]):
            if not any(fnmatch.fnmatchcase(case, g) for g in globs):
                continue
            diffs = []
            _, sa, oa, ea = a
            _, sb, ob, eb = b
            if sa != sb:
                diffs.append(("exit", "%d %s" % (sa, ea[-300:]), "%d %s" % (sb, eb[-300:])))
            if oa != ob:
                diffs.append(("stdout", oa, ob))
            if bool(ea) != bool(eb):
                diffs.append(("stderr", ea or "(empty)", eb or "(empty)"))
            yield case, diffs
