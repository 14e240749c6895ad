// The spec side of the reference check: the CodeContests importer and the spec loader.
export { importCodeContests, specFromObject } from "../../src/spec/index.ts";
import { toSpecId } from "../../src/spec/importers/common.ts";
export const toSpecIdForReferences = (id: string): string => toSpecId(id);
