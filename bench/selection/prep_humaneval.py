"""Parses (never executes) the pool's model-written asserts for the HumanEval problems (the
docstring examples come from src/spec/importers/docstring-examples.ts).
Output: one JSON line per task:
  {"task_id", "entry", "prompt", "test", "canonical",
   "model_inputs": [args_text],                    # unique call arguments of the model's asserts, first-seen order
   "predicted": [[model_input_index, expected_text]]}  # the model's predicted values (CodeT baseline only)
argv: problems.jsonl tests.jsonl
"""
import ast, json, re, sys

problems = {}
for line in open(sys.argv[1]):
    p = json.loads(line)
    problems[p["task_id"]] = p
tests = {}
for line in open(sys.argv[2]):
    t = json.loads(line)
    tests[t["task_id"]] = t["generated_tests"]


def seg(src, node):
    return ast.get_source_segment(src, node)


def call_args(src, call):
    parts = [seg(src, a) for a in call.args] + [f"{k.arg}={seg(src, k.value)}" for k in call.keywords if k.arg]
    if any(p is None for p in parts) or any(k.arg is None for k in call.keywords):
        return None
    return ", ".join(parts)


def is_entry_call(node, entry):
    return isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == entry


def parse_assert(line, entry):
    """assert f(args) == v / assert v == f(args) -> (args_text, v_text or None)."""
    try:
        src = line.strip()
        tree = ast.parse(src)
    except SyntaxError:
        return None
    if not tree.body or not isinstance(tree.body[0], ast.Assert):
        return None
    test = tree.body[0].test
    if isinstance(test, ast.Compare) and len(test.ops) == 1 and isinstance(test.ops[0], (ast.Eq, ast.Is)):
        left, right = test.left, test.comparators[0]
        for call, other in ((left, right), (right, left)):
            if is_entry_call(call, entry):
                args = call_args(src, call)
                if args is None:
                    return None
                value = seg(src, other)
                if value is None or "___" in value:
                    value = None
                return args, value
    for node in ast.walk(test):
        if is_entry_call(node, entry):
            args = call_args(src, node)
            if args is not None:
                if isinstance(test, ast.Call) or (isinstance(test, ast.UnaryOp) and isinstance(test.op, ast.Not)):
                    expected = "False" if isinstance(test, ast.UnaryOp) else "True"
                    return args, expected if test is node or getattr(test, "operand", None) is node else None
                return args, None
    return None


for tid, p in problems.items():
    entry = p["entry_point"]
    inputs, index, predicted = [], {}, []
    for gen in tests.get(tid, []):
        for line in gen:
            got = parse_assert(line, entry)
            if got is None:
                continue
            args, value = got
            if args not in index:
                index[args] = len(inputs); inputs.append(args)
            if value is not None:
                predicted.append([index[args], value])
    print(json.dumps({
        "task_id": tid, "entry": entry, "prompt": p["prompt"], "test": p["test"],
        "canonical": p["prompt"] + p["canonical_solution"],
        "model_inputs": inputs, "predicted": predicted,
    }))
