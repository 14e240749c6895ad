// File I/O for results and trend files: thin, at the edge. Writes are atomic (a temporary file in
// the same folder, then a rename), so an interrupted run never leaves a half-written file.
import { mkdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import { parseEvalResults, type EvalResults } from "./results.ts";
import { emptyTrend, parseTrend, type Trend } from "./trend.ts";

export async function writeJsonAtomic(path: string, value: unknown): Promise<void> {
  await writeTextAtomic(path, JSON.stringify(value, null, 2) + "\n");
}

export async function writeTextAtomic(path: string, text: string): Promise<void> {
  const dir = dirname(path);
  await mkdir(dir, { recursive: true });
  const tmp = join(dir, `.${basename(path)}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`);
  try {
    await writeFile(tmp, text, "utf8");
    await rename(tmp, path);
  } catch (error) {
    await rm(tmp, { force: true });
    throw error;
  }
}

async function readJson(path: string, what: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new Error(`${path}: ${code === "ENOENT" ? `${what} not found` : `can't read the ${what} (${code ?? (e as Error).message})`}`, { cause: e });
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (e) {
    throw new Error(`${path}: the ${what} is not valid JSON (${(e as Error).message})`, { cause: e });
  }
}

export async function readResultsFile(path: string): Promise<EvalResults> {
  return parseEvalResults(await readJson(path, "results file"), path);
}

/** The results file at `path`, or undefined when there is none yet. */
export async function readResultsIfExists(path: string): Promise<EvalResults | undefined> {
  try {
    await readFile(path);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") return undefined;
  }
  return readResultsFile(path);
}

/** The trend file, or an empty trend when it does not exist yet. */
export async function readTrendFile(path: string): Promise<Trend> {
  try {
    await readFile(path);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") return emptyTrend();
  }
  return parseTrend(await readJson(path, "trend file"), path);
}
