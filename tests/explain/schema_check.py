"""Validates a JSON value against a JSON Schema: with the jsonschema package
when it is installed, else with the small validator below, which knows the
keywords docs/explain.schema.json uses (type, enum, const, pattern,
required, properties, additionalProperties, items, minimum, oneOf, $ref to
#/$defs/...) and refuses a schema that uses any other.
validate(value, schema) returns a list of error messages (empty: valid)."""
import re

try:
    import jsonschema
except ImportError:  # pip is not reachable on every machine
    jsonschema = None

KNOWN = {"$schema", "$id", "title", "description", "type", "enum", "const", "pattern", "required", "properties",
         "additionalProperties", "items", "minimum", "oneOf", "$ref", "$defs"}
TYPES = {"object": dict, "array": list, "string": str, "integer": int, "boolean": bool}


def _type_ok(v, t):
    if t == "integer":
        return isinstance(v, int) and not isinstance(v, bool)
    if t == "boolean":
        return isinstance(v, bool)
    return isinstance(v, TYPES[t])


def _check(v, s, root, path, errs):
    unknown = set(s) - KNOWN
    if unknown:
        raise ValueError(f"schema keyword(s) {sorted(unknown)} not supported by this validator")
    if "$ref" in s:
        ref = s["$ref"]
        assert ref.startswith("#/$defs/"), ref
        _check(v, root["$defs"][ref[len("#/$defs/"):]], root, path, errs)
    if "type" in s:
        ts = s["type"] if isinstance(s["type"], list) else [s["type"]]
        if not any(_type_ok(v, t) for t in ts):
            errs.append(f"{path}: {v!r} is not of type {s['type']}")
            return
    if "enum" in s and v not in s["enum"]:
        errs.append(f"{path}: {v!r} is not one of {s['enum']}")
    if "const" in s and v != s["const"]:
        errs.append(f"{path}: {v!r} is not {s['const']!r}")
    if "pattern" in s and isinstance(v, str) and not re.search(s["pattern"], v):
        errs.append(f"{path}: {v!r} does not match {s['pattern']}")
    if "minimum" in s and isinstance(v, int) and v < s["minimum"]:
        errs.append(f"{path}: {v} is below {s['minimum']}")
    if isinstance(v, dict):
        for k in s.get("required", []):
            if k not in v:
                errs.append(f"{path}: '{k}' is a required property")
        props = s.get("properties", {})
        for k, x in v.items():
            if k in props:
                _check(x, props[k], root, f"{path}.{k}", errs)
            elif s.get("additionalProperties") is False:
                errs.append(f"{path}: additional property '{k}'")
    if isinstance(v, list) and "items" in s:
        for i, x in enumerate(v):
            _check(x, s["items"], root, f"{path}[{i}]", errs)
    if "oneOf" in s:
        ok = 0
        for sub in s["oneOf"]:
            e = []
            _check(v, sub, root, path, e)
            ok += not e
        if ok != 1:
            errs.append(f"{path}: matches {ok} of the oneOf schemas, not exactly one")


def validate(value, schema):
    if jsonschema is not None:
        v = jsonschema.Draft202012Validator(schema)
        return [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in v.iter_errors(value)]
    errs = []
    _check(value, schema, schema, "$", errs)
    return errs
