// The CLI of a GCP-only install, asked for AWS: one line naming what to install, exit 1.
const assert = require("assert");
const { spawnSync } = require("child_process");
const fs = require("fs");
const os = require("os");
const path = require("path");

const spec = path.join(os.tmpdir(), `aws-spec-${process.pid}.yaml`);
fs.writeFileSync(spec, fs.readFileSync("spec.yaml", "utf8").replace("clouds: [gcp]", "clouds: [aws]"));
const out = fs.mkdtempSync(path.join(os.tmpdir(), "synth-"));
const r = spawnSync("npx", ["--no-install", "blueprint", "synth", "--spec", spec, "--out", out], { encoding: "utf8" });
fs.rmSync(spec);
fs.rmSync(out, { recursive: true, force: true });
assert.strictEqual(r.status, 1, r.stderr);
const lines = r.stderr.trim().split("\n");
assert.strictEqual(lines.length, 1, r.stderr);
assert.match(lines[0], /the AWS back end needs aws-cdk-lib, which is not installed: npm install aws-cdk-lib constructs cdk-nag @cdklabs\/cdk-validator-cfnguard/);
console.log(`consumer-gcp: ${lines[0]}`);
