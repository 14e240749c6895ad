// The cost replay in a worker thread of its own: the engine's thread never tokenizes, simulates
// the judge or waits on the replay, so each request is answered after the fixed latency and the
// wall column measures the engine. The parent (core.ts, replayWorker) sends the problems once and
// then asks, one message at a time, to begin a problem, for the ledger, or to close.
import { parentPort, workerData } from "node:worker_threads";
import { startCostReplay, type CostProblem, type CostReplayOptions } from "./replay.ts";

type Request = { id: number; type: "begin"; problem: number; seed: string } | { id: number; type: "ledger" } | { id: number; type: "close" };

const { problems, options } = workerData as { problems: CostProblem[]; options: CostReplayOptions };
const replay = await startCostReplay(options);
const port = parentPort!;
port.on("message", (m: Request) => {
  void (async () => {
    try {
      if (m.type === "begin") {
        replay.begin(problems[m.problem]!, m.seed);
        port.postMessage({ id: m.id });
      } else if (m.type === "ledger") port.postMessage({ id: m.id, ledger: replay.ledger() });
      else {
        await replay.close();
        port.postMessage({ id: m.id });
        port.close();
      }
    } catch (error) {
      port.postMessage({ id: m.id, error: (error as Error).message });
    }
  })();
});
port.postMessage({ id: 0, url: replay.url });
