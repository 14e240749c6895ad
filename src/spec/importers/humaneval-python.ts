// The Python side of the HumanEval importer, run once for all tasks: reads the signature with `ast`,
// turns example text into values with `ast.literal_eval` (never eval), and keeps an example only when
// the canonical solution, run on the JSON round-tripped arguments under a timeout, returns that value.
// It also runs each hidden check on the canonical solution as sstar grades it, apart from the
// solution (every call and answer as plain data, languages/harness-python.ts): a check that can't
// run that way (it passes a function, or needs what is not plain data) is reported, not imported.
// Kept as a string so the bundled CLI carries it.
import { PLAIN_DATA_PY } from "../../sandbox/languages/harness-python.ts";

export const HUMANEVAL_CHECK_PY = String.raw`
import ast, copy, io, json, math, re, signal, sys, contextlib
${PLAIN_DATA_PY}
class NotApart(Exception):
    pass

def apart(fn):
    """The canonical solution seen as the judge sees a program: arguments and answers as plain data."""
    def candidate(*args, **kwargs):
        try:
            request = json.loads(json.dumps({"a": [encode(a) for a in args], "k": {str(k): encode(v) for k, v in kwargs.items()}}))
        except Unsendable as e:
            raise NotApart("it passes the candidate %s" % e)
        value = fn(*[decode(a) for a in request["a"]], **{k: decode(v) for k, v in request["k"].items()})
        try:
            return decode(json.loads(json.dumps(encode(value))))
        except Unsendable as e:
            raise NotApart("the canonical solution returns %s" % e)
    return candidate

def check_apart(t, fn, helpers_text):
    code = "\n\n\n".join(p for p in (helpers_text.strip(), t["test"].strip(), "check(candidate)") if p)
    scope = {"__name__": "sstar_test", "candidate": apart(fn)}
    scope[t["entry_point"]] = scope["candidate"]  # as the judge does: some checks use the function's own name
    try:
        limited(60, exec, compile(code, "<test>", "exec"), scope)
    except NotApart as e:
        return "its hidden check can't run apart from the program, as sstar grades it: %s" % e
    except BaseException as e:
        if isinstance(e, KeyboardInterrupt):
            raise
        return "its hidden check fails on the canonical solution run apart from it, as sstar grades it (%s: %s)" % (type(e).__name__, str(e)[:200])
    return None

class Timeout(Exception):
    pass

def _alarm(signum, frame):
    raise Timeout()

signal.signal(signal.SIGALRM, _alarm)

def limited(seconds, fn, *args):
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        with contextlib.redirect_stdout(io.StringIO()):
            return fn(*args)
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)

def plain(x):
    """JSON-shaped copy (tuples become lists); raises ValueError for what JSON can't hold."""
    if x is None or isinstance(x, (bool, str)):
        return x
    if isinstance(x, int):
        return x
    if isinstance(x, float):
        if not math.isfinite(x):
            raise ValueError("non-finite float")
        return x
    if isinstance(x, (list, tuple)):
        return [plain(v) for v in x]
    if isinstance(x, dict):
        if not all(isinstance(k, str) for k in x):
            raise ValueError("non-string key")
        return {k: plain(v) for k, v in x.items()}
    raise ValueError("not JSON: " + type(x).__name__)

def same(a, b):
    if isinstance(a, bool) or isinstance(b, bool):
        return type(a) is type(b) and a == b
    if isinstance(a, (int, float)) and isinstance(b, (int, float)):
        return a == b or math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-9)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b))
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(same(a[k], b[k]) for k in a)
    return type(a) is type(b) and a == b

def literal(text):
    try:
        return True, ast.literal_eval(text)
    except Exception:
        return False, None

def value_variants(text):
    v = text.strip().strip("\x60")
    seen, out = set(), []
    def add(t):
        t = t.strip()
        if t and t not in seen:
            seen.add(t)
            out.append(t)
    add(v)
    add(v.rstrip(".,;"))
    if " #" in v:
        add(v.split(" #", 1)[0])
    if " = " in v:
        add(v.rsplit(" = ", 1)[1].rstrip(".,;"))
    add(re.sub(r"\btrue\b", "True", re.sub(r"\bfalse\b", "False", re.sub(r"\b(null|none)\b", "None", v))))
    words = v.split(" ")
    for k in range(len(words) - 1, 0, -1):
        add(" ".join(words[:k]).rstrip(".,;"))
    values = []
    for t in out:
        ok, val = literal(t)
        if ok:
            values.append(val)
    return values

def positional_args(text):
    ok, val = literal("[" + text + "]")
    return [val] if ok else []

def keyword_args(text, params):
    parts = text.split(",")
    found = []
    for k in range(len(parts), 0, -1):
        prefix = ",".join(parts[:k]).strip().rstrip(",")
        try:
            call = ast.parse("_f(" + prefix + ")", mode="eval").body
        except SyntaxError:
            continue
        if call.args or sorted(kw.arg for kw in call.keywords) != sorted(params):
            continue
        try:
            values = {kw.arg: ast.literal_eval(kw.value) for kw in call.keywords}
        except Exception:
            continue
        found.append([values[p] for p in params])
        break
    return found

def signature(tree, entry):
    for node in tree.body:
        if isinstance(node, ast.FunctionDef) and node.name == entry:
            params = [{"name": a.arg, "type": ast.unparse(a.annotation) if a.annotation else "any"} for a in node.args.args]
            returns = ast.unparse(node.returns) if node.returns else "any"
            return params, returns
    return None, None

def helpers(tree, source, entry):
    parts = []
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node.name == entry:
            continue
        seg = ast.get_source_segment(source, node)
        if seg:
            parts.append(seg)
    return "\n\n".join(parts)

def task(t):
    out = {"task_id": t["task_id"], "examples": [], "rejected": 0}
    try:
        tree = ast.parse(t["prompt"])
    except SyntaxError as e:
        out["error"] = "prompt is not valid Python: %s" % e
        return out
    params, returns = signature(tree, t["entry_point"])
    if params is None:
        out["error"] = "prompt defines no function %s" % t["entry_point"]
        return out
    out["params"], out["returns"] = params, returns
    out["helpers"] = helpers(tree, t["prompt"], t["entry_point"])
    ns = {"__name__": "canonical"}
    try:
        limited(10, exec, compile(t["prompt"] + t["canonical_solution"], "canonical", "exec"), ns)
        fn = ns[t["entry_point"]]
    except BaseException as e:
        if isinstance(e, KeyboardInterrupt):
            raise
        out["error"] = "canonical solution failed to load: %s" % type(e).__name__
        return out
    why = check_apart(t, fn, out["helpers"])
    if why is not None:
        out["error"] = why
        return out
    names = [p["name"] for p in params]
    seen = set()
    for c in t["candidates"]:
        arg_options = positional_args(c["args"]) if c["kind"] == "call" else keyword_args(c["assignments"], names)
        values = value_variants(c["value"])
        accepted = False
        for args in arg_options:
            if not isinstance(args, list) or len(args) != len(names):
                continue
            try:
                args_json = plain(args)
                key = json.dumps(args_json, sort_keys=True)
                if key in seen:
                    accepted = True
                    break
                result = limited(2, fn, *copy.deepcopy(args_json))
                result_json = plain(result)
            except BaseException as e:
                if isinstance(e, KeyboardInterrupt):
                    raise
                continue
            for v in values:
                try:
                    if same(result_json, plain(v)):
                        seen.add(key)
                        out["examples"].append({"args": args_json, "expected": result_json, "line": c["line"]})
                        accepted = True
                        break
                except ValueError:
                    continue
            if accepted:
                break
        if not accepted:
            out["rejected"] += 1
    return out

def main():
    tasks = json.load(sys.stdin)
    results = [task(t) for t in tasks]
    sys.stdout.write(json.dumps(results))

sys.setrecursionlimit(10000)
main()
`;
