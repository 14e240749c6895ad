// Runs the action's real entry point (src/action/main.ts, what dist/index.js bundles) the way a
// runner does: inputs as INPUT_* variables, the event payload file, GITHUB_* variables, and the
// GITHUB_OUTPUT / GITHUB_STEP_SUMMARY files it writes to.
import { mkdtemp, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { execa, type ResultPromise } from "execa";

export const ROOT = resolve(import.meta.dirname, "../..");
export const EVENTS = join(ROOT, "test/fixtures/events");

export interface EntryRun {
  exitCode: number;
  stdout: string;
  stderr: string;
  outputs: Record<string, string>;
  summary: string;
  /** Everything the run wrote that a person or another step can see. */
  visible: string;
}

/** Reads a GITHUB_OUTPUT file (`name<<delimiter` blocks, or `name=value` lines). */
export function parseOutputFile(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  const lines = text.split("\n");
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const heredoc = /^([^=<]+)<<(.+)$/.exec(line);
    if (heredoc) {
      const [, name, delimiter] = heredoc;
      const value: string[] = [];
      for (i++; i < lines.length && lines[i] !== delimiter; i++) value.push(lines[i]!);
      out[name!] = value.join("\n");
    } else if (line.includes("=")) {
      out[line.slice(0, line.indexOf("="))] = line.slice(line.indexOf("=") + 1);
    }
  }
  return out;
}

export async function runEntry(options: {
  eventName: string;
  eventFile: string;
  workspace: string;
  apiUrl: string;
  inputs: Record<string, string>;
  env?: Record<string, string>;
  /** Called with the running process (to signal it, as a cancelled job's runner does). */
  onStart?: (child: ResultPromise) => void;
  /** The entry to run (default the TypeScript source; a test may pass a bundle it built). */
  entry?: string[];
  /** Kill the run after this long (default 240 s; a model run on the machine needs more). */
  timeoutMs?: number;
}): Promise<EntryRun> {
  const scratch = await mkdtemp(join(tmpdir(), "sstar-entry-"));
  const outputFile = join(scratch, "output");
  const summaryFile = join(scratch, "summary");
  await writeFile(outputFile, "");
  await writeFile(summaryFile, "");
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (v !== undefined && !k.startsWith("INPUT_") && !k.startsWith("GITHUB_") && !k.startsWith("OPENAI_") && !k.startsWith("SSTAR_")) env[k] = v;
  }
  for (const [name, value] of Object.entries(options.inputs)) env[`INPUT_${name.replace(/ /g, "_").toUpperCase()}`] = value;
  Object.assign(env, {
    GITHUB_ACTIONS: "true",
    GITHUB_EVENT_NAME: options.eventName,
    GITHUB_EVENT_PATH: options.eventFile,
    GITHUB_REPOSITORY: "octo/katas",
    GITHUB_WORKSPACE: options.workspace,
    GITHUB_API_URL: options.apiUrl,
    GITHUB_SERVER_URL: "https://github.com",
    GITHUB_REF: "refs/heads/main",
    GITHUB_SHA: "9f2b6c1d4e5a6b7c8d9e0f1a2b3c4d5e6f7a8b9c",
    GITHUB_RUN_ID: "4242",
    GITHUB_ACTOR: "maintainer",
    GITHUB_OUTPUT: outputFile,
    GITHUB_STEP_SUMMARY: summaryFile,
    RUNNER_TEMP: scratch,
    ...options.env,
  });
  const running = execa(process.execPath, options.entry ?? ["--import", import.meta.resolve("tsx"), join(ROOT, "src/action/main.ts")], {
    cwd: options.workspace,
    env,
    extendEnv: false,
    reject: false,
    timeout: options.timeoutMs ?? 240_000,
  });
  options.onStart?.(running);
  const child = await running;
  const outputText = await readFile(outputFile, "utf8");
  const summary = await readFile(summaryFile, "utf8");
  return {
    exitCode: child.exitCode ?? 1,
    stdout: String(child.stdout),
    stderr: String(child.stderr),
    outputs: parseOutputFile(outputText),
    summary,
    // `::add-mask::` commands are consumed by the runner (that is how masking works), never shown.
    visible: [String(child.stdout).split("\n").filter((l) => !l.startsWith("::add-mask::")).join("\n"), String(child.stderr), outputText, summary].join("\n"),
  };
}
