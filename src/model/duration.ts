// Durations as people write them in flags and action inputs: "90" (seconds), "500ms", "90s",
// "10m", "2h", "1d".

const UNITS: Record<string, number> = { "": 1000, ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** Milliseconds, or undefined when `text` is not a duration. */
export function parseDuration(text: string): number | undefined {
  const m = /^(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)?$/.exec(text.trim());
  if (m === null) return undefined;
  return Number(m[1]) * UNITS[m[2] ?? ""]!;
}

/** "90s", "10m", "2h": the largest unit that divides the duration. */
export function formatDuration(ms: number): string {
  for (const [unit, size] of [["d", 86_400_000], ["h", 3_600_000], ["m", 60_000], ["s", 1000]] as const) {
    if (ms >= size && ms % size === 0) return `${ms / size}${unit}`;
  }
  return ms % 1000 === 0 ? `${ms / 1000}s` : `${ms}ms`;
}

/** The bounds both the CLI and the action hold durations to. */
export const TIMEOUT_BOUNDS = { min: 1_000, max: 3_600_000 } as const;
export const DEADLINE_BOUNDS = { min: 1_000, max: 7 * 86_400_000 } as const;
/** Retries after the first attempt, at most. */
export const MAX_RETRIES_BOUND = 10;
