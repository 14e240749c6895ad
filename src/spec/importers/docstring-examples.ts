// Finds example calls in a HumanEval-style prompt's docstring, as text. Nothing is evaluated here:
// the Python step turns the text into values with ast.literal_eval and keeps only the examples the
// canonical solution agrees with, so a loose match here costs nothing but a rejected candidate.

/** An example as written: the call's argument text (or `name = value` assignments) and the value text. */
export type ExampleCandidate =
  | { kind: "call"; callee: string; args: string; value: string; line: number }
  | { kind: "kwargs"; assignments: string; value: string; line: number };

/** Builtins that wrap a call in doctests (`round(f(x), 2)`): never taken as the function itself. */
const NOT_CALLEES = new Set([
  "round", "len", "print", "sorted", "list", "str", "int", "float", "abs", "sum", "max", "min", "set",
  "tuple", "dict", "range", "type", "isinstance", "ord", "chr", "all", "any", "sum", "map", "filter",
]);

/** Separators between a call and its value: `==`, `==>`, `=>`, `➞`, `->`, `→`, `=`, `returns`, `should return`. */
const SEPARATOR = /^\s*(?:#\s*)?(?:==>|=>|==|➞|->|→|=(?!=)|:|\breturns?\b|\bshould\s+return\b|\bshould\s+be\b|\bgives\b|\bis\b)\s*/i;

/** Index just past the bracket that closes the one at `open`, skipping string literals; -1 if unbalanced. */
export function matchBracket(text: string, open: number): number {
  const pairs: Record<string, string> = { "(": ")", "[": "]", "{": "}" };
  const stack: string[] = [];
  for (let i = open; i < text.length; i++) {
    const ch = text[i] as string;
    if (ch === '"' || ch === "'") {
      const end = text.indexOf(ch, i + 1);
      if (end < 0) return -1;
      i = end;
      continue;
    }
    const close = pairs[ch];
    if (close !== undefined) stack.push(close);
    else if (ch === ")" || ch === "]" || ch === "}") {
      if (stack.pop() !== ch) return -1;
      if (stack.length === 0) return i + 1;
    }
  }
  return -1;
}

/** Open brackets minus closed ones, outside strings (to join values that continue on the next line). */
function bracketDepth(text: string): number {
  let depth = 0;
  let quote: string | undefined;
  for (const ch of text) {
    if (quote !== undefined) {
      if (ch === quote) quote = undefined;
    } else if (ch === '"' || ch === "'") quote = ch;
    else if ("([{".includes(ch)) depth++;
    else if (")]}".includes(ch)) depth--;
  }
  return depth;
}

interface CallAt {
  callee: string;
  args: string;
  rest: string;
}

/** A call `name(...)` at the start of `text` (after bullets, `for`, `assert`), if any. */
function callAtStart(text: string, accept: (name: string) => boolean): CallAt | undefined {
  const m = /^\s*(?:(?:[*\-•]|for\b|assert\b|e\.g\.|example:?)\s*)*([A-Za-z_][A-Za-z0-9_]*)\s*\(/i.exec(text);
  if (m === null || m[1] === undefined || !accept(m[1])) return undefined;
  const open = m[0].length - 1;
  const end = matchBracket(text, open);
  if (end < 0) return undefined;
  return { callee: m[1], args: text.slice(open + 1, end - 1), rest: text.slice(end) };
}

/**
 * Example candidates in a prompt: `>>> f(x)` doctests (value on the following lines; none means None),
 * and lines like `f(x) == y`, `f(x) ➞ y`, `f(x) -> y`, `f(x) should return y`, `For a = 1, b = 2, the
 * output should be y`, `Input: a = 1` / `Output: y`. `entryPoint` and names not defined in the prompt
 * (docstrings sometimes use another name for the function) are accepted as the callee.
 */
export function extractExampleCandidates(prompt: string, entryPoint: string): ExampleCandidate[] {
  const defined = new Set([...prompt.matchAll(/^\s*def\s+([A-Za-z_][A-Za-z0-9_]*)/gm)].map((m) => m[1]));
  const accept = (name: string) => name === entryPoint || (!defined.has(name) && !NOT_CALLEES.has(name));
  // Only the entry point's own definition and docstring: helpers' docstrings describe other functions.
  const defAt = prompt.search(new RegExp(`^\\s*def\\s+${entryPoint}\\s*\\(`, "m"));
  const lines = (defAt >= 0 ? prompt.slice(defAt) : prompt).split("\n");
  const lineOffset = defAt >= 0 ? prompt.slice(0, defAt).split("\n").length - 1 : 0;
  const out: ExampleCandidate[] = [];
  const push = (c: ExampleCandidate) => out.push(c);

  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] as string;
    const lineNo = lineOffset + i + 1;
    const doctest = /^\s*>>>\s?(.*)$/.exec(line);
    if (doctest !== null) {
      let expr = doctest[1] ?? "";
      let j = i + 1;
      while (j < lines.length && /^\s*\.\.\.(\s|$)/.test(lines[j] as string)) {
        expr += "\n" + (lines[j] as string).replace(/^\s*\.\.\.\s?/, "");
        j++;
      }
      const valueLines: string[] = [];
      while (j < lines.length) {
        const l = lines[j] as string;
        if (l.trim() === "" || /^\s*>>>/.test(l) || /^\s*("""|''')/.test(l)) break;
        // A following `f(x) == y` line is an example of its own, not this doctest's output.
        const next = callAtStart(l, accept);
        if (next !== undefined && SEPARATOR.test(next.rest)) break;
        valueLines.push(l.trim().replace(/("""|''')\s*$/, ""));
        j++;
      }
      const call = callAtStart(expr, accept);
      if (call !== undefined) {
        const rest = call.rest.trim();
        const sep = SEPARATOR.exec(rest);
        const value = rest === "" ? (valueLines.length > 0 ? valueLines.join("\n") : "None") : sep !== null ? rest.slice(sep[0].length) : rest;
        push({ kind: "call", callee: call.callee, args: call.args, value, line: lineNo });
      }
      i = j - 1;
      continue;
    }
    // `Input: a = 1, b = 2` then `Output: y` on a following line.
    const input = /^\s*input\s*:\s*(\w+\s*=.*)$/i.exec(line);
    if (input !== null) {
      for (let j = i + 1; j < Math.min(lines.length, i + 4); j++) {
        const o = /^\s*output\s*:\s*(.+)$/i.exec(lines[j] as string);
        if (o !== null) {
          push({ kind: "kwargs", assignments: input[1] ?? "", value: o[1] ?? "", line: lineNo });
          break;
        }
      }
      continue;
    }
    // `For a = 1, b = 2, the result should be y` / `For lst = [...] the output should be y`.
    const forKw = /^\s*for\s+(\w+\s*=.*?)[\s,]*\bthe\s+(?:result|output|answer)\s+should\s+be\s+(.+)$/i.exec(line);
    if (forKw !== null) {
      push({ kind: "kwargs", assignments: forKw[1] ?? "", value: forKw[2] ?? "", line: lineNo });
      continue;
    }
    const call = callAtStart(line, accept);
    if (call === undefined) continue;
    const sep = SEPARATOR.exec(call.rest);
    if (sep === null) continue;
    let value = call.rest.slice(sep[0].length);
    // A value whose brackets close on a later line (a long list).
    for (let j = i + 1; bracketDepth(value) > 0 && j < Math.min(lines.length, i + 6); j++) value += "\n" + (lines[j] as string).trim();
    if (value.trim() === "") continue;
    push({ kind: "call", callee: call.callee, args: call.args, value, line: lineNo });
  }
  return out;
}
