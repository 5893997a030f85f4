#!/usr/bin/env node
// The gates check the team's own resources too: an unencrypted, unlogged bucket fails the synth.
import * as assert from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as cdk from 'aws-cdk-lib/core';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { synthWithPolicyGates } from 'scaling-blueprint/aws';

const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'gates-'));
const app = new cdk.App({ outdir });
const stack = new cdk.Stack(app, 'TeamStack', { env: { region: 'us-east-1' } });
new s3.Bucket(stack, 'Careless');
// Errors stop aws-cdk-lib's own synth (its report names TeamStack/Careless); warnings stop synthWithPolicyGates.
assert.throws(() => synthWithPolicyGates(app), /Validation failed|unacknowledged policy finding/);
fs.rmSync(outdir, { recursive: true, force: true });
console.log('consumer-aws: the policy gates refuse the team\'s own non-compliant bucket');
