#!/usr/bin/python3
# cri-client.py SOCKET IMAGE: the few CRI (runtime.v1) calls that make
# containerd's CRI plugin write a pod sandbox's and a container's
# config.json: RunPodSandbox, CreateContainer, StartContainer, then
# StopContainer, RemoveContainer,
# StopPodSandbox, RemovePodSandbox.  Used by capture.sh only.  Debian has
# python3-grpcio but no CRI stubs, so the few messages are encoded here by
# hand (protobuf wire format; field numbers from k8s.io/cri-api
# pkg/apis/runtime/v1/api.proto).
import sys

import grpc


def varint(n):
    out = b""
    while True:
        b = n & 0x7F
        n >>= 7
        if n:
            out += bytes([b | 0x80])
        else:
            return out + bytes([b])


def f_msg(num, payload):  # length-delimited: strings, bytes, messages
    if isinstance(payload, str):
        payload = payload.encode()
    return varint(num << 3 | 2) + varint(len(payload)) + payload


def f_int(num, value):
    return varint(num << 3) + varint(value & 0xFFFFFFFFFFFFFFFF)


def decode_string(data, want):
    """The first length-delimited field numbered want of a message."""
    i = 0
    while i < len(data):
        key, i = read_varint(data, i)
        num, wire = key >> 3, key & 7
        if wire == 0:
            _, i = read_varint(data, i)
        elif wire == 2:
            n, i = read_varint(data, i)
            if num == want:
                return data[i:i + n].decode()
            i += n
        else:
            raise ValueError("unexpected wire type %d" % wire)
    raise ValueError("field %d missing" % want)


def read_varint(data, i):
    n = shift = 0
    while True:
        b = data[i]
        i += 1
        n |= (b & 0x7F) << shift
        shift += 7
        if not b & 0x80:
            return n, i


def main():
    sock, image = sys.argv[1], sys.argv[2]
    ch = grpc.insecure_channel("unix://" + sock)

    def call(method, payload):
        fn = ch.unary_unary("/runtime.v1.RuntimeService/" + method,
                            request_serializer=None, response_deserializer=None)
        return fn(payload, timeout=60)

    # A pod of its own network namespace (capture.sh gives CNI only the
    # loopback plugin), its own ipc and pid namespace: the common case.
    sandbox = (f_msg(1, f_msg(1, "compat-pod") + f_msg(2, "uid-compat") + f_msg(3, "default"))
               + f_msg(2, "compat-pod"))
    pod = decode_string(call("RunPodSandbox", f_msg(1, sandbox)), 1)
    try:
        # A container as a Deployment typically asks for it: limits,
        # RuntimeDefault seccomp (an empty SecurityProfile), a non-root
        # user, a read-only root, no_new_privs.
        resources = f_int(1, 100000) + f_int(2, 50000) + f_int(3, 256) + f_int(4, 64 << 20)
        secctx = (f_msg(5, f_int(1, 1000)) + f_int(7, 1)
                  + f_int(11, 1) + f_msg(12, f_int(1, 1000)) + f_msg(15, b""))
        config = (f_msg(1, f_msg(1, "probe")) + f_msg(2, f_msg(1, image))
                  + f_msg(3, "sleep") + f_msg(4, "1000") + f_msg(5, "/tmp")
                  + f_msg(6, f_msg(1, "FOO") + f_msg(2, "bar"))
                  + f_msg(15, f_msg(1, resources) + f_msg(2, secctx)))
        ctr = decode_string(call("CreateContainer", f_msg(1, pod) + f_msg(2, config) + f_msg(3, sandbox)), 1)
        # The runtime's create comes with StartContainer (the task).
        try:
            call("StartContainer", f_msg(1, ctr))
            call("StopContainer", f_msg(1, ctr) + f_int(2, 2))
        finally:
            call("RemoveContainer", f_msg(1, ctr))
    finally:
        call("StopPodSandbox", f_msg(1, pod))
        call("RemovePodSandbox", f_msg(1, pod))


if __name__ == "__main__":
    main()
