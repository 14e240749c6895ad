// What is posted is inert: the comment rendered by a CommonMark + GFM renderer (markdown-it with
// tables, strikethrough, autolinks and raw HTML on, as GitHub allows) has exactly the elements the
// template made, whatever the report's text says. Every free-text field of a report is replaced by
// a hostile string (line terminators, HTML, mentions, fences, pipes, links, images, headings) and
// the rendered element sequence is compared with the same report holding plain words, through the
// single-job path (the report as the engine made it) and the two-job path (written to a bundle,
// read back by the publish job's reader).
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import MarkdownIt from "markdown-it";
import { afterAll, describe, expect, it } from "vitest";
import { BundleError, readBundle, writeBundle, type Bundle } from "../../src/action/bundle.ts";
import type { SolveReport } from "../../src/engine/report.ts";
import { resultComment, type ProblemRef } from "../../src/github/text.ts";
import { renderReportMarkdown } from "../../src/report/markdown.ts";
import { makeReport } from "../github/report-fixture.ts";

// eslint-disable-next-line no-control-regex -- the characters the bundle refuses in one-line names
const NOT_ONE_LINE = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/;

// GFM links `www.` and `scheme://` only (extended autolinks), not bare domains: linkify-it's fuzzy links off.
const md = new MarkdownIt({ html: true, linkify: true });
md.linkify.set({ fuzzyLink: false, fuzzyEmail: true }).add("//", null); // nor protocol-relative `//host`

/** Strings that would act as Markdown or HTML if they reached the page unescaped. */
const HOSTILE = [
  "\r# heading",
  "\n## heading",
  "\r\n### heading",
  "a\u2028# h",
  "b\u2029- item",
  "c\u0085> quote",
  "| x | y |\r|---|---|\r| 1 | 2 |",
  "</details><details><summary>x</summary>",
  "<img src=x onerror=alert(1)>",
  "<script>alert(1)</script>",
  "@admin @octo/team",
  "#123 fixes owner/repo#4",
  "```\n# escaped?\n```",
  "~~~\n<b>x</b>",
  "````",
  "`code` ``x``",
  "[link](https://evil.example) ![img](https://evil.example/x.png)",
  "https://evil.example www.evil.example mail@evil.example",
  "**bold** _em_ ~~strike~~ $x^2$",
  "&lt;b&gt; &#64;admin",
  "1. one\r2. two",
  "---",
  "===",
  "    indented code",
  "> [!WARNING]\r> alert",
  "\u202eevil\u202c",
  "<!-- comment",
  "\\",
];

const ENUMS = new Set(["selectedCluster", "status", "origin", "order", "choice", "winner", "strategy", "selection", "language", "io", "verdict", "startedAt"]);

/** `report` with every free-text string replaced by `text(i)` (ids, enums and dates kept: the schemas hold them to fixed shapes). */
function withText(report: SolveReport, text: (i: number) => string): SolveReport {
  let i = 0;
  const walk = (value: unknown, key: string): unknown => {
    if (typeof value === "string") return ENUMS.has(key) || key === "a" || key === "b" || key === "id" ? value : text(i++);
    if (Array.isArray(value)) return value.map((v) => walk(v, key));
    if (value !== null && typeof value === "object") return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, walk(v, k)]));
    return value;
  };
  return walk(report, "") as SolveReport;
}

/** The rendered page's elements, in order (tag names, opening and closing). */
function elements(markdown: string): string[] {
  return [...md.render(markdown).matchAll(/<\/?([a-zA-Z][a-zA-Z0-9]*)/g)].map((m) => m[0]);
}

/** Mentions and issue references GitHub would link in the rendered text (GitHub leaves code alone). */
function liveReferences(markdown: string): string[] {
  const text = md
    .render(markdown)
    .replace(/<code[^>]*>[^<]*<\/code>/g, "")
    .replace(/<[^>]*>/g, "");
  return [...text.matchAll(/(?<![\w\u200b])(@[A-Za-z0-9]|#\d)/g)].map((m) => m[0]);
}

const ref: ProblemRef = { key: "issue-7", kind: "issue", issueNumber: 7, problemId: "issue-7", problemTitle: "Sum" };
const facts = { pushed: true, branch: "sstar/issue-7", commitSha: "0123456789abcdef", pullRequest: { number: 9, url: "https://x/pull/9" } };

/** A solved report where the judge split once (so the footnote is part of the template). */
function baseReport(): SolveReport {
  const r = makeReport();
  r.matches[0]!.votes[1] = { ...r.matches[0]!.votes[1]!, choice: "b" };
  r.matches[0]!.note = "note";
  r.selection.fallback = "fallback";
  r.error = "error";
  r.stopped = "stopped";
  return r;
}

const dirs: string[] = [];
afterAll(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

async function throughBundle(report: SolveReport): Promise<SolveReport> {
  const d = await mkdtemp(join(tmpdir(), "sstar-inert-"));
  dirs.push(d);
  const bundle: Bundle = { format: "sstar-action-bundle", version: 1, repository: "octo/katas", eventName: "issues", sha: "abc", items: [{ key: "issue-7", kind: "issue", issueNumber: 7, problemId: "issue-7", reportFile: "reports/issue-7.json" }] };
  await writeBundle(d, bundle, new Map([["issue-7", report]]));
  return (await readBundle(d)).reports.get("issue-7")!;
}

describe("what is posted is inert", () => {
  const plain = withText(baseReport(), () => "plain words");
  const template = elements(resultComment(ref, plain, facts));
  const summaryTemplate = elements(renderReportMarkdown(plain, { variant: "summary" }));
  // The template's own references (the pull request's number): nothing else may be linked.
  const references = liveReferences(resultComment(ref, plain, facts));

  it("the template itself has its headings, tables, folded blocks and no stray element", () => {
    expect(template.filter((e) => e === "<h3")).toHaveLength(1);
    expect(template.filter((e) => e === "<table").length).toBeGreaterThanOrEqual(2);
    expect(template.filter((e) => e === "<details")).toHaveLength(template.filter((e) => e === "</details").length);
    expect(template).not.toContain("<img");
    expect(template).not.toContain("<script");
  });

  it("every hostile string, in every text field, adds no element (single-job path)", () => {
    for (const h of HOSTILE) {
      const hostile = withText(baseReport(), () => `${h}z`);
      const comment = resultComment(ref, hostile, facts);
      expect(elements(comment), JSON.stringify(h)).toEqual(template);
      expect(liveReferences(comment), JSON.stringify(h)).toEqual(references);
      expect(elements(renderReportMarkdown(hostile, { variant: "summary" })), JSON.stringify(h)).toEqual(summaryTemplate);
    }
  });

  it("mixed hostile strings (fast-check) add no element, through the engine's report and through the bundle", async () => {
    const piece = fc.oneof(fc.constantFrom(...HOSTILE), fc.string({ maxLength: 12 }), fc.constantFrom("\r", "\n", "\u2028", "\u2029", "\u0085", "`", "|", "<", "@", "#", "[", "!", "*", "_", "~", "&"));
    await fc.assert(
      fc.asyncProperty(fc.array(piece, { minLength: 1, maxLength: 6 }), async (pieces) => {
        const text = `${pieces.join("")}z`;
        const hostile = withText(baseReport(), () => text);
        const single = resultComment(ref, hostile, facts);
        // The bundle schema refuses a one-line name (title, model, ...) with a line break or control character...
        const refused = await throughBundle(hostile).then(() => undefined, (e: unknown) => e);
        if (NOT_ONE_LINE.test(text)) expect(refused).toBeInstanceOf(BundleError);
        // ...and renders every other field, whatever it holds, as the template made it.
        const oneLineNames = structuredClone(hostile);
        const flat = text.replace(new RegExp(NOT_ONE_LINE.source, "g"), "");
        oneLineNames.problem.title = flat;
        Object.assign(oneLineNames.settings, { model: flat, judgeModel: flat, sandbox: flat });
        const viaBundle = resultComment(ref, await throughBundle(oneLineNames), facts);
        expect(elements(single)).toEqual(template);
        expect(elements(viaBundle)).toEqual(template);
        expect(liveReferences(single)).toEqual(references);
      }),
      { numRuns: 60 },
    );
  });
});
