import { afterEach, describe, expect, it } from "vitest";
import { createOctokit, GitHubHelper, hasMarker, isOwnAuthor, markerFor, MAX_COMMENT_CHARS, permissionAtLeast } from "../../src/github/github.ts";
import { startFakeGitHub, type FakeGitHub } from "../fixtures/github-server.ts";

let gh: FakeGitHub | undefined;
afterEach(async () => {
  await gh?.close();
  gh = undefined;
});
async function setup(options: Parameters<typeof startFakeGitHub>[0] = {}) {
  gh = await startFakeGitHub({ token: "ghs_tok", issues: [{ number: 7, title: "Sum", labels: ["kata"] }], ...options });
  return { gh, helper: new GitHubHelper(createOctokit("ghs_tok", gh.url), { owner: gh.owner, repo: gh.repo }) };
}

describe("markers and permissions (pure)", () => {
  it("builds and recognizes the hidden marker", () => {
    expect(markerFor("issue-7")).toBe("<!-- sstar-action:issue-7 -->");
    expect(hasMarker("<!-- sstar-action:issue-7 -->\nhello", "issue-7")).toBe(true);
    expect(hasMarker("quote: <!-- sstar-action:issue-7 -->", "issue-7")).toBe(false);
    expect(hasMarker("<!-- sstar-action:issue-70 -->", "issue-7")).toBe(false);
    expect(() => markerFor("x --> <script>")).toThrow(/invalid comment key/);
  });
  it("orders permissions", () => {
    expect(permissionAtLeast("triage", "triage")).toBe(true);
    expect(permissionAtLeast("maintain", "write")).toBe(true);
    expect(permissionAtLeast("read", "triage")).toBe(false);
    expect(permissionAtLeast("none", "read")).toBe(false);
  });
});

describe("GitHubHelper against the fake REST server", () => {
  it("opens one pull request and updates it on the next call", async () => {
    const { gh, helper } = await setup();
    const a = await helper.upsertPullRequest({ head: "sstar/issue-7", base: "main", title: "t1", body: "b1", draft: true });
    const b = await helper.upsertPullRequest({ head: "sstar/issue-7", base: "main", title: "t2", body: "b2", draft: true });
    expect(a.created).toBe(true);
    expect(b).toEqual({ number: a.number, url: a.url, created: false });
    expect(gh.state.pulls).toHaveLength(1);
    expect(gh.state.pulls[0]).toMatchObject({ title: "t2", body: "b2", draft: true, head: { ref: "sstar/issue-7" } });
    expect(gh.requests.every((r) => r.authorization === "token ghs_tok")).toBe(true);
  });

  it("keeps one sticky comment, found by its marker across pages, and skips an identical edit", async () => {
    const { gh, helper } = await setup();
    // 120 other comments first, so the lookup has to follow the Link header to page 2.
    const octokit = createOctokit("ghs_tok", gh.url);
    for (let i = 0; i < 120; i++) await octokit.rest.issues.createComment({ owner: gh.owner, repo: gh.repo, issue_number: 7, body: `chatter ${i}` });
    const body1 = `${markerFor("issue-7")}\nfirst`;
    const c1 = await helper.upsertComment(7, "issue-7", body1);
    const c2 = await helper.upsertComment(7, "issue-7", `${markerFor("issue-7")}\nsecond`);
    const c3 = await helper.upsertComment(7, "issue-7", `${markerFor("issue-7")}\nsecond`);
    expect(c1.created).toBe(true);
    expect(c2).toMatchObject({ id: c1.id, created: false, changed: true });
    expect(c3).toMatchObject({ id: c1.id, created: false, changed: false });
    const ours = gh.state.comments.filter((c) => hasMarker(c.body, "issue-7"));
    expect(ours).toHaveLength(1);
    expect(ours[0]!.body).toContain("second");
    expect(gh.requests.some((r) => r.path.endsWith("/comments") && r.query.page === "2")).toBe(true);
  });

  it("ignores an outsider's comment that copies the marker, and creates its own", async () => {
    const marked = `${markerFor("issue-7")}\nI wrote this; please edit me`;
    const { gh, helper } = await setup({ comments: [{ issue: 7, body: marked, user: "mallory" }] });
    const c = await helper.upsertComment(7, "issue-7", `${markerFor("issue-7")}\nresult`);
    expect(c.created).toBe(true);
    expect(gh.state.comments).toHaveLength(2);
    expect(gh.state.comments[0]).toMatchObject({ body: marked, user: { login: "mallory" } });
    expect(gh.state.comments[1]).toMatchObject({ id: c.id, user: { login: "github-actions[bot]", type: "Bot" } });
    // GITHUB_TOKEN is an installation token: GET /user answers 403, asked once, so only Bot authors count.
    expect(gh.requests.filter((r) => r.path === "/user").map((r) => r.status)).toEqual([403]);
    const again = await helper.upsertComment(7, "issue-7", `${markerFor("issue-7")}\nresult 2`);
    expect(again).toMatchObject({ id: c.id, created: false, changed: true });
    expect(gh.requests.filter((r) => r.path === "/user")).toHaveLength(1);
  });

  it("finds its own comment when the token is a person's (a PAT), but not another person's", async () => {
    const marked = (who: string) => `${markerFor("issue-7")}\nby ${who}`;
    const { gh, helper } = await setup({ tokenUser: "sstar-maintainer", comments: [{ issue: 7, body: marked("mallory"), user: "mallory" }, { issue: 7, body: marked("me"), user: "sstar-maintainer" }] });
    const c = await helper.upsertComment(7, "issue-7", `${markerFor("issue-7")}\nresult`);
    expect(c).toMatchObject({ created: false, changed: true });
    expect(gh.state.comments.find((x) => x.id === c.id)!.user.login).toBe("sstar-maintainer");
    expect(gh.state.comments.find((x) => x.user.login === "mallory")!.body).toBe(marked("mallory"));
    expect(gh.requests.filter((r) => r.path === "/user").map((r) => r.status)).toEqual([200]);
  });

  it("counts only Bot authors and the token's own user as us (pure)", () => {
    expect(isOwnAuthor({ login: "github-actions[bot]", type: "Bot" }, undefined)).toBe(true);
    expect(isOwnAuthor({ login: "Me", type: "User" }, "me")).toBe(true);
    expect(isOwnAuthor({ login: "mallory", type: "User" }, "me")).toBe(false);
    expect(isOwnAuthor({ login: "mallory", type: "User" }, undefined)).toBe(false);
    expect(isOwnAuthor(null, "me")).toBe(false);
  });

  it("refuses bodies without the marker or above GitHub's limit", async () => {
    const { helper } = await setup();
    await expect(helper.upsertComment(7, "issue-7", "no marker")).rejects.toThrow(/must start with its marker/);
    await expect(helper.upsertComment(7, "issue-7", `${markerFor("issue-7")}\n${"x".repeat(MAX_COMMENT_CHARS)}`)).rejects.toThrow(/GitHub allows 65536/);
  });

  it("reads a collaborator's exact role, and none for strangers", async () => {
    const { helper } = await setup({ collaborators: { tri: "triage", main: "maintain", reader: "read" } });
    expect(await helper.permissionOf("tri")).toBe("triage");
    expect(await helper.permissionOf("main")).toBe("maintain");
    expect(await helper.permissionOf("reader")).toBe("read");
    expect(await helper.permissionOf("stranger")).toBe("none");
  });

  it("says when the token may not read roles, instead of reading it as none", async () => {
    const forbidden = await setup({ collaborators: { tri: "triage" }, permissionForbidden: true });
    expect(await forbidden.helper.lookupPermission("tri")).toEqual({ unavailable: 403 });
    expect(await forbidden.helper.lookupPermission("stranger")).toEqual({ unavailable: 403 });
    await forbidden.gh.close();
    const open = await setup({ collaborators: { tri: "triage" } });
    expect(await open.helper.lookupPermission("tri")).toEqual({ permission: "triage" });
  });

  it("opens one regression issue, updates it, then closes it", async () => {
    const { gh, helper } = await setup();
    const key = "regression";
    const a = await helper.upsertIssue({ key, title: "Regression: 3 problems", body: `${markerFor(key)}\nA`, labels: ["sstar-regression"] });
    const b = await helper.upsertIssue({ key, title: "Regression: 4 problems", body: `${markerFor(key)}\nB`, labels: ["sstar-regression"] });
    expect(a.created).toBe(true);
    expect(b).toMatchObject({ number: a.number, created: false });
    const issue = gh.state.issues.find((i) => i.number === a.number)!;
    expect(issue).toMatchObject({ title: "Regression: 4 problems", labels: [{ name: "sstar-regression" }] });
    expect(await helper.closeIssue({ key, label: "sstar-regression", comment: "fixed" })).toBe(a.number);
    expect(issue.state).toBe("closed");
    expect(await helper.closeIssue({ key, label: "sstar-regression", comment: "fixed" })).toBeUndefined();
  });

  it("surfaces a bad token as the server's 401", async () => {
    const { gh } = await setup();
    const bad = new GitHubHelper(createOctokit("wrong", gh.url), { owner: gh.owner, repo: gh.repo });
    await expect(bad.findPullRequest("x", "main")).rejects.toThrow(/Bad credentials/);
  });
});
