// The action's guards through the real entry point: a dollar budget and its prices, failures
// before solving answered on the issue, the permission lookup a token may not make, never pushing
// to the base branch, and secrets kept out of the files in result-dir.
import { mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { SYSTEM_PROMPTS } from "../../src/engine/prompts.ts";
import type { SolveReport } from "../../src/engine/report.ts";
import { hasMarker } from "../../src/github/github.ts";
import { parseJudgeCases } from "../../src/cli/demo/replay-model.ts";
import { startScriptedChatServer, type ScriptRequest, type ScriptRule } from "../fixtures/chat-server.ts";
import { absValueYaml } from "../fixtures/abs-value.ts";
import { startFakeGitHub } from "../fixtures/github-server.ts";
import { makeRepoPair } from "../github/helpers.ts";
import { EVENTS, runEntry } from "./harness.ts";

const TOKEN = "ghs_guardsTOKEN0123456789";
const API_KEY = "sk-guardsKEYdoNotLeak0123456789";
const cleanup: string[] = [];
afterAll(async () => {
  for (const dir of cleanup) await rm(dir, { recursive: true, force: true });
});

const isGenerate = (r: ScriptRequest) => r.system === SYSTEM_PROMPTS.generate && !r.messages.some((m) => m.role === "assistant");
/** Solves the absolute-value kata; the programs carry `extra` (e.g. a leaked key) in a comment. */
function rules(extra = ""): ScriptRule[] {
  let k = 0;
  const code = (body: string) => `\`\`\`python\n${extra !== "" ? `# ${extra}\n` : ""}${body}\n\`\`\`\n`;
  return [
    { name: "synthesize", system: SYSTEM_PROMPTS.synthesize, reply: `\`\`\`json\n${JSON.stringify(["-4\n", "7\n"])}\n\`\`\`` },
    { name: "generate", when: isGenerate, reply: () => code(++k % 2 === 0 ? "n = int(input())\nprint(abs(n))" : "n = int(input())\nprint(n)") },
    {
      name: "judge",
      system: SYSTEM_PROMPTS.judge,
      reply: (r) => {
        const c = parseJudgeCases(r.lastUser)[0];
        return `ANSWER: ${c?.first.trim() === String(Math.abs(Number(c?.input.trim()))) ? "1" : "2"}`;
      },
    },
  ];
}
const model = (url: string) => ({ "base-url": url, model: "test-model", samples: "4", rounds: "0" });


type Payload = { issue: { number: number; title: string; body: string; author_association?: string }; sender: { login: string }; comment?: { author_association?: string } };
async function eventCopy(name: string, edit: (payload: Payload) => void = () => {}): Promise<{ path: string; payload: Payload }> {
  const dir = await mkdtemp(join(tmpdir(), "sstar-event-"));
  cleanup.push(dir);
  const payload = JSON.parse(await readFile(join(EVENTS, name), "utf8")) as Payload;
  edit(payload);
  await writeFile(join(dir, "event.json"), JSON.stringify(payload));
  return { path: join(dir, "event.json"), payload };
}

async function repo(files?: Record<string, string>) {
  const p = await makeRepoPair(files);
  cleanup.push(p.root);
  return p;
}

describe("budget in dollars", () => {
  it("runs with prices", async () => {
    const p = await repo({ "problems/abs-value.yaml": absValueYaml() });
    const { path } = await eventCopy("workflow_dispatch.json");
    const gh = await startFakeGitHub({ token: TOKEN });
    const chat = await startScriptedChatServer(rules());
    try {
      const run = await runEntry({
        eventName: "workflow_dispatch",
        eventFile: path,
        workspace: p.work,
        apiUrl: gh.url,
        inputs: { "github-token": TOKEN, ...model(chat.url), budget: "5", "price-input": "0.15", "price-output": "0.60" },
      });
      expect(run.exitCode, run.visible).toBe(0);
      expect(run.outputs.solved).toBe("true");
      expect(gh.state.pulls).toHaveLength(1);
      // What the run spent, as outputs and in the job summary, agreeing with the report.
      const report = JSON.parse(await readFile(join(run.outputs["report-path"]!, "reports", "spec-abs-value.json"), "utf8")) as SolveReport;
      const t = report.usage.total;
      expect(run.outputs).toMatchObject({
        "cost-usd": String(Number(t.costUsd.toFixed(6))),
        "prompt-tokens": String(t.promptTokens),
        "completion-tokens": String(t.completionTokens),
        "cached-tokens": String(t.cachedPromptTokens ?? 0),
        requests: String(chat.chatRequests.length),
      });
      expect(Number(run.outputs["cost-usd"])).toBeGreaterThan(0);
      expect(run.summary).toContain(`**Model spend:** $${t.costUsd.toFixed(4)}; ${chat.chatRequests.length} requests; ${t.promptTokens} prompt tokens`);
    } finally {
      await chat.close();
      await gh.close();
    }
  });

  it("fails at once without prices, in one line naming the inputs", async () => {
    const p = await repo({ "problems/abs-value.yaml": absValueYaml() });
    const { path } = await eventCopy("workflow_dispatch.json");
    const gh = await startFakeGitHub({ token: TOKEN });
    const chat = await startScriptedChatServer(rules());
    try {
      const run = await runEntry({ eventName: "workflow_dispatch", eventFile: path, workspace: p.work, apiUrl: gh.url, inputs: { "github-token": TOKEN, ...model(chat.url), budget: "5" } });
      expect(run.exitCode).toBe(1);
      const errors = run.stdout.split("\n").filter((l) => l.startsWith("::error"));
      expect(errors).toHaveLength(1);
      expect(errors[0]).toMatch(/input "budget": a dollar budget needs the model's prices: set price-input and price-output/);
      expect(chat.chatRequests).toHaveLength(0);
      expect(gh.requests).toHaveLength(0);
      // Nothing was spent: zero, not empty.
      expect(run.outputs).toMatchObject({ "cost-usd": "0", "prompt-tokens": "0", "completion-tokens": "0", "cached-tokens": "0", requests: "0" });
    } finally {
      await chat.close();
      await gh.close();
    }
  });
});

describe("failures before solving", () => {
  it("answers on the issue with one line when the model setup fails, and fails the step", async () => {
    const p = await repo();
    const { path } = await eventCopy("issues-labeled.json");
    const gh = await startFakeGitHub({ token: TOKEN, collaborators: { maintainer: "triage" }, issues: [{ number: 7, title: "Kata", labels: ["kata"] }] });
    const chat = await startScriptedChatServer(rules());
    try {
      // A judge on another host with no key: the model client refuses it before any call.
      const run = await runEntry({
        eventName: "issues",
        eventFile: path,
        workspace: p.work,
        apiUrl: gh.url,
        inputs: { "github-token": TOKEN, ...model(chat.url), "judge-base-url": "https://judge.example.com/v1" },
      });
      expect(run.exitCode).toBe(1);
      expect(run.stdout).toMatch(/::error::the judge endpoint https:\/\/judge\.example\.com\/v1 is on another host/);
      expect(gh.state.comments).toHaveLength(1);
      const comment = gh.state.comments[0]!;
      expect(hasMarker(comment.body, "issue-7")).toBe(true);
      expect(comment.body).toMatch(/The run failed before solving\\: the judge endpoint/);
      // The working comment went up first and was edited into the failure: one comment.
      expect(gh.writes().map((r) => r.operationId)).toEqual(["issues/create-comment", "issues/update-comment"]);
      expect(comment.body).not.toContain(TOKEN);
      expect(gh.state.pulls).toHaveLength(0);
      expect(chat.chatRequests).toHaveLength(0);
    } finally {
      await chat.close();
      await gh.close();
    }
  });
});

describe("when the token may not read roles (403)", () => {
  it.each([
    ["refuses a labeler the event does not vouch for", (): void => {}, false],
    [
      "runs for the repository owner",
      (e: Payload): void => {
        e.sender.login = "octo";
      },
      true,
    ],
  ] as const)("%s", async (_what, edit, runs) => {
    const p = await repo();
    const { path } = await eventCopy("issues-labeled.json", edit);
    const gh = await startFakeGitHub({ token: TOKEN, permissionForbidden: true, issues: [{ number: 7, title: "Kata", labels: ["kata"] }] });
    const chat = await startScriptedChatServer(rules());
    try {
      const run = await runEntry({ eventName: "issues", eventFile: path, workspace: p.work, apiUrl: gh.url, inputs: { "github-token": TOKEN, ...model(chat.url) } });
      expect(run.exitCode, run.visible).toBe(0);
      expect(run.stdout).toMatch(/::warning::could not read \w+'s role on the repository \(GitHub answered 403/);
      expect(gh.state.comments).toHaveLength(1);
      if (runs) {
        expect(gh.state.pulls).toHaveLength(1);
      } else {
        expect(gh.state.comments[0]!.body).toMatch(/applied by maintainer, who has unknown/);
        expect(gh.state.pulls).toHaveLength(0);
        expect(chat.chatRequests).toHaveLength(0);
      }
    } finally {
      await chat.close();
      await gh.close();
    }
  });
});

describe("the base branch", () => {
  it("is never a result branch: a spec whose branch is the base fails, and nothing is pushed", async () => {
    const p = await repo({ "problems/abs-value.yaml": absValueYaml() });
    await p.git(["push", "--quiet", "origin", "main:sstar/abs-value"]);
    const before = await p.git(["rev-parse", "sstar/abs-value"], p.bare);
    const { path } = await eventCopy("workflow_dispatch.json");
    const gh = await startFakeGitHub({ token: TOKEN });
    const chat = await startScriptedChatServer(rules());
    try {
      const run = await runEntry({ eventName: "workflow_dispatch", eventFile: path, workspace: p.work, apiUrl: gh.url, inputs: { "github-token": TOKEN, ...model(chat.url), base: "sstar/abs-value" } });
      expect(run.exitCode).toBe(1);
      expect(run.stdout).toMatch(/::error file=problems\/abs-value\.yaml::the result branch "sstar\/abs-value" is also the base branch: change input "branch-prefix" or "base"/);
      expect(await p.git(["rev-parse", "sstar/abs-value"], p.bare)).toBe(before);
      expect(gh.state.pulls).toHaveLength(0);
      expect(chat.chatRequests).toHaveLength(0);
    } finally {
      await chat.close();
      await gh.close();
    }
  });
});

describe("secrets in model output", () => {
  it("are masked in the pull request, the comment and every file in result-dir", async () => {
    const p = await repo({ "problems/abs-value.yaml": absValueYaml() });
    const { path } = await eventCopy("workflow_dispatch.json");
    const gh = await startFakeGitHub({ token: TOKEN });
    const chat = await startScriptedChatServer(rules(`the key is ${API_KEY}`));
    try {
      const run = await runEntry({ eventName: "workflow_dispatch", eventFile: path, workspace: p.work, apiUrl: gh.url, inputs: { "github-token": TOKEN, ...model(chat.url), "api-key": API_KEY } });
      expect(run.exitCode, run.visible).toBe(0);
      expect(gh.state.pulls).toHaveLength(1);
      expect(gh.requests.filter((r) => r.rawBody.includes(API_KEY))).toEqual([]);
      const dir = join(p.work, "sstar-result");
      const files = (await readdir(dir, { recursive: true, withFileTypes: true })).filter((d) => d.isFile()).map((d) => join(d.parentPath, d.name));
      expect(files.map((f) => f.slice(dir.length + 1)).sort()).toEqual(expect.arrayContaining(["report.md", "reports/spec-abs-value.json", "reports/spec-abs-value.md"]));
      for (const f of files) {
        const text = await readFile(f, "utf8");
        expect(text, f).not.toContain(API_KEY);
      }
      expect(await readFile(join(dir, "reports/spec-abs-value.json"), "utf8")).toContain("the key is ***");
      expect(run.visible).not.toContain(API_KEY);
    } finally {
      await chat.close();
      await gh.close();
    }
  });
});

