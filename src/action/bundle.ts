// The result bundle: what the read-only "solve" job hands to the "publish" job through an
// artifact. The publish job treats it as untrusted (the solve job ran model-written code): the
// manifest and every report are size-capped and validated with zod, file names are fixed patterns
// inside the bundle folder, symlinks are refused, and everything that decides *where* things go
// (issue, branch, file paths, spec) is derived again by the publish job from its own event,
// inputs and checkout. The bundle only supplies reports, and the selected code inside them.
// Every path is resolved to its real path and must stay inside the result folder (no symbolic
// link is followed, not even a folder's), and the report's free-form keys (usage per stage, time
// per stage, a cluster's outputs) are held to fixed names, as they reach the comment's text.
import { constants } from "node:fs";
import { lstat, mkdir, open, readFile, realpath } from "node:fs/promises";
import { join, sep } from "node:path";
import { z } from "zod";
import { solveReportSchema, type SolveReport } from "../engine/report.ts";
import type { Stage } from "../model/types.ts";
import { idSchema } from "../spec/schema.ts";

export const BUNDLE_FILE = "bundle.json";
export const LIMITS = {
  manifestBytes: 1 << 20,
  reportBytes: 8 << 20,
  codeChars: 512 * 1024,
  items: 500,
} as const;

const keySchema = z.string().regex(/^(issue-[1-9][0-9]{0,9}|spec-[A-Za-z0-9][A-Za-z0-9._-]{0,99})$/);

export const bundleItemSchema = z.strictObject({
  key: keySchema,
  kind: z.enum(["issue", "spec"]),
  issueNumber: z.number().int().positive().optional(),
  problemId: idSchema,
  /** Spec problems: the spec file, relative to the workspace (checked against the publisher's own glob). */
  specPath: z.string().max(500).optional(),
  reportFile: z.string().regex(/^reports\/[A-Za-z0-9][A-Za-z0-9._-]{0,150}\.json$/),
});
export type BundleItem = z.infer<typeof bundleItemSchema>;

export const bundleSchema = z.strictObject({
  format: z.literal("sstar-action-bundle"),
  version: z.literal(1),
  repository: z.string().regex(/^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/),
  eventName: z.string().max(100),
  sha: z.string().max(64),
  items: z.array(bundleItemSchema).max(LIMITS.items),
});
export type Bundle = z.infer<typeof bundleSchema>;

const STAGES: readonly Stage[] = ["generate", "debug", "synthesize", "separate", "judge"];
/** Stage timers' names (the engine's: select, test, execute, and the model stages): a plain word. */
const TIMER_NAME = /^[a-z][a-z0-9-]{0,31}$/;
/** Synthesized input ids, the keys of a cluster's outputs. */
const INPUT_ID = /^[A-Za-z0-9][A-Za-z0-9_.:-]{0,63}$/;

/** One-line names (title, model, sandbox, cassette): no line break, control or bidi character, at most 300 characters. */
// eslint-disable-next-line no-control-regex -- refusing control characters is the point
const NAME_TEXT = /^[^\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]{0,300}$/;

/** Every string in `value` at most `max` characters: the path of the first that is longer. */
function overlong(value: unknown, max: number, path: (string | number)[] = []): (string | number)[] | undefined {
  if (typeof value === "string") return value.length > max ? path : undefined;
  if (value === null || typeof value !== "object") return undefined;
  for (const [k, v] of Object.entries(value)) {
    const found = overlong(v, max, [...path, Array.isArray(value) ? Number(k) : k]);
    if (found !== undefined) return found;
  }
  return undefined;
}

/**
 * A solve report as the publish job accepts it: the engine's schema, with its record keys held to
 * fixed names, its one-line names to one plain line, and every string to LIMITS.codeChars.
 * (The comment escapes everything anyway, in src/report/inert.ts: this is the second wall.)
 */
export const bundleReportSchema = solveReportSchema.superRefine((report, ctx) => {
  const bad = (path: (string | number)[], key: string, what: string) => ctx.addIssue({ code: "custom", path, message: `key ${JSON.stringify(key.slice(0, 40))} is not ${what}` });
  const names: [string[], string | undefined][] = [
    [["problem", "title"], report.problem.title],
    [["settings", "model"], report.settings.model],
    [["settings", "judgeModel"], report.settings.judgeModel],
    [["settings", "sandbox"], report.settings.sandbox],
    [["settings", "cassette"], report.settings.cassette],
  ];
  for (const [path, text] of names) if (text !== undefined && !NAME_TEXT.test(text)) ctx.addIssue({ code: "custom", path, message: "must be one line of at most 300 characters, without control or bidi characters" });
  // The selected code is checked apart, after parsing, with its own message.
  const long = overlong({ ...report, selected: null }, LIMITS.codeChars);
  if (long !== undefined) ctx.addIssue({ code: "custom", path: long, message: `longer than ${LIMITS.codeChars} characters` });
  for (const key of Object.keys(report.usage.byStage)) if (!(STAGES as readonly string[]).includes(key)) bad(["usage", "byStage"], key, `a stage (${STAGES.join(", ")})`);
  for (const key of Object.keys(report.timings.byStageMs)) if (!TIMER_NAME.test(key)) bad(["timings", "byStageMs"], key, "a stage name");
  report.clusters.forEach((c, i) => {
    for (const key of Object.keys(c.outputs)) if (!INPUT_ID.test(key)) bad(["clusters", i, "outputs"], key, "an input id");
  });
});

export class BundleError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "BundleError";
  }
}

/** The report file name for a problem key. */
export function reportFileFor(key: string): string {
  return `reports/${key}.json`;
}

/**
 * Makes `dir` and its reports/ folder for writing, refusing a reports/ that is not a real folder
 * (a symbolic link there would send the publish job's writes out of the result folder).
 */
export async function prepareResultDir(dir: string): Promise<void> {
  await mkdir(dir, { recursive: true });
  const reports = join(dir, "reports");
  const info = await lstat(reports).catch(() => undefined);
  if (info === undefined) await mkdir(reports);
  else if (!info.isDirectory()) throw new BundleError(`${reports} is not a folder (a symbolic link?); refusing to write the reports through it`);
}

/** Writes a file in the result folder without following a symbolic link at its name (O_NOFOLLOW). */
export async function writeResultFile(path: string, text: string): Promise<void> {
  let handle;
  try {
    handle = await open(path, constants.O_WRONLY | constants.O_CREAT | constants.O_TRUNC | constants.O_NOFOLLOW, 0o644);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ELOOP") throw new BundleError(`${path} is a symbolic link; refusing to write through it`);
    throw error;
  }
  try {
    await handle.writeFile(text);
  } finally {
    await handle.close();
  }
}

export async function writeBundle(dir: string, bundle: Bundle, reports: Map<string, SolveReport>): Promise<string> {
  await prepareResultDir(dir);
  for (const item of bundle.items) {
    const report = reports.get(item.key);
    if (report === undefined) throw new BundleError(`no report for ${item.key}`);
    await writeResultFile(join(dir, item.reportFile), `${JSON.stringify(report, null, 2)}\n`);
  }
  const path = join(dir, BUNDLE_FILE);
  await writeResultFile(path, `${JSON.stringify(bundleSchema.parse(bundle), null, 2)}\n`);
  return path;
}

/**
 * The real path of `rel` inside `dir`, which must be `dir`'s own real path joined with `rel`:
 * a symbolic link anywhere on the way (the file, or a folder such as reports/) is refused.
 */
async function realInside(dir: string, rel: string, what: string): Promise<string> {
  const root = await realpath(dir).catch(() => {
    throw new BundleError(`the result folder ${dir} is missing: did the solve job upload it, and did actions/download-artifact put it there?`);
  });
  const expected = join(root, rel);
  const real = await realpath(join(dir, rel)).catch(() => {
    throw new BundleError(`${what} is missing (${join(dir, rel)}): did the solve job upload the result folder?`);
  });
  if (real !== expected) {
    const inside = real.startsWith(root + sep);
    throw new BundleError(`${what} (${join(dir, rel)}) goes through a symbolic link${inside ? "" : " out of the result folder"}; refusing it`);
  }
  return real;
}

async function readCapped(dir: string, rel: string, maxBytes: number, what: string): Promise<string> {
  const path = await realInside(dir, rel, what);
  const info = await lstat(path);
  if (!info.isFile()) throw new BundleError(`${what} is not a regular file (${path}); refusing it`);
  if (info.size > maxBytes) throw new BundleError(`${what} is ${info.size} bytes, above the ${maxBytes}-byte limit; refusing it`);
  return readFile(path, "utf8");
}

function parseJson(text: string, what: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new BundleError(`${what} is not JSON: ${(error as Error).message}`);
  }
}

function firstIssue(error: z.ZodError): string {
  const issue = error.issues[0];
  return issue === undefined ? "invalid" : `${issue.path.map(String).join(".") || "(root)"}: ${issue.message}`;
}

/** Reads and validates a downloaded bundle. Throws BundleError with one line naming the file and field. */
export async function readBundle(dir: string): Promise<{ bundle: Bundle; reports: Map<string, SolveReport> }> {
  const manifestPath = join(dir, BUNDLE_FILE);
  const manifest = bundleSchema.safeParse(parseJson(await readCapped(dir, BUNDLE_FILE, LIMITS.manifestBytes, "the bundle manifest"), manifestPath));
  if (!manifest.success) throw new BundleError(`${manifestPath}: ${firstIssue(manifest.error)}`);
  const bundle = manifest.data;
  const keys = new Set<string>();
  const reports = new Map<string, SolveReport>();
  for (const item of bundle.items) {
    if (keys.has(item.key)) throw new BundleError(`${manifestPath}: duplicate item ${item.key}`);
    keys.add(item.key);
    if (item.reportFile !== reportFileFor(item.key)) throw new BundleError(`${manifestPath}: item ${item.key} names report ${item.reportFile}, expected ${reportFileFor(item.key)}`);
    if ((item.kind === "issue") !== (item.issueNumber !== undefined) || (item.kind === "issue" && item.key !== `issue-${item.issueNumber}`)) {
      throw new BundleError(`${manifestPath}: item ${item.key} has an inconsistent kind/issueNumber`);
    }
    const path = join(dir, item.reportFile);
    const parsed = bundleReportSchema.safeParse(parseJson(await readCapped(dir, item.reportFile, LIMITS.reportBytes, `report ${item.reportFile}`), path));
    if (!parsed.success) throw new BundleError(`${path}: not a valid solve report (${firstIssue(parsed.error)})`);
    const report = parsed.data;
    if (report.problem.id !== item.problemId) throw new BundleError(`${path}: report is for ${report.problem.id}, the manifest says ${item.problemId}`);
    if (report.selected !== null && report.selected.code.length > LIMITS.codeChars) {
      throw new BundleError(`${path}: selected code is ${report.selected.code.length} characters, above the ${LIMITS.codeChars} limit`);
    }
    reports.set(item.key, report);
  }
  return { bundle, reports };
}
