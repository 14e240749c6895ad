// When the model can't be used at all (nothing listening, a refused key, an unreadable cassette, a
// budget spent before the first answer) the step fails with one line naming the cause and the
// input to fix, nothing is pushed, and an earlier good result comment keeps its content (a note
// under it says the rerun failed). Each row of docs/action.md's "Exit behaviour" table is pinned
// here (`ROWS` names them), on an `issues` event and on `workflow_dispatch`.
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { SYSTEM_PROMPTS } from "../../src/engine/prompts.ts";
import { RERUN_NOTE_MARKER } from "../../src/action/status-comment.ts";
import { startScriptedChatServer, type ScriptRequest, type ScriptRule } from "../fixtures/chat-server.ts";
import { ABS_CORRECT, ABS_IDENTITY, absValueYaml, truthfulAbsJudge } from "../fixtures/abs-value.ts";
import { startFakeGitHub, type FakeGitHub } from "../fixtures/github-server.ts";
import { makeRepoPair, type RepoPair } from "../github/helpers.ts";
import { EVENTS, ROOT, runEntry, type EntryRun } from "./harness.ts";

const TOKEN = "ghs_infraTOKEN0123456789";
const cleanup: string[] = [];
afterAll(async () => {
  for (const dir of cleanup) await rm(dir, { recursive: true, force: true });
});

const isGenerate = (r: ScriptRequest) => r.system === SYSTEM_PROMPTS.generate && !r.messages.some((m) => m.role === "assistant");
/** Half the samples right, half wrong on negatives; inputs that separate them; a judge always right. */
function solvingRules(): ScriptRule[] {
  let k = 0;
  return [
    { name: "synthesize", system: SYSTEM_PROMPTS.synthesize, reply: `\`\`\`json\n${JSON.stringify(["-4\n", "7\n"])}\n\`\`\`` },
    { name: "generate", when: isGenerate, reply: () => `\`\`\`python\n${++k % 2 === 0 ? ABS_CORRECT : ABS_IDENTITY}\n\`\`\`\n` },
    { name: "judge", system: SYSTEM_PROMPTS.judge, reply: truthfulAbsJudge },
  ];
}

/** One row of the exit-behaviour table: its cause as docs/action.md names it, the inputs that make it, what the line says. */
interface Row {
  cause: string;
  inputs: (env: { workspace: string }) => Promise<Record<string, string>>;
  line: RegExp;
}

/** A URL where nothing listens: a server started and closed again. */
async function deadUrl(): Promise<string> {
  const chat = await startScriptedChatServer([]);
  const url = chat.url;
  await chat.close();
  return url;
}

const ROWS: Row[] = [
  {
    cause: "nothing listens at base-url",
    inputs: async () => ({ "base-url": await deadUrl() }),
    line: /the model could not be used, so nothing was published: .*model endpoint http:\/\/127\.0\.0\.1:\d+\/v1.*check .*action input base-url/,
  },
  {
    cause: "the key is refused (401)",
    inputs: async () => {
      const refusing = await startScriptedChatServer([], { fallback: { fault: "status", status: 401, body: { error: { message: "Incorrect API key provided" } } } });
      servers.push(refusing);
      return { "base-url": refusing.url };
    },
    line: /the model could not be used, so nothing was published: .*API key was refused \(HTTP 401.*check OPENAI_API_KEY \(action input api-key\)/,
  },
  {
    cause: "the replay cassette is unreadable",
    inputs: async ({ workspace }) => {
      await writeFile(join(workspace, "broken.jsonl"), "this is not a cassette\n");
      return { "base-url": "http://127.0.0.1:9/v1", replay: "broken.jsonl" };
    },
    line: /broken\.jsonl:1: not a cassette .*record one with --record/,
  },
  {
    cause: "the budget is spent before the first answer",
    // Another model name: the reply cache of the good run holds nothing for it.
    inputs: async () => ({ "base-url": (await liveServer()).url, model: "fresh-model", budget: "tokens=1" }),
    line: /the model could not be used, so nothing was published: budget exhausted: model budget reached.*action input budget/,
  },
];

const servers: { close(): Promise<void> }[] = [];
let live: Awaited<ReturnType<typeof startScriptedChatServer>> | undefined;
async function liveServer() {
  live ??= await startScriptedChatServer(solvingRules());
  return live;
}
afterAll(async () => {
  for (const s of servers) await s.close();
  await live?.close();
});

async function eventCopy(name: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "sstar-event-"));
  cleanup.push(dir);
  await writeFile(join(dir, "event.json"), await readFile(join(EVENTS, name), "utf8"));
  return join(dir, "event.json");
}

const base = { "github-token": TOKEN, model: "test-model", samples: "4", rounds: "0" };

/** The step's ::error lines (the one line a failed step shows). */
const errorLines = (run: EntryRun) => run.stdout.split("\n").filter((l) => l.startsWith("::error"));

/** A first good run, then every row in turn against the same repository and fake GitHub. */
async function afterGoodRun(event: { name: string; file: string }, p: RepoPair, gh: FakeGitHub, check: (row: Row, run: EntryRun, good: { comment: string; branch: string }) => Promise<void>): Promise<void> {
  const path = await eventCopy(event.file);
  const run = async (inputs: Record<string, string>) => runEntry({ eventName: event.name, eventFile: path, workspace: p.work, apiUrl: gh.url, inputs: { ...base, ...inputs } });
  const first = await run({ "base-url": (await liveServer()).url });
  expect(first.exitCode, first.visible).toBe(0);
  expect(first.outputs.solved).toBe("true");
  const good = { comment: gh.state.comments[0]!.body, branch: first.outputs["commit-sha"]! };
  for (const row of ROWS) {
    const failed = await run(await row.inputs({ workspace: p.work }));
    expect(failed.exitCode, `${row.cause}\n${failed.visible}`).toBe(1);
    const errors = errorLines(failed);
    expect(errors, `${row.cause}: one line`).toHaveLength(1);
    expect(errors[0], row.cause).toMatch(row.line);
    expect(failed.outputs.solved).toBe("false");
    await check(row, failed, good);
  }
}

describe("the model can't be used: the step fails in one line and earlier evidence stays", () => {
  it("on an issues event: the earlier result comment keeps its content, with a note that the rerun failed", async () => {
    const p = await makeRepoPair();
    cleanup.push(p.root);
    const payload = JSON.parse(await readFile(join(EVENTS, "issues-labeled.json"), "utf8")) as { issue: { title: string; body: string } };
    const gh = await startFakeGitHub({ token: TOKEN, collaborators: { maintainer: "maintain" }, issues: [{ number: 7, title: payload.issue.title, body: payload.issue.body, labels: ["kata"] }] });
    try {
      await afterGoodRun({ name: "issues", file: "issues-labeled.json" }, p, gh, async (row, _run, good) => {
        expect(gh.state.comments, row.cause).toHaveLength(1);
        const body = gh.state.comments[0]!.body;
        const [kept, note] = body.split(RERUN_NOTE_MARKER);
        expect(kept!.trimEnd(), row.cause).toBe(good.comment.trimEnd());
        expect(note, row.cause).toMatch(/A rerun failed/);
        expect(await p.git(["rev-parse", "sstar/issue-7"], p.bare), row.cause).toBe(good.branch);
        expect(gh.state.pulls, row.cause).toHaveLength(1);
      });
    } finally {
      await gh.close();
    }
  }, 600_000);

  it("on workflow_dispatch: nothing is pushed, the pull request and its comment keep the earlier result", async () => {
    const p = await makeRepoPair({ "problems/abs-value.yaml": absValueYaml() });
    cleanup.push(p.root);
    const gh = await startFakeGitHub({ token: TOKEN });
    try {
      await afterGoodRun({ name: "workflow_dispatch", file: "workflow_dispatch.json" }, p, gh, async (row, _run, good) => {
        expect(gh.state.comments.map((c) => c.body), row.cause).toEqual([good.comment]);
        expect(await p.git(["rev-parse", "sstar/abs-value"], p.bare), row.cause).toBe(good.branch);
        expect(gh.state.pulls, row.cause).toHaveLength(1);
      });
    } finally {
      await gh.close();
    }
  }, 600_000);

  it("docs/action.md's exit-behaviour table has one row per case pinned here", async () => {
    const doc = await readFile(join(ROOT, "docs/action.md"), "utf8");
    for (const row of ROWS) expect(doc, row.cause).toContain(`| ${row.cause} |`);
  });
});
