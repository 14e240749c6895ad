// The judge of assertion tests (HumanEval's `check(candidate)`): runs the test code in a sandbox of
// its own, apart from the program, so no program can reach the verdict, the expected values or the
// comparison. `candidate` here is a stand-in: each call goes out on fd 4 as plain data, sstar hands
// it to the program's process (harness.py serve) and brings its answer back on stdin, decoded into
// exact builtins: an answer's __eq__, __hash__ or __repr__ is always Python's own.
//   judge.py TEST NAME    fd 4: one line per call {"a": [...], "k": {...}}, then {"pass": calls}
//                         stdin: one line per call, {"r": value} | {"e": name, "m": message} |
//                         {"x": why it can't be sent} | {"gone": why} (the program ended)
// The judge's own verdict is only ever "pass"; anything else (a failed assertion, the program gone
// or answering nonsense) ends the judge without it, and sstar reports why from its stderr.
import { PLAIN_DATA_PY } from "./harness-python.ts";

export const PYTHON_JUDGE = String.raw`
import ast, builtins, json, os, sys

CALL_FD = 4
${PLAIN_DATA_PY}
class ProgramFailed(BaseException):
    """The program ended or answered with something that is not plain data. A BaseException, so a
    test's 'except Exception' can't swallow it; a bare 'except' can, so it is also remembered."""

failures = []
calls = 0
answers = os.fdopen(os.dup(0), "r", encoding="utf-8")

def fail(why):
    failures.append(why)
    raise ProgramFailed(why)

def send(message):
    data = (json.dumps(message, ensure_ascii=True, allow_nan=False) + "\n").encode("ascii")
    while data:
        data = data[os.write(CALL_FD, data):]

def raised(name, message):
    cls = getattr(builtins, name, None) if isinstance(name, str) else None
    if isinstance(cls, type) and issubclass(cls, Exception):
        return cls(message)
    return RuntimeError("the candidate raised %s: %s" % (name, message))

def candidate(*args, **kwargs):
    global calls
    if failures:
        raise ProgramFailed(failures[0])
    try:
        request = {"a": [encode(a) for a in args], "k": {str(k): encode(v) for k, v in kwargs.items()}}
    except Unsendable as e:
        raise TypeError("sstar: the test passes the candidate %s, which can't be sent to a separate process as plain data" % e)
    calls += 1
    send(request)
    line = answers.readline()
    if not line:
        fail("the program ended without answering call %d" % calls)
    try:
        reply = json.loads(line)
        if type(reply) is not dict:
            raise ValueError("not an object")
        if "gone" in reply:
            fail("the program ended without answering call %d (%s)" % (calls, str(reply["gone"])[:200]))
        if "x" in reply:
            fail("call %d returned %s, which is not plain data" % (calls, str(reply["x"])[:200]))
        if "e" in reply:
            error = raised(reply["e"], str(reply.get("m", "")))
        else:
            return decode(reply["r"])
    except ProgramFailed:
        raise
    except Exception as e:
        fail("the answer to call %d is not plain data (%s)" % (calls, type(e).__name__))
    raise error

def main():
    test_path, name = sys.argv[1], sys.argv[2]
    null = os.open(os.devnull, os.O_RDONLY)
    os.dup2(null, 0)
    os.close(null)
    sys.stdout = sys.stderr
    candidate.__name__ = candidate.__qualname__ = name
    with open(test_path, encoding="utf-8") as f:
        source = f.read()
    tree = ast.parse(source, "<test>")
    scope = {"__name__": "sstar_test", "candidate": candidate, "__builtins__": builtins}
    # HumanEval's tests ran in the solution's namespace: some call the function by its own name.
    if name.isidentifier() and name not in scope and name != "check":
        scope[name] = candidate
    exec(compile(tree, "<test>", "exec"), scope)
    # HumanEval tests define check(candidate) and leave the call to the runner.
    called = any(isinstance(n, ast.Expr) and isinstance(n.value, ast.Call) and isinstance(n.value.func, ast.Name)
                 and n.value.func.id == "check" for n in tree.body)
    if callable(scope.get("check")) and not called:
        scope["check"](candidate)
    if failures:
        raise ProgramFailed(failures[0])
    send({"pass": calls})

try:
    main()
except ProgramFailed as e:
    sys.stderr.write("sstar judge: %s\n" % (failures[0] if failures else e))
    sys.stderr.flush()
    os._exit(3)
`;
