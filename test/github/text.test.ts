import { describe, expect, it } from "vitest";
import { hasMarker } from "../../src/github/github.ts";
import { checkTemplate, fillTemplate } from "../../src/github/template.ts";
import { codeSpan, commitMessage, failureComment, plainLine, pullRequestBody, pullRequestTitle, refusalComment, resultComment, workingComment, type ProblemRef } from "../../src/github/text.ts";
import { makeReport } from "./report-fixture.ts";

const issue: ProblemRef = { key: "issue-7", kind: "issue", issueNumber: 7, problemId: "issue-7", problemTitle: "Sum\u202e of\ntwo @everyone" };

describe("GitHub texts", () => {
  it("keeps a spec path with backticks inside its code span", () => {
    expect(codeSpan("a`b")).toBe("``a`b``");
    expect(codeSpan("`x`")).toBe("`` `x` ``");
    const spec: ProblemRef = { key: "spec-x", kind: "spec", problemId: "x", problemTitle: "X", specPath: "problems/`@everyone`.yaml" };
    const body = pullRequestBody(spec, makeReport({ id: "x" }), { files: ["solutions/x.py"] });
    expect(body).toContain("(``problems/`@everyone`.yaml``)");
  });
  it("fills title and commit templates, one plain line for the subject", () => {
    expect(checkTemplate("solve {problem}: {nope}")).toMatch(/unknown placeholder \{nope\}/);
    expect(checkTemplate("{title}")).toBeUndefined();
    expect(fillTemplate("{problem} {id} {issue} {key}", { problem: "#7", id: "issue-7", title: "t", issue: "7", key: "issue-7", model: "m", selection: "sstar", samples: "8" })).toBe("#7 issue-7 7 issue-7");
    expect(pullRequestTitle(issue, "kata {problem}: {title} ({model})", makeReport())).toMatch(/^kata #7: Sum of two @everyone \(.+\)$/);
    const msg = commitMessage(issue, makeReport(), "feat: {title}\n\nCloses #{issue}");
    expect(msg).toBe("feat: Sum of two @everyone\n\nCloses #7");
    expect(commitMessage(issue, makeReport())).toMatch(/^sstar: solve issue #7\n\nSelected sample \d+ .*\n\nRefs #7$/);
  });
  it("says what the working comment does, and why a run failed", () => {
    const w = workingComment(issue, { samples: 8, rounds: 2, model: "gpt`x", runUrl: "https://r/1", clamped: ["time limit 60000 ms lowered to 10000 ms (input max-time-ms)"] });
    expect(hasMarker(w, "issue-7")).toBe(true);
    expect(w).toContain("Solving #7** with 8 samples and 2 debugging rounds, model ``gpt`x`` · [workflow run](https://r/1)");
    expect(w).toContain("Limits lowered to this repository's caps: time limit 60000 ms lowered to 10000 ms");
    const f = failureComment(issue, "sandbox: @mallory <b>", "https://r/1");
    expect(f).toContain("failed on #7:** sandbox\\: @\u200bmallory \\<b\\>");
  });
  it("says in the result that the run stopped early, and the lowered limits", () => {
    const text = resultComment(issue, makeReport({ status: "unsolved" }), { stopped: "interrupted by SIGTERM", clamped: ["memory limit 8192 MB lowered to 1024 MB (input max-memory-mb)"] });
    expect(text).toContain("**The run stopped before it finished** (interrupted by SIGTERM)");
    expect(text).toContain("**Nothing was pushed:** the run stopped before a candidate was selected.");
    expect(text).toContain("memory limit 8192 MB lowered to 1024 MB");
  });
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
