import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { ActionContext } from "../../src/action/context.ts";
import { readContext } from "../../src/action/context.ts";
import { readInputs } from "../../src/action/inputs.ts";
import { botAllowed, decideTarget, globBase, isBot, payloadVouches, placeIssue, placeSpec, type Target } from "../../src/action/route.ts";
import { progressLine } from "../../src/action/progress.ts";
import { EVENTS } from "./harness.ts";

const inputs = (values: Record<string, string> = {}) => readInputs((n) => ({ "github-token": "t", ...values })[n] ?? "");

function ctx(eventName: string, file: string | undefined, over: Partial<ActionContext> = {}): ActionContext {
  return {
    ...readContext({ GITHUB_REPOSITORY: "octo/katas", GITHUB_EVENT_NAME: eventName, ...(file ? { GITHUB_EVENT_PATH: join(EVENTS, file) } : {}), GITHUB_ACTOR: "maintainer", GITHUB_REF: "refs/heads/main" }),
    ...over,
  };
}

describe("decideTarget", () => {
  it("solves an issue labeled with the label, against the default branch", () => {
    const t = decideTarget(inputs(), ctx("issues", "issues-labeled.json"));
    expect(t).toMatchObject({ kind: "issue", base: "main", via: "label", issue: { number: 7 } });
  });
  it("ignores other labels, other actions and pull requests", () => {
    expect(decideTarget(inputs(), ctx("issues", "issues-labeled-other.json"))).toMatchObject({ kind: "skip", reason: 'label "bug" is not "kata"' });
    const opened = ctx("issues", "issues-labeled.json");
    opened.payload = { ...opened.payload, action: "opened" };
    expect(decideTarget(inputs(), opened)).toMatchObject({ kind: "skip" });
    expect(decideTarget(inputs({ label: "solve-me" }), ctx("issues", "issues-labeled.json"))).toMatchObject({ kind: "skip" });
  });
  it("refuses bots that would start a run, unless allowed, but not bots doing something else", () => {
    expect(decideTarget(inputs(), ctx("issues", "issues-labeled-by-bot.json"))).toMatchObject({ kind: "refuse", issueNumber: 7 });
    expect(decideTarget(inputs({ "allowed-bots": "renovate" }), ctx("issues", "issues-labeled-by-bot.json"))).toMatchObject({ kind: "issue" });
    const botOther = ctx("issues", "issues-labeled-other.json");
    botOther.actor = { login: "renovate[bot]", type: "Bot" };
    expect(decideTarget(inputs(), botOther)).toMatchObject({ kind: "skip" });
    const botPush = ctx("push", "push.json");
    botPush.actor = { login: "github-actions[bot]", type: "Bot" };
    expect(decideTarget(inputs(), botPush)).toMatchObject({ kind: "refuse" });
    expect((decideTarget(inputs(), botPush) as { issueNumber?: number }).issueNumber).toBeUndefined();
  });
  it("turns a /sstar solve comment into a command that still needs a permission check", () => {
    expect(decideTarget(inputs(), ctx("issue_comment", "issue-comment-command.json"))).toMatchObject({ kind: "command", commenter: "stranger", issue: { number: 7 } });
    const chatter = ctx("issue_comment", "issue-comment-command.json");
    chatter.payload = { ...chatter.payload, comment: { id: 1, body: "I think /sstar solve is neat", user: { login: "x" } } };
    expect(decideTarget(inputs(), chatter)).toMatchObject({ kind: "skip" });
  });
  it('"/sstar solve force" asks for the pull request whatever the confidence; plain "/sstar solve" does not', () => {
    expect(decideTarget(inputs(), ctx("issue_comment", "issue-comment-command.json"))).toMatchObject({ kind: "command", force: false });
    const forced = ctx("issue_comment", "issue-comment-command.json");
    forced.payload = { ...forced.payload, comment: { id: 1, body: "/sstar  solve FORCE\nplease", user: { login: "x" } } };
    expect(decideTarget(inputs(), forced)).toMatchObject({ kind: "command", force: true });
    const other = ctx("issue_comment", "issue-comment-command.json");
    other.payload = { ...other.payload, comment: { id: 1, body: "/sstar solve faster", user: { login: "x" } } };
    expect(decideTarget(inputs(), other)).toMatchObject({ kind: "skip" });
  });
  it("vouches from the payload only for the requester, when roles cannot be read", () => {
    type Asking = Extract<Target, { kind: "issue" } | { kind: "command" }>;
    const label = ctx("issues", "issues-labeled.json");
    const asking = (c: ActionContext) => decideTarget(inputs(), c) as Asking;
    expect(payloadVouches(asking(label), label)).toBeUndefined(); // maintainer labeled alice's issue; no association for the labeler
    const byOwner = ctx("issues", "issues-labeled.json");
    byOwner.payload = { ...byOwner.payload, sender: { login: "octo", type: "User" } };
    expect(payloadVouches(asking({ ...byOwner, actor: { login: "octo", type: "User" } }), byOwner)).toMatch(/owns the repository/);
    // The issue's association describes its author: it counts only when the author labeled it.
    const member = ctx("issues", "issues-labeled.json", { actor: { login: "alice", type: "User" } });
    member.payload = { ...member.payload, issue: { ...(member.payload.issue as object), author_association: "MEMBER" } };
    expect(payloadVouches(asking(member), member)).toMatch(/MEMBER/);
    const other = ctx("issues", "issues-labeled.json");
    other.payload = { ...other.payload, issue: { ...(other.payload.issue as object), author_association: "MEMBER" } };
    expect(payloadVouches(asking(other), other)).toBeUndefined();
    const command = ctx("issue_comment", "issue-comment-command.json");
    expect(payloadVouches(asking(command), command)).toBeUndefined();
    command.payload = { ...command.payload, comment: { ...(command.payload.comment as object), author_association: "COLLABORATOR" } };
    expect(payloadVouches(asking(command), command)).toMatch(/COLLABORATOR/);
  });

  it("solves only the files a push changed, and all of them when the payload can't tell", () => {
    expect(decideTarget(inputs(), ctx("push", "push.json"))).toEqual({ kind: "specs", base: "main", changed: ["README.md", "problems/abs-value.yaml"] });
    const many = ctx("push", "push.json");
    const payload = JSON.parse(readFileSync(join(EVENTS, "push.json"), "utf8")) as { commits: unknown[] };
    many.payload = { ...many.payload, commits: Array.from({ length: 20 }, () => payload.commits[0]) };
    expect(decideTarget(inputs(), many)).toMatchObject({ kind: "specs", changed: "all" });
    const own = ctx("push", "push.json");
    own.payload = { ...own.payload, ref: "refs/heads/sstar/issue-7" };
    expect(decideTarget(inputs(), own)).toMatchObject({ kind: "skip", reason: "push to sstar's own branch sstar/issue-7" });
    const tag = ctx("push", "push.json");
    tag.payload = { ...tag.payload, ref: "refs/tags/v1" };
    expect(decideTarget(inputs(), tag)).toMatchObject({ kind: "skip" });
  });
  it("routes dispatch to all specs, schedule to the regression check, and skips other events", () => {
    expect(decideTarget(inputs(), ctx("workflow_dispatch", "workflow_dispatch.json"))).toEqual({ kind: "specs", base: "main", changed: "all" });
    expect(decideTarget(inputs(), ctx("schedule", "schedule.json"))).toEqual({ kind: "regression" });
    expect(decideTarget(inputs({ mode: "schedule" }), ctx("workflow_dispatch", "workflow_dispatch.json"))).toEqual({ kind: "regression" });
    expect(decideTarget(inputs(), ctx("release", undefined))).toMatchObject({ kind: "skip" });
  });
});

describe("names and helpers", () => {
  it("recognizes bots and the allow list", () => {
    expect(isBot({ login: "dependabot[bot]", type: "Bot" })).toBe(true);
    expect(isBot({ login: "alice", type: "User" })).toBe(false);
    expect(botAllowed("Dependabot[bot]", ["dependabot"])).toBe(true);
    expect(botAllowed("renovate[bot]", ["dependabot"])).toBe(false);
  });
  it("places issues and specs on fixed branches and paths", () => {
    const i = inputs();
    expect(placeIssue(7, "issue-7", "python", i)).toEqual({ key: "issue-7", branch: "sstar/issue-7", solutionPath: "solutions/issue-7.py", specPath: "problems/issue-7.yaml" });
    expect(placeSpec("two-sum", "cpp", inputs({ "solutions-dir": "./out/", "branch-prefix": "bot-" }))).toEqual({ key: "spec-two-sum", branch: "bot-two-sum", solutionPath: "out/two-sum.cpp" });
    expect(globBase("problems/**/*.yaml")).toBe("problems");
    expect(globBase("katas/easy/*.yml")).toBe("katas/easy");
    expect(globBase("katas/one.yaml")).toBe("katas");
    expect(globBase("**/*.yaml")).toBe("problems");
  });
  it("reads the context from the runner's variables, and says what is missing", () => {
    const c = ctx("issues", "issues-labeled.json");
    expect(c.repo).toEqual({ owner: "octo", repo: "katas" });
    expect(c.actor).toEqual({ login: "maintainer", type: "User" });
    expect(() => readContext({})).toThrow(/GITHUB_REPOSITORY is not set/);
    expect(() => readContext({ GITHUB_REPOSITORY: "a/b", GITHUB_EVENT_PATH: "/nonexistent.json" })).toThrow(/cannot read the event payload/);
  });
  it("writes one progress line per finished sample and match", () => {
    expect(progressLine({ type: "sample-done", sample: 3, passed: 2, total: 2, done: 5, of: 8 })).toEqual({ stage: "generate and debug", line: "sample 3 finished: public tests 2/2 (pass) [5/8]" });
    expect(progressLine({ type: "selection", event: { type: "match-finished", a: "c0", b: "c1", winner: "b" } })).toEqual({ stage: "select", line: "match c0 vs c1: c1 wins" });
    expect(progressLine({ type: "round", sample: 0, round: 1, passed: 0, total: 1 }).line).toBeUndefined();
  });
});
