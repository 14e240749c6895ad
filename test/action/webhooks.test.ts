// Real event payloads: every relevant example GitHub's webhooks documentation carries
// (@octokit/webhooks-examples), with the kata label and body put in, goes through readContext and
// the router, and lands where docs/action.md says; the payloads the other tests build by hand are
// validated against the published webhook schemas (@octokit/webhooks-schemas). (The examples
// themselves are older than the schemas and miss fields the schemas now require, such as
// active_lock_reason, so they are routed but not validated; the hand-built ones were rebuilt on
// those examples and fill every required field. The schemas predate GitHub's `user_view_type`,
// which real payloads carry; the fixtures leave it out to match the published schema.)
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Ajv, type ValidateFunction } from "ajv";
import addFormatsModule from "ajv-formats";
import { afterAll, describe, expect, it } from "vitest";
import { readContext } from "../../src/action/context.ts";
import { readInputs } from "../../src/action/inputs.ts";
import { decideTarget, isBot, type Target } from "../../src/action/route.ts";
import { EVENTS } from "./harness.ts";

const require = createRequire(import.meta.url);
const examples = require("@octokit/webhooks-examples/api.github.com/index.json") as { name: string; examples: Record<string, unknown>[] }[];
const schema = require("@octokit/webhooks-schemas") as Record<string, unknown>;

const addFormats = ((addFormatsModule as unknown as { default?: unknown }).default ?? addFormatsModule) as (ajv: Ajv) => Ajv;
const ajv = new Ajv({ strict: false, allErrors: false });
addFormats(ajv);
ajv.addSchema(schema, "webhooks");
const validators = new Map<string, ValidateFunction>();
/** The webhook schema of one event and action, e.g. "issues$labeled", "push$event". */
function validate(definition: string, payload: unknown): string[] {
  let v = validators.get(definition);
  if (v === undefined) validators.set(definition, (v = ajv.compile({ $ref: `webhooks#/definitions/${definition}` })));
  return v(payload) ? [] : (v.errors ?? []).slice(0, 3).map((e) => `${e.instancePath} ${e.message}`);
}

const KATA_BODY = "Print the absolute value of n.\n\n### Examples\n\nInput:\n```\n-3\n```\nOutput:\n```\n3\n```\n";
const inputs = readInputs((n) => ({ "github-token": "t" })[n as "github-token"] ?? "");

const scratch = mkdtempSync(join(tmpdir(), "sstar-webhooks-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));
let files = 0;
/** The context the action reads on a runner: the payload file, GITHUB_* variables (GITHUB_REF as the runner sets it). */
function route(eventName: string, payload: Record<string, unknown>): Target {
  const path = join(scratch, `event-${files++}.json`);
  writeFileSync(path, JSON.stringify(payload));
  const ref = typeof payload.ref === "string" ? payload.ref : `refs/heads/${String((payload.repository as { default_branch?: string } | undefined)?.default_branch ?? "main")}`;
  return decideTarget(inputs, readContext({ GITHUB_REPOSITORY: "octo/katas", GITHUB_EVENT_NAME: eventName, GITHUB_EVENT_PATH: path, GITHUB_ACTOR: "someone", GITHUB_REF: ref }));
}

function examplesOf(name: string): Record<string, unknown>[] {
  const found = examples.find((e) => e.name === name);
  if (found === undefined) throw new Error(`@octokit/webhooks-examples has no ${name} examples`);
  return found.examples.map((e) => structuredClone(e));
}

const sender = (p: Record<string, unknown>) => p.sender as { login: string; type: string };
const senderIsBot = (p: Record<string, unknown>) => isBot({ login: sender(p).login, type: sender(p).type });

describe("GitHub's example payloads through the router", () => {
  const issues = examplesOf("issues");
  it.each(issues.map((p, i) => [`${String(p.action)} #${i}`, p] as const))("issues %s: only a labeled issue with the label starts a run", (_name, payload) => {
    (payload.issue as Record<string, unknown>).body = KATA_BODY;
    if (payload.action === "labeled") payload.label = { ...(payload.label as object), name: "kata" };
    const target = route("issues", payload);
    if (payload.action !== "labeled") {
      expect(target).toMatchObject({ kind: "skip", reason: `issues event "${String(payload.action)}": only "labeled" starts a run` });
    } else if (senderIsBot(payload)) {
      expect(target).toMatchObject({ kind: "refuse", issueNumber: (payload.issue as { number: number }).number });
    } else {
      expect(target).toMatchObject({ kind: "issue", via: "label", labeler: sender(payload).login, base: (payload.repository as { default_branch: string }).default_branch });
    }
  });

  it("labeled with another label: nothing to do", () => {
    const payload = issues.find((p) => p.action === "labeled")!;
    payload.label = { ...(payload.label as object), name: "bug" };
    expect(route("issues", payload)).toMatchObject({ kind: "skip", reason: 'label "bug" is not "kata"' });
  });

  const comments = examplesOf("issue_comment");
  it.each(comments.map((p, i) => [`${String(p.action)} #${i}`, p] as const))("issue_comment %s: a new /sstar solve on an issue is a command", (_name, payload) => {
    (payload.comment as Record<string, unknown>).body = "/sstar solve\nplease";
    (payload.issue as Record<string, unknown>).body = KATA_BODY;
    const target = route("issue_comment", payload);
    const onPull = (payload.issue as { pull_request?: unknown }).pull_request !== undefined;
    if (payload.action !== "created") expect(target).toMatchObject({ kind: "skip", reason: "only a new comment can be a command" });
    else if (onPull) expect(target).toMatchObject({ kind: "skip", reason: '"/sstar solve" works on issues, not pull requests' });
    else if (senderIsBot(payload)) expect(target).toMatchObject({ kind: "refuse" });
    else expect(target).toMatchObject({ kind: "command", commenter: (payload.comment as { user: { login: string } }).user.login });
  });

  it.each(examplesOf("push").map((p, i) => [`${String(p.ref)} #${i}`, p] as const))("push %s: a branch push solves the specs it changed", (_name, payload) => {
    const commits = payload.commits as { added: string[] }[];
    if (commits.length > 0) commits[0]!.added = [...commits[0]!.added, "problems/abs.yaml"];
    const target = route("push", payload);
    const ref = String(payload.ref);
    if (!ref.startsWith("refs/heads/")) expect(target).toMatchObject({ kind: "skip", reason: `push to ${ref} is not a branch` });
    else if (payload.deleted === true) expect(target).toMatchObject({ kind: "skip", reason: `branch ${ref.slice(11)} was deleted` });
    else if (senderIsBot(payload)) expect(target).toMatchObject({ kind: "refuse" });
    else expect(target).toMatchObject({ kind: "specs", base: ref.slice(11), changed: commits.length === 0 ? "all" : expect.arrayContaining(["problems/abs.yaml"]) });
  });

  it.each(examplesOf("workflow_dispatch").map((p, i) => [`#${i}`, p] as const))("workflow_dispatch %s: every spec, against the dispatched branch", (_name, payload) => {
    const target = route("workflow_dispatch", payload);
    if (senderIsBot(payload)) expect(target).toMatchObject({ kind: "refuse" });
    else expect(target).toMatchObject({ kind: "specs", changed: "all", base: String(payload.ref).replace(/^refs\/heads\//, "") });
  });

  it("schedule (not a webhook: the runner's own payload) runs the regression check", () => {
    expect(route("schedule", JSON.parse(readFileSync(join(EVENTS, "schedule.json"), "utf8")))).toEqual({ kind: "regression" });
  });
});

describe("the hand-built payloads the other tests use", () => {
  it.each([
    ["issues-labeled.json", "issues$labeled"],
    ["issues-labeled-by-bot.json", "issues$labeled"],
    ["issues-labeled-other.json", "issues$labeled"],
    ["issues-labeled-unparseable.json", "issues$labeled"],
    ["issue-comment-command.json", "issue_comment$created"],
    ["push.json", "push$event"],
    ["workflow_dispatch.json", "workflow_dispatch$event"],
  ])("%s is a valid %s payload", (file, definition) => {
    expect(validate(definition, JSON.parse(readFileSync(join(EVENTS, file), "utf8")))).toEqual([]);
  });
});
