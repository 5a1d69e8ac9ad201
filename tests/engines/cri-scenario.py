#!/usr/bin/python3
# cri-scenario.py SOCKET IMAGE HANDLER CGROUP_PARENT: one pod's life through
# containerd's CRI plugin, as kubelet drives it, on the runtime handler
# HANDLER: RunPodSandbox, CreateContainer (RuntimeDefault seccomp, a memory
# limit, a device), StartContainer, ExecSync, UpdateContainerResources (a new
# memory limit; containerd sends the container's devices with it), then
# StopContainer, RemoveContainer, StopPodSandbox, RemovePodSandbox.  Each
# effect is checked from inside the container with ExecSync.  Prints "pod
# ID" and "container ID" as soon as they are known, "ok" at the end; on a
# failed check, one line "cri-scenario: what failed" and exit status 1.
# Used by cri.bats.  The protobuf encoding is cri-client.py's (tests/compat).
import importlib.util
import os
import sys

import grpc

_spec = importlib.util.spec_from_file_location(
    "cri_client", os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "compat", "cri-client.py"))
pb = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(pb)
f_msg, f_int = pb.f_msg, pb.f_int

MIB = 1 << 20


def fields(data):
    """{field number: last value} of a message (varints and bytes)."""
    out, i = {}, 0
    while i < len(data):
        key, i = pb.read_varint(data, i)
        num, wire = key >> 3, key & 7
        if wire == 0:
            out[num], i = pb.read_varint(data, i)
        elif wire == 2:
            n, i = pb.read_varint(data, i)
            out[num], i = data[i:i + n], i + n
        else:
            raise ValueError("unexpected wire type %d" % wire)
    return out


def fail(msg):
    print("cri-scenario: " + msg, flush=True)
    sys.exit(1)


def main():
    sock, image, handler, parent = sys.argv[1:5]
    ch = grpc.insecure_channel("unix://" + sock)

    def call(method, payload):
        fn = ch.unary_unary("/runtime.v1.RuntimeService/" + method,
                            request_serializer=None, response_deserializer=None)
        return fn(payload, timeout=60)

    def exec_sync(ctr, *cmd):
        req = f_msg(1, ctr) + b"".join(f_msg(2, a) for a in cmd) + f_int(3, 30)
        r = fields(call("ExecSync", req))
        code = r.get(3, 0)
        if code >= 1 << 31:
            code -= 1 << 32
        return r.get(1, b"").decode(), r.get(2, b"").decode(), code

    def expect(ctr, want_out, want_code, *cmd):
        out, err, code = exec_sync(ctr, *cmd)
        if (out, code) != (want_out, want_code):
            fail("ExecSync %s: stdout %r, exit status %d, stderr %r; expected stdout %r, exit status %d"
                 % (list(cmd), out, code, err, want_out, want_code))

    name = "cri-" + handler
    meta = f_msg(1, name) + f_msg(2, "uid-" + name) + f_msg(3, "default")
    sandbox = f_msg(1, meta) + f_msg(2, name) + f_msg(8, f_msg(1, parent))
    pod = pb.decode_string(call("RunPodSandbox", f_msg(1, sandbox) + f_msg(2, handler)), 1)
    print("pod " + pod, flush=True)
    try:
        def resources(memory):
            return f_int(1, 100000) + f_int(2, 50000) + f_int(3, 256) + f_int(4, memory)

        # RuntimeDefault seccomp: an empty SecurityProfile (field 15).
        secctx = f_int(11, 1) + f_msg(15, b"")
        device = f_msg(1, "/dev/xzero") + f_msg(2, "/dev/zero") + f_msg(3, "rw")
        config = (f_msg(1, f_msg(1, "work")) + f_msg(2, f_msg(1, image))
                  + f_msg(3, "sleep") + f_msg(4, "1000") + f_msg(8, device)
                  + f_msg(15, f_msg(1, resources(64 * MIB)) + f_msg(2, secctx)))
        ctr = pb.decode_string(call("CreateContainer", f_msg(1, pod) + f_msg(2, config) + f_msg(3, sandbox)), 1)
        print("container " + ctr, flush=True)
        try:
            call("StartContainer", f_msg(1, ctr))
            expect(ctr, "hi\n", 0, "echo", "hi")
            expect(ctr, "", 3, "sh", "-c", "exit 3")
            # Seccomp is on (mode 2: filter), and the limit is the one asked for.
            expect(ctr, "Seccomp:\t2\n", 0, "grep", "^Seccomp:", "/proc/self/status")
            limit = "/sys/fs/cgroup/memory/memory.limit_in_bytes"
            expect(ctr, "%d\n" % (64 * MIB), 0, "cat", limit)
            # kubelet's update: the container's resources with a new memory
            # limit; containerd passes the whole of linux.resources (the
            # device rules included) to the runtime's update.
            call("UpdateContainerResources", f_msg(1, ctr) + f_msg(2, resources(96 * MIB)))
            expect(ctr, "%d\n" % (96 * MIB), 0, "cat", limit)
            # The device and /dev/null still work after the update.
            expect(ctr, "4\n", 0, "sh", "-c", "head -c 4 /dev/xzero | wc -c")
            expect(ctr, "", 0, "sh", "-c", "echo x >/dev/null")
            call("StopContainer", f_msg(1, ctr) + f_int(2, 2))
        finally:
            call("RemoveContainer", f_msg(1, ctr))
    finally:
        call("StopPodSandbox", f_msg(1, pod))
        call("RemovePodSandbox", f_msg(1, pod))
    print("ok", flush=True)


if __name__ == "__main__":
    main()
