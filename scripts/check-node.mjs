// The action runs on Node 24; the test command must run on it too (the `node` dev dependency
// puts a Node 24 binary first on npm scripts' PATH even where the machine has an older one).
const major = Number(process.versions.node.split(".")[0]);
if (major < 24) {
  console.error(`tests need Node 24 or newer, found ${process.version}: run them through npm (npm test), which uses the node dev dependency`);
  process.exit(1);
}
console.log(`node ${process.version}`);
