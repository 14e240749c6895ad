import { describe, expect, it } from "vitest";
import { hasMarker } from "../../src/github/github.ts";
import { plainLine, pullRequestBody, pullRequestTitle, refusalComment, resultComment, type ProblemRef } from "../../src/github/text.ts";
import { makeReport } from "./report-fixture.ts";

const issue: ProblemRef = { key: "issue-7", kind: "issue", issueNumber: 7, problemId: "issue-7", problemTitle: "Sum\u202e of\ntwo @everyone" };

describe("GitHub texts", () => {
  it("makes one plain line of untrusted titles", () => {
    expect(plainLine("a\nb\u200bc\u0007d", 100)).toBe("a b c d");
    expect(plainLine("x".repeat(50), 10)).toBe(`${"x".repeat(9)}…`);
    expect(pullRequestTitle(issue)).toBe("sstar: solve #7: Sum of two @everyone");
  });
  it("closes the issue from the PR body, with the title escaped", () => {
    const body = pullRequestBody(issue, makeReport(), { files: ["solutions/issue-7.py"], runUrl: "https://x/run/1" });
    expect(body).toContain("Closes #7");
    expect(body).toContain("@\u200beveryone");
    expect(body).toContain("`solutions/issue-7.py`");
    expect(body).toContain("public tests 2/2");
  });
  it("starts the comment with the marker and fits any limit", () => {
    const report = makeReport({ code: "print(1)\n".repeat(5000) });
    for (const max of [4000, 20_000, 65_536]) {
      const text = resultComment(issue, report, { branch: "sstar/issue-7", commitSha: "a".repeat(40), pushed: true, pullRequest: { number: 3, url: "u" } }, max);
      expect(hasMarker(text, "issue-7")).toBe(true);
      expect(text.length).toBeLessThanOrEqual(max);
    }
  });
  it("says plainly when nothing passed", () => {
    const text = resultComment(issue, makeReport({ status: "unsolved" }), {});
    expect(text).toContain("No candidate passed every public test");
    expect(text).toContain("nothing was pushed");
  });
  it("escapes refusal details", () => {
    const text = refusalComment({ key: "issue-8", reason: "bad", details: ["missing: `### Examples` <img src=x>"], remedy: "fix it" });
    expect(hasMarker(text, "issue-8")).toBe(true);
    expect(text).not.toMatch(/(?<!\\)<img/); // shown as text, never as HTML
    expect(text).toContain("No branch was created");
  });
});
