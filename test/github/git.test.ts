import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { rm } from "node:fs/promises";
import { BOT_IDENTITY, checkBranchName, checkRepoPath, GitCommandManager } from "../../src/github/git.ts";
import { makeRepoPair, type RepoPair } from "./helpers.ts";

const pairs: RepoPair[] = [];
afterAll(async () => {
  for (const p of pairs) await rm(p.root, { recursive: true, force: true });
});
async function pair(files?: Record<string, string>) {
  const p = await makeRepoPair(files);
  pairs.push(p);
  return p;
}

describe("path and branch checks", () => {
  it("accepts plain relative paths", () => {
    expect(checkRepoPath("solutions/two-sum.py")).toBe("solutions/two-sum.py");
  });
  it.each(["/etc/passwd", "../x", "a/../b", ".git/config", "a/.GIT/hooks/x", "a//b", "./a", "a b", "", "sol\u200b.py"])("rejects %j", (p) => {
    expect(() => checkRepoPath(p)).toThrow(/refusing to write/);
  });
  it.each(["sstar/issue-7", "main", "sstar/two-sum.v2"])("accepts branch %j", (b) => expect(checkBranchName(b)).toBe(b));
  it.each(["-x", "a..b", "a/", ".hidden", "x.lock", "a b", "a~1", "refs/heads/../x"])("rejects branch %j", (b) => {
    expect(() => checkBranchName(b)).toThrow(/invalid branch name/);
  });
});

describe("GitCommandManager.commitFiles", () => {
  it("creates the branch from the base, as the bot, without touching the checkout", async () => {
    const p = await pair();
    const headBefore = await p.git(["rev-parse", "HEAD"]);
    const git = await GitCommandManager.open(p.work, { auth: { token: "ghs_secret_token_1", serverUrl: "https://github.com" } });
    const result = await git.commitFiles({
      base: "main",
      branch: "sstar/issue-7",
      files: [
        { path: "solutions/issue-7.py", content: "print(sum(map(int, input().split())))\n" },
        { path: "problems/issue-7.yaml", content: "id: issue-7\n" },
      ],
      message: "sstar: solve issue #7",
    });
    expect(result.pushed).toBe(true);
    expect(result.reset).toBe(false);
    expect(await p.git(["rev-parse", "refs/heads/sstar/issue-7"], p.bare)).toBe(result.sha);
    expect(await p.git(["show", "sstar/issue-7:solutions/issue-7.py"], p.bare)).toBe("print(sum(map(int, input().split())))");
    expect(await p.git(["show", "sstar/issue-7:README.md"], p.bare)).toBe("# katas");
    expect(await p.git(["log", "-1", "--format=%an <%ae>|%s", "sstar/issue-7"], p.bare)).toBe(`${BOT_IDENTITY.name} <${BOT_IDENTITY.email}>|sstar: solve issue #7`);
    expect(await p.git(["rev-parse", "sstar/issue-7^"], p.bare)).toBe(await p.git(["rev-parse", "main"], p.bare));
    // The checkout is untouched: same HEAD, clean tree, no token in its config.
    expect(await p.git(["rev-parse", "HEAD"])).toBe(headBefore);
    expect(await p.git(["status", "--porcelain"])).toBe("");
    expect(await readFile(join(p.work, ".git", "config"), "utf8")).not.toContain("ghs_secret_token_1");
    expect(await readFile(join(p.work, ".git", "config"), "utf8")).not.toContain(Buffer.from("x-access-token:ghs_secret_token_1").toString("base64"));
  });

  it("makes no commit when the branch already holds the files, and one commit on top when they change", async () => {
    const p = await pair();
    const git = await GitCommandManager.open(p.work);
    const files = [{ path: "solutions/a.py", content: "print(1)\n" }];
    const first = await git.commitFiles({ base: "main", branch: "sstar/a", files, message: "one" });
    const again = await git.commitFiles({ base: "main", branch: "sstar/a", files, message: "two" });
    expect(again).toEqual({ sha: first.sha, pushed: false, reset: false, reason: "unchanged" });
    expect(await p.git(["rev-list", "--count", "main..sstar/a"], p.bare)).toBe("1");
    const changed = await git.commitFiles({ base: "main", branch: "sstar/a", files: [{ path: "solutions/a.py", content: "print(2)\n" }], message: "three" });
    expect(changed.pushed).toBe(true);
    expect(await p.git(["rev-parse", "sstar/a^"], p.bare)).toBe(first.sha);
    expect(await p.git(["show", "sstar/a:solutions/a.py"], p.bare)).toBe("print(2)");
  });

  it("keeps human commits on the branch and builds on them", async () => {
    const p = await pair();
    const git = await GitCommandManager.open(p.work);
    await git.commitFiles({ base: "main", branch: "sstar/b", files: [{ path: "s.py", content: "x\n" }], message: "bot" });
    // Someone pushes a fix to the bot's branch.
    await p.git(["fetch", "--quiet", "origin", "sstar/b"]);
    await p.git(["checkout", "--quiet", "-b", "human", "FETCH_HEAD"]);
    await p.git(["commit", "--quiet", "--allow-empty", "-m", "human note"]);
    await p.git(["push", "--quiet", "origin", "human:sstar/b"]);
    const humanTip = await p.git(["rev-parse", "human"]);
    const r = await git.commitFiles({ base: "main", branch: "sstar/b", files: [{ path: "s.py", content: "y\n" }], message: "bot again" });
    expect(r.reset).toBe(false);
    expect(await p.git(["rev-parse", "sstar/b^"], p.bare)).toBe(humanTip);
  });

  it("rebuilds the branch on the base when the base moved past it", async () => {
    const p = await pair();
    const git = await GitCommandManager.open(p.work);
    await git.commitFiles({ base: "main", branch: "sstar/c", files: [{ path: "s.py", content: "x\n" }], message: "bot" });
    // main gets a commit the branch does not have, and an unrelated history replaces the branch.
    await p.git(["commit", "--quiet", "--allow-empty", "-m", "main moves"]);
    await p.git(["push", "--quiet", "origin", "HEAD:main"]);
    await p.git(["checkout", "--quiet", "--orphan", "other"]);
    await p.git(["commit", "--quiet", "--allow-empty", "-m", "unrelated"]);
    await p.git(["push", "--quiet", "--force", "origin", "other:sstar/c"]);
    const r = await git.commitFiles({ base: "main", branch: "sstar/c", files: [{ path: "s.py", content: "y\n" }], message: "bot" });
    expect(r).toMatchObject({ pushed: true, reset: true });
    expect(await p.git(["rev-parse", "sstar/c^"], p.bare)).toBe(await p.git(["rev-parse", "main"], p.bare));
  });

  it("pushes nothing when the base already has the files", async () => {
    const p = await pair({ "s.py": "x\n" });
    const git = await GitCommandManager.open(p.work);
    const r = await git.commitFiles({ base: "main", branch: "sstar/d", files: [{ path: "s.py", content: "x\n" }], message: "m" });
    expect(r).toMatchObject({ pushed: false, reason: "base-has-it" });
    expect(await p.git(["branch", "--list", "sstar/d"], p.bare)).toBe("");
  });

  it("names a missing base branch clearly, and refuses a directory that is no checkout", async () => {
    const p = await pair();
    const git = await GitCommandManager.open(p.work);
    await expect(git.commitFiles({ base: "nope", branch: "sstar/e", files: [{ path: "a", content: "" }], message: "m" })).rejects.toThrow(/base branch "nope" could not be fetched/);
    await expect(GitCommandManager.open(p.root)).rejects.toThrow(/is not a git checkout/);
  });

  it("never pushes to the base branch", async () => {
    const p = await pair();
    const before = await p.git(["rev-parse", "main"], p.bare);
    const git = await GitCommandManager.open(p.work);
    await expect(git.commitFiles({ base: "main", branch: "main", files: [{ path: "s.py", content: "y\n" }], message: "m" })).rejects.toThrow(
      /^refusing to push to "main": it is the base branch/,
    );
    expect(await p.git(["rev-parse", "main"], p.bare)).toBe(before);
  });
});
