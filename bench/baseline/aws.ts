/*
 * Naive baseline for `npm run bench` (not part of the package): the AWS stack started the way
 * `cdk init app --language typescript` projects started it, `ts-node --prefer-ts-exts bin/app.ts`
 * with type checking. The same app as bin/aws.ts: the same stack, every gate.
 */
import { App } from 'aws-cdk-lib';
import { loadSpec, specPathFromEnv } from '../../lib/load';
import { addAwsPolicyGates, assertPolicyClean } from '../../stacks/aws-policy';
import { AwsBlueprintStack, awsAppContext, awsStackEnv } from '../../stacks/aws-stack';

const loaded = loadSpec(specPathFromEnv());
if (!loaded.ok) throw new Error(loaded.problems.join('\n'));
const app = new App({ context: awsAppContext() });
addAwsPolicyGates(app);
const { stackName, env } = awsStackEnv(loaded.spec);
new AwsBlueprintStack(app, stackName, { spec: loaded.spec, env, stackName });
assertPolicyClean(app.synth().directory);
