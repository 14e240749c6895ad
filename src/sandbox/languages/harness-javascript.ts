// The JavaScript function-call harness: node harness.js SOLUTION NAME; stdin: JSON array of arguments;
// fd 4: JSON of the return value. The program's console output goes to stderr.
export const JAVASCRIPT_HARNESS = String.raw`
"use strict";
const fs = require("fs");
const vm = require("vm");
const [solution, name] = process.argv.slice(2);
const input = fs.readFileSync(0, "utf8");
const log = (...a) => process.stderr.write(a.map(String).join(" ") + "\n");
console.log = log; console.info = log; console.debug = log;
process.stdout.write = (chunk, enc, cb) => process.stderr.write(chunk, enc, cb);

function jsonable(v, depth = 0) {
  if (depth > 200) return String(v);
  if (v === undefined || v === null) return null;
  if (typeof v === "number") return Number.isFinite(v) ? v : String(v);
  if (typeof v === "bigint") return v.toString();
  if (typeof v === "string" || typeof v === "boolean") return v;
  if (Array.isArray(v) || ArrayBuffer.isView(v)) return Array.from(v, (x) => jsonable(x, depth + 1));
  if (v instanceof Set) return Array.from(v, (x) => jsonable(x, depth + 1));
  if (v instanceof Map) return Object.fromEntries(Array.from(v, ([k, x]) => [String(k), jsonable(x, depth + 1)]));
  if (typeof v === "object") return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, jsonable(x, depth + 1)]));
  return String(v);
}

globalThis.module = { exports: {} };
globalThis.exports = globalThis.module.exports;
globalThis.require = require;
const source = fs.readFileSync(solution, "utf8");
vm.runInThisContext(source, { filename: solution });
let fn = vm.runInThisContext("typeof " + name + " !== 'undefined' ? " + name + " : undefined");
const exported = globalThis.module.exports;
if (typeof fn !== "function" && exported && typeof exported[name] === "function") fn = exported[name];
if (typeof fn !== "function" && typeof exported === "function" && (exported.name === name || !exported.name)) fn = exported;
if (typeof fn !== "function") {
  const Sol = vm.runInThisContext("typeof Solution !== 'undefined' ? Solution : undefined");
  if (typeof Sol === "function" && typeof Sol.prototype[name] === "function") {
    const inst = new Sol();
    fn = inst[name].bind(inst);
  }
}
if (typeof fn !== "function") {
  process.stderr.write("sstar harness: the program defines no function named " + name + "\n");
  process.exit(1);
}
const args = JSON.parse(input);
if (!Array.isArray(args)) { process.stderr.write("sstar harness: the input must be a JSON array of arguments\n"); process.exit(1); }
Promise.resolve(fn(...args)).then((value) => {
  const text = JSON.stringify(jsonable(value));
  const buf = Buffer.from(text === undefined ? "null" : text, "utf8");
  for (let off = 0; off < buf.length; ) off += fs.writeSync(4, buf, off);
});
`;
