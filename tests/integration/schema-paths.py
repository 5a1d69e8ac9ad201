#!/usr/bin/env python3
"""schema-paths.py [--exclude NAME[,NAME...]] SCHEMA

List every member path a JSON Schema describes, one per line, sorted:

    PATH<TAB>TYPE<TAB>required|optional

PATH joins member names with ".", adds "[]" for the items of an array and
"{}" for the values of a map (an object described by additionalProperties
or patternProperties):

    linux.resources.memory.limit    integer  optional
    mounts[]                        object   optional
    mounts[].destination            string   required
    annotations{}                   string   optional
    linux.resources.rdma{}.hcaHandles  integer  optional

TYPE is the JSON type (string, boolean, integer, number, object, array);
"null" is dropped from a list of types and the rest are joined with "|".
The third column says whether the member is in its parent's "required"
list; "[]" and "{}" entries are always "optional" (they are not members).

$ref is followed, in the same file ("#/...") or in a sibling file
("defs.json#/..."), and allOf/anyOf/oneOf branches are merged, so the
runtime-spec's multi-file schemas list the same way as husk's own.
if/then/else only add conditions, never members, and are ignored.
--exclude drops top-level members (e.g. other platforms' sections)."""

import json
import os
import sys

_files = {}


def load_file(path):
    path = os.path.abspath(path)
    if path not in _files:
        with open(path, encoding="utf-8") as f:
            _files[path] = json.load(f)
    return _files[path]


def deref(ref, base):
    """Return (node, file) for a $ref seen in `base`."""
    name, _, pointer = ref.partition("#")
    target = os.path.join(os.path.dirname(base), name) if name else base
    node = load_file(target)
    for part in [p for p in pointer.split("/") if p]:
        node = node[part.replace("~1", "/").replace("~0", "~")]
    return node, os.path.abspath(target)


class View:
    """The merged facts of one schema node after following refs and
    combining allOf/anyOf/oneOf."""

    def __init__(self):
        self.types = []
        self.properties = {}   # name -> list of (node, file)
        self.required = set()
        self.items = []        # list of (node, file)
        self.values = []       # map values: list of (node, file)


def collect(node, base, view, depth=0):
    if depth > 64:
        raise SystemExit("schema-paths.py: $ref nesting too deep at %s" % base)
    if not isinstance(node, dict):
        return
    if "$ref" in node:
        target, tbase = deref(node["$ref"], base)
        collect(target, tbase, view, depth + 1)
    t = node.get("type")
    for one in (t if isinstance(t, list) else [t] if t else []):
        if one != "null" and one not in view.types:
            view.types.append(one)
    for name, sub in node.get("properties", {}).items():
        view.properties.setdefault(name, []).append((sub, base))
    view.required.update(node.get("required", []))
    if isinstance(node.get("items"), dict):
        view.items.append((node["items"], base))
    if isinstance(node.get("additionalProperties"), dict):
        view.values.append((node["additionalProperties"], base))
    for sub in node.get("patternProperties", {}).values():
        view.values.append((sub, base))
    for key in ("allOf", "anyOf", "oneOf"):
        for sub in node.get(key, []):
            collect(sub, base, view, depth + 1)


def view_of(pairs):
    view = View()
    for node, base in pairs:
        collect(node, base, view)
    if not view.types:
        if view.properties or view.values:
            view.types.append("object")
        elif view.items:
            view.types.append("array")
    return view


def walk(view, prefix, out, exclude=()):
    for name, pairs in view.properties.items():
        if not prefix and name in exclude:
            continue
        path = prefix + "." + name if prefix else name
        emit(view_of(pairs), path, name in view.required, out)
    if view.items:
        emit(view_of(view.items), prefix + "[]", False, out)
    if view.values:
        emit(view_of(view.values), prefix + "{}", False, out)


def emit(view, path, required, out):
    out.append("%s\t%s\t%s" % (path, "|".join(view.types) or "any",
                               "required" if required else "optional"))
    walk(view, path, out)


def main(argv):
    args = argv[1:]
    exclude = set()
    while len(args) >= 2 and args[0] == "--exclude":
        exclude.update(n for n in args[1].split(",") if n)
        args = args[2:]
    if len(args) != 1:
        sys.stderr.write("usage: schema-paths.py [--exclude NAME[,NAME...]] SCHEMA\n")
        return 2
    schema = os.path.abspath(args[0])
    out = []
    walk(view_of([(load_file(schema), schema)]), "", out, exclude)
    sys.stdout.write("".join(line + "\n" for line in sorted(out)))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
