// The HTML reports in a real browser: headless Chromium (Debian's `chromium` package, driven by
// playwright-core) opens the page of an evaluation, of a comparison with a trend of several
// nights, and of a solve (a real one: the offline demo's replay on HumanEval/3). Each page logs no
// console error, makes no network request, shows the chart and tables with the right counts, and
// leaves a screenshot in out/screens/ (and in $SSTAR_SCREENSHOT_DIR when set) for a person to look at.
// Without Chromium the file is skipped, unless SSTAR_REQUIRE_BROWSER=1 (CI sets it).
import { execa } from "execa";
import { existsSync } from "node:fs";
import { copyFile, mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { chromium, type BrowserContext, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { evalFixture } from "./html-fixture.ts";

const CHROMIUM = process.env.SSTAR_CHROMIUM ?? "/usr/bin/chromium";
const MAIN = join(process.cwd(), "src/cli/main.ts");
const SCREENS = join(process.cwd(), "out", "screens");
const haveBrowser = existsSync(CHROMIUM);
if (!haveBrowser && process.env.SSTAR_REQUIRE_BROWSER === "1") throw new Error(`${CHROMIUM} not found: install Debian's chromium package (apt-get install -y chromium), or set SSTAR_CHROMIUM`);

let dir: string;
let context: BrowserContext;
const fixture = evalFixture(100);

const cli = (args: string[]) => execa(process.execPath, ["--import", "tsx", MAIN, ...args], { reject: false, env: { OPENAI_API_KEY: "", GITHUB_STEP_SUMMARY: "" } });

beforeAll(async () => {
  if (!haveBrowser) return;
  dir = await mkdtemp(join(tmpdir(), "sstar-html-"));
  await mkdir(SCREENS, { recursive: true });
  context = await chromium.launchPersistentContext(join(dir, "profile"), {
    executablePath: CHROMIUM,
    headless: true,
    viewport: { width: 1280, height: 900 },
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
}, 60_000);

afterAll(async () => {
  await context?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

interface Opened {
  page: Page;
  errors: string[];
  requests: string[];
}

/** Opens a file, recording console errors, page errors and every request other than the file itself. */
async function open(file: string, screenshot: string): Promise<Opened> {
  const page = await context.newPage();
  const errors: string[] = [];
  const requests: string[] = [];
  const url = pathToFileURL(file).href;
  page.on("console", (m) => {
    if (m.type() === "error") errors.push(m.text());
  });
  page.on("pageerror", (e) => errors.push(e.message));
  page.on("request", (r) => {
    if (r.url() !== url) requests.push(r.url());
  });
  await page.goto(url, { waitUntil: "load" });
  await page.waitForTimeout(200);
  const shot = join(SCREENS, `h26-${screenshot}.png`);
  await page.screenshot({ path: shot, fullPage: true });
  if (process.env.SSTAR_SCREENSHOT_DIR) {
    await mkdir(process.env.SSTAR_SCREENSHOT_DIR, { recursive: true });
    await copyFile(shot, join(process.env.SSTAR_SCREENSHOT_DIR, `h26-${screenshot}.png`));
  }
  return { page, errors, requests };
}

const rows = (page: Page, table: string) => page.locator(`#${table} tbody tr`).count();

describe.skipIf(!haveBrowser)("HTML reports in headless Chromium", () => {
  it("an evaluation on its own: rates with the interval, every problem, no chart without a trend", async () => {
    const results = join(dir, "results.json");
    await writeFile(results, JSON.stringify(fixture.current));
    const out = join(dir, "eval.html");
    const r = await cli(["report", results, "--html", out]);
    expect(r.exitCode, r.stderr).toBe(0);
    const { page, errors, requests } = await open(out, "eval");
    expect(errors).toEqual([]);
    expect(requests).toEqual([]);
    expect(await rows(page, "problems")).toBe(100);
    expect(await rows(page, "calibration")).toBe(2);
    expect(await page.locator("#rates").innerText()).toContain("95% interval (Wilson)");
    expect(await page.locator("#trend-none").count()).toBe(1);
    // The hostile title is text, not an element.
    expect(await page.locator("body img").count()).toBe(0);
    expect(await page.locator("#problems tbody tr").first().textContent()).toContain('<img src="http://127.0.0.1:9/x.png"');
  }, 60_000);

  it("a comparison with a trend of several nights: the chart draws, and the tables count the nights and the flipped problems", async () => {
    const [results, baseline, trend] = [join(dir, "results.json"), join(dir, "baseline.json"), join(dir, "trend.json")] as const;
    await writeFile(results, JSON.stringify(fixture.current));
    await writeFile(baseline, JSON.stringify(fixture.baseline));
    await writeFile(trend, JSON.stringify(fixture.trend));
    const out = join(dir, "compare.html");
    const r = await cli(["report", results, "--baseline", baseline, "--trend", trend, "--html", out]);
    expect(r.exitCode, r.stderr).toBe(0);
    expect((await readFile(out)).byteLength).toBeLessThan(1024 * 1024);
    const { page, errors, requests } = await open(out, "compare");
    expect(errors).toEqual([]);
    expect(requests).toEqual([]);
    expect(await page.locator("#trend-chart canvas").count()).toBeGreaterThan(0);
    expect(await page.locator("#trend-chart .u-legend").count()).toBe(1);
    expect(await rows(page, "trend-table")).toBe(fixture.trend.points.length);
    expect(await rows(page, "flipped")).toBe(fixture.flipped);
    expect(await page.locator("#decision").innerText()).toMatch(/regression/);
    expect(await page.locator("#rule").innerText()).toContain("McNemar");
  }, 60_000);

  it("a solve (the demo's replay on HumanEval/3): clusters side by side, their diff, the inputs, the judge", async () => {
    const demo = join(dir, "demo");
    const run = await cli(["demo", "--data", join(process.cwd(), "demo", "humaneval"), "--tasks", "HumanEval/3", "--out", demo]);
    expect(run.exitCode, run.stderr).toBe(0);
    const report = JSON.parse(await readFile(join(demo, "humaneval-3", "report.json"), "utf8")) as { clusters: unknown[]; matches: unknown[]; samples: unknown[] };
    const out = join(dir, "solve.html");
    const r = await cli(["report", join(demo, "humaneval-3", "report.json"), "--html", out]);
    expect(r.exitCode, r.stderr).toBe(0);
    const { page, errors, requests } = await open(out, "solve");
    expect(errors).toEqual([]);
    expect(requests).toEqual([]);
    expect(await page.locator("#clusters .cluster").count()).toBe(report.clusters.length);
    expect(await page.locator("#clusters .cluster.selected").count()).toBe(1);
    expect(await rows(page, "matches")).toBe(report.matches.length);
    expect(await rows(page, "verdicts")).toBe(report.samples.length);
    expect(await rows(page, "timeline")).toBeGreaterThan(0);
    if (report.clusters.length >= 2) {
      expect(await page.locator("#diff ins, #diff del").count()).toBeGreaterThan(0);
      expect(await rows(page, "inputs")).toBeGreaterThan(0);
    }
  }, 300_000);
});
