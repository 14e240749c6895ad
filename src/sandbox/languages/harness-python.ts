// The Python function-call harness: runs inside the sandbox next to solution.py.
//   harness.py SOLUTION NAME call    stdin: JSON array of arguments; fd 4: JSON of the return value
//   harness.py SOLUTION NAME assert  stdin: test code run with `candidate` bound (HumanEval style)
// The program's own prints go to stderr, so they can't corrupt the result channel.
export const PYTHON_HARNESS = String.raw`
import ast, json, math, os, sys

RESULT_FD = 4

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

def main():
    solution, name, mode = sys.argv[1], sys.argv[2], sys.argv[3]
    data = sys.stdin.read()
    with open(solution, encoding="utf-8") as f:
        source = f.read()
    real_stdout = sys.stdout
    sys.stdout = sys.stderr
    namespace = {"__name__": "sstar_solution", "__file__": solution, "__builtins__": __builtins__}
    exec(compile(source, solution, "exec"), namespace)
    fn = find_function(namespace, name)
    if mode == "call":
        args = json.loads(data)
        if not isinstance(args, list):
            raise SystemExit("sstar harness: the input must be a JSON array of arguments")
        value = fn(*args)
        payload = json.dumps(jsonable(value), ensure_ascii=False, allow_nan=False)
    else:
        tree = ast.parse(data, "<test>")
        scope = {"__name__": "sstar_test", "candidate": fn, "__builtins__": __builtins__}
        exec(compile(tree, "<test>", "exec"), scope)
        # HumanEval tests define check(candidate) and leave the call to the runner.
        called = any(isinstance(n, ast.Expr) and isinstance(n.value, ast.Call) and isinstance(n.value.func, ast.Name)
                     and n.value.func.id == "check" for n in tree.body)
        if callable(scope.get("check")) and not called:
            scope["check"](fn)
        payload = "true"
    sys.stdout = real_stdout
    data = payload.encode("utf-8")
    while data:
        data = data[os.write(RESULT_FD, data):]

main()
`;
