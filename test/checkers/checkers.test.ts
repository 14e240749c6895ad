import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { compareJsonOutputs, compareJsonValues, compareOutputs, equivalentOutputs, floatsClose, parseJsonExact, tokenize } from "../../src/checkers/index.ts";

const tokens = { kind: "tokens" } as const;
const exact = { kind: "exact" } as const;
const ci = { kind: "case-insensitive" } as const;
const float = { kind: "float", absolute: 1e-6, relative: 1e-6 } as const;

describe("tokens checker", () => {
  it("ignores whitespace layout", () => {
    expect(compareOutputs(tokens, "1 2\n3\n", "1\n2   3")).toEqual({ ok: true });
    expect(compareOutputs(tokens, "", " \n\t")).toEqual({ ok: true });
    expect(tokenize(" a\tb\r\nc ")).toEqual(["a", "b", "c"]);
  });
  it("compares tokens exactly, as testlib's wcmp: integers however big, and zero padding counts", () => {
    const big = "123456789012345678901234567890123456789";
    expect(compareOutputs(tokens, big, big).ok).toBe(true);
    // differs only in the last digit: a Number parse would call these equal
    expect(compareOutputs(tokens, "12345678901234567890", "12345678901234567891").ok).toBe(false);
    expect(compareOutputs(tokens, "9007199254740993", "9007199254740992").ok).toBe(false);
    // Binary strings and zero-padded answers: "11" is not "0011".
    expect(compareOutputs(tokens, "0011", "11")).toEqual({ ok: false, message: 'token 1 differs: expected "0011", got "11"' });
    expect(compareOutputs(tokens, "007", "7").ok).toBe(false);
    expect(compareOutputs(tokens, "-0", "0").ok).toBe(false);
    expect(compareOutputs(tokens, "+5", "5").ok).toBe(false);
    expect(compareOutputs(tokens, "-5", "-5").ok).toBe(true);
    expect(equivalentOutputs("0011", "11", tokens)).toBe(false); // clustering follows grading
  });
  it("does not treat non-integers as numbers", () => {
    expect(compareOutputs(tokens, "1.0", "1").ok).toBe(false);
    expect(compareOutputs(tokens, "YES", "yes").ok).toBe(false);
  });
  it("says where the first difference is", () => {
    expect(compareOutputs(tokens, "1 2 3", "1 5 3")).toEqual({ ok: false, message: 'token 2 differs: expected "2", got "5"' });
    expect(compareOutputs(tokens, "1 2 3", "1 2")).toEqual({ ok: false, message: "expected 3 tokens, got 2" });
    expect(compareOutputs(tokens, "1", "1 2")).toEqual({ ok: false, message: "expected 1 token, got 2" });
  });
});

describe("exact checker", () => {
  it("ignores trailing whitespace per line and at the end", () => {
    expect(compareOutputs(exact, "a b\nc\n", "a b  \r\nc\n\n\n").ok).toBe(true);
    expect(compareOutputs(exact, "a b", "a  b").ok).toBe(false);
    expect(compareOutputs(exact, " a", "a").ok).toBe(false);
  });
  it("reports missing and extra lines", () => {
    expect(compareOutputs(exact, "a\nb", "a")).toEqual({ ok: false, message: "output ends at line 1, expected 2 lines" });
    expect(compareOutputs(exact, "a", "a\nb").message).toContain("extra output from line 2");
    expect(compareOutputs(exact, "a\nb", "a\nc").message).toBe('line 2 differs: expected "b", got "c"');
  });
});

describe("float checker", () => {
  it("accepts within absolute or relative tolerance, like testlib's doubleCompare", () => {
    expect(compareOutputs(float, "0.5", "0.5000009").ok).toBe(true);
    expect(compareOutputs(float, "0.5", "0.500002").ok).toBe(false);
    expect(compareOutputs(float, "1000000", "1000000.9").ok).toBe(true); // relative
    expect(compareOutputs(float, "1000000", "1000002").ok).toBe(false);
    expect(compareOutputs(float, "1e-9", "0").ok).toBe(true);
    expect(compareOutputs(float, "3.14159265", "3.1415926").ok).toBe(true);
    expect(floatsClose(-2, -2.000001, 0, 1e-6)).toBe(true);
    expect(floatsClose(Number.NaN, Number.NaN, 1e-6, 1e-6)).toBe(true);
    expect(floatsClose(Infinity, 1e308, 1e-6, 1e-6)).toBe(false);
  });
  it("compares non-numeric tokens exactly", () => {
    expect(compareOutputs(float, "YES 0.25", "YES 0.2500001").ok).toBe(true);
    expect(compareOutputs(float, "YES 0.25", "yes 0.25").ok).toBe(false);
  });
  it("reads inf, infinity and nan in any case, with a sign", () => {
    expect(compareOutputs(float, "infinity", "inf").ok).toBe(true);
    expect(compareOutputs(float, "-Infinity", "-INF").ok).toBe(true);
    expect(compareOutputs(float, "+inf", "Infinity").ok).toBe(true);
    expect(compareOutputs(float, "infinity", "nan").ok).toBe(false);
    expect(compareOutputs(float, "inf", "-inf").ok).toBe(false);
    expect(compareOutputs(float, "NaN", "nan").ok).toBe(true);
    expect(equivalentOutputs("infinity", "nan", float)).toBe(false);
  });
  it("treats numbers with an integral value (1.5e20, 1e300) as numbers with tolerance", () => {
    expect(compareOutputs(float, "1.5e20", "1.5000001e20").ok).toBe(true);
    expect(compareOutputs(float, "1e300", "1.0000001e300").ok).toBe(true);
  });
  it("honours custom tolerances", () => {
    expect(compareOutputs({ kind: "float", absolute: 1e-2, relative: 0 }, "1.00", "1.009").ok).toBe(true);
    expect(compareOutputs({ kind: "float", absolute: 0, relative: 0 }, "1.00", "1.0000001").ok).toBe(false);
  });
});

describe("case-insensitive checker", () => {
  it("compares letters without case, integers still exactly", () => {
    expect(compareOutputs(ci, "YES\nNo", "yes nO").ok).toBe(true);
    expect(compareOutputs(ci, "Yes", "Yess").ok).toBe(false);
    expect(compareOutputs(ci, "00012", "12").ok).toBe(false);
    expect(compareOutputs(ci, "0x1F", "0X1f").ok).toBe(true);
  });
});

describe("JSON values", () => {
  it("compares deeply, integers exactly, floats with tolerance", () => {
    expect(compareJsonValues([1, [2, 3], { a: "x" }], [1, [2, 3], { a: "x" }]).ok).toBe(true);
    expect(compareJsonValues([0.1 + 0.2], [0.3]).ok).toBe(true);
    expect(compareJsonValues(1, 1.0).ok).toBe(true);
    expect(compareJsonValues(1, 2).ok).toBe(false);
    expect(compareJsonValues(true, 1).ok).toBe(false);
    expect(compareJsonValues(null, 0).ok).toBe(false);
    expect(compareJsonValues({ a: 1 }, { a: 1, b: 2 }).ok).toBe(false);
    expect(compareJsonValues([1, 2], [1, 2, 3])).toEqual({ ok: false, message: "$: expected 2 items, got 3" });
    expect(compareJsonValues({ a: [1, { b: 2 }] }, { a: [1, { b: 3 }] }).message).toBe("$.a[1].b: expected 2, got 3");
  });
  it("keeps integers beyond 2^53 exact", () => {
    expect(parseJsonExact("[12345678901234567891]")).toEqual([12345678901234567891n]);
    expect(compareJsonOutputs(tokens, "12345678901234567890", "12345678901234567891").ok).toBe(false);
    expect(compareJsonOutputs(tokens, "[12345678901234567890]", "[12345678901234567890]").ok).toBe(true);
  });
  it("a number written with a fraction or an exponent is a float, however integral its value", () => {
    // Function problems: grading (compareJsonOutputs) and clustering (equivalentOutputs) alike.
    expect(compareJsonOutputs(float, "1.5e20", "1.5000001e20").ok).toBe(true);
    expect(compareJsonOutputs(float, "[1e300]", "[1.0000001e300]").ok).toBe(true);
    expect(equivalentOutputs("1.5e20", "1.5000001e20", float, "json")).toBe(true);
    expect(compareJsonOutputs(float, "1e15", "1000000000000001").ok).toBe(true); // relative 1e-6
    expect(compareJsonOutputs(float, "2.0", "2").ok).toBe(true);
    expect(compareJsonOutputs(float, "1.5e20", "1.6e20").ok).toBe(false);
    // Under `float` every number has the tolerance, integers too (issue 21); under any other checker
    // an integer answer is exact, however long.
    expect(compareJsonOutputs(float, "100000000", "100000050").ok).toBe(true);
    expect(compareJsonOutputs(float, "100000000", "100000200").ok).toBe(false);
    expect(compareJsonOutputs(tokens, "100000000000000000000", "100000000000000000001").ok).toBe(false);
    expect(compareJsonOutputs(tokens, "1000000", "1000001").ok).toBe(false);
    expect(compareJsonValues(1.5e20, 1.5000001e20).ok).toBe(true);
    expect(parseJsonExact("[2.0, 1.5e20, 0.5, 7]")).toEqual([2, 1.5e20, 0.5, 7n]);
    expect(compareJsonOutputs(float, "[2.0]", "[3]").message).toBe("$[0]: expected 2, got 3");
  });
  it("reports invalid JSON and uses the float checker's tolerance", () => {
    expect(compareJsonOutputs(tokens, "1", "not json").ok).toBe(false);
    expect(compareJsonOutputs({ kind: "float", absolute: 0.1, relative: 0 }, "1.0", "1.05").ok).toBe(true);
    expect(compareJsonOutputs(tokens, "1.0", "1.05").ok).toBe(false);
  });
});

describe("numbers compare by their kind (issue 21)", () => {
  it("an integer answer is matched only by that integer unless the checker is float", () => {
    expect(compareJsonOutputs(tokens, "1000000007", "1000000907.0")).toEqual({ ok: false, message: "$: expected 1000000007, got 1000000907 (an integer answer is matched only by that integer)" });
    expect(compareJsonOutputs(tokens, "1000000007", "1000000007.0000001").ok).toBe(false);
    expect(compareJsonOutputs(tokens, "[5]", "[5.0]").ok).toBe(true); // a float of exactly the value
    expect(compareJsonOutputs(tokens, "9007199254740993", "9007199254740992.0").ok).toBe(false); // 2^53 + 1 is no float
    expect(compareJsonOutputs(float, "1000000007", "1000000007.5").ok).toBe(true);
    expect(compareJsonOutputs(tokens, "0.5", "0.5000001").ok).toBe(true); // a float answer keeps the default tolerance
    expect(compareJsonOutputs(tokens, "2.5", "2").ok).toBe(false);
  });
  const intText = fc.bigInt({ min: -(10n ** 30n), max: 10n ** 30n }).map(String);
  it("property: under tokens, two integer texts match exactly when they are the same integer", () => {
    fc.assert(fc.property(intText, intText, (x, y) => compareJsonOutputs(tokens, x, y).ok === (BigInt(x) === BigInt(y))));
  });
  it("property: under tokens, a float never matches an integer it is not exactly equal to", () => {
    fc.assert(
      fc.property(fc.integer({ min: -(2 ** 53), max: 2 ** 53 }), fc.double({ noNaN: true, noDefaultInfinity: true }), (n, x) => {
        const ok = compareJsonOutputs(tokens, String(n), JSON.stringify(x).replace(/^(-?\d+)$/, "$1.0")).ok;
        return ok === (x === n);
      }),
    );
  });
  it("property: under float, integers within the tolerance match and are symmetric for the absolute part", () => {
    const rule = { kind: "float" as const, absolute: 1e-6, relative: 1e-6 };
    fc.assert(
      fc.property(fc.integer({ min: -(10 ** 12), max: 10 ** 12 }), fc.integer({ min: -5, max: 5 }), (n, d) => {
        const ok = compareJsonOutputs(rule, String(n), String(n + d)).ok;
        return ok === (d === 0 || Math.abs(d) <= 1e-6 + 1e-15 + Math.abs(n) * 1e-6 + 1e-9);
      }),
    );
  });
  it("property: a float answer matches any number within the checker's tolerance", () => {
    fc.assert(
      fc.property(fc.double({ min: -1e9, max: 1e9, noNaN: true }), fc.double({ min: -1, max: 1, noNaN: true }), (x, f) => {
        const y = x + f * 1e-7 * Math.max(1, Math.abs(x));
        return compareJsonOutputs(tokens, `${x.toExponential()}`, JSON.stringify(y)).ok;
      }),
    );
  });
});

describe("equivalentOutputs", () => {
  it("is symmetric and follows the checker", () => {
    expect(equivalentOutputs("1 2", "1\n2\n", tokens)).toBe(true);
    expect(equivalentOutputs("YES", "yes", tokens)).toBe(false);
    expect(equivalentOutputs("YES", "yes", ci)).toBe(true);
    expect(equivalentOutputs("1000000", "1000000.9", float)).toBe(equivalentOutputs("1000000.9", "1000000", float));
    expect(equivalentOutputs("[1, 2]", "[1,2]", tokens, "json")).toBe(true);
    expect(equivalentOutputs("a b", "a b", { kind: "custom", language: "python", program: "" })).toBe(true);
  });
});
