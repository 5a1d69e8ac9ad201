#!/usr/bin/env python3
"""validate-json.py SCHEMA [FILE|-]

Validate a JSON document (a file, or stdin when FILE is absent or "-")
against a JSON Schema.  References to other files ("defs.json#/...") are
resolved relative to the schema's directory, so the runtime-spec's
multi-file schemas work as well as husk's self-contained ones.
Prints one line per error, "PATH: MESSAGE", and exits 1; exits 0 when
the document is valid (a document that is not JSON at all is one error),
2 on usage errors or an unreadable file or schema."""

import json
import os
import sys

import jsonschema


def load(path):
    if path == "-":
        return json.load(sys.stdin)
    with open(path, encoding="utf-8") as f:
        return json.load(f)


def make_validator(schema_path):
    schema = load(schema_path)
    base = os.path.dirname(os.path.abspath(schema_path))
    cls = jsonschema.validators.validator_for(schema)
    try:
        # jsonschema >= 4.18: a registry that reads sibling files on demand.
        from referencing import Registry, Resource
        from referencing.jsonschema import specification_with

        spec = specification_with(schema.get("$schema", cls.META_SCHEMA["$schema"]))

        def retrieve(uri):
            name = uri.split("#", 1)[0]
            if name.startswith("file://"):
                name = name[len("file://"):]
            with open(os.path.join(base, os.path.basename(name)), encoding="utf-8") as f:
                return Resource.from_contents(json.load(f), default_specification=spec)

        registry = Registry(retrieve=retrieve)
        root_uri = "file://" + os.path.abspath(schema_path)
        registry = registry.with_resource(root_uri, Resource.from_contents(schema, default_specification=spec))
        return cls({"$ref": root_uri}, registry=registry)
    except ImportError:
        resolver = jsonschema.RefResolver("file://" + os.path.abspath(schema_path), schema)
        return cls(schema, resolver=resolver)


def where(error):
    path = ""
    for part in error.absolute_path:
        path += "[%d]" % part if isinstance(part, int) else ("." if path else "") + str(part)
    return path or "(document)"


def main(argv):
    if len(argv) not in (2, 3):
        sys.stderr.write("usage: validate-json.py SCHEMA [FILE|-]\n")
        return 2
    try:
        validator = make_validator(argv[1])
    except (OSError, ValueError) as e:
        sys.stderr.write("validate-json.py: %s: %s\n" % (argv[1], e))
        return 2
    try:
        doc = load(argv[2] if len(argv) == 3 else "-")
    except OSError as e:
        sys.stderr.write("validate-json.py: %s\n" % e)
        return 2
    except ValueError as e:
        print("(document): invalid JSON: %s" % e)
        return 1
    try:
        errors = sorted(validator.iter_errors(doc), key=lambda e: list(map(str, e.absolute_path)))
    except Exception as e:  # an unresolvable $ref: the schema is broken
        sys.stderr.write("validate-json.py: %s: %s\n" % (argv[1], e))
        return 2
    for e in errors:
        print("%s: %s" % (where(e), e.message))
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
