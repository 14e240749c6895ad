// A loaded spec written back as the YAML a user would write (an issue kata is committed with its
// solution, so the repository keeps the problem it solves).
import type { ProblemSpec, ProblemSpecInput, TestCase } from "../spec/schema.ts";
import { specToYaml } from "../spec/write.ts";

function testToInput(spec: ProblemSpec, t: TestCase): NonNullable<ProblemSpecInput["tests"]>["public"] extends (infer T)[] | undefined ? T : never {
  if (t.assert !== undefined) return { name: t.name, assert: t.assert };
  if (spec.io.kind === "function") {
    const args: unknown = JSON.parse(t.input);
    return {
      name: t.name,
      args: Array.isArray(args) ? args : [args],
      ...(t.output !== undefined ? { expected: JSON.parse(t.output) as unknown } : {}),
    };
  }
  return { name: t.name, input: t.input, ...(t.output !== undefined ? { output: t.output } : {}) };
}

export function specToInput(spec: ProblemSpec): ProblemSpecInput {
  return {
    id: spec.id,
    title: spec.title,
    statement: spec.statement,
    io: spec.io,
    language: spec.language,
    limits: spec.limits,
    checker: spec.checker,
    multipleAnswers: spec.multipleAnswers,
    tests: { public: spec.tests.public.map((t) => testToInput(spec, t)), hidden: spec.tests.hidden.map((t) => testToInput(spec, t)) },
    tags: spec.tags,
    ...(spec.source !== undefined ? { source: spec.source } : {}),
  };
}

export function specFileText(spec: ProblemSpec, header: string): string {
  return specToYaml(specToInput(spec), header);
}
