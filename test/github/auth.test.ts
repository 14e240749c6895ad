// The push credential travels as an HTTP header from the git process's environment: this checks
// on the wire (a local HTTP server standing in for the git host) that it is sent, sent once even
// when actions/checkout persisted its own header, and never put in the URL.
import { createServer, type IncomingHttpHeaders } from "node:http";
import type { AddressInfo } from "node:net";
import { rm } from "node:fs/promises";
import { afterAll, describe, expect, it } from "vitest";
import { GitCommandManager } from "../../src/github/git.ts";
import { makeRepoPair, type RepoPair } from "./helpers.ts";

const pairs: RepoPair[] = [];
afterAll(async () => {
  for (const p of pairs) await rm(p.root, { recursive: true, force: true });
});

describe("git credentials", () => {
  it("sends the token as one Authorization header, not in the URL, replacing a persisted one", async () => {
    const seen: { url: string; headers: IncomingHttpHeaders; raw: string[] }[] = [];
    const server = createServer((req, res) => {
      seen.push({ url: req.url ?? "", headers: req.headers, raw: req.rawHeaders });
      res.writeHead(404);
      res.end();
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      const p = await makeRepoPair();
      pairs.push(p);
      await p.git(["remote", "set-url", "origin", `${origin}/octo/katas.git`]);
      await p.git(["config", "--local", `http.${origin}/.extraheader`, "AUTHORIZATION: basic T0xEOm9sZA=="]);
      const masked: string[] = [];
      const git = await GitCommandManager.open(p.work, { auth: { token: "ghs_wireTOKEN", serverUrl: origin }, mask: (s) => masked.push(s) });
      await expect(git.remoteBranchSha("main")).rejects.toThrow(/git ls-remote failed/);
      expect(seen.length).toBeGreaterThan(0);
      const basic = Buffer.from("x-access-token:ghs_wireTOKEN").toString("base64");
      expect(masked).toEqual([basic]);
      for (const request of seen) {
        expect(request.url).not.toContain("ghs_wireTOKEN");
        const auth = request.raw.filter((_, i) => i % 2 === 0 && request.raw[i]!.toLowerCase() === "authorization");
        expect(auth).toHaveLength(1);
        expect(request.headers.authorization).toBe(`basic ${basic}`);
      }
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});
