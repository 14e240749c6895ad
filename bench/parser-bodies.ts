// Adversarial issue bodies for the parser's linear-time checks (test/spec/issue-linear.test.ts
// and `npm run bench:parser`): long runs of one character placed where a backtracking regex
// would try every split (after a heading's hashes, inside a label, after a number, in a fence's
// info string, in a signature), each cut to `size` characters.

const FENCE = "```";

/** Each shape: a prefix, then filler repeated, then a last character that makes the line fail. */
const SHAPES: ((fill: (unit: string) => string, tail: string) => string)[] = [
  (fill, tail) => `## a${fill(" ")}${tail || "b"}`,
  (fill, tail) => `### ${fill("# ")}${tail}`,
  (fill, tail) => `Statement.\n\n### Limits\n\n${fill("1")}${tail || "x"}`,
  (fill, tail) => `Statement.\n\n### Limits\n\n1${fill(" ")}${tail || "x"}`,
  (fill, tail) => `Statement.\n\n### Time limit\n\n1${fill(" ")}${tail || "x"}`,
  (fill, tail) => `Statement.\n\n### Examples\n\n**Input${fill(" ")}${tail || "x"}`,
  (fill, tail) => `Statement.\n\n### Examples\n\nexample${fill(" ")}input${fill(" ")}${tail || "x"}`,
  (fill, tail) => `Statement.\n\n### Examples\n\n${FENCE}${fill(" ")}${tail || "x y"}`,
  (fill, tail) => `Statement.\n\n### Examples\n\n${fill(`${FENCE}\n`)}${tail}`,
  (fill, tail) => `Statement.\n\n### Function\n\ndef f()${fill(" ")}${tail || "x"}`,
  (fill, tail) => `Statement.\n\n### Function\n\nf(a: ${fill(" ")}${tail || "x"})`,
  (fill, tail) => `Statement.\n\n### Function\n\n${fill("a")}${tail || "x"}`,
  (fill, tail) => `Statement.\n\n### Function\n\nf${fill("(")}${tail}`,
  (fill, tail) => `Statement.\n\n### Options\n\n- [x] ${fill("several ")}${tail}`,
  (fill, tail) => `${fill("<!--")}${tail}`,
  (fill, tail) => `Statement.\n\n${fill("## a\n")}${tail}`,
];

export const SHAPE_COUNT = SHAPES.length;

/** Shape `shape` (modulo the count) filled with `filler` up to `size` characters, then `tail`. */
export function adversarialBody(shape: number, filler: string, tail: string, size: number): string {
  const build = SHAPES[shape % SHAPES.length]!;
  const fixed = build(() => "", tail).length;
  let fills = 0;
  build(() => {
    fills++;
    return "";
  }, tail);
  fills = Math.max(1, fills);
  const room = Math.max(0, size - fixed);
  const body = build((unit) => {
    const u = filler === " " ? unit : filler;
    return u.repeat(Math.floor(room / fills / Math.max(1, u.length)));
  }, tail);
  return body.slice(0, size);
}

/** Every shape with its own filler, at `size` characters. */
export function adversarialBodies(size: number): string[] {
  return SHAPES.map((_, i) => adversarialBody(i, " ", "", size));
}
