// The other routes through the real entry point: the two-job solve/publish workflow, solving the
// specs a push changed, and the `/sstar solve` comment command with its permission check.
import { cp, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { SYSTEM_PROMPTS } from "../../src/engine/prompts.ts";
import { hasMarker } from "../../src/github/github.ts";
import { parseJudgeCases } from "../../src/cli/demo/replay-model.ts";
import { startScriptedChatServer, type ScriptRequest, type ScriptRule } from "../fixtures/chat-server.ts";
import { absValueYaml } from "../fixtures/abs-value.ts";
import { startFakeGitHub } from "../fixtures/github-server.ts";
import { makeRepoPair } from "../github/helpers.ts";
import { EVENTS, runEntry } from "./harness.ts";

const TOKEN = "ghs_modesTOKEN0123456789";
const cleanup: string[] = [];
afterAll(async () => {
  for (const dir of cleanup) await rm(dir, { recursive: true, force: true });
});

const code = (body: string) => `\`\`\`python\n${body}\n\`\`\`\n`;
const CORRECT = "n = int(input())\nprint(abs(n))";
const WRONG = "n = int(input())\nprint(n)";
const isGenerate = (r: ScriptRequest) => r.system === SYSTEM_PROMPTS.generate && !r.messages.some((m) => m.role === "assistant");
function rules(): ScriptRule[] {
  let k = 0;
  return [
    { name: "synthesize", system: SYSTEM_PROMPTS.synthesize, reply: `\`\`\`json\n${JSON.stringify(["-4\n", "7\n"])}\n\`\`\`` },
    { name: "generate", when: isGenerate, reply: () => code(++k % 2 === 0 ? CORRECT : WRONG) },
    {
      name: "judge",
      system: SYSTEM_PROMPTS.judge,
      reply: (r) => {
        const c = parseJudgeCases(r.lastUser)[0];
        const want = String(Math.abs(Number(c?.input.trim())));
        return `ANSWER: ${c?.first.trim() === want ? "1" : "2"}`;
      },
    },
  ];
}
const model = (url: string) => ({ "base-url": url, model: "test-model", samples: "4", rounds: "0" });

async function eventCopy(name: string): Promise<{ path: string; payload: { issue: { number: number; title: string; body: string } } }> {
  const dir = await mkdtemp(join(tmpdir(), "sstar-event-"));
  cleanup.push(dir);
  await cp(join(EVENTS, name), join(dir, "event.json"));
  return { path: join(dir, "event.json"), payload: JSON.parse(await readFile(join(dir, "event.json"), "utf8")) };
}


describe("two-job workflow: solve (read-only) then publish (no model, no generated code)", () => {
  it("solves into a bundle without touching GitHub, then publishes it", async () => {
    const p = await makeRepoPair();
    cleanup.push(p.root);
    const { path, payload } = await eventCopy("issues-labeled.json");
    const gh = await startFakeGitHub({ token: TOKEN, collaborators: { maintainer: "triage" }, issues: [{ number: 7, title: payload.issue.title, body: payload.issue.body, labels: ["kata"] }] });
    const chat = await startScriptedChatServer(rules());
    try {
      const solveRun = await runEntry({ eventName: "issues", eventFile: path, workspace: p.work, apiUrl: gh.url, inputs: { mode: "solve", "github-token": TOKEN, ...model(chat.url) } });
      expect(solveRun.exitCode, solveRun.visible).toBe(0);
      expect(solveRun.outputs).toMatchObject({ solved: "true", "selected-path": "solutions/issue-7.py", branch: "" });
      // The solve job only reads (who labeled the issue), never writes.
      expect(gh.requests.map((r) => `${r.method} ${r.path}`)).toEqual(["GET /repos/octo/katas/collaborators/maintainer/permission"]);
      expect(await p.git(["for-each-ref", "refs/heads/sstar"], p.bare)).toBe("");
      const bundle = JSON.parse(await readFile(join(solveRun.outputs["report-path"]!, "bundle.json"), "utf8"));
      expect(bundle.items).toEqual([{ key: "issue-7", kind: "issue", issueNumber: 7, problemId: "issue-7", reportFile: "reports/issue-7.json" }]);

      const callsBefore = chat.chatRequests.length;
      // The publish job: no model settings at all, a write token.
      const publishRun = await runEntry({ eventName: "issues", eventFile: path, workspace: p.work, apiUrl: gh.url, inputs: { mode: "publish", "github-token": TOKEN } });
      expect(publishRun.exitCode, publishRun.visible).toBe(0);
      expect(chat.chatRequests.length).toBe(callsBefore);
      expect(publishRun.outputs).toMatchObject({ solved: "true", branch: "sstar/issue-7" });
      expect(await p.git(["show", "sstar/issue-7:solutions/issue-7.py"], p.bare)).toBe(CORRECT);
      expect(gh.state.pulls).toHaveLength(1);
      expect(gh.state.comments).toHaveLength(1);
    } finally {
      await chat.close();
      await gh.close();
    }
  });

  it("publishes nothing from a tampered bundle", async () => {
    const p = await makeRepoPair();
    cleanup.push(p.root);
    const { path, payload } = await eventCopy("issues-labeled.json");
    const gh = await startFakeGitHub({ token: TOKEN, collaborators: { maintainer: "triage" }, issues: [{ number: 7, title: payload.issue.title, body: payload.issue.body, labels: ["kata"] }] });
    const chat = await startScriptedChatServer(rules());
    try {
      const solveRun = await runEntry({ eventName: "issues", eventFile: path, workspace: p.work, apiUrl: gh.url, inputs: { mode: "solve", "github-token": TOKEN, ...model(chat.url) } });
      expect(solveRun.exitCode, solveRun.visible).toBe(0);
      const manifestPath = join(solveRun.outputs["report-path"]!, "bundle.json");
      const manifest = JSON.parse(await readFile(manifestPath, "utf8"));
      manifest.items[0].reportFile = "reports/../../../etc/passwd.json";
      await writeFile(manifestPath, JSON.stringify(manifest));
      const publishRun = await runEntry({ eventName: "issues", eventFile: path, workspace: p.work, apiUrl: gh.url, inputs: { mode: "publish", "github-token": TOKEN } });
      expect(publishRun.exitCode).not.toBe(0);
      expect(publishRun.stdout).toMatch(/::error::.*bundle\.json: items\.0\.reportFile/);
      expect(gh.writes()).toHaveLength(0);
      expect(await p.git(["for-each-ref", "refs/heads/sstar"], p.bare)).toBe("");
    } finally {
      await chat.close();
      await gh.close();
    }
  });
});

describe("push: the specs it changed", () => {
  it("solves problems/abs-value.yaml, opens its PR and comments there", async () => {
    const p = await makeRepoPair({ "README.md": "# katas\n", "problems/abs-value.yaml": absValueYaml(), "problems/untouched.yaml": absValueYaml("untouched") });
    cleanup.push(p.root);
    const { path } = await eventCopy("push.json");
    const gh = await startFakeGitHub({ token: TOKEN });
    const chat = await startScriptedChatServer(rules());
    try {
      const run = await runEntry({ eventName: "push", eventFile: path, workspace: p.work, apiUrl: gh.url, inputs: { "github-token": TOKEN, ...model(chat.url) } });
      expect(run.exitCode, run.visible).toBe(0);
      expect(run.outputs).toMatchObject({ solved: "true", branch: "sstar/abs-value", "selected-path": "solutions/abs-value.py" });
      expect(await p.git(["show", "sstar/abs-value:solutions/abs-value.py"], p.bare)).toBe(CORRECT);
      expect(await p.git(["for-each-ref", "--format=%(refname)", "refs/heads/sstar"], p.bare)).toBe("refs/heads/sstar/abs-value");
      expect(gh.state.pulls).toHaveLength(1);
      expect(gh.state.pulls[0]!.body).not.toContain("Closes");
      expect(gh.state.comments).toHaveLength(1);
      expect(gh.state.comments[0]!.issue_number).toBe(gh.state.pulls[0]!.number);
      expect(hasMarker(gh.state.comments[0]!.body, "spec-abs-value")).toBe(true);
    } finally {
      await chat.close();
      await gh.close();
    }
  });

  it("reports a broken spec by file, solves the rest, and fails the step", async () => {
    const p = await makeRepoPair({ "problems/abs-value.yaml": absValueYaml(), "problems/broken.yaml": "id: broken\ntitle: 3\n" });
    cleanup.push(p.root);
    const { path } = await eventCopy("workflow_dispatch.json");
    const gh = await startFakeGitHub({ token: TOKEN });
    const chat = await startScriptedChatServer(rules());
    try {
      const run = await runEntry({ eventName: "workflow_dispatch", eventFile: path, workspace: p.work, apiUrl: gh.url, inputs: { "github-token": TOKEN, ...model(chat.url) } });
      expect(run.exitCode).toBe(1);
      expect(run.stdout).toMatch(/::error file=problems\/broken\.yaml::/);
      expect(run.stdout).toMatch(/::error::1 problem spec file\(s\) could not be read/);
      expect(gh.state.pulls).toHaveLength(1);
    } finally {
      await chat.close();
      await gh.close();
    }
  });
});

describe("/sstar solve comments", () => {
  it.each([
    ["refuses a commenter without triage access", "read", false],
    ["runs for a commenter with triage access", "triage", true],
  ] as const)("%s", async (_what, permission, runs) => {
    const p = await makeRepoPair();
    cleanup.push(p.root);
    const { path, payload } = await eventCopy("issue-comment-command.json");
    const gh = await startFakeGitHub({ token: TOKEN, collaborators: { stranger: permission }, issues: [{ number: 7, title: payload.issue.title, body: payload.issue.body, labels: [] }] });
    const chat = await startScriptedChatServer(rules());
    try {
      const run = await runEntry({ eventName: "issue_comment", eventFile: path, workspace: p.work, apiUrl: gh.url, inputs: { "github-token": TOKEN, ...model(chat.url) } });
      expect(run.exitCode, run.visible).toBe(0);
      expect(gh.requests.some((r) => r.path === "/repos/octo/katas/collaborators/stranger/permission")).toBe(true);
      expect(gh.state.comments).toHaveLength(1);
      if (runs) {
        expect(gh.state.pulls).toHaveLength(1);
      } else {
        expect(gh.state.comments[0]!.body).toMatch(/stranger asked for a run .* has read access/);
        expect(gh.state.pulls).toHaveLength(0);
        expect(chat.chatRequests).toHaveLength(0);
      }
    } finally {
      await chat.close();
      await gh.close();
    }
  });
});
