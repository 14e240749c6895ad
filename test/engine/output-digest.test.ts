// Large outputs are kept as the digest of their answer: equal answers stay equal, different ones differ.
import { describe, expect, it } from "vitest";
import { equivalentOutputs } from "../../src/checkers/index.ts";
import { tokenize } from "../../src/checkers/index.ts";
import { DIGEST_PREFIX, INLINE_OUTPUT_CHARS, canonicalOutput, compactOutput } from "../../src/engine/output-digest.ts";
import { shown } from "../../src/engine/select/common.ts";

const big = (sep: string, last = "9") => `${Array.from({ length: 40_000 }, (_, i) => String(i % 10)).join(sep)}${sep}${last}\n`;

describe("compactOutput", () => {
  it("the tokens form is the checker's own token list, joined", () => {
    for (const text of ["", "  a \t b\n\nc  ", "\u00a0x\u2003y\r\n", "1\n2\n"]) expect(canonicalOutput(text, { kind: "tokens" }, "text")).toBe(tokenize(text).join(" "));
  });
  it("keeps small outputs whole", () => {
    expect(compactOutput("1 2 3\n", { kind: "tokens" }, "text")).toEqual({ output: "1 2 3\n" });
  });
  it("digests a large output's answer: same under the checker, same digest; different, different", () => {
    const tokens = { kind: "tokens" } as const;
    const a = compactOutput(big(" "), tokens, "text");
    const b = compactOutput(big("\n"), tokens, "text");
    const c = compactOutput(big(" ", "8"), tokens, "text");
    expect(big(" ").length).toBeGreaterThan(INLINE_OUTPUT_CHARS);
    expect(a.output.startsWith(DIGEST_PREFIX)).toBe(true);
    expect(equivalentOutputs(big(" "), big("\n"), tokens)).toBe(true);
    expect(a.output).toBe(b.output);
    expect(c.output).not.toBe(a.output);
    expect(a.head?.startsWith("0 1 2 3")).toBe(true);
    expect(shown({ ok: true, ...a })).toContain("0 1 2 3");
    // exact: trailing blanks don't matter, line breaks do
    const exact = { kind: "exact" } as const;
    expect(compactOutput(big(" "), exact, "text").output).toBe(compactOutput(big(" ").replace(/\n/g, "  \n"), exact, "text").output);
    expect(compactOutput(big(" "), exact, "text").output).not.toBe(compactOutput(big("\n"), exact, "text").output);
    expect(compactOutput(big(" ").toUpperCase(), { kind: "case-insensitive" }, "text").output.startsWith(DIGEST_PREFIX)).toBe(true);
  });
  it("keeps whole what has no canonical form (float tolerance, JSON values), and whitespace padding that is small as an answer", () => {
    expect(compactOutput(big(" "), { kind: "float", absolute: 1e-6, relative: 1e-6 }, "text").output).toBe(big(" "));
    expect(compactOutput(big(" "), { kind: "tokens" }, "json").output).toBe(big(" "));
    const padded = `42${" ".repeat(INLINE_OUTPUT_CHARS + 10)}\n`;
    expect(compactOutput(padded, { kind: "tokens" }, "text").output).toBe(padded);
  });
});
