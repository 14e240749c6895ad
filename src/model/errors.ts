// Errors the model client throws, beyond the two in the shared contract (types.ts).
import { ModelConfigError } from "./types.ts";

/**
 * A call that failed for good after the retry policy ran out (5xx, timeouts, dropped
 * connections, malformed or empty replies), or a request the server refused (400/422).
 * The engine may treat it as one lost sample rather than a lost run.
 */
export class ModelCallError extends Error {
  constructor(
    message: string,
    /** HTTP status of the last attempt, when there was a response. */
    readonly status: number | undefined,
    /** HTTP attempts made, including the first. */
    readonly attempts: number,
  ) {
    super(message);
    this.name = "ModelCallError";
  }
}

/** `offline: true` and the request is not in the cache: the recorded run doesn't match this one. */
export class OfflineCacheMissError extends ModelConfigError {
  constructor(message: string) {
    super(message);
    this.name = "OfflineCacheMissError";
  }
}

/** The caller's signal aborted the call: while it waited for a slot, in flight, or between retries. */
export class ModelCallAborted extends Error {
  constructor(
    message: string,
    /** HTTP attempts made before the cancel (0: it never reached the server). */
    readonly attempts: number,
  ) {
    super(message);
    this.name = "ModelCallAborted";
  }
}

/**
 * The endpoint can't serve this run at all (nothing listening, no such host, TLS refused, not an
 * API, bad key or model): the first such failure ends every later call to it at once.
 */
export class ModelEndpointError extends ModelConfigError {
  constructor(
    message: string,
    /** The base URL that failed. */
    readonly baseUrl: string,
  ) {
    super(message);
    this.name = "ModelEndpointError";
  }
}

/** `--replay` without fall-through, and the cassette holds no reply for a request. */
export class ReplayMissError extends ModelConfigError {
  constructor(message: string) {
    super(message);
    this.name = "ReplayMissError";
  }
}
