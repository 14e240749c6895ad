import { describe, expect, it } from "vitest";
import { endpointFor, modelConfigFromEnv, secretsOf, splitBaseUrl, validateModelConfig } from "../../src/model/config.ts";
import { base64Cores, redact } from "../../src/model/redact.ts";
import { ModelConfigError } from "../../src/model/types.ts";

describe("modelConfigFromEnv", () => {
  it("reads the openai variables and ours; flags win", () => {
    const env = { OPENAI_API_KEY: "sk-env", OPENAI_BASE_URL: "https://example.test/v1", SSTAR_MODEL: "m-env", SSTAR_JUDGE_MODEL: "j-env" };
    expect(modelConfigFromEnv(env)).toEqual({ baseUrl: "https://example.test/v1", apiKey: "sk-env", model: "m-env", judge: { model: "j-env" } });
    const c = modelConfigFromEnv(env, { model: "m-flag", concurrency: 3, judge: { model: "j-flag" } });
    expect(c).toMatchObject({ model: "m-flag", concurrency: 3, judge: { model: "j-flag" } });
  });
  it("defaults to the OpenAI API and treats empty strings (unset action inputs) as unset", () => {
    const c = modelConfigFromEnv({ OPENAI_API_KEY: "sk-x", SSTAR_MODEL: "gpt", OPENAI_BASE_URL: "" }, { baseUrl: "" });
    expect(c.baseUrl).toBe("https://api.openai.com/v1");
    expect(c.judge).toBeUndefined();
  });
  it("one clear line for a missing model or key", () => {
    expect(() => modelConfigFromEnv({ OPENAI_API_KEY: "k" })).toThrow(/^no model set: pass --model <name> or set SSTAR_MODEL/);
    expect(() => modelConfigFromEnv({ SSTAR_MODEL: "m" })).toThrow(ModelConfigError);
    expect(() => modelConfigFromEnv({ SSTAR_MODEL: "m" })).toThrow(/no API key for https:\/\/api.openai.com\/v1: set OPENAI_API_KEY/);
  });
  it("a local server needs no key", () => {
    expect(modelConfigFromEnv({ SSTAR_MODEL: "qwen", OPENAI_BASE_URL: "http://localhost:11434/v1" }).apiKey).toBe("none");
    expect(modelConfigFromEnv({ SSTAR_MODEL: "qwen", OPENAI_BASE_URL: "http://127.0.0.1:8000/v1" }).apiKey).toBe("none");
  });
  it("won't send the main key to a judge on another host", () => {
    expect(() =>
      modelConfigFromEnv({ SSTAR_MODEL: "m", OPENAI_API_KEY: "k", SSTAR_JUDGE_BASE_URL: "https://openrouter.ai/api/v1" }),
    ).toThrow(/set SSTAR_JUDGE_API_KEY/);
  });
  it("rejects bad settings by name", () => {
    const base = { baseUrl: "https://x.test/v1", apiKey: "k", model: "m" };
    expect(() => validateModelConfig({ ...base, baseUrl: "not a url" })).toThrow(/^base URL is not a URL/);
    expect(() => validateModelConfig({ ...base, baseUrl: "https://u:SECRET@x.test/v1" })).toThrow(/^base URL must not contain a user name or password/);
    expect(() => validateModelConfig({ ...base, baseUrl: "ftp://x.test/v1" })).toThrow(/^base URL must be an http\(s\) URL/);
    expect(() => validateModelConfig({ ...base, concurrency: 0 })).toThrow(/^concurrency \(--concurrency\) must be an integer >= 1, got 0/);
    expect(() => validateModelConfig({ ...base, temperature: 3 })).toThrow(/^temperature \(--temperature\) must be a number from 0 to 2/);
    expect(() => validateModelConfig({ ...base, budget: { costUsd: 1 } })).toThrow(/a dollar budget \(--budget-usd\) needs the model's prices/);
    expect(() => validateModelConfig({ ...base, offline: true })).toThrow(/offline replay needs a cache directory/);
  });
});

describe("endpoints", () => {
  const config = { baseUrl: "https://main.test/v1", apiKey: "k-main", model: "big", judge: { model: "small" } };
  it("judge stages use the judge settings, field by field", () => {
    expect(endpointFor(config, "generate")).toMatchObject({ role: "main", model: "big", apiKey: "k-main" });
    expect(endpointFor(config, "judge")).toMatchObject({ role: "judge", model: "small", apiKey: "k-main", baseUrl: "https://main.test/v1" });
    expect(endpointFor(config, "synthesize").role).toBe("judge");
    expect(endpointFor({ ...config, judge: undefined }, "judge").role).toBe("main");
  });
  it("keeps an Azure api-version query apart from the base URL", () => {
    expect(splitBaseUrl("https://r.openai.azure.com/openai/deployments/gpt4o/?api-version=2024-10-21", "base URL")).toEqual({
      baseUrl: "https://r.openai.azure.com/openai/deployments/gpt4o",
      query: { "api-version": "2024-10-21" },
    });
  });
});

describe("redact", () => {
  it("masks every secret, longest first, and bearer tokens", () => {
    expect(redact("key sk-abc123 and sk-abc123456", ["sk-abc123", "sk-abc123456"])).toBe("key *** and ***");
    expect(redact("Authorization: Bearer abcdefghijkl", [])).toBe("Authorization: Bearer ***");
    expect(redact("none of it", ["", undefined, "x"])).toBe("none of it");
  });
  it("masks the key URL-encoded (either case), JSON-escaped (once or twice, \\uXXXX), base64 at any alignment, base64url and split across lines", () => {
    const key = "sk-Ab/c+d=eF_gh0123456789xyz";
    const hexUpper = encodeURIComponent(key);
    const forms = [
      hexUpper,
      hexUpper.replace(/%[0-9A-F]{2}/g, (m) => m.toLowerCase()),
      JSON.stringify(key).slice(1, -1).replace(/\//g, "\\/"),
      JSON.stringify(JSON.stringify(key).replace(/\//g, "\\/")),
      [...key].map((c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`).join(""),
      `${key.slice(0, 9)}\n    ${key.slice(9)}`,
      `${key.slice(0, 9)}\\n${key.slice(9)}`,
      Buffer.from(key).toString("base64"),
      Buffer.from(key).toString("base64url"),
    ];
    for (const form of forms) expect(redact(`<${form}>`, [key]), form).not.toMatch(/0123456789|MDEyMzQ1Njc4/);
    for (let k = 0; k < 3; k++) {
      const blob = Buffer.from(`${"u".repeat(k)}:${key}:tail`).toString("base64");
      expect(redact(blob, [key])).toContain("***");
      expect(redact(blob, [key])).not.toContain(Buffer.from(key).toString("base64").slice(8, 24));
    }
    expect(base64Cores("abc")).toEqual([]); // too short to mask without hiding ordinary words
    expect(redact("an ordinary sentence with sk and Ab", [key])).toBe("an ordinary sentence with sk and Ab");
  });
  it("a key that can't be a header value is a configuration error that never shows it", () => {
    const base = { baseUrl: "https://x.test/v1", model: "m" };
    for (const [apiKey, why] of [["sk-a\nb-secretpart", /holds a control character/], ["sk-a b-secretpart", /holds whitespace inside it/], ["sk-\u00e9\u4e2d-secretpart", /outside Latin-1/]] as const) {
      const thrown = (() => {
        try {
          validateModelConfig({ ...base, apiKey });
        } catch (e) {
          return e as Error;
        }
        return undefined;
      })();
      expect(thrown).toBeInstanceOf(ModelConfigError);
      expect(thrown?.message).toMatch(why);
      expect(thrown?.message).toMatch(/^the API key \(OPENAI_API_KEY; action input api-key\)/);
      expect(thrown?.message).not.toContain("secretpart");
    }
    expect(() => validateModelConfig({ ...base, apiKey: "k", judge: { apiKey: "j\tk" } })).toThrow(/^the judge's API key \(SSTAR_JUDGE_API_KEY/);
    expect(() => validateModelConfig({ ...base, apiKey: "k", headers: { "X-Title": "my app" } })).not.toThrow();
    expect(() => validateModelConfig({ ...base, apiKey: "k", headers: { "X-Title": "a\r\nInjected: 1" } })).toThrow(/header "X-Title" holds a control character/);
    expect(() => modelConfigFromEnv({ SSTAR_MODEL: "m", OPENAI_API_KEY: "sk-one\nsk-two" })).toThrow(ModelConfigError);
  });
  it("secrets include the judge key and key-like headers", () => {
    const s = secretsOf({ baseUrl: "https://x/v1", apiKey: "main-key", model: "m", judge: { apiKey: "judge-key" }, headers: { "api-key": "azure-key", "X-Title": "sstar" } });
    expect(s).toEqual(["main-key", "judge-key", "azure-key"]);
  });
});
