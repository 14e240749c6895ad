// Merging shard results into one: refuses anything that would make the merged numbers a lie
// (different configurations or spec versions, overlapping, missing or unfinished shards).
import { canonicalJson } from "./hash.ts";
import { EVAL_RESULTS_KIND, EVAL_RESULTS_VERSION, sortById, summarize, type Calibration, type EvalConfig, type EvalResults } from "./results.ts";

export class MergeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "MergeError";
  }
}

/** Config fields that must be equal across shards of one run (everything but the shard itself). */
const SAME_FIELDS = ["model", "judgeModel", "sandbox", "tool", "settings", "specSetHash", "specHashes"] as const;

/** First difference between two configs as "field (a vs b)", or null when they agree. */
export function configDifference(a: EvalConfig, b: EvalConfig): string | null {
  for (const field of SAME_FIELDS) {
    if (canonicalJson(a[field]) === canonicalJson(b[field])) continue;
    if (field === "settings" || field === "specHashes" || field === "tool") {
      const av = a[field] as Record<string, unknown>;
      const bv = b[field] as Record<string, unknown>;
      const keys = [...new Set([...Object.keys(av), ...Object.keys(bv)])].sort();
      for (const key of keys) {
        if (canonicalJson(av[key]) !== canonicalJson(bv[key])) {
          const what = field === "specHashes" ? `config.specHashes["${key}"] (spec ${key} differs in version or is missing)` : `config.${field}.${key}`;
          return `${what}: ${show(av[key])} vs ${show(bv[key])}`;
        }
      }
    }
    return `config.${field}: ${show(a[field])} vs ${show(b[field])}`;
  }
  return null;
}

function show(value: unknown): string {
  if (value === undefined) return "(absent)";
  const text = JSON.stringify(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

function list(ids: readonly string[], max = 5): string {
  return ids.length <= max ? ids.join(", ") : `${ids.slice(0, max).join(", ")} and ${ids.length - max} more`;
}

/**
 * One result from the shards of one run. The output is independent of the input order (problems
 * sorted by id, config without shard), so merged shards compare equal to an unsharded run (see
 * `comparableView`). `names` (file names) are used in errors and in `meta.mergedFrom`.
 */
export function mergeResults(results: readonly EvalResults[], names?: readonly string[]): EvalResults {
  const name = (i: number): string => names?.[i] ?? `input ${i + 1}`;
  if (results.length === 0) throw new MergeError("nothing to merge: give at least one results file");
  for (const [i, r] of results.entries()) {
    if (r.kind !== EVAL_RESULTS_KIND || r.version !== EVAL_RESULTS_VERSION) {
      throw new MergeError(`${name(i)}: not a version ${EVAL_RESULTS_VERSION} results file`);
    }
  }
  const first = results[0]!;
  for (let i = 1; i < results.length; i++) {
    const diff = configDifference(first.config, results[i]!.config);
    if (diff !== null) throw new MergeError(`${name(0)} and ${name(i)} come from different runs: ${diff}; merge only shards of one run`);
  }

  const sharded = results.map((r) => r.config.shard !== null);
  if (sharded.some((s) => s) && sharded.some((s) => !s)) {
    const whole = sharded.indexOf(false);
    throw new MergeError(`${name(whole)} is an unsharded (or already merged) result and overlaps the shards it is merged with; merge only shard files`);
  }
  if (!sharded[0] && results.length > 1) {
    throw new MergeError(`${name(0)} and ${name(1)} are both unsharded results of the whole set: they overlap; merge only shard files`);
  }

  const skippedIds = new Set(first.skipped.map((s) => s.id));
  const expected = Object.keys(first.config.specHashes).filter((id) => !skippedIds.has(id)).sort();

  if (sharded[0]) {
    const count = first.config.shard!.count;
    const byIndex = new Map<number, number>();
    for (const [i, r] of results.entries()) {
      const s = r.config.shard!;
      if (s.count !== count) throw new MergeError(`${name(0)} is shard ${first.config.shard!.index}/${count} but ${name(i)} is shard ${s.index}/${s.count}: config.shard.count differs; merge shards of one split`);
      const other = byIndex.get(s.index);
      if (other !== undefined) throw new MergeError(`${name(other)} and ${name(i)} are both shard ${s.index}/${count}: overlapping shards; give each shard once`);
      byIndex.set(s.index, i);
    }
    const missing = Array.from({ length: count }, (_, k) => k + 1).filter((k) => !byIndex.has(k));
    if (missing.length > 0) {
      throw new MergeError(`shard${missing.length > 1 ? "s" : ""} ${missing.map((k) => `${k}/${count}`).join(", ")} missing (got ${results.map((r, i) => `${name(i)} = ${r.config.shard!.index}/${count}`).join(", ")}); give every shard`);
    }
    const owner = new Map<string, number>();
    for (const [i, r] of results.entries()) {
      for (const id of r.config.shard!.problems) {
        const o = owner.get(id);
        if (o !== undefined) throw new MergeError(`${name(o)} and ${name(i)} both hold problem ${id} (config.shard.problems): overlapping shards; were they split with different --costs files?`);
        owner.set(id, i);
      }
    }
    const unassigned = expected.filter((id) => !owner.has(id));
    if (unassigned.length > 0) throw new MergeError(`no shard holds problem${unassigned.length > 1 ? "s" : ""} ${list(unassigned)} of the spec set: shards were split differently; rerun them with the same specs and --costs`);
  }

  for (const [i, r] of results.entries()) {
    const assigned = r.config.shard?.problems ?? expected;
    const done = new Set(r.problems.map((p) => p.id));
    const unfinished = assigned.filter((id) => !done.has(id));
    if (unfinished.length > 0) {
      const which = r.config.shard ? `shard ${r.config.shard.index}/${r.config.shard.count}` : "the run";
      throw new MergeError(`${name(i)}: ${which} is unfinished (${unfinished.length} of ${assigned.length} problems missing: ${list(unfinished)}); rerun it with the same --out to finish it`);
    }
    const assignedSet = new Set(assigned);
    for (const p of r.problems) {
      if (!assignedSet.has(p.id)) throw new MergeError(`${name(i)}: problem ${p.id} is not assigned to this shard (config.shard.problems); the file was edited or is corrupt`);
      if (p.specHash !== r.config.specHashes[p.id]) throw new MergeError(`${name(i)}: problem ${p.id} was graded on spec ${p.specHash} but the run's config.specHashes says ${r.config.specHashes[p.id] ?? "(absent)"}`);
    }
  }

  const problems = sortById(results.flatMap((r) => r.problems));
  const startedAt = results.map((r) => r.meta.startedAt).sort()[0]!;
  const updatedAt = results.map((r) => r.meta.updatedAt).sort().at(-1)!;
  return {
    kind: EVAL_RESULTS_KIND,
    version: EVAL_RESULTS_VERSION,
    config: { ...first.config, shard: null },
    skipped: sortById(first.skipped),
    problems,
    summary: summarize(problems),
    meta: { startedAt, updatedAt, mergedFrom: results.map((_, i) => name(i)), ...mergedCalibration(results) },
  };
}

/** Every shard's runner calibration, in shard order: each graded its problems with its own scale. */
function mergedCalibration(results: readonly EvalResults[]): { calibration?: Calibration[] } {
  const all = results.flatMap((r) => r.meta.calibration ?? []).sort((a, b) => (a.shard ?? 0) - (b.shard ?? 0));
  return all.length > 0 ? { calibration: all } : {};
}
