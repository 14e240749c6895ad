// A kata from a GitHub issue body (untrusted Markdown): statement, optional `### Function` signature,
// `### Examples` as Input/Output fenced blocks, optional language / limits / checker. Nothing in the
// body is ever evaluated; function examples are JSON. See docs/issue-katas.md for the layout.
import type { ProblemSpec, ProblemSpecInput } from "./schema.ts";
import { LANGUAGES, type Language } from "./schema.ts";
import { checkSpecObject } from "./load.ts";
import { splitTopLevel } from "./importers/common.ts";
import { atxHeading, closesFence, closingParen, exampleLabel, fenceMarker, firstNumberWithUnit, leadingIdentifier, numberWithOptionalUnit, openingFence, ticksSeveralAnswers } from "./scan.ts";

export const ISSUE_LIMITS = {
  bodyChars: 65_536,
  titleChars: 200,
  examples: 20,
  blockChars: 16_384,
} as const;

export type IssueParseResult = { ok: true; spec: ProblemSpec } | { ok: false; missing: string[]; message: string };

/** Removes HTML comments (the template's hints), zero-width and bidi-control characters; normalizes newlines. */
export function sanitizeIssueText(text: string): string {
  return text
    .replace(/\r\n?/g, "\n")
    .replace(/<!--[\s\S]*?(-->|$)/g, "")
    .replace(/[\u200B-\u200D\u2060\uFEFF\u200E\u200F\u061C\u202A-\u202E\u2066-\u2069]/g, "");
}

interface Section {
  heading: string;
  body: string;
}

/** Splits on `##`/`###` headings outside fenced blocks; text before the first heading has heading "". Linear (src/spec/scan.ts). */
function sections(body: string): Section[] {
  // Lines collected in arrays and joined once: appending to a string per line builds ropes that
  // every later trim flattens again.
  const out: { heading: string; lines: string[] }[] = [{ heading: "", lines: [] }];
  let fence: string | undefined;
  for (const line of body.split("\n")) {
    const marker = fenceMarker(line);
    if (marker !== undefined) {
      if (fence === undefined) fence = marker;
      else if (closesFence(line, fence)) fence = undefined;
    }
    const heading = fence === undefined && marker === undefined ? atxHeading(line) : undefined;
    if (heading !== undefined) out.push({ heading, lines: [] });
    else out[out.length - 1]!.lines.push(line);
  }
  return out.map((s) => ({ heading: s.heading, body: s.lines.length === 0 ? "" : `${s.lines.join("\n")}\n` }));
}

type Kind = "statement" | "function" | "examples" | "example-input" | "example-output" | "language" | "time" | "memory" | "limits" | "checker" | "options";

function classify(heading: string): Kind | undefined {
  const h = heading.toLowerCase().replace(/[*_`:]/g, "").replace(/\s+/g, " ").trim();
  if (/^(statement|problem( statement)?|description|task)$/.test(h)) return "statement";
  if (/^(function|function signature|signature)$/.test(h)) return "function";
  if (/^(examples?|sample tests?|samples?|tests?)$/.test(h)) return "examples";
  if (/^(example|sample) ?\d* input$/.test(h)) return "example-input";
  if (/^(example|sample) ?\d* output$/.test(h)) return "example-output";
  if (/^(more examples|other examples|additional examples)$/.test(h)) return "examples";
  if (/^(target )?language$/.test(h)) return "language";
  if (/^time limit( \(ms\))?$/.test(h)) return "time";
  if (/^memory limit( \(mb\))?$/.test(h)) return "memory";
  if (/^limits$/.test(h)) return "limits";
  if (/^(checker|output checker|comparison)$/.test(h)) return "checker";
  if (/^options$/.test(h)) return "options";
  return undefined;
}

/** Issue forms write `_No response_` for empty optional fields. */
function fieldText(body: string): string {
  const t = body.trim();
  return t === "_No response_" ? "" : t;
}

interface Block {
  label: "input" | "output" | undefined;
  text: string;
}

/** Fenced blocks in order, each with the Input/Output label written just before it (if any). */
function fencedBlocks(text: string): Block[] {
  const lines = text.split("\n");
  const out: Block[] = [];
  let label: Block["label"];
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] as string;
    const marker = openingFence(line);
    if (marker !== undefined) {
      const content: string[] = [];
      let j = i + 1;
      while (j < lines.length && !closesFence(lines[j] as string, marker)) content.push(lines[j++] as string);
      out.push({ label, text: content.join("\n") });
      label = undefined;
      i = j;
      continue;
    }
    const l = exampleLabel(line);
    if (l !== undefined) label = l;
    else if (line.trim() !== "") label = undefined;
  }
  return out;
}

/** The text of a form field rendered with `render:` (one fenced block), or the plain text. */
function blockOrText(body: string): string {
  const blocks = fencedBlocks(body);
  return blocks.length > 0 ? (blocks[0] as Block).text : fieldText(body);
}

/** Input/Output pairs in order; an input without an output is reported. */
function examplePairs(blocks: Block[], problems: string[]): { input: string; output: string }[] {
  const pairs: { input: string; output: string }[] = [];
  let pending: string | undefined;
  for (const b of blocks) {
    if (b.label === "input") {
      if (pending !== undefined) problems.push(`example ${pairs.length + 1}: an Input block has no Output block after it`);
      pending = b.text;
    } else if (b.label === "output") {
      if (pending === undefined) problems.push(`example ${pairs.length + 1}: an Output block has no Input block before it`);
      else pairs.push({ input: pending, output: b.text });
      pending = undefined;
    }
  }
  if (pending !== undefined) problems.push(`example ${pairs.length + 1}: an Input block has no Output block after it`);
  return pairs;
}

/** `def f(a: int, b: list[int]) -> int` (or without `def`) -> function I/O. */
export function parseSignature(text: string): { name: string; params: { name: string; type: string }[]; returns: string } | string {
  const src = text.replace(/^```\w*\n?|```$/g, "").trim().split("\n").find((l) => /\w\s*\(/.test(l)) ?? "";
  const usage = "a signature like `def f(a: int, b: list[int]) -> int`";
  let s = src.trim();
  if (s.startsWith("def") && /^\s/.test(s.slice(3, 4))) s = s.slice(3).trimStart();
  const name = leadingIdentifier(s);
  s = s.slice(name.length).trimStart();
  const close = s.startsWith("(") ? closingParen(s, 0) : -1;
  if (name === "" || close < 0) return usage;
  let tail = s.slice(close + 1).trim();
  if (tail.endsWith(":")) tail = tail.slice(0, -1).trim();
  if (tail !== "" && !tail.startsWith("->")) return usage;
  const returns = tail.slice(2).trim();
  const params: { name: string; type: string }[] = [];
  const parts = splitTopLevel(s.slice(1, close));
  // A trailing comma (or no parameters) leaves an empty last part.
  if (parts.at(-1)?.trim() === "") parts.pop();
  for (const p of parts) {
    const param = parseParam(p);
    if (param === undefined) return `a parameter like \`name: type\` (got ${JSON.stringify(p.trim().slice(0, 40))})`;
    if (param.name !== "self") params.push(param);
  }
  return { name, params, returns: returns || "any" };
}

/** `name`, `name: type`, `name: type = default`, `name=default`. */
function parseParam(text: string): { name: string; type: string } | undefined {
  const p = text.trim();
  const name = leadingIdentifier(p);
  const rest = p.slice(name.length).trimStart();
  if (name === "" || (rest !== "" && !rest.startsWith(":") && !rest.startsWith("="))) return undefined;
  if (!rest.startsWith(":")) return { name, type: "any" };
  const eq = rest.indexOf("=");
  return { name, type: rest.slice(1, eq < 0 ? undefined : eq).trim() || "any" };
}

const LANGUAGE_ALIASES: Record<string, Language> = {
  python: "python", python3: "python", py: "python", "python 3": "python",
  javascript: "javascript", js: "javascript", node: "javascript", "node.js": "javascript",
  cpp: "cpp", "c++": "cpp", "c++17": "cpp", "c++20": "cpp",
};

/** Function examples are JSON: an array of arguments, or one JSON value per line. */
function functionArgs(input: string): unknown[] | undefined {
  try {
    const whole = JSON.parse(input) as unknown;
    if (Array.isArray(whole)) return whole;
  } catch {
    // one value per line, below
  }
  try {
    return input.split("\n").filter((l) => l.trim() !== "").map((l) => JSON.parse(l) as unknown);
  } catch {
    return undefined;
  }
}

function cleanTitle(title: string): string {
  return title.replace(/^\s*(\[kata\]|kata:)\s*/i, "").trim();
}

/** Turns an issue body into a spec with id `issue-<number>`, or says exactly what is missing. */
export function parseIssueBody(body: string, meta: { number: number; title: string }): IssueParseResult {
  const problems: string[] = [];
  const fail = (): IssueParseResult => ({
    ok: false,
    missing: problems,
    message: `Could not read issue #${meta.number} as a kata: ${problems.join("; ")}. See docs/issue-katas.md for the layout.`,
  });
  if (body.length > ISSUE_LIMITS.bodyChars) {
    problems.push(`a body under ${ISSUE_LIMITS.bodyChars} characters (this one has ${body.length})`);
    return fail();
  }
  const title = cleanTitle(sanitizeIssueText(meta.title)).slice(0, ISSUE_LIMITS.titleChars);
  if (title === "") problems.push("a title");
  const fields = readFields(sanitizeIssueText(body));
  const statement = fields.statementParts.join("\n\n").trim();
  if (statement === "") problems.push("a statement (the problem text, before `### Examples` or under `### Statement`)");

  const spec: ProblemSpecInput = { id: `issue-${meta.number}`, title: title || `Issue ${meta.number}`, statement: statement || "-", source: { name: `issue #${meta.number}` } };
  readSignature(fields.fn, spec, problems);
  readLanguage(fields.language, spec, problems);
  readLimits(fields, spec, problems);
  readChecker(fields.checker, spec, problems);
  if (ticksSeveralAnswers(fields.options)) spec.multipleAnswers = true;
  spec.tests = { public: exampleTests(fields.exampleBlocks, spec, problems), hidden: [] };

  if (problems.length > 0) return fail();
  const r = checkSpecObject(spec, `issue #${meta.number}`);
  if (!r.ok) {
    problems.push(...r.errors.map((e) => `${e.field}: ${e.message}`));
    return fail();
  }
  return { ok: true, spec: r.spec };
}

/** What each section of the body holds, by the kind of its heading. */
interface IssueFields {
  statementParts: string[];
  exampleBlocks: Block[];
  fn?: string;
  language?: string;
  time?: string;
  memory?: string;
  limits?: string;
  checker?: string;
  options: string;
}

function readFields(text: string): IssueFields {
  const f: IssueFields = { statementParts: [], exampleBlocks: [], options: "" };
  for (const s of sections(text)) {
    const kind = s.heading === "" ? "statement" : classify(s.heading);
    switch (kind) {
      case "statement":
        if (fieldText(s.body) !== "") f.statementParts.push(fieldText(s.body));
        break;
      case undefined:
        // Headings we don't know (Constraints, Notes) belong to the statement.
        f.statementParts.push(`### ${s.heading}\n\n${fieldText(s.body)}`.trim());
        break;
      case "function":
        f.fn = blockOrText(s.body);
        break;
      case "examples":
        f.exampleBlocks.push(...fencedBlocks(s.body));
        break;
      case "example-input":
      case "example-output": {
        const t = blockOrText(s.body);
        if (t !== "") f.exampleBlocks.push({ label: kind === "example-input" ? "input" : "output", text: t });
        break;
      }
      case "options":
        f.options = s.body;
        break;
      default:
        // language, time, memory, limits, checker: one line of text each
        f[kind] = fieldText(s.body);
    }
  }
  return f;
}

function readSignature(fn: string | undefined, spec: ProblemSpecInput, problems: string[]): void {
  if (fn === undefined || fn === "") return;
  const sig = parseSignature(fn);
  if (typeof sig === "string") problems.push(`### Function: ${sig}`);
  else spec.io = { kind: "function", ...sig };
}

function readLanguage(language: string | undefined, spec: ProblemSpecInput, problems: string[]): void {
  if (language === undefined || language === "") return;
  const lang = LANGUAGE_ALIASES[language.toLowerCase()];
  if (lang === undefined) problems.push(`### Language: one of ${LANGUAGES.join(", ")} (got ${JSON.stringify(language.slice(0, 40))})`);
  else spec.language = lang;
}

/** `### Limits` (both in one line), then `### Time limit` and `### Memory limit`, which win. */
function readLimits(f: Pick<IssueFields, "limits" | "time" | "memory">, spec: ProblemSpecInput, problems: string[]): void {
  const lim: { timeMs?: number; memoryMb?: number } = {};
  if (f.limits !== undefined && f.limits !== "") {
    const t = firstNumberWithUnit(f.limits, ["ms", "s"], true);
    const m = firstNumberWithUnit(f.limits, ["mb"], false);
    if (t === undefined && m === undefined) problems.push("### Limits: like `2000 ms, 256 MB`");
    if (t !== undefined) lim.timeMs = Math.round(t.value * (t.unit === "s" ? 1000 : 1));
    if (m !== undefined) lim.memoryMb = m.value;
  }
  if (f.time !== undefined && f.time !== "") {
    const ms = numberWithOptionalUnit(f.time, ["ms"]);
    const s = ms === undefined ? numberWithOptionalUnit(f.time, ["s", "sec", "seconds"]) : undefined;
    if (ms === undefined && s === undefined) problems.push("### Time limit: milliseconds, like `2000`");
    else lim.timeMs = Math.round(ms ?? (s as number) * 1000);
  }
  if (f.memory !== undefined && f.memory !== "") {
    const mb = numberWithOptionalUnit(f.memory, ["mb", "mib"]);
    if (mb === undefined) problems.push("### Memory limit: megabytes, like `256`");
    else lim.memoryMb = Math.round(mb);
  }
  if (lim.timeMs !== undefined || lim.memoryMb !== undefined) spec.limits = lim;
}

function readChecker(checker: string | undefined, spec: ProblemSpecInput, problems: string[]): void {
  if (checker === undefined || checker === "") return;
  const c = checker.toLowerCase().trim();
  const float = /^float(?:\s+(?:tolerance\s+)?([0-9.eE+-]+))?$/.exec(c);
  if (c === "tokens" || c === "exact" || c === "case-insensitive") spec.checker = { kind: c };
  else if (float !== null) spec.checker = float[1] !== undefined && Number.isFinite(Number(float[1])) ? { kind: "float", absolute: Number(float[1]), relative: Number(float[1]) } : { kind: "float" };
  else if (c === "custom") problems.push("### Checker: custom checker programs aren't accepted from issues; use tokens, exact, float or case-insensitive");
  else problems.push(`### Checker: one of tokens, exact, float, case-insensitive (got ${JSON.stringify(checker.slice(0, 40))})`);
}

type PublicTests = NonNullable<ProblemSpecInput["tests"]>["public"];

/** The examples as public tests: stdin/stdout text, or (a function kata) JSON arguments and result. */
function exampleTests(blocks: Block[], spec: ProblemSpecInput, problems: string[]): PublicTests {
  const pairs = examplePairs(blocks, problems);
  if (pairs.length === 0 && !problems.some((p) => p.startsWith("example"))) {
    problems.push("examples: at least one **Input** fenced block followed by an **Output** fenced block under `### Examples`");
  }
  if (pairs.length > ISSUE_LIMITS.examples) problems.push(`at most ${ISSUE_LIMITS.examples} examples (got ${pairs.length})`);
  const tests: PublicTests = [];
  pairs.slice(0, ISSUE_LIMITS.examples).forEach((p, i) => {
    if (p.input.length > ISSUE_LIMITS.blockChars || p.output.length > ISSUE_LIMITS.blockChars) {
      problems.push(`example ${i + 1}: blocks of at most ${ISSUE_LIMITS.blockChars} characters`);
      return;
    }
    if (spec.io?.kind !== "function") {
      tests.push({ name: `example-${i + 1}`, input: p.input.endsWith("\n") ? p.input : p.input + "\n", output: p.output });
      return;
    }
    const args = functionArgs(p.input);
    let expected: unknown;
    let expectedOk = true;
    try {
      expected = JSON.parse(p.output) as unknown;
    } catch {
      expectedOk = false;
    }
    if (args === undefined) problems.push(`example ${i + 1}: the Input of a function example is JSON (an array of arguments, or one value per line; use true/false/null and double quotes)`);
    else if (args.length !== spec.io.params?.length) problems.push(`example ${i + 1}: ${args.length} argument(s) given, the signature has ${spec.io.params?.length ?? 0}`);
    if (!expectedOk) problems.push(`example ${i + 1}: the Output of a function example is one JSON value`);
    if (args !== undefined && expectedOk) tests.push({ name: `example-${i + 1}`, args, expected });
  });
  return tests;
}
