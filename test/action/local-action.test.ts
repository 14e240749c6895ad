// The runner's way: the kata workflow's sstar step, run by GitHub's own @github/local-action
// (which reads action.yml for the inputs' defaults and outputs, loads the step's environment from
// a dotenv file, stubs @actions/core, and calls the entry's exported run()), against the fake
// GitHub, the scripted model server, the real sandbox and a real checkout. The step's `with:`
// comes from .github/workflows/sstar-kata.yml itself, its expressions filled in as the runner would.
import { cp, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { delimiter, join } from "node:path";
import { execa } from "execa";
import { parse } from "yaml";
import { afterAll, describe, expect, it } from "vitest";
import { SYSTEM_PROMPTS } from "../../src/engine/prompts.ts";
import { ABS_CORRECT, ABS_IDENTITY, truthfulAbsJudge } from "../fixtures/abs-value.ts";
import { startScriptedChatServer, type ScriptRequest } from "../fixtures/chat-server.ts";
import { startFakeGitHub } from "../fixtures/github-server.ts";
import { makeRepoPair } from "../github/helpers.ts";
import { EVENTS, ROOT } from "./harness.ts";

// The package exports nothing but its command: its bin file, found beside the package root.
const LOCAL_ACTION = join(ROOT, "node_modules/@github/local-action/bin/local-action.js");
const TOKEN = "ghs_localACTIONtoken0123456789abcdef";
const API_KEY = "sk-localACTIONkey0123456789abcdef";

const cleanup: string[] = [];
afterAll(async () => {
  for (const d of cleanup) await rm(d, { recursive: true, force: true });
});

/** The runner's expression language, as far as the step uses it: contexts, quoted strings, `||`. */
function evaluate(text: string, contexts: Record<string, Record<string, string>>): string {
  return text.replace(/\$\{\{\s*(.+?)\s*\}\}/g, (_all, expr: string) => {
    for (const part of expr.split("||").map((p) => p.trim())) {
      const literal = /^'(.*)'$/.exec(part);
      if (literal) return literal[1]!;
      const ref = /^([a-z]+)\.([A-Za-z0-9_]+)$/.exec(part);
      if (ref === null || contexts[ref[1]!] === undefined) throw new Error(`the test cannot evaluate \${{ ${expr} }} in the workflow`);
      const value = contexts[ref[1]!]![ref[2]!];
      if (value !== undefined && value !== "") return value;
    }
    return "";
  });
}

/** `::set-output name=x::value` lines, as local-action's @actions/core prints them. */
function outputsOf(stdout: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const m of stdout.matchAll(/^::set-output name=([^:]+)::(.*)$/gm)) out[m[1]!] = m[2]!.replace(/%0A/g, "\n").replace(/%0D/g, "\r").replace(/%25/g, "%");
  return out;
}

describe("the kata workflow's step under @github/local-action", () => {
  it("solves the labeled issue and sets the outputs and the job summary", async () => {
    const workflow = parse(await readFile(join(ROOT, ".github/workflows/sstar-kata.yml"), "utf8")) as { jobs: Record<string, { steps: { id?: string; uses?: string; with?: Record<string, string> }[] }> };
    const step = workflow.jobs.solve!.steps.find((s) => s.id === "sstar")!;
    expect(step.uses).toBe("./");

    const p = await makeRepoPair({ "README.md": "# katas\n" });
    cleanup.push(p.root);
    const scratch = await mkdtemp(join(tmpdir(), "sstar-local-action-"));
    cleanup.push(scratch);
    const eventPath = join(scratch, "event.json");
    await cp(join(EVENTS, "issues-labeled.json"), eventPath);
    const payload = JSON.parse(await readFile(eventPath, "utf8")) as { issue: { title: string; body: string } };

    let k = 0;
    const isGenerate = (r: ScriptRequest) => r.system === SYSTEM_PROMPTS.generate && !r.messages.some((m) => m.role === "assistant");
    const chat = await startScriptedChatServer([
      { name: "synthesize", system: SYSTEM_PROMPTS.synthesize, reply: `\`\`\`json\n${JSON.stringify(["-4\n", "7\n", "0\n"])}\n\`\`\`` },
      { name: "generate", when: isGenerate, reply: () => `\`\`\`python\n${++k % 2 === 0 ? ABS_CORRECT : ABS_IDENTITY}\n\`\`\`` },
      { name: "judge", system: SYSTEM_PROMPTS.judge, reply: truthfulAbsJudge },
    ]);
    const gh = await startFakeGitHub({ token: TOKEN, collaborators: { maintainer: "maintain" }, issues: [{ number: 7, title: payload.issue.title, body: payload.issue.body, labels: ["kata"] }] });
    try {
      const withInputs: Record<string, string> = {};
      for (const [name, value] of Object.entries(step.with ?? {})) withInputs[name] = evaluate(String(value), { secrets: { OPENAI_API_KEY: API_KEY }, vars: { SSTAR_MODEL: "test-model" } });
      expect(withInputs).toMatchObject({ "api-key": API_KEY, model: "test-model", label: "kata" });
      // What this machine changes: the local endpoints, and fewer samples to keep CI short.
      Object.assign(withInputs, { "base-url": chat.url, "github-token": TOKEN, samples: "4", rounds: "1" });

      const summaryFile = join(scratch, "summary.md");
      await writeFile(summaryFile, "");
      const env: Record<string, string> = {
        GITHUB_ACTIONS: "true",
        GITHUB_EVENT_NAME: "issues",
        GITHUB_EVENT_PATH: eventPath,
        GITHUB_REPOSITORY: "octo/katas",
        GITHUB_WORKSPACE: p.work,
        GITHUB_API_URL: gh.url,
        GITHUB_SERVER_URL: "https://github.com",
        GITHUB_REF: "refs/heads/main",
        GITHUB_SHA: "9f2b6c1d4e5a6b7c8d9e0f1a2b3c4d5e6f7a8b9c",
        GITHUB_RUN_ID: "777",
        GITHUB_ACTOR: "maintainer",
        GITHUB_STEP_SUMMARY: summaryFile,
        RUNNER_TEMP: scratch,
      };
      for (const [name, value] of Object.entries(withInputs)) env[`INPUT_${name.toUpperCase()}`] = value;
      const dotenv = join(scratch, ".env");
      await writeFile(dotenv, Object.entries(env).map(([k2, v]) => `${k2}=${JSON.stringify(v)}`).join("\n") + "\n");

      const base: Record<string, string> = {};
      for (const [key, value] of Object.entries(process.env)) if (value !== undefined && !/^(INPUT_|GITHUB_|OPENAI_|SSTAR_)/.test(key)) base[key] = value;
      // local-action starts the entry with `tsx` from PATH: this project's, on this Node.
      base.PATH = [join(ROOT, "node_modules/.bin"), join(process.execPath, ".."), base.PATH ?? ""].join(delimiter);
      const run = await execa(process.execPath, [LOCAL_ACTION, "run", ROOT, "src/action/main.ts", dotenv], { cwd: ROOT, env: base, extendEnv: false, reject: false, timeout: 240_000 });
      const stdout = String(run.stdout);
      const outputs = outputsOf(stdout);
      // What local-action showed: the outputs and the summary, here for the CI log.
      console.log(`local-action outputs:\n${JSON.stringify(outputs, null, 2)}\n\njob summary (first lines):\n${(await readFile(summaryFile, "utf8")).split("\n").slice(0, 12).join("\n")}`);

      expect(run.exitCode, `${stdout}\n${String(run.stderr)}`).toBe(0);
      expect(stdout).not.toContain("::error::");
      expect(outputs).toMatchObject({ solved: "true", branch: "sstar/issue-7", "selected-path": "solutions/issue-7.py", "pull-request-operation": "created", "pull-request-number": expect.stringMatching(/^\d+$/) });
      expect(JSON.parse(outputs.results!)).toMatchObject([{ id: "issue-7", status: "solved", operation: "created", pullRequestNumber: Number(outputs["pull-request-number"]) }]);
      expect(await readFile(summaryFile, "utf8")).toContain("Absolute value");
      // The step's own inputs reached the run: the label on the pull request, the working comment, the PR.
      expect(gh.state.pulls).toHaveLength(1);
      expect(gh.state.pulls[0]!.labels.map((l) => l.name)).toEqual(["sstar"]);
      expect(gh.state.comments).toHaveLength(1);
      expect(gh.requests.map((r) => r.operationId)).toContain("issues/update-comment");
      expect(await p.git(["show", "sstar/issue-7:solutions/issue-7.py"], p.bare)).toBe(ABS_CORRECT);
      // The reply cache the workflow keeps with actions/cache is where the step's cache-dir says.
      expect(withInputs["cache-dir"]).toBe(".sstar-cache/model");
      const cached = (await readdir(join(p.work, withInputs["cache-dir"]!), { recursive: true })).filter((f) => f.endsWith(".json"));
      expect(cached.length).toBeGreaterThanOrEqual(4); // at least the four generations
    } finally {
      await chat.close();
      await gh.close();
    }
  });
});
