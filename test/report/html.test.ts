// The HTML report's pure parts: escaping, the size bound, what each page holds. (In a browser:
// html.browser.test.ts.)
import { describe, expect, it } from "vitest";
import { compareResults } from "../../src/eval/compare.ts";
import { costPerSolved, esc, jsonForScript, renderEvalHtml } from "../../src/report/html/index.ts";
import { evalFixture, HOSTILE } from "./html-fixture.ts";

describe("HTML report", () => {
  it("escapes text and script data so nothing untrusted becomes markup", () => {
    expect(esc(`<a href="x" onclick='y'>&\``)).toBe("&#60;a href=&#34;x&#34; onclick=&#39;y&#39;&#62;&#38;&#96;");
    expect(jsonForScript({ t: "</script><!--\u2028" })).toBe('{"t":"\\u003c/script\\u003e\\u003c!--\\u2028"}');
    const { current, baseline, trend } = evalFixture(10);
    const html = renderEvalHtml({ results: current, comparison: compareResults(current, baseline, { maxDropPct: 5 }), trend });
    expect(html).not.toContain(HOSTILE);
    expect(html).not.toMatch(/<img|onerror="/);
    expect(html).toContain("&#60;img src=&#34;http://127.0.0.1:9/x.png&#34;");
    // The only </script> closers are the page's own three blocks.
    expect(html.match(/<\/script>/g)).toHaveLength(3);
  });

  it("stays under 1 MB for 100 problems, chart library included, and asks for nothing over the network", () => {
    const { current, baseline, trend } = evalFixture(100);
    const html = renderEvalHtml({ results: current, comparison: compareResults(current, baseline, { maxDropPct: 5 }), trend });
    expect(Buffer.byteLength(html)).toBeLessThan(1024 * 1024);
    expect(html).toContain("default-src 'none'");
    expect(html).not.toMatch(/<(link|img|iframe)\b|src="http/);
  });

  it("cost per solved problem: cost / solved, none when nothing was solved", () => {
    expect(costPerSolved(2, 8)).toBe(0.25);
    expect(costPerSolved(2, 0)).toBeNull();
  });
});
