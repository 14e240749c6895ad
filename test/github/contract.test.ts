// The fake GitHub is held to GitHub's published OpenAPI description: a request GitHub would reject
// fails the test that makes it, and the fake's own answers match the description's schemas.
import { describe, expect, it } from "vitest";
import { createOctokit } from "../../src/github/github.ts";
import { checkRequest, checkResponse, matchRoute } from "../fixtures/github-contract.ts";
import { startFakeGitHub } from "../fixtures/github-server.ts";

describe("GitHub's contract (api.github.com's OpenAPI description)", () => {
  it("finds GitHub's route for a request, fixed segments first", () => {
    expect(matchRoute("PATCH", "/repos/o/r/issues/comments/5")).toMatchObject({ operationId: "issues/update-comment", params: { comment_id: "5" } });
    expect(matchRoute("GET", "/repos/o/r/issues/5/comments")).toMatchObject({ operationId: "issues/list-comments", params: { issue_number: "5" } });
    expect(matchRoute("GET", "/repos/o/r/collaborators/a%5Bbot%5D/permission")?.params.username).toBe("a[bot]");
    expect(matchRoute("POST", "/repos/o/r/pullz")).toBeUndefined();
  });

  it("rejects what GitHub would: a missing route, a wrong type, a missing field, an unknown parameter", () => {
    expect(checkRequest({ method: "POST", path: "/repos/o/r/pullz", query: {}, body: {} }).errors[0]).toMatch(/no such route/);
    expect(checkRequest({ method: "POST", path: "/repos/o/r/pulls", query: {}, body: { head: "x", base: "main", title: "t", draft: "yes" } }).errors[0]).toMatch(/draft must be boolean/);
    expect(checkRequest({ method: "POST", path: "/repos/o/r/issues/7/comments", query: {}, body: { text: "hi" } }).errors[0]).toMatch(/must have required property 'body'/);
    expect(checkRequest({ method: "GET", path: "/repos/o/r/pulls", query: { state: "opened" }, body: undefined }).errors[0]).toMatch(/state must be equal to one of the allowed values/);
    expect(checkRequest({ method: "GET", path: "/repos/o/r/pulls", query: { heads: "o:x" }, body: undefined }).errors[0]).toMatch(/unknown query parameter heads/);
    expect(checkRequest({ method: "GET", path: "/repos/o/r/issues/x/comments", query: {}, body: undefined }).errors[0]).toMatch(/issue_number must be integer/);
    expect(checkRequest({ method: "GET", path: "/repos/o/r/pulls", query: { state: "open", head: "o:x", per_page: "10" }, body: undefined }).errors).toEqual([]);
  });

  it("rejects a response that does not match the route's schema", () => {
    const route = matchRoute("POST", "/repos/o/r/issues/7/comments")!;
    expect(checkResponse(route, 201, { id: 1, body: "x" }).join("\n")).toMatch(/must have required property/);
    expect(checkResponse(route, 418, {})[0]).toMatch(/does not document this status/);
  });

  it("fails the test that sends GitHub a request it would reject, through the real client", async () => {
    const gh = await startFakeGitHub({ token: "t0ken", issues: [{ number: 7, title: "Sum" }] });
    const octokit = createOctokit("t0ken", gh.url);
    // `draft` as a string: octokit sends it as given, GitHub answers 422.
    await expect(octokit.request("POST /repos/{owner}/{repo}/pulls", { owner: "octo", repo: "katas", head: "x", base: "main", title: "t", draft: "yes" as unknown as boolean })).rejects.toMatchObject({ status: 422 });
    await expect(octokit.request("POST /repos/{owner}/{repo}/issues/{issue_number}/reactionz", { owner: "octo", repo: "katas", issue_number: 7 })).rejects.toMatchObject({ status: 404 });
    expect(gh.requests.map((r) => r.outcome)).toEqual(["contract", "contract"]);
    await expect(gh.close()).rejects.toThrow(/2 contract violation\(s\)[\s\S]*draft must be boolean[\s\S]*no such route/);
  });

  it("passes a valid exchange, and records without failing when asked to", async () => {
    const gh = await startFakeGitHub({ token: "t0ken", issues: [{ number: 7, title: "Sum" }], contract: "record" });
    const octokit = createOctokit("t0ken", gh.url);
    const { data } = await octokit.rest.issues.createComment({ owner: "octo", repo: "katas", issue_number: 7, body: "hello" });
    expect(data.body).toBe("hello");
    expect(gh.violations).toEqual([]);
    await octokit.request("GET /repos/{owner}/{repo}/pulls", { owner: "octo", repo: "katas", state: "opened" as "open" }).catch(() => undefined);
    expect(gh.violations).toHaveLength(1);
    await gh.close();
  });
});
