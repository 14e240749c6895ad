import { rm } from "node:fs/promises";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { GitCommandManager } from "../../src/github/git.ts";
import { createOctokit, GitHubHelper, hasMarker, MAX_COMMENT_CHARS } from "../../src/github/github.ts";
import { publish, publishRefusal, type Publication } from "../../src/github/publish.ts";
import { startFakeGitHub, type FakeGitHub } from "../fixtures/github-server.ts";
import { makeRepoPair, type RepoPair } from "./helpers.ts";
import { makeReport } from "./report-fixture.ts";

let gh: FakeGitHub | undefined;
const pairs: RepoPair[] = [];
afterEach(async () => {
  await gh?.close();
  gh = undefined;
});
afterAll(async () => {
  for (const p of pairs) await rm(p.root, { recursive: true, force: true });
});

async function setup() {
  gh = await startFakeGitHub({ token: "ghs_tok", issues: [{ number: 7, title: "Sum of two integers", labels: ["kata"] }], collaborators: { alice: "write", bob: "triage" } });
  const p = await makeRepoPair();
  pairs.push(p);
  const git = await GitCommandManager.open(p.work, { auth: { token: "ghs_tok", serverUrl: "https://github.com" } });
  const github = new GitHubHelper(createOctokit("ghs_tok", gh.url), { owner: gh.owner, repo: gh.repo });
  return { gh, p, deps: { git, github } };
}

function issueItem(report = makeReport()): Publication {
  return {
    key: "issue-7",
    kind: "issue",
    issueNumber: 7,
    problemId: "issue-7",
    problemTitle: "Sum of two integers",
    branch: "sstar/issue-7",
    files: [
      { path: "solutions/issue-7.py", content: report.selected?.code ?? "" },
      { path: "problems/issue-7.yaml", content: "id: issue-7\ntitle: Sum of two integers\n" },
    ],
    report,
  };
}

describe("publish", () => {
  it("labels, assigns and asks for reviews as the inputs say, with the title and commit templates", async () => {
    const { gh, p, deps } = await setup();
    const warnings: string[] = [];
    const settings = {
      base: "main",
      draft: false,
      comment: true,
      titleTemplate: "kata {problem}: {title}",
      commitTemplate: "feat(katas): {id}\n\nRefs #{issue}",
      labels: ["sstar", "kata solution"],
      assignees: ["alice"],
      reviewers: ["bob", "stranger"],
      warn: (line: string) => warnings.push(line),
    };
    const first = await publish(issueItem(), deps, settings);
    expect(first.operation).toBe("created");
    const pull = gh.state.pulls[0]!;
    expect(pull.title).toBe("kata #7: Sum of two integers");
    expect(pull.labels.map((l) => l.name)).toEqual(["sstar", "kata solution"]);
    expect(pull.assignees.map((u) => u.login)).toEqual(["alice"]);
    // GitHub refuses a reviewer who is not a collaborator: said, and the pull request stands.
    expect(warnings).toEqual([expect.stringMatching(/^issue-7: could not set the pull request's reviewers \(bob, stranger\): Reviews may only be requested from collaborators/)]);
    expect(await p.git(["log", "-1", "--format=%B", "sstar/issue-7"], p.bare)).toBe("feat(katas): issue-7\n\nRefs #7");
    // Reviewers are asked once, when the pull request is opened; labels again each run.
    const second = await publish(issueItem(), deps, { ...settings, reviewers: ["bob"] });
    expect(second.operation).toBe("none");
    expect(gh.requests.filter((r) => r.operationId === "pulls/request-reviewers")).toHaveLength(1);
    expect(gh.requests.filter((r) => r.operationId === "issues/add-labels")).toHaveLength(2);
    const third = await publish(issueItem(makeReport({ code: "print(sum(map(int, input().split())))\n" })), deps, settings);
    expect(third.operation).toBe("updated");
  });

  it("masks secrets in the title, body and comment it posts", async () => {
    const { gh, deps } = await setup();
    const secret = "sk-leaked-key-0123456789";
    const item = { ...issueItem(), problemTitle: `Sum ${secret}` };
    await publish(item, deps, { base: "main", draft: false, comment: true, redact: (t) => t.split(secret).join("***") });
    const posted = [gh.state.pulls[0]!.title, gh.state.pulls[0]!.body ?? "", gh.state.comments[0]!.body];
    for (const text of posted) expect(text).not.toContain(secret);
    expect(gh.state.pulls[0]!.title).toContain("Sum ***");
    await publishRefusal(deps.github, 7, { key: "refusal-7", reason: `bad ${secret}` }, (t) => t.split(secret).join("***"));
    expect(gh.state.comments.at(-1)!.body).toContain("bad ***");
    expect(gh.requests.every((r) => !r.rawBody.includes(secret))).toBe(true);
  });

  it("commits, opens one PR that closes the issue, posts one comment; a second run edits them", async () => {
    const { gh, p, deps } = await setup();
    const settings = { base: "main", draft: false, comment: true, runUrl: "https://github.test/octo/katas/actions/runs/1" };
    const first = await publish(issueItem(), deps, settings);
    expect(first).toMatchObject({ solved: true, pushed: true, branch: "sstar/issue-7", selectedPath: "solutions/issue-7.py" });
    expect(await p.git(["show", "sstar/issue-7:solutions/issue-7.py"], p.bare)).toContain("print(a + b)");
    expect(await p.git(["show", "sstar/issue-7:problems/issue-7.yaml"], p.bare)).toContain("id: issue-7");
    expect(gh.state.pulls).toHaveLength(1);
    expect(gh.state.pulls[0]!.body).toContain("Closes #7");
    expect(gh.state.pulls[0]!.title).toBe("sstar: solve #7: Sum of two integers");
    expect(gh.state.comments).toHaveLength(1);
    const comment = gh.state.comments[0]!;
    expect(comment.issue_number).toBe(7);
    expect(hasMarker(comment.body, "issue-7")).toBe(true);
    expect(comment.body).toContain(`pull request #${first.pullRequest!.number}`);
    expect(comment.body).toContain("-3 5"); // the distinguishing input
    expect(comment.body).toMatch(/`2`[\s\S]*`8`|`8`[\s\S]*`2`/); // both outputs

    // Second run, new code: one more commit, same PR and comment, edited.
    const second = await publish(issueItem(makeReport({ code: "print(sum(map(int, input().split())))\n" })), deps, settings);
    expect(second.pushed).toBe(true);
    expect(second.pullRequest).toMatchObject({ number: first.pullRequest!.number, created: false });
    expect(second.comment).toMatchObject({ id: first.comment!.id, created: false, changed: true });
    expect(gh.state.pulls).toHaveLength(1);
    expect(gh.state.comments).toHaveLength(1);
    expect(await p.git(["rev-list", "--count", "main..sstar/issue-7"], p.bare)).toBe("2");

    // Third run, same code: no commit.
    const third = await publish(issueItem(makeReport({ code: "print(sum(map(int, input().split())))\n" })), deps, settings);
    expect(third).toMatchObject({ pushed: false, commitSha: second.commitSha });
    expect(await p.git(["rev-list", "--count", "main..sstar/issue-7"], p.bare)).toBe("2");
    const posts = gh.requests.filter((r) => r.method === "POST");
    expect(posts.map((r) => r.path)).toEqual([`/repos/octo/katas/pulls`, `/repos/octo/katas/issues/7/comments`]);
  });

  it("pushes nothing and says so when nothing passed", async () => {
    const { gh, p, deps } = await setup();
    const out = await publish(issueItem(makeReport({ status: "unsolved" })), deps, { base: "main", draft: false, comment: true });
    expect(out).toMatchObject({ solved: false, pushed: false });
    expect(out.branch).toBeUndefined();
    expect(await p.git(["branch", "--list", "sstar/*"], p.bare)).toBe("");
    expect(gh.state.pulls).toHaveLength(0);
    expect(gh.state.comments).toHaveLength(1);
    expect(gh.state.comments[0]!.body).toContain("No candidate passed every public test");
  });

  it("comments on the PR for a spec problem, and respects comment: false", async () => {
    const { gh, deps } = await setup();
    const report = makeReport({ id: "two-sum", title: "Two sum" });
    const item: Publication = {
      key: "spec-two-sum",
      kind: "spec",
      problemId: "two-sum",
      problemTitle: "Two sum",
      specPath: "problems/two-sum.yaml",
      branch: "sstar/two-sum",
      files: [{ path: "solutions/two-sum.py", content: report.selected!.code }],
      report,
    };
    const quiet = await publish(item, deps, { base: "main", draft: true, comment: false });
    expect(quiet.comment).toBeUndefined();
    expect(gh.state.pulls[0]).toMatchObject({ draft: true });
    expect(gh.state.pulls[0]!.body).not.toContain("Closes");
    const loud = await publish(item, deps, { base: "main", draft: true, comment: true });
    expect(gh.state.comments).toHaveLength(1);
    expect(gh.state.comments[0]!.issue_number).toBe(loud.pullRequest!.number);
  });

  it("keeps a huge report's comment within GitHub's limit", async () => {
    const { gh, deps } = await setup();
    const report = makeReport({ code: `print(1)\n${"# padding line\n".repeat(20_000)}` });
    const out = await publish(issueItem(report), deps, { base: "main", draft: false, comment: true });
    expect(out.comment?.created).toBe(true);
    expect(gh.state.comments[0]!.body.length).toBeLessThanOrEqual(MAX_COMMENT_CHARS);
  });

  it("posts a sticky refusal", async () => {
    const { gh, deps } = await setup();
    await publishRefusal(deps.github, 7, { key: "issue-7", reason: "bots may not start runs", details: ["<script>x</script>"] });
    await publishRefusal(deps.github, 7, { key: "issue-7", reason: "bots may not start runs", details: ["<script>x</script>"] });
    expect(gh.state.comments).toHaveLength(1);
    expect(gh.state.comments[0]!.body).toContain("did not run");
    expect(gh.state.comments[0]!.body).not.toContain("<script>");
  });
});
