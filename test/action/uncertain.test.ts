// The uncertain outcome against the fake GitHub: a pick passing every public test but below
// min-confidence gets the "needs a human" comment laying out the disagreement, and no branch and
// no pull request; "/sstar solve force" from a maintainer gets the pull request anyway.
import { cp, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { SYSTEM_PROMPTS } from "../../src/engine/prompts.ts";
import { ABS_CORRECT, ABS_IDENTITY, truthfulAbsJudge } from "../fixtures/abs-value.ts";
import { startScriptedChatServer, type ScriptRequest, type ScriptRule } from "../fixtures/chat-server.ts";
import { startFakeGitHub } from "../fixtures/github-server.ts";
import { makeRepoPair } from "../github/helpers.ts";
import { EVENTS, runEntry } from "./harness.ts";

const TOKEN = "ghs_uncertainTOKEN0123456789";
const cleanup: string[] = [];
afterAll(async () => {
  for (const dir of cleanup) await rm(dir, { recursive: true, force: true });
});

const code = (body: string) => `\`\`\`python\n${body}\n\`\`\`\n`;
const isGenerate = (r: ScriptRequest) => r.system === SYSTEM_PROMPTS.generate && !r.messages.some((m) => m.role === "assistant");
/** Two right and two wrong programs, both passing the public example: two clusters of two. */
function rules(): ScriptRule[] {
  let k = 0;
  return [
    { name: "synthesize", system: SYSTEM_PROMPTS.synthesize, reply: `\`\`\`json\n${JSON.stringify(["-4\n", "7\n", "0\n"])}\n\`\`\`` },
    { name: "generate", when: isGenerate, reply: () => code(++k % 2 === 0 ? ABS_CORRECT : ABS_IDENTITY) },
    { name: "judge", system: SYSTEM_PROMPTS.judge, reply: truthfulAbsJudge },
  ];
}
const inputs = (url: string, extra: Record<string, string> = {}) => ({ "github-token": TOKEN, "base-url": url, "api-key": "k", model: "test-model", samples: "4", rounds: "0", ...extra });

async function eventCopy(name: string, edit?: (payload: Record<string, unknown>) => void) {
  const dir = await mkdtemp(join(tmpdir(), "sstar-uncertain-"));
  cleanup.push(dir);
  const path = join(dir, name);
  await cp(join(EVENTS, name), path);
  const payload = JSON.parse(await readFile(path, "utf8")) as { issue: { number: number; title: string; body: string } } & Record<string, unknown>;
  if (edit) {
    edit(payload);
    await writeFile(path, JSON.stringify(payload));
  }
  return { path, payload };
}

describe("an uncertain pick", () => {
  it("gets the needs-a-human comment and no branch; /sstar solve force then opens the pull request", async () => {
    const p = await makeRepoPair({ "README.md": "# katas\n" });
    cleanup.push(p.root);
    const labeled = await eventCopy("issues-labeled.json");
    const gh = await startFakeGitHub({
      token: TOKEN,
      collaborators: { maintainer: "maintain", stranger: "maintain" },
      issues: [{ number: 7, title: labeled.payload.issue.title, body: labeled.payload.issue.body, labels: ["kata"] }],
    });
    const chat = await startScriptedChatServer(rules());
    try {
      // Every confidence is below 1: the pick is uncertain whatever the fitted model says.
      const run = await runEntry({ eventName: "issues", eventFile: labeled.path, workspace: p.work, apiUrl: gh.url, inputs: inputs(chat.url, { "min-confidence": "1" }) });
      expect(run.exitCode, run.visible).toBe(0);
      expect(gh.state.pulls).toHaveLength(0);
      expect(await p.git(["for-each-ref", "refs/heads/sstar"], p.bare)).toBe("");
      expect(gh.state.comments).toHaveLength(1);
      const body = gh.state.comments[0]!.body;
      expect(body).toMatch(/\*\*Needs a human:\*\* the pick passes every public test, but its confidence is 0\.\d\d, below the 1 threshold/);
      expect(body).toContain("#### Where the top two clusters disagree");
      // Both clusters' programs, the inputs where they differ with each output, the judge's votes.
      expect(body).toContain("print(abs(n))");
      expect(body).toContain("print(n)");
      expect(body).toMatch(/\| `-4` \| `-?4` \| `-?4` \|/);
      expect(body).toMatch(/Judge votes between them over \d+ match(es)?: c\d \d+/);
      expect(JSON.parse(run.outputs.results!)[0]).toMatchObject({ id: "issue-7", status: "uncertain", branch: null, pullRequestNumber: null });
      expect(run.outputs.solved).toBe("false");

      const command = await eventCopy("issue-comment-command.json", (payload) => {
        (payload.comment as { body: string }).body = "/sstar solve force";
      });
      const forced = await runEntry({ eventName: "issue_comment", eventFile: command.path, workspace: p.work, apiUrl: gh.url, inputs: inputs(chat.url, { "min-confidence": "1" }) });
      expect(forced.exitCode, forced.visible).toBe(0);
      expect(gh.state.pulls).toHaveLength(1);
      expect(JSON.parse(forced.outputs.results!)[0]).toMatchObject({ status: "solved", branch: "sstar/issue-7" });
      expect(gh.state.comments).toHaveLength(1);
      expect(gh.state.comments[0]!.body).not.toContain("Needs a human");
    } finally {
      await chat.close();
      await gh.close();
    }
  }, 240_000);
});
