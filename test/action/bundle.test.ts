import { mkdtemp, mkdir, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { BUNDLE_FILE, LIMITS, prepareResultDir, readBundle, writeBundle, writeResultFile, type Bundle } from "../../src/action/bundle.ts";
import { specFileText } from "../../src/action/spec-file.ts";
import { parseIssueBody } from "../../src/spec/issue.ts";
import { checkSpecText } from "../../src/spec/load.ts";
import { renderReportMarkdown } from "../../src/report/markdown.ts";
import { makeReport } from "../github/report-fixture.ts";

const dirs: string[] = [];
afterAll(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});
async function dir() {
  const d = await mkdtemp(join(tmpdir(), "sstar-bundle-"));
  dirs.push(d);
  return d;
}

const bundle = (): Bundle => ({
  format: "sstar-action-bundle",
  version: 1,
  repository: "octo/katas",
  eventName: "issues",
  sha: "abc",
  items: [{ key: "issue-7", kind: "issue", issueNumber: 7, problemId: "issue-7", reportFile: "reports/issue-7.json" }],
});

describe("result bundle", () => {
  it("round-trips", async () => {
    const d = await dir();
    const report = makeReport();
    await writeBundle(d, bundle(), new Map([["issue-7", report]]));
    const back = await readBundle(d);
    expect(back.bundle).toEqual(bundle());
    expect(back.reports.get("issue-7")).toEqual(report);
  });

  async function broken(mutate: (d: string) => Promise<void>): Promise<string> {
    const d = await dir();
    await writeBundle(d, bundle(), new Map([["issue-7", makeReport()]]));
    await mutate(d);
    try {
      await readBundle(d);
    } catch (error) {
      return (error as Error).message;
    }
    return "accepted";
  }
  const manifest = (d: string, value: unknown) => writeFile(join(d, BUNDLE_FILE), JSON.stringify(value));

  it.each([
    ["a path escaping the folder", async (d: string) => manifest(d, { ...bundle(), items: [{ ...bundle().items[0], reportFile: "reports/../../etc/passwd.json" }] }), /reportFile/],
    ["an absolute path", async (d: string) => manifest(d, { ...bundle(), items: [{ ...bundle().items[0], reportFile: "/etc/passwd" }] }), /reportFile/],
    ["an extra field", async (d: string) => manifest(d, { ...bundle(), branch: "main" }), /Unrecognized key/],
    ["a key that is not an issue or spec", async (d: string) => manifest(d, { ...bundle(), items: [{ ...bundle().items[0], key: "issue-7 --> <b>" }] }), /key/],
    ["an issue number that does not match its key", async (d: string) => manifest(d, { ...bundle(), items: [{ ...bundle().items[0], issueNumber: 8 }] }), /inconsistent/],
    ["a report for another problem", async (d: string) => writeFile(join(d, "reports/issue-7.json"), JSON.stringify(makeReport({ id: "other" }))), /report is for other/],
    ["a report that is not a report", async (d: string) => writeFile(join(d, "reports/issue-7.json"), JSON.stringify({ version: 1 })), /not a valid solve report/],
    ["a report that is not JSON", async (d: string) => writeFile(join(d, "reports/issue-7.json"), "{"), /is not JSON/],
    ["an oversized report", async (d: string) => writeFile(join(d, "reports/issue-7.json"), " ".repeat(LIMITS.reportBytes + 1)), /above the 8388608-byte limit/],
    ["oversized code", async (d: string) => writeFile(join(d, "reports/issue-7.json"), JSON.stringify(makeReport({ code: "x".repeat(LIMITS.codeChars + 1) }))), /selected code is|samples\.0\.rounds\.0\.code: longer than 524288 characters/],
    [
      "a symlinked report",
      async (d: string) => {
        await rm(join(d, "reports/issue-7.json"));
        await symlink("/etc/hostname", join(d, "reports/issue-7.json"));
      },
      /goes through a symbolic link out of the result folder/,
    ],
    ["a missing manifest", async (d: string) => rm(join(d, BUNDLE_FILE)), /the bundle manifest is missing/],
    [
      "a reports/ folder that is a link out of the result folder",
      async (d: string) => {
        const elsewhere = await dir();
        await mkdir(join(elsewhere, "reports"));
        await writeFile(join(elsewhere, "reports/issue-7.json"), JSON.stringify(makeReport()));
        await rm(join(d, "reports"), { recursive: true });
        await symlink(join(elsewhere, "reports"), join(d, "reports"));
      },
      /goes through a symbolic link out of the result folder/,
    ],
    [
      "a report linked to another file inside the folder",
      async (d: string) => {
        await writeFile(join(d, "other.json"), JSON.stringify(makeReport()));
        await rm(join(d, "reports/issue-7.json"));
        await symlink(join(d, "other.json"), join(d, "reports/issue-7.json"));
      },
      /goes through a symbolic link; refusing/,
    ],
    [
      "a usage stage that is not a stage",
      async (d: string) => {
        const report = makeReport();
        const hostile = { ...report, usage: { ...report.usage, byStage: { ...report.usage.byStage, "@everyone ![x](https://e/x.png) </details>": report.usage.total } } };
        await writeFile(join(d, "reports/issue-7.json"), JSON.stringify(hostile));
      },
      /usage.byStage: key "@everyone.*is not a stage/,
    ],
    [
      "a timer name that is not a name",
      async (d: string) => {
        const report = makeReport();
        await writeFile(join(d, "reports/issue-7.json"), JSON.stringify({ ...report, timings: { ...report.timings, byStageMs: { "</details>@mallory": 5 } } }));
      },
      /timings.byStageMs: key "<\/details>@mallory" is not a stage name/,
    ],
  ])("refuses %s", async (_what, mutate, message) => {
    expect(await broken(mutate)).toMatch(message);
  });

  it("writes nothing through a link in the result folder", async () => {
    const d = await dir();
    const outside = await dir();
    await symlink(outside, join(d, "reports"));
    await expect(prepareResultDir(d)).rejects.toThrow(/is not a folder \(a symbolic link\?\)/);
    await symlink(join(outside, "victim"), join(d, "report.md"));
    await expect(writeResultFile(join(d, "report.md"), "x")).rejects.toThrow(/is a symbolic link; refusing/);
  });

  it("escapes the report's stage keys where they are rendered", () => {
    const report = makeReport();
    const md = renderReportMarkdown({ ...report, usage: { ...report.usage, byStage: { "@mallory</details>": report.usage.total } }, timings: { ...report.timings, byStageMs: { "![x](y)": 5 } } }, { variant: "comment" });
    expect(md).not.toContain("@mallory");
    expect(md).not.toContain("</details>@");
    expect(md).not.toContain("![x](y)");
  });

  it("rejects an oversized manifest before parsing it", async () => {
    const d = await dir();
    await mkdir(join(d, "reports"));
    await writeFile(join(d, BUNDLE_FILE), " ".repeat(LIMITS.manifestBytes + 1));
    await expect(readBundle(d)).rejects.toThrow(/above the 1048576-byte limit/);
  });
});

describe("spec file for an issue kata", () => {
  it("writes a spec that loads back to the same problem", () => {
    const body = "Read n and print 2n.\n\n### Examples\n\nInput:\n```\n3\n```\nOutput:\n```\n6\n```\n";
    const parsed = parseIssueBody(body, { number: 12, title: "Double it" });
    if (!parsed.ok) throw new Error(parsed.message);
    const text = specFileText(parsed.spec, "# from issue #12");
    expect(text.startsWith("# from issue #12\n")).toBe(true);
    const back = checkSpecText(text, { file: "problems/issue-12.yaml" });
    if (!back.ok) throw new Error(JSON.stringify(back.errors));
    expect(back.spec.tests.public).toEqual(parsed.spec.tests.public);
    expect(back.spec.statement).toBe(parsed.spec.statement);
    expect(back.spec.id).toBe("issue-12");
  });
});

describe("bundle report text bounds", () => {
  it("refuses a one-line name with a line break or a bidi control, naming the field", async () => {
    for (const title of ["Sum\r# heading", "Sum\u202eevil"]) {
      const d = await dir();
      await writeBundle(d, bundle(), new Map([["issue-7", makeReport({ title })]]));
      await expect(readBundle(d)).rejects.toThrow(/problem\.title.*one line/);
    }
  });
});
