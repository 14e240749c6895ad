// Assertion tests (HumanEval's `check(candidate)`), judged where the program can't reach. Two
// sandboxes run at once: the program's (harness.py serve: answers calls) and the judge's (the test
// code, with `candidate` a stand-in). sstar relays each call and answer between them line by line,
// as plain data, and decides from the judge's word, the program's run and the relay together. The
// program never holds the test code, the expected values, the comparison or the verdict channel:
// they live in another process, in another pid namespace (and, as root, under another uid).
import type { Readable, Writable } from "node:stream";
import { StringDecoder } from "node:string_decoder";
import type { RunChannel } from "./exec.ts";
import type { RunResult } from "./types.ts";

/** What the relay saw of one assertion test. */
export interface RelayOutcome {
  /** The judge said "pass": the test code ran to its end, every assertion held. */
  passed: boolean;
  /** Calls of `candidate` the judge made. */
  calls: number;
  /** What the program did to the answer channel that no honest run does, if anything. */
  violation: string | null;
}

/** Calls `onLine` for each complete line of `stream`, `onEnd` with what was left unterminated. */
function eachLine(stream: Readable, onLine: (line: string) => void, onEnd: (rest: string) => void): void {
  // Not stream.setEncoding: the sandbox's reader of the same stream counts its bytes as Buffers.
  const decoder = new StringDecoder("utf8");
  let buffered = "";
  let ended = false;
  stream.on("data", (chunk: Buffer) => {
    buffered += decoder.write(chunk);
    let at: number;
    while ((at = buffered.indexOf("\n")) >= 0) {
      const line = buffered.slice(0, at);
      buffered = buffered.slice(at + 1);
      onLine(line);
    }
  });
  const end = () => {
    if (ended) return;
    ended = true;
    onEnd(buffered + decoder.end());
  };
  stream.on("end", end);
  stream.on("close", end);
}

function isAnswerLine(line: string): boolean {
  try {
    const v = JSON.parse(line) as unknown;
    return v !== null && typeof v === "object" && !Array.isArray(v);
  } catch {
    return false;
  }
}

/**
 * The relay between a judge and a program. Exactly one answer per call, in order: an answer
 * nobody asked for (written at import, by an atexit hook, by a thread after the test), a line
 * that is not one JSON object, or an unfinished line is a violation, and the judge is told the
 * program is gone.
 */
export function createAssertionRelay(): { program: RunChannel; judge: RunChannel; outcome(): RelayOutcome } {
  let programIn: Writable | undefined;
  let judgeIn: Writable | undefined;
  const queued: string[] = [];
  let pending = 0;
  let gone: string | null = null;
  let passed = false;
  let calls = 0;
  let violation: string | null = null;

  const toJudge = (line: string) => judgeIn?.write(`${line}\n`);
  const toProgram = (line: string) => (programIn === undefined ? queued.push(line) : programIn.write(`${line}\n`));
  function programGone(why: string): void {
    if (gone !== null) return;
    gone = why;
    for (; pending > 0; pending--) toJudge(JSON.stringify({ gone: why }));
    programIn?.end();
  }
  function violated(why: string): void {
    violation ??= why;
    programGone(why);
  }

  const program: RunChannel = {
    attach(stdin, result) {
      programIn = stdin;
      for (const line of queued.splice(0)) stdin.write(`${line}\n`);
      eachLine(
        result,
        (line) => {
          if (gone !== null) return violated("the program wrote on the answer channel after it was closed");
          if (pending === 0) return violated("the program wrote on the answer channel without being asked");
          if (!isAnswerLine(line)) return violated("the program wrote a line on the answer channel that is not an answer");
          pending--;
          toJudge(line);
        },
        (rest) => (rest !== "" ? violated("the program left an unfinished line on the answer channel") : programGone("its process ended")),
      );
    },
  };
  const judge: RunChannel = {
    attach(stdin, result) {
      judgeIn = stdin;
      eachLine(
        result,
        (line) => {
          let message: Record<string, unknown>;
          try {
            message = JSON.parse(line) as Record<string, unknown>;
          } catch {
            return;
          }
          if ("pass" in message) {
            passed = true;
            programIn?.end();
            return;
          }
          calls++;
          if (gone !== null) return toJudge(JSON.stringify({ gone }));
          pending++;
          toProgram(line);
        },
        () => {
          stdin.end();
          programIn?.end();
        },
      );
    },
  };
  return { program, judge, outcome: () => ({ passed, calls, violation }) };
}

function lastLines(text: string, n: number): string {
  return text.trim().split("\n").slice(-n).join("\n");
}

/** The judge's exit code when the program failed it (ended early, answered with what is not plain data). */
export const JUDGE_PROGRAM_FAILED = 3;

/**
 * One assertion test's result, from the program's run, the judge's run and the relay. Pure. The
 * program's own failure (time, memory, crash) comes first; then anything it did to the channel;
 * then the judge: "pass" with a clean exit is the only way to `judged.passed`.
 */
export function judgedResult(program: RunResult, judge: RunResult, relay: RelayOutcome): RunResult {
  const base = { ...program, output: "" };
  if (relay.violation !== null) {
    return { ...base, status: "runtime-error", stderrTail: `${program.stderrTail}\nsstar: ${relay.violation}`.trim(), judged: { passed: false, message: relay.violation } };
  }
  if (program.status !== "ok") return { ...base, judged: { passed: false, message: `the program's run ended with ${program.status}` } };
  const said = lastLines(judge.stderrTail, 6);
  if (judge.status === "ok" && relay.passed) return { ...base, output: `all assertions held (${relay.calls} call${relay.calls === 1 ? "" : "s"})`, judged: { passed: true, message: "" } };
  if (judge.status === "runtime-error" && judge.exitCode === JUDGE_PROGRAM_FAILED) {
    return { ...base, status: "runtime-error", stderrTail: `${program.stderrTail}\n${said}`.trim(), judged: { passed: false, message: said } };
  }
  const why = judge.status === "ok" ? "the test code ended before its end (it exited early)" : judge.status === "runtime-error" ? said || "the test code failed" : `the test code ended with ${judge.status}${said ? `: ${said}` : ""}`;
  return { ...base, judged: { passed: false, message: why } };
}
