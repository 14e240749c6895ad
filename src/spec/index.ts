// The spec module's public surface: loading and validating problem specs, importers, issue katas.
export * from "./schema.ts";
export { formatSpecError, SpecLoadError, type SpecError } from "./errors.ts";
export {
  checkSpecObject,
  checkSpecText,
  expandSpecPaths,
  loadSpecFile,
  loadSpecs,
  parseSpecYaml,
  specFromObject,
  type LoadedSpecs,
  type SpecOrigin,
  type SpecResult,
} from "./load.ts";
export { problemSpecJsonSchema, problemSpecJsonSchemaText, PROBLEM_SPEC_SCHEMA_ID } from "./json-schema.ts";
export { specToYaml, writeSpecs, type WriteResult } from "./write.ts";
export { parseIssueBody, sanitizeIssueText, parseSignature, ISSUE_LIMITS, type IssueParseResult } from "./issue.ts";
export { importCodeContests } from "./importers/codecontests.ts";
export { importHumanEval, type HumanEvalImportOptions, type HumanEvalImportResult } from "./importers/humaneval.ts";
export { importLiveCodeBench, readStringPickle } from "./importers/livecodebench.ts";
export type { ImportOptions, ImportResult, Skipped } from "./importers/common.ts";
