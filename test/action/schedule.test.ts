// The schedule route, through the real entry point against the fake GitHub server: merge shard
// results, compare with the baseline, and keep one regression issue (opened, updated, closed when
// the regression is gone). An incomplete night (an outage: problems not attempted, or a shard
// missing) opens no issue, leaves "run incomplete: <cause>" on the open one, and fails the step.
import { mkdir, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { hasMarker } from "../../src/github/github.ts";
import { startFakeGitHub } from "../fixtures/github-server.ts";
import { makeRepoPair } from "../github/helpers.ts";
import { config, problem, results, shards } from "../eval/helpers.ts";
import type { ProblemResult } from "../../src/eval/results.ts";
import { EVENTS, runEntry } from "./harness.ts";
import { writeSpecs } from "../../src/spec/write.ts";
import { nightlySpecs, problemId, startNightlyModel } from "../eval/nightly-fixture.ts";

const TOKEN = "ghs_scheduleTOKEN0123";
const cleanup: string[] = [];
afterAll(async () => {
  for (const dir of cleanup) await rm(dir, { recursive: true, force: true });
});

const IDS = ["a", "b", "c", "d", "e", "f", "g", "h", "i", "j"];
const HALVES = [IDS.slice(0, 5), IDS.slice(5)];

/** Tonight's shard files: `failing` fail on the hidden tests, `down` could not be attempted. */
async function writeShards(work: string, failing: string[], down: string[] = [], only?: number): Promise<void> {
  const all: ProblemResult[] = IDS.map((id) => (down.includes(id) ? problem({ id, notAttempted: "endpoint-unreachable" }) : problem({ id, passed: !failing.includes(id) })));
  await rm(join(work, "shards"), { recursive: true, force: true });
  for (const [i, part] of shards(all, HALVES).entries()) {
    if (only !== undefined && i + 1 !== only) continue;
    await mkdir(join(work, "shards", String(i + 1)), { recursive: true });
    await writeFile(join(work, "shards", String(i + 1), "results.json"), JSON.stringify(part));
  }
}

async function repo() {
  const p = await makeRepoPair();
  cleanup.push(p.root);
  await mkdir(join(p.work, "eval"), { recursive: true });
  await writeFile(join(p.work, "eval", "baseline.json"), JSON.stringify(results(IDS.map((id) => problem({ id })), config(IDS))));
  return p;
}

const runIn = (work: string, apiUrl: string, token = TOKEN) =>
  runEntry({
    eventName: "schedule",
    eventFile: join(EVENTS, "schedule.json"),
    workspace: work,
    apiUrl,
    inputs: { "github-token": token, results: "shards/**/results.json", "max-drop": "5", trend: ".sstar/trend.json" },
  });

describe("schedule: the regression check", () => {
  it("opens one regression issue, updates it, and closes it once fixed; sets the decision outputs", async () => {
    const p = await repo();
    const gh = await startFakeGitHub({ token: TOKEN });
    try {
      await writeShards(p.work, ["a", "b", "c", "d", "e", "f"]);
      const first = await runIn(p.work, gh.url);
      expect(first.exitCode, first.visible).toBe(1);
      expect(first.stdout).toMatch(/::error::regression: pass rate −60 points on 10 problems \(McNemar exact p = 0\.0313\); newly failing: a, b, c, d, e, f \(issue #\d+\)/);
      expect(gh.state.issues).toHaveLength(1);
      const issue = gh.state.issues[0]!;
      expect(first.outputs).toMatchObject({ regression: "true", incomplete: "false", "pass-rate": "0.4000", "baseline-pass-rate": "1.0000", "p-value": "0.03125", "issue-number": String(issue.number), solved: "false" });
      const summary = JSON.parse(first.outputs.results!) as { decision: string; newlyFailing: string[]; paired: { newlyFailing: number } };
      expect(summary).toMatchObject({ decision: "regression", newlyFailing: ["a", "b", "c", "d", "e", "f"], paired: { newlyFailing: 6 } });
      expect(first.summary).toContain("### Paired comparison on the 10 problems graded in both runs");
      expect(first.summary).toContain("| **passed before** | 4 | **6** newly failing |");
      expect(first.summary).toContain("xychart-beta");
      // The 95% interval of 4/10, and the HTML report: written, not uploaded outside GitHub Actions (a warning says so).
      expect(first.outputs).toMatchObject({ "pass-rate-low": "0.1682", "pass-rate-high": "0.6873", "html-report-url": "" });
      expect(first.outputs["html-report"]).toMatch(/report\.html$/);
      expect(first.summary).toContain("HTML report: `report.html` in the result folder (not uploaded: not running in GitHub Actions (ACTIONS_RUNTIME_TOKEN is not set))");
      expect(first.stdout).toContain("::warning::HTML report not uploaded as an artifact");
      expect(issue.labels).toEqual([{ name: "sstar-regression" }]);
      expect(hasMarker(issue.body, "regression")).toBe(true);
      expect(issue.body).toContain("`f`");

      await writeShards(p.work, ["a", "b", "c", "d", "e", "f", "g"]);
      const second = await runIn(p.work, gh.url);
      expect(second.exitCode).toBe(1);
      expect(gh.state.issues).toHaveLength(1);
      expect(gh.state.issues[0]!.body).toContain("`g`");
      expect(second.outputs["issue-number"]).toBe(String(issue.number));

      await writeShards(p.work, []);
      const third = await runIn(p.work, gh.url);
      expect(third.exitCode, third.visible).toBe(0);
      expect(third.outputs).toMatchObject({ regression: "false", incomplete: "false", "p-value": "1", "issue-number": String(issue.number), solved: "true" });
      expect(gh.state.issues[0]!.state).toBe("closed");
      expect(gh.state.comments.at(-1)!.body).toContain("no regression");
    } finally {
      await gh.close();
    }
  });

  it("an incomplete night opens no issue, fails the step, and comments on the open regression issue", async () => {
    const p = await repo();
    const gh = await startFakeGitHub({ token: TOKEN });
    try {
      // The endpoint was down for every problem of tonight's run: nothing to decide, no issue.
      await writeShards(p.work, [], IDS);
      const outage = await runIn(p.work, gh.url);
      expect(outage.exitCode, outage.visible).toBe(1);
      // (% is %25 in a workflow command)
      expect(outage.stdout).toMatch(/::error::run incomplete: 10 of 10 problems \(100%25\) could not be attempted, more than the allowed 10%25: 10 model endpoint unreachable/);
      expect(outage.outputs).toMatchObject({ regression: "false", incomplete: "true", "issue-number": "", solved: "false" });
      expect(JSON.parse(outage.outputs.results!)).toMatchObject({ decision: "incomplete", cause: expect.stringContaining("could not be attempted") });
      expect(outage.summary).toContain("⚠️ run incomplete");
      expect(gh.state.issues).toHaveLength(0);
      expect(gh.requests.filter((r) => r.method !== "GET")).toHaveLength(0);

      // A real regression opens the issue; a later outage comments on it and leaves it open.
      await writeShards(p.work, ["a", "b", "c", "d", "e", "f"]);
      expect((await runIn(p.work, gh.url)).exitCode).toBe(1);
      const issue = gh.state.issues[0]!;
      const before = issue.body;
      await writeShards(p.work, ["a"], ["b", "c", "d", "e", "f", "g"]);
      const again = await runIn(p.work, gh.url);
      expect(again.exitCode).toBe(1);
      expect(again.outputs).toMatchObject({ regression: "false", incomplete: "true", "issue-number": String(issue.number) });
      expect(gh.state.issues).toHaveLength(1);
      expect(gh.state.issues[0]!).toMatchObject({ state: "open", body: before });
      const comment = gh.state.comments.at(-1)!;
      expect(comment.issue_number).toBe(issue.number);
      expect(comment.body).toMatch(/\*\*run incomplete: 6 of 10 problems \(60%\) could not be attempted/);
      // The next outage updates that comment instead of adding one.
      const comments = gh.state.comments.length;
      await writeShards(p.work, [], IDS);
      expect((await runIn(p.work, gh.url)).exitCode).toBe(1);
      expect(gh.state.comments).toHaveLength(comments);
      expect(gh.state.comments.at(-1)!.body).toMatch(/\*\*run incomplete: 10 of 10 problems/);

      // A shard that never finished (its file is missing) is incomplete too, not a crash or a regression.
      await writeShards(p.work, [], [], 1);
      const missing = await runIn(p.work, gh.url);
      expect(missing.exitCode).toBe(1);
      expect(missing.stdout).toMatch(/::error::run incomplete: the shard results do not make a whole run: shard 2\/2 missing/);
      expect(missing.outputs.incomplete).toBe("true");
      expect(gh.state.issues[0]!.state).toBe("open");
    } finally {
      await gh.close();
    }
  });

  it("fails the step on a regression even without a token, and opens no issue", async () => {
    const p = await repo();
    await writeShards(p.work, ["a", "b", "c", "d", "e", "f"]);
    const gh = await startFakeGitHub({ token: TOKEN });
    try {
      const run = await runIn(p.work, gh.url, "");
      expect(run.exitCode).toBe(1);
      expect(run.stdout).toMatch(/::error::regression: pass rate −60 points on 10 problems \(McNemar exact p = 0\.0313\); newly failing: a, b, c, d, e, f$/m);
      expect(run.stdout).toMatch(/::warning::no regression issue opened: input "github-token" is empty/);
      expect(run.outputs.regression).toBe("true");
      expect(gh.requests).toHaveLength(0);
    } finally {
      await gh.close();
    }
  });

  it("a shard job evaluates with confirm: a problem that fails once and passes on the retry is flaky; a revoked key makes an incomplete shard", async () => {
    const p = await repo();
    const ids = [1, 2, 3].map(problemId);
    await writeSpecs(nightlySpecs(3), join(p.work, "problems"));
    await writeFile(join(p.work, "eval", "baseline.json"), JSON.stringify(results(ids.map((id) => problem({ id })), config(ids))));
    const model = await startNightlyModel(3);
    model.flakyOnce.add(problemId(2));
    const gh = await startFakeGitHub({ token: TOKEN });
    const shard = (baseUrl: string) =>
      runEntry({
        eventName: "schedule",
        eventFile: join(EVENTS, "schedule.json"),
        workspace: p.work,
        apiUrl: gh.url,
        inputs: { "github-token": TOKEN, mode: "schedule", problems: "problems/*.yaml", shard: "1/1", confirm: "1", "base-url": baseUrl, model: "scripted", samples: "1", rounds: "0", selection: "first", sandbox: "auto" },
      });
    try {
      const run = await shard(model.server.url);
      expect(run.exitCode, run.visible).toBe(0);
      expect(run.stdout).toContain("confirm add-02: passed on retry 1 of 1: flaky, not counted as a regression");
      expect(model.generations.get(problemId(2))).toBe(2); // the retry asked the model again: no reply cache
      expect(run.outputs).toMatchObject({ "pass-rate": "0.6667", incomplete: "false", regression: "false" });
      expect(JSON.parse(run.outputs.results!)).toMatchObject({ shard: "1/1", summary: { graded: 3, flaky: 1, solved: 2 } });
      expect(gh.requests).toHaveLength(0);

      // The key is refused: every problem not attempted. The shard still succeeds (the final job decides), says so, and sets incomplete.
      model.refuseKey = true;
      // A new night: no partial results, no reply cache (it would replay the answers).
      for (const dir of ["sstar-result", ".sstar-cache"]) await rm(join(p.work, dir), { recursive: true, force: true });
      const refused = await shard(model.server.url);
      expect(refused.exitCode, refused.visible).toBe(0);
      expect(refused.stdout).toMatch(/::warning::shard 1\/1 incomplete: 3 of 3 problems \(100%25\) could not be attempted, more than the allowed 10%25: 3 model endpoint refused the credentials/);
      expect(refused.outputs).toMatchObject({ incomplete: "true", regression: "false", "pass-rate": "0.0000" });
      expect(gh.requests).toHaveLength(0);
    } finally {
      await model.server.close();
      await gh.close();
    }
  }, 120_000);
});
