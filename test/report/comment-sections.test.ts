// The comment's first sentence: one plain sentence from the report's counts, for each kind of pick.
import { describe, expect, it } from "vitest";
import { firstSentence, selectionFacts, type SelectionFacts } from "../../src/report/comment-sections.ts";
import { makeReport } from "../github/report-fixture.ts";

const base: SelectionFacts = { picked: 2, samples: 4, cluster: "c0", clusters: 2, agree: 2, clustered: 3, disagreeInputs: 5, votesFor: 2, votesAgainst: 0, splitMatches: 0, judged: true, strategy: "sstar", status: "solved" };

describe("firstSentence", () => {
  it("says what was picked, from how many samples, and the strongest evidence", () => {
    expect(firstSentence(base)).toBe("**Picked sample 2** from 4 samples: 2 of the 3 samples that pass the public tests agree with it (cluster c0); on 5 inputs where the clusters disagree, the judge sided with it twice and never against it.");
    expect(firstSentence({ ...base, votesAgainst: 1, splitMatches: 3 })).toMatch(/sided with it twice and against it once; 3 matches split¹\.$/);
  });

  it("covers one cluster, no judge, no clusters and nothing picked", () => {
    expect(firstSentence({ ...base, clusters: 1, agree: 3 })).toBe("**Picked sample 2** from 4 samples: all 3 samples that pass the public tests give the same outputs on every synthesized input.");
    expect(firstSentence({ ...base, judged: false, strategy: "majority" })).toMatch(/agree with it \(cluster c0\); the judge was not asked \(`majority` rule\)\.$/);
    expect(firstSentence({ ...base, cluster: null, clusters: 0, strategy: "first" })).toBe("**Picked sample 2** from 4 samples by the `first` rule (no output clusters to compare).");
    expect(firstSentence({ ...base, picked: null, status: "unsolved" })).toBe("**Nothing picked** from 4 samples: none passed every public test.");
  });

  it("takes its counts from the same report the tables show", () => {
    const f = selectionFacts(makeReport());
    expect(f).toMatchObject({ picked: 0, samples: 2, cluster: "c0", clusters: 2, agree: 1, clustered: 2, disagreeInputs: 1, votesFor: 2, votesAgainst: 0, splitMatches: 0, judged: true });
  });
});
