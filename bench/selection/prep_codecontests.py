"""Builds CodeContests selection pools by AST-level mutation of the Python reference solution
(parse and unparse only: nothing is executed here). argv: codecontests.jsonl seed mutants_per_problem
Output: one JSON line per usable problem (reference passes all tests, single correct answer):
  {"id", "reference", "mutants": [[kind, code]], "public": [[in, out]], "hidden": [[in, out]],
   "synth": [input], "held": [input]}
Mutation kinds (realistic bugs): off-by-one (integer constant or range bound +-1), wrong operator
(comparison / arithmetic / boolean swapped), missed edge case (an `if` without else whose body
exits early is removed), too-slow (a loop gains an inner loop over the same range: O(n) -> O(n^2)).
Synthesized inputs mutate the public inputs' integers (+-1, x2, 0, 1, max seen): like model-written
inputs, many break the stated constraints, which is what the selection must survive.
"""
import ast, copy, json, random, re, sys

CMP_SWAP = {ast.Lt: ast.LtE, ast.LtE: ast.Lt, ast.Gt: ast.GtE, ast.GtE: ast.Gt, ast.Eq: ast.NotEq, ast.NotEq: ast.Eq}
BIN_SWAP = {ast.Add: ast.Sub, ast.Sub: ast.Add, ast.Mult: ast.Add, ast.FloorDiv: ast.Mult, ast.Mod: ast.FloorDiv}


def sites(tree):
    out = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and type(node.value) is int and not isinstance(node.value, bool):
            out.append(("off-by-one", node))
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "range" and node.args:
            out.append(("off-by-one", node))
        elif isinstance(node, ast.Compare) and type(node.ops[0]) in CMP_SWAP:
            out.append(("wrong-operator", node))
        elif isinstance(node, ast.BinOp) and type(node.op) in BIN_SWAP:
            out.append(("wrong-operator", node))
        elif isinstance(node, ast.BoolOp):
            out.append(("wrong-operator", node))
        elif isinstance(node, ast.If) and not node.orelse and any(
            isinstance(s, (ast.Return, ast.Continue, ast.Break)) or
            (isinstance(s, ast.Expr) and isinstance(s.value, ast.Call) and getattr(s.value.func, "id", "") in ("print", "exit"))
            for s in node.body):
            out.append(("missed-edge-case", node))
        elif isinstance(node, ast.For) and isinstance(node.iter, ast.Call) and getattr(node.iter.func, "id", "") == "range":
            out.append(("too-slow", node))
    return out


def mutate(tree, kind, node, r):
    if kind == "off-by-one":
        if isinstance(node, ast.Constant):
            node.value = node.value + r.choice([-1, 1])
        else:
            i = len(node.args) - 1 if len(node.args) < 3 else 1
            node.args[i] = ast.BinOp(left=node.args[i], op=r.choice([ast.Add(), ast.Sub()]), right=ast.Constant(1))
    elif kind == "wrong-operator":
        if isinstance(node, ast.Compare):
            node.ops[0] = CMP_SWAP[type(node.ops[0])]()
        elif isinstance(node, ast.BinOp):
            node.op = BIN_SWAP[type(node.op)]()
        else:
            node.op = ast.Or() if isinstance(node.op, ast.And) else ast.And()
    elif kind == "missed-edge-case":
        node.test = ast.Constant(False)
    elif kind == "too-slow":
        slow = ast.For(target=ast.Name("_slow", ast.Store()), iter=copy.deepcopy(node.iter),
                       body=[ast.Pass()], orelse=[], type_comment=None)
        node.body.insert(0, slow)
    return ast.unparse(ast.fix_missing_locations(tree))


def input_variants(text, r, n):
    nums = [int(x) for x in re.findall(r"-?\d+", text)]
    top = max([abs(x) for x in nums] + [1])
    out, seen = [], {text}
    for _ in range(n * 6):
        if len(out) >= n:
            break
        toks = re.split(r"(-?\d+)", text)
        idx = [i for i, t in enumerate(toks) if re.fullmatch(r"-?\d+", t)]
        if not idx:
            break
        for i in r.sample(idx, min(len(idx), r.choice([1, 1, 2, 3]))):
            v = int(toks[i])
            toks[i] = str(r.choice([v + 1, v - 1, v * 2, 0, 1, top, max(0, v - 2)]))
        cand = "".join(toks)
        if cand not in seen:
            seen.add(cand); out.append(cand)
    return out


rows = [json.loads(l) for l in open(sys.argv[1])]
seed = int(sys.argv[2]); per = int(sys.argv[3])
for row in rows:
    if not row.get("reference_passes_all_tests") or row.get("multiple_answers_hint"):
        continue
    ref = row["reference_solution_py"]
    try:
        base = ast.parse(ref)
    except SyntaxError:
        continue
    r = random.Random(f"{seed}|{row['id']}")
    all_sites = sites(base)
    by_kind = {}
    for i, (k, _) in enumerate(all_sites):
        by_kind.setdefault(k, []).append(i)
    mutants, seen = [], {ast.unparse(base)}
    kinds = sorted(by_kind)
    for attempt in range(per * 8):
        if len(mutants) >= per or not kinds:
            break
        kind = kinds[attempt % len(kinds)]
        i = r.choice(by_kind[kind])
        tree = copy.deepcopy(base)
        node = sites(tree)[i][1]
        try:
            code = mutate(tree, kind, node, r)
        except Exception:
            continue
        if code not in seen:
            seen.add(code); mutants.append([kind, code])
    pub = [[t["input"], t["output"]] for t in row["public_tests"]]
    variants = []
    for inp, _ in pub:
        variants += input_variants(inp, r, 14)
    r.shuffle(variants)
    print(json.dumps({"id": row["id"], "reference": ref, "mutants": mutants, "public": pub,
                      "hidden": [[t["input"], t["output"]] for t in row["hidden_tests"]],
                      "synth": variants[: len(variants) // 2], "held": variants[len(variants) // 2:]}))
