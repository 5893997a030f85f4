#!/usr/bin/env node
/*
 * The cdk.json app: `npx cdk synth` / `cdk deploy`. Reads the spec from BLUEPRINT_SPEC (default:
 * the example spec), prints every problem of an invalid spec on its own line and exits 1
 * without a stack trace; otherwise synthesizes the AWS stack with the policy gates on.
 */
// First: the process-wide V8 flags and the code cache cover every module loaded after it.
import './one-shot';
import { App } from 'aws-cdk-lib';
import { loadSpec, specPathFromEnv } from '../lib/load';
import { addAwsPolicyGates, formatFindings, policyFindings } from '../stacks/aws-policy';
import { AwsBlueprintStack, awsAppContext, awsStackEnv } from '../stacks/aws-stack';

const loaded = loadSpec(specPathFromEnv());
if (!loaded.ok) {
  for (const problem of loaded.problems) process.stderr.write(`${problem}\n`);
  process.exit(1);
}
const { spec } = loaded;
// The CLI passes cdk.json's context too; reading it here keeps a bare `node dist/bin/aws.js` the same.
const app = new App({ context: awsAppContext() });
addAwsPolicyGates(app);
const { stackName, env } = awsStackEnv(spec);
new AwsBlueprintStack(app, stackName, { spec, env, stackName });
const assembly = app.synth();
// A context lookup is pending (the account's zones): the CDK CLI performs it and runs this app
// again; the template of this pass holds placeholders, so it is not checked.
if ((assembly.manifest.missing ?? []).length > 0) process.exit(0);
const findings = policyFindings(assembly.directory);
if (findings.length > 0) {
  process.stderr.write(`${findings.length} unacknowledged policy finding(s):\n`);
  for (const line of formatFindings(findings)) process.stderr.write(`${line}\n`);
  process.exit(1);
}
