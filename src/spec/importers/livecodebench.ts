// LiveCodeBench's problem format (JSONL rows of the code_generation_lite release): question_content,
// public_test_cases / private_test_cases (JSON text of [{input, output, testtype: stdin|functional}]),
// starter_code, metadata (JSON text, may hold func_name).
//
// private_test_cases is often base64(zlib(pickle(json text))). Pickle is a program format, so it is
// never executed here: `readStringPickle` accepts only a pickle whose whole content is one string
// (what LiveCodeBench writes) and rejects anything else with a clear reason.
import { inflateSync } from "node:zlib";
import type { ProblemSpecInput } from "../schema.ts";
import { applyLimit, keepValid, parseJsonl, splitTopLevel, str, toSpecId, type ImportOptions, type ImportResult, type Row, type Skipped } from "./common.ts";

interface LcbTest {
  input: string;
  output: string;
  testtype: "stdin" | "functional";
}

/** Reads a pickle holding exactly one str (opcodes PROTO, FRAME, *BINUNICODE*, MEMOIZE, STOP); throws otherwise. */
export function readStringPickle(buf: Buffer): string {
  let i = 0;
  let value: string | undefined;
  const need = (n: number) => {
    if (i + n > buf.length) throw new Error("truncated pickle");
  };
  while (i < buf.length) {
    const op = buf[i++] as number;
    switch (op) {
      case 0x80: // PROTO n
        need(1);
        i += 1;
        break;
      case 0x95: // FRAME len (8 bytes)
        need(8);
        i += 8;
        break;
      case 0x8c: { // SHORT_BINUNICODE
        need(1);
        const n = buf[i++] as number;
        need(n);
        value = buf.toString("utf8", i, i + n);
        i += n;
        break;
      }
      case 0x58: { // BINUNICODE
        need(4);
        const n = buf.readUInt32LE(i);
        i += 4;
        need(n);
        value = buf.toString("utf8", i, i + n);
        i += n;
        break;
      }
      case 0x8d: { // BINUNICODE8
        need(8);
        const n = Number(buf.readBigUInt64LE(i));
        i += 8;
        need(n);
        value = buf.toString("utf8", i, i + n);
        i += n;
        break;
      }
      case 0x94: // MEMOIZE
        break;
      case 0x2e: // STOP
        if (value === undefined) throw new Error("the pickle holds no string");
        return value;
      default:
        throw new Error(`the pickle holds something other than one string (opcode 0x${op.toString(16)}); only string pickles are read, never executed`);
    }
  }
  throw new Error("truncated pickle (no STOP)");
}

/** Test cases from LiveCodeBench's field: plain JSON text, or base64(zlib(pickle(JSON text))). */
export function readLcbTests(field: unknown): LcbTest[] {
  if (field === undefined || field === null || field === "") return [];
  let value: unknown = field;
  if (typeof field === "string") {
    const t = field.trim();
    if (t.startsWith("[")) value = JSON.parse(t) as unknown;
    else {
      let inflated: Buffer;
      try {
        inflated = inflateSync(Buffer.from(t, "base64"));
      } catch {
        throw new Error("neither JSON nor base64+zlib data");
      }
      value = JSON.parse(readStringPickle(inflated)) as unknown;
    }
  }
  if (!Array.isArray(value)) throw new Error("expected a list of tests");
  return value.map((t, i) => {
    const r = t as Row | null;
    const input = str(r?.["input"]);
    const output = str(r?.["output"]);
    const testtype = str(r?.["testtype"]) ?? "stdin";
    if (input === undefined || output === undefined) throw new Error(`test ${i + 1} lacks a string input or output`);
    if (testtype !== "stdin" && testtype !== "functional") throw new Error(`test ${i + 1} has unknown testtype ${JSON.stringify(testtype)}`);
    return { input, output, testtype };
  });
}

/** The method or function the starter code declares: name, parameters (without self) and return type. */
export function parseStarter(starter: string, preferred?: string): { name: string; params: { name: string; type: string }[]; returns: string } | undefined {
  const defs = [...starter.matchAll(/def\s+([A-Za-z_]\w*)\s*\(([^)]*)\)\s*(?:->\s*([^:]+))?:/g)];
  const def = defs.find((d) => d[1] === preferred) ?? defs[0];
  if (def === undefined || def[1] === undefined) return undefined;
  const params = splitTopLevel(def[2] ?? "")
    .map((p) => p.trim())
    .filter((p) => p !== "" && p !== "self" && !p.startsWith("*"))
    .map((p) => {
      const [name = "", type] = p.split("=")[0]!.split(":").map((s) => s.trim());
      return { name, type: type !== undefined && type !== "" ? type : "any" };
    });
  return { name: def[1], params, returns: def[3]?.trim() || "any" };
}

/** A functional test's input is one JSON value per line, one line per argument. */
function functionalArgs(input: string): unknown[] {
  return input.split("\n").filter((l) => l.trim() !== "").map((l) => JSON.parse(l) as unknown);
}

export function liveCodeBenchRowToSpec(row: Row): ProblemSpecInput | Skipped {
  const qid = str(row["question_id"]) ?? (typeof row["question_id"] === "number" ? String(row["question_id"]) : undefined);
  if (qid === undefined) return { id: "?", reason: "row has no question_id" };
  const id = toSpecId(qid, "lcb-");
  const statement = str(row["question_content"]);
  if (statement === undefined || statement.trim() === "") return { id, reason: "row has no question_content" };
  let pub: LcbTest[];
  let priv: LcbTest[];
  try {
    pub = readLcbTests(row["public_test_cases"]);
  } catch (e) {
    return { id, reason: `public_test_cases: ${(e as Error).message}` };
  }
  try {
    priv = readLcbTests(row["private_test_cases"]);
  } catch (e) {
    return { id, reason: `private_test_cases: ${(e as Error).message}` };
  }
  const all = [...pub, ...priv];
  const functional = all.some((t) => t.testtype === "functional");
  if (functional && all.some((t) => t.testtype === "stdin")) return { id, reason: "mixes stdin and functional tests" };
  let meta: Row;
  try {
    const m = row["metadata"];
    meta = typeof m === "string" && m.trim() !== "" ? (JSON.parse(m) as Row) : m !== null && typeof m === "object" ? (m as Row) : {};
  } catch {
    return { id, reason: "metadata is not JSON" };
  }
  const starter = str(row["starter_code"]) ?? "";
  const spec: ProblemSpecInput = {
    id,
    title: str(row["question_title"]) ?? id,
    statement,
    language: "python",
    tags: [str(row["platform"]), str(row["difficulty"])].filter((s): s is string => s !== undefined && s !== ""),
    source: { name: `LiveCodeBench${str(row["platform"]) !== undefined ? ` (${str(row["platform"])})` : ""}`, url: "https://livecodebench.github.io/" },
  };
  if (functional) {
    const sig = parseStarter(starter, str(meta["func_name"]));
    const name = str(meta["func_name"]) ?? sig?.name;
    if (name === undefined) return { id, reason: "functional tests but no func_name in metadata and no def in starter_code" };
    spec.io = { kind: "function", name, params: sig?.params ?? [], returns: sig?.returns ?? "any", ...(starter !== "" ? { starter } : {}) };
    const toTest = (t: LcbTest) => ({ args: functionalArgs(t.input), expected: JSON.parse(t.output) as unknown });
    try {
      spec.tests = { public: pub.map(toTest), hidden: priv.map(toTest) };
    } catch (e) {
      return { id, reason: `a functional test is not JSON (one value per line): ${(e as Error).message}` };
    }
  } else {
    spec.io = { kind: "stdio" };
    spec.tests = { public: pub.map(({ input, output }) => ({ input, output })), hidden: priv.map(({ input, output }) => ({ input, output })) };
  }
  return spec;
}

export function importLiveCodeBench(text: string, opts: ImportOptions = {}): ImportResult {
  const skipped: Skipped[] = [];
  const candidates: ProblemSpecInput[] = [];
  for (const { row } of applyLimit(parseJsonl(text, skipped), opts.limit)) {
    const r = liveCodeBenchRowToSpec(row);
    if ("reason" in r) skipped.push(r);
    else candidates.push(r);
  }
  return { specs: keepValid(candidates, "livecodebench", skipped), skipped };
}
