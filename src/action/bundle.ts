// The result bundle: what the read-only "solve" job hands to the "publish" job through an
// artifact. The publish job treats it as untrusted (the solve job ran model-written code): the
// manifest and every report are size-capped and validated with zod, file names are fixed patterns
// inside the bundle folder, symlinks are refused, and everything that decides *where* things go
// (issue, branch, file paths, spec) is derived again by the publish job from its own event,
// inputs and checkout. The bundle only supplies reports, and the selected code inside them.
import { lstat, mkdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { z } from "zod";
import { solveReportSchema, type SolveReport } from "../engine/report.ts";
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

export async function writeBundle(dir: string, bundle: Bundle, reports: Map<string, SolveReport>): Promise<string> {
  await mkdir(join(dir, "reports"), { recursive: true });
  for (const item of bundle.items) {
    const report = reports.get(item.key);
    if (report === undefined) throw new BundleError(`no report for ${item.key}`);
    await writeFile(join(dir, item.reportFile), `${JSON.stringify(report, null, 2)}\n`);
  }
  const path = join(dir, BUNDLE_FILE);
  await writeFile(path, `${JSON.stringify(bundleSchema.parse(bundle), null, 2)}\n`);
  return path;
}

async function readCapped(path: string, maxBytes: number, what: string): Promise<string> {
  let info;
  try {
    info = await lstat(path);
  } catch {
    throw new BundleError(`${what} is missing (${path}): did the solve job upload the result folder?`);
  }
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
  const manifest = bundleSchema.safeParse(parseJson(await readCapped(manifestPath, LIMITS.manifestBytes, "the bundle manifest"), manifestPath));
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
    const parsed = solveReportSchema.safeParse(parseJson(await readCapped(path, LIMITS.reportBytes, `report ${item.reportFile}`), path));
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
