import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { checkSpecObject, formatSpecError, loadSpecFile, loadSpecs, SpecLoadError, specFromObject } from "../../src/spec/index.ts";

const FIX = "test/fixtures/specs";
const broken = (name: string) => join(FIX, "broken", `${name}.yaml`);

async function messages(name: string): Promise<string[]> {
  const r = await loadSpecs([broken(name)]);
  expect(r.specs).toEqual([]);
  return r.errors.map(formatSpecError);
}

describe("broken spec files give one-line messages naming the file and field", () => {
  it.each([
    ["wrong-type", "test/fixtures/specs/broken/wrong-type.yaml: tests.public[2].output: expected a string, got a number"],
    ["missing-field", "test/fixtures/specs/broken/missing-field.yaml: title: required field is missing (expected a string)"],
    ["bad-enum", 'test/fixtures/specs/broken/bad-enum.yaml: language: expected one of "python", "javascript", "cpp", got "rust"'],
    ["unknown-key", "test/fixtures/specs/broken/unknown-key.yaml: limits.memoryMB: unknown field (check the spelling; see docs/spec-format.md)"],
    ["args-in-stdio", "test/fixtures/specs/broken/args-in-stdio.yaml: tests.public[0].args: `args` is for function problems (io.kind: function); stdio tests use `input` and `output`"],
    ["missing-input-file", "test/fixtures/specs/broken/missing-input-file.yaml: tests.hidden[0].inputFile: file not found: files/nope.in (looked for test/fixtures/specs/broken/files/nope.in)"],
    ["assert-in-cpp", "test/fixtures/specs/broken/assert-in-cpp.yaml: tests.hidden[0].assert: `assert` tests are Python code: they need language: python, not cpp"],
    ["bad-kind", 'test/fixtures/specs/broken/bad-kind.yaml: io.kind: expected one of "stdio", "function", got "socket"'],
    ["not-a-test", "test/fixtures/specs/broken/not-a-test.yaml: tests.public[0]: a test needs one of `input`, `inputFile`, `args` or `assert`"],
    ["escape", "test/fixtures/specs/broken/escape.yaml: tests.hidden[0].inputFile: ../good/files/sum.in is outside the spec's folder: keep test files beside the spec"],
  ])("%s", async (name, expected) => {
    expect(await messages(name)).toEqual([expected]);
  });

  it("a YAML syntax error gives line:column", async () => {
    const [msg, ...rest] = await messages("yaml-syntax");
    expect(rest.length).toBeLessThanOrEqual(2);
    expect(msg).toMatch(/^test\/fixtures\/specs\/broken\/yaml-syntax\.yaml:\d+:\d+: YAML syntax error: /);
    expect(msg).not.toContain("\n");
  });

  it("loadSpecFile throws a SpecLoadError whose message is the one-liners, not a stack", async () => {
    const err = await loadSpecFile(broken("bad-enum")).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SpecLoadError);
    expect((err as SpecLoadError).message).toBe('test/fixtures/specs/broken/bad-enum.yaml: language: expected one of "python", "javascript", "cpp", got "rust"');
    expect((err as SpecLoadError).errors[0]).toMatchObject({ file: broken("bad-enum"), field: "language" });
  });
});

describe("loadSpecs", () => {
  it("keeps loading the good specs when others are broken, and names both files of a duplicate id", async () => {
    const r = await loadSpecs([join(FIX, "good"), join(FIX, "broken")]);
    expect(r.specs.map((s) => s.id).sort()).toEqual(["good-function", "good-stdio-files", "twin"]);
    const dup = r.errors.find((e) => e.field === "id");
    expect(dup && formatSpecError(dup)).toBe(
      'test/fixtures/specs/broken/duplicate-b.yaml: id: duplicate id "twin": test/fixtures/specs/broken/duplicate-a.yaml has it too; ids must be unique',
    );
    expect(new Set(r.errors.map((e) => e.file)).size).toBe(12);
  });

  it("accepts globs and reports paths that match nothing", async () => {
    const r = await loadSpecs([`${FIX}/good/*.yaml`, `${FIX}/nothing-here`, `${FIX}/none/*.yaml`]);
    expect(r.specs).toHaveLength(2);
    expect(r.errors.map(formatSpecError)).toEqual([
      "test/fixtures/specs/nothing-here: no such file or folder",
      "test/fixtures/specs/none/*.yaml: no files match this pattern",
    ]);
  });

  it("resolves files, checker programs, names and defaults", async () => {
    const spec = await loadSpecFile(join(FIX, "good", "stdio-files.yaml"));
    expect(spec.tests.public).toEqual([
      { name: "public-1", input: "1 2\n", output: "3\n" },
      { name: "from-file", input: "40 2\n", output: "42\n" },
    ]);
    expect(spec.tests.hidden).toEqual([{ name: "hidden-1", input: "5 5\n" }]);
    expect(spec.checker).toEqual({ kind: "custom", language: "python", program: "import sys\nsys.exit(0)\n" });
    expect(spec.limits).toEqual({ timeMs: 1000, memoryMb: 256 });
    expect(spec.language).toBe("python");
    expect(spec.path).toBe(join(FIX, "good", "stdio-files.yaml"));
  });

  it("serializes function arguments and expected values to JSON text", async () => {
    const spec = await loadSpecFile(join(FIX, "good", "function.yaml"));
    expect(spec.tests.public).toEqual([
      { name: "public-1", input: "[1,2]", output: "3" },
      { name: "public-2", input: "[2, 2]", output: "4" },
    ]);
    expect(spec.tests.hidden).toEqual([
      { name: "hidden-1", input: "[10,-3]" },
      { name: "hidden-2", input: "", assert: "assert candidate(2, 3) == 5\n" },
    ]);
  });
});

describe("specFromObject (in-memory specs)", () => {
  const base = { id: "mem", title: "Mem", statement: "s" };
  it("validates and fills defaults", () => {
    const spec = specFromObject({ ...base, tests: { public: [{ input: "1\n", output: "1\n" }] } }, "memory");
    expect(spec.io).toEqual({ kind: "stdio" });
    expect(spec.checker).toEqual({ kind: "tokens" });
    expect(spec.multipleAnswers).toBe(false);
    expect(spec.path).toBeUndefined();
  });
  it("refuses file references without a folder (untrusted sources can't read the runner's disk)", () => {
    const r = checkSpecObject({ ...base, tests: { public: [{ inputFile: "/etc/passwd" }] } }, "issue #3");
    expect(r.ok).toBe(false);
    expect(!r.ok && r.errors.map(formatSpecError)).toEqual([
      "issue #3: tests.public[0].inputFile: file references aren't allowed in this spec (it has no folder): put the text inline",
    ]);
  });
  it("checks the argument count and JSON inputs of function problems", () => {
    const io = { kind: "function", name: "f", params: [{ name: "a" }] };
    const r = checkSpecObject({ ...base, io, tests: { public: [{ args: [1, 2] }, { input: "not json" }] } }, "mem");
    expect(!r.ok && r.errors.map(formatSpecError)).toEqual([
      "mem: tests.public[0].args: 2 argument(s) given, the function takes 1",
      "mem: tests.public[1].input: in a function problem the input is the JSON array of arguments (or use `args`)",
    ]);
  });
  it("reports duplicate test names and a top level that is not a mapping", () => {
    const r = checkSpecObject({ ...base, tests: { public: [{ name: "a", input: "" }], hidden: [{ name: "a", input: "" }] } }, "mem");
    expect(!r.ok && r.errors.map(formatSpecError)).toEqual(['mem: tests.hidden[0].name: duplicate test name "a" (also tests.public[0])']);
    const list = checkSpecObject([1, 2], "mem");
    expect(!list.ok && list.errors.map(formatSpecError)).toEqual(["mem: expected a mapping of fields (id, title, statement, ...) at the top level"]);
  });
  it("throws SpecLoadError for a broken object", () => {
    expect(() => specFromObject({ ...base, limits: { timeMs: 0 } }, "mem")).toThrow("mem: limits.timeMs: must be greater than 0");
  });
});
