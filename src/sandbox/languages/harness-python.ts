// The Python function-call harness: runs inside the sandbox next to solution.py, in the program's
// own process, so it decides nothing: it only carries values out.
//   harness.py SOLUTION NAME call    stdin: JSON array of arguments; fd 4: JSON of the return value
//   harness.py SOLUTION NAME serve   assertion tests: one request per line on stdin (plain data,
//                                    tagged as in PLAIN_DATA_PY), one answer per line on fd 4; the
//                                    assertion code runs in another sandbox (harness-python-judge.ts)
// The program's own prints go to stderr, so they can't corrupt the result channel.

/**
 * Plain data, tagged so that nothing is lost crossing JSON: ints and floats exactly (hex, no digit
 * limit), tuples, sets and dicts with any plain keys apart from lists. Shared by the program's
 * harness (which encodes whatever the program returns) and the judge (which decodes into exact
 * builtins, never calling a method of an object the program made). Only exact builtin types are
 * decoded; the encoder turns subclasses into their base type in the program's process, where
 * running the program's code is no harm.
 */
export const PLAIN_DATA_PY = String.raw`
class Unsendable(Exception):
    pass

def encode(v, depth=0):
    if depth > 200:
        raise Unsendable("a value nested deeper than 200 levels")
    t = type(v)
    if v is None or t is bool or t is str:
        return v
    if t is int:
        return {"i": hex(v)}
    if t is float:
        return {"f": float.hex(v)}
    if t is complex:
        return {"c": [float.hex(v.real), float.hex(v.imag)]}
    if t is list:
        return [encode(x, depth + 1) for x in v]
    if t is tuple:
        return {"t": [encode(x, depth + 1) for x in v]}
    if t is dict:
        return {"d": [[encode(k, depth + 1), encode(x, depth + 1)] for k, x in v.items()]}
    if t is set or t is frozenset:
        return {"s" if t is set else "z": [encode(x, depth + 1) for x in v]}
    if t is bytes:
        return {"y": v.hex()}
    for base in (bool, int, float, complex, str, bytes, tuple, list, dict, frozenset, set):
        if isinstance(v, base):
            return encode(base(v), depth)
    raise Unsendable("a value of type %s" % t.__name__)

def decode(v, depth=0):
    if depth > 200:
        raise ValueError("nested deeper than 200 levels")
    if v is None or type(v) in (bool, str):
        return v
    if type(v) is list:
        return [decode(x, depth + 1) for x in v]
    if type(v) is not dict or len(v) != 1:
        raise ValueError("not a tagged value: %.80r" % (v,))
    (tag, x), = v.items()
    if tag == "i" and type(x) is str:
        return int(x, 16)
    if tag == "f" and type(x) is str:
        return float.fromhex(x)
    if tag == "c" and type(x) is list and len(x) == 2 and all(type(p) is str for p in x):
        return complex(float.fromhex(x[0]), float.fromhex(x[1]))
    if tag == "y" and type(x) is str:
        return bytes.fromhex(x)
    if type(x) is not list:
        raise ValueError("bad tag %.20r" % (tag,))
    items = [decode(e, depth + 1) for e in x] if tag != "d" else None
    if tag == "t":
        return tuple(items)
    if tag == "s":
        return set(items)
    if tag == "z":
        return frozenset(items)
    if tag == "d":
        out = {}
        for pair in x:
            if type(pair) is not list or len(pair) != 2:
                raise ValueError("bad dict entry")
            out[decode(pair[0], depth + 1)] = decode(pair[1], depth + 1)
        return out
    raise ValueError("bad tag %.20r" % (tag,))
`;

export const PYTHON_HARNESS = String.raw`
import ast, json, math, os, sys

RESULT_FD = 4
${PLAIN_DATA_PY}
def jsonable(value, depth=0):
    if depth > 200:
        return repr(value)
    if value is None or isinstance(value, (bool, int, str)):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else repr(value)
    if isinstance(value, (list, tuple)):
        return [jsonable(v, depth + 1) for v in value]
    if isinstance(value, dict):
        return {str(k): jsonable(v, depth + 1) for k, v in value.items()}
    if isinstance(value, (set, frozenset)):
        items = [jsonable(v, depth + 1) for v in value]
        try:
            return sorted(items)
        except TypeError:
            return sorted(items, key=repr)
    return repr(value)

def find_function(namespace, name):
    fn = namespace.get(name)
    if callable(fn) and not isinstance(fn, type):
        return fn
    # LeetCode style: a method of class Solution (or of any class defined by the program).
    classes = [namespace.get("Solution")] + [v for v in namespace.values() if isinstance(v, type)]
    for cls in classes:
        if isinstance(cls, type) and callable(getattr(cls, name, None)):
            try:
                return getattr(cls(), name)
            except TypeError:
                continue
    raise SystemExit("sstar harness: the program defines no function or Solution method named %r" % name)

def write_all(data):
    while data:
        data = data[os.write(RESULT_FD, data):]

def answer(fn, line):
    request = json.loads(line)
    args = [decode(a) for a in request["a"]]
    kwargs = {k: decode(v) for k, v in request["k"].items()}
    try:
        value = fn(*args, **kwargs)
    except Exception as e:
        return {"e": type(e).__name__, "m": str(e)[:2000]}
    try:
        return {"r": encode(value)}
    except Unsendable as e:
        return {"x": str(e)}

def serve(fn, requests):
    # One request at a time, in order; the program's state carries over between calls as it would
    # in one interpreter. Exceptions the function raises go back by name; SystemExit ends the run.
    for line in requests:
        reply = json.dumps(answer(fn, line), ensure_ascii=True, allow_nan=False)
        write_all(reply.encode("ascii") + b"\n")

def main():
    solution, name, mode = sys.argv[1], sys.argv[2], sys.argv[3]
    if mode == "serve":
        # The requests come on a descriptor of our own; the program's stdin is empty.
        requests = os.fdopen(os.dup(0), "r", encoding="utf-8")
        null = os.open(os.devnull, os.O_RDONLY)
        os.dup2(null, 0)
        os.close(null)
        data = ""
    else:
        data = sys.stdin.read()
    with open(solution, encoding="utf-8") as f:
        source = f.read()
    real_stdout = sys.stdout
    sys.stdout = sys.stderr
    namespace = {"__name__": "sstar_solution", "__file__": solution, "__builtins__": __builtins__}
    exec(compile(source, solution, "exec"), namespace)
    fn = find_function(namespace, name)
    if mode == "serve":
        serve(fn, requests)
        return
    args = json.loads(data)
    if not isinstance(args, list):
        raise SystemExit("sstar harness: the input must be a JSON array of arguments")
    value = fn(*args)
    payload = json.dumps(jsonable(value), ensure_ascii=False, allow_nan=False)
    sys.stdout = real_stdout
    write_all(payload.encode("utf-8"))

main()
`;
