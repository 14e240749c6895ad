// The problem spec: one YAML file per problem under problems/. This zod schema is the single
// source of truth; `npm run schemas` writes it out as schemas/problem-spec.schema.json.
import { z } from "zod";

export const LANGUAGES = ["python", "javascript", "cpp"] as const;
export const languageSchema = z.enum(LANGUAGES);
export type Language = z.infer<typeof languageSchema>;

export const idSchema = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/, "use letters, digits, '.', '_' or '-' (at most 100), starting with a letter or digit");

const paramSchema = z.strictObject({
  name: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, "must be an identifier"),
  type: z.string().min(1).describe("type as written in the statement, e.g. int, list[int], str").default("any"),
});

export const ioSchema = z.discriminatedUnion("kind", [
  z.strictObject({
    kind: z.literal("stdio").describe("the program reads standard input and prints its answer"),
  }),
  z.strictObject({
    kind: z.literal("function").describe("the program defines a function; tests call it with arguments"),
    name: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, "must be an identifier"),
    params: z.array(paramSchema).default([]),
    returns: z.string().default("any"),
    starter: z.string().optional().describe("starter code shown to the model (signature and docstring)"),
  }),
]);
export type IoContract = z.infer<typeof ioSchema>;

export const checkerSchema = z.discriminatedUnion("kind", [
  z.strictObject({ kind: z.literal("tokens").describe("whitespace-separated tokens; integers compared exactly") }),
  z.strictObject({ kind: z.literal("exact").describe("whole output, trailing whitespace of each line and the end ignored") }),
  z.strictObject({
    kind: z.literal("float"),
    absolute: z.number().nonnegative().default(1e-6),
    relative: z.number().nonnegative().default(1e-6),
  }),
  z.strictObject({ kind: z.literal("case-insensitive").describe("tokens, letters compared without case") }),
  z.strictObject({
    kind: z.literal("custom").describe("a checker program run testlib-style with three file paths: input, the program's output, the expected answer; exit 0 accepts"),
    language: languageSchema.default("python"),
    program: z.string().optional().describe("checker source inline"),
    file: z.string().optional().describe("checker source file, relative to the spec"),
  }).refine((c) => (c.program === undefined) !== (c.file === undefined), {
    message: "give exactly one of `program` or `file`",
  }),
]);
export type CheckerSpec = z.infer<typeof checkerSchema>;

/** A test as written in YAML: inline text, files, function arguments, or an assertion script. */
export const testInputSchema = z.union([
  z.strictObject({
    name: z.string().optional(),
    input: z.string(),
    output: z.string().optional().describe("expected output; optional only for inputs without a known answer"),
  }),
  z.strictObject({
    name: z.string().optional(),
    inputFile: z.string(),
    outputFile: z.string().optional(),
  }),
  z.strictObject({
    name: z.string().optional(),
    args: z.array(z.unknown()).describe("function arguments, in order"),
    expected: z.unknown().optional().describe("the expected return value"),
  }),
  z.strictObject({
    name: z.string().optional(),
    assert: z.string().describe("Python code run after the solution; `candidate` is the function. Passes when it raises nothing"),
  }),
]);

export const limitsSchema = z.strictObject({
  timeMs: z.number().int().positive().max(60_000).default(2000),
  memoryMb: z.number().int().positive().max(8192).default(256),
});

export const problemSpecSchema = z.strictObject({
  id: idSchema,
  title: z.string().min(1),
  statement: z.string().min(1).describe("Markdown"),
  io: ioSchema.default({ kind: "stdio" }),
  language: languageSchema.default("python"),
  limits: limitsSchema.default({ timeMs: 2000, memoryMb: 256 }),
  checker: checkerSchema.default({ kind: "tokens" }),
  multipleAnswers: z.boolean().default(false).describe("several outputs are valid: a plain comparison can't judge them"),
  tests: z.strictObject({
    public: z.array(testInputSchema).default([]).describe("shown to the model"),
    hidden: z.array(testInputSchema).default([]).describe("never shown to the model; for grading"),
  }).default({ public: [], hidden: [] }),
  tags: z.array(z.string()).default([]),
  source: z.strictObject({
    name: z.string(),
    url: z.string().optional(),
    license: z.string().optional(),
  }).optional(),
});
export type ProblemSpecInput = z.input<typeof problemSpecSchema>;
export type ProblemSpecRaw = z.output<typeof problemSpecSchema>;

/**
 * A test after loading: files read, function arguments serialized. For function problems `input`
 * is the JSON array of arguments and `output` the JSON of the return value.
 */
export interface TestCase {
  name: string;
  input: string;
  output?: string;
  /** Python assertion code (function problems); `candidate` is bound to the function. */
  assert?: string;
}

/** A loaded, validated problem spec: what every other part of the tool works with. */
export interface ProblemSpec extends Omit<ProblemSpecRaw, "tests" | "checker"> {
  checker: ResolvedChecker;
  tests: { public: TestCase[]; hidden: TestCase[] };
  /** Path of the YAML file it came from, when it came from one. */
  path?: string;
}

export type ResolvedChecker =
  | { kind: "tokens" }
  | { kind: "exact" }
  | { kind: "float"; absolute: number; relative: number }
  | { kind: "case-insensitive" }
  | { kind: "custom"; language: Language; program: string };
