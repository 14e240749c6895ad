// The schedule route: merge shard results, compare with the baseline, and keep one regression
// issue (opened, updated, closed when the regression is gone), through the real entry point.
import { mkdir, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { hasMarker } from "../../src/github/github.ts";
import { startFakeGitHub } from "../fixtures/github-server.ts";
import { makeRepoPair } from "../github/helpers.ts";
import { config, problem, results, shards } from "../eval/helpers.ts";
import { EVENTS, runEntry } from "./harness.ts";

const TOKEN = "ghs_scheduleTOKEN0123";
const cleanup: string[] = [];
afterAll(async () => {
  for (const dir of cleanup) await rm(dir, { recursive: true, force: true });
});

const IDS = ["a", "b", "c", "d"];

async function writeShards(work: string, failing: string[]): Promise<void> {
  const all = IDS.map((id) => problem({ id, passed: !failing.includes(id) }));
  const parts = shards(all, [["a", "b"], ["c", "d"]]);
  for (const [i, part] of parts.entries()) {
    await mkdir(join(work, "shards", String(i + 1)), { recursive: true });
    await writeFile(join(work, "shards", String(i + 1), "results.json"), JSON.stringify(part));
  }
}

describe("schedule: the regression check", () => {
  it("opens one regression issue, updates it, and closes it once fixed", async () => {
    const p = await makeRepoPair();
    cleanup.push(p.root);
    await mkdir(join(p.work, "eval"), { recursive: true });
    await writeFile(join(p.work, "eval", "baseline.json"), JSON.stringify(results(IDS.map((id) => problem({ id })), config(IDS))));
    const gh = await startFakeGitHub({ token: TOKEN });
    const run = () =>
      runEntry({
        eventName: "schedule",
        eventFile: join(EVENTS, "schedule.json"),
        workspace: p.work,
        apiUrl: gh.url,
        inputs: { "github-token": TOKEN, results: "shards/**/results.json", "max-drop": "5" },
      });
    try {
      await writeShards(p.work, ["b"]);
      const first = await run();
      expect(first.exitCode).toBe(1);
      expect(first.stdout).toMatch(/::error::solve rate dropped beyond 5 points \(issue #\d+\)/);
      expect(first.outputs.solved).toBe("false");
      expect(first.summary.length).toBeGreaterThan(0);
      expect(gh.state.issues).toHaveLength(1);
      const issue = gh.state.issues[0]!;
      expect(issue.labels).toEqual([{ name: "sstar-regression" }]);
      expect(hasMarker(issue.body, "regression")).toBe(true);
      expect(issue.body).toContain("b");

      await writeShards(p.work, ["b", "c"]);
      const second = await run();
      expect(second.exitCode).toBe(1);
      expect(gh.state.issues).toHaveLength(1);

      await writeShards(p.work, []);
      const third = await run();
      expect(third.exitCode, third.visible).toBe(0);
      expect(gh.state.issues[0]!.state).toBe("closed");
      expect(gh.state.comments.at(-1)!.body).toContain("no regression");
    } finally {
      await gh.close();
    }
  });

  it("fails the step on a regression even without a token, and opens no issue", async () => {
    const p = await makeRepoPair();
    cleanup.push(p.root);
    await mkdir(join(p.work, "eval"), { recursive: true });
    await writeFile(join(p.work, "eval", "baseline.json"), JSON.stringify(results(IDS.map((id) => problem({ id })), config(IDS))));
    await writeShards(p.work, ["b"]);
    const gh = await startFakeGitHub({ token: TOKEN });
    try {
      const run = await runEntry({
        eventName: "schedule",
        eventFile: join(EVENTS, "schedule.json"),
        workspace: p.work,
        apiUrl: gh.url,
        inputs: { "github-token": "", results: "shards/**/results.json", "max-drop": "5" },
      });
      expect(run.exitCode).toBe(1);
      expect(run.stdout).toMatch(/::error::solve rate dropped beyond 5 points$/m);
      expect(run.stdout).toMatch(/::warning::no regression issue opened: input "github-token" is empty/);
      expect(run.outputs.solved).toBe("false");
      expect(gh.requests).toHaveLength(0);
    } finally {
      await gh.close();
    }
  });
});
