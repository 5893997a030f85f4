import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
// The default import is node's own module object, which the library's named import reads.
import v8 from 'node:v8';
import { App, Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { acknowledge, GUARD } from '../../../constructs/aws/policy';
import {
  acknowledgements,
  addAwsPolicyGates,
  applicableGuardRules,
  assertPolicyClean,
  controlTowerRules,
  policyFindings,
  suppressedFindings,
  useBaselineWasmCompiler,
  useOneShotSynthSettings,
  useSerialGcMarking,
} from '../../../stacks/aws-policy';
import { AwsBlueprintStack, awsAppContext } from '../../../stacks/aws-stack';
import { resolved } from '../../fixtures';
import { gatedAwsSynth } from '../../support/gated';

/* The policy gates: cdk-nag AwsSolutions, Control Tower guard rules, built-in validation. */

const out = fs.mkdtempSync(path.join(os.tmpdir(), 'aws-policy-test-'));
afterAll(() => fs.rmSync(out, { recursive: true, force: true }));

const guardRuleNames = () =>
  new Set(
    controlTowerRules().flatMap((r) =>
      [...fs.readFileSync(r.file, 'utf8').matchAll(/^rule ([a-z0-9_]+) when is_cfn_template/gm)].map((m) => m[1]),
    ),
  );

describe('AWS policy gates', () => {
  test.each([
    ['example (https, WAF, CDN, Spot, schedule)', resolved('example')],
    ['dev', resolved('dev')],
    ['staging', resolved('staging')],
    ['CDN without https', resolved('staging', { cdn: { enabled: true } })],
    [
      'ECR image (private registry pull)',
      resolved('dev', { compute: { app: { image: '123456789012.dkr.ecr.us-east-1.amazonaws.com/acme/api:1.4.2' } } }),
    ],
  ] as const)(
    'GIVEN the %s spec WHEN synthesized with all gates THEN no finding is left unacknowledged',
    (_name, spec) => {
      // synthAws with the gates, once per spec and source tree (test/support/gated.ts).
      const synth = gatedAwsSynth(spec);
      expect(synth.findings).toEqual([]);
      expect(Object.keys(synth.suppressed)).toContain('cdk-validator-cfnguard');
    },
  );

  test('GIVEN an unacknowledged finding WHEN synthesized THEN assertPolicyClean refuses it and names the resource', () => {
    const dir = path.join(out, 'refused');
    const app = new App({ context: awsAppContext(), outdir: dir });
    addAwsPolicyGates(app);
    const stack = new AwsBlueprintStack(app, 'shop-api-dev', { spec: resolved('dev'), env: { region: 'us-east-1' } });
    stack.databases[0]?.securityGroup.addIngressRule(ec2.Peer.anyIpv4(), ec2.Port.tcp(5432), 'open to the world');
    try {
      app.synth();
    } catch {
      // In tests aws-cdk-lib throws on error-level findings itself; the report is written first.
    }
    expect(() => assertPolicyClean(dir)).toThrow(/unacknowledged policy finding/);
    expect(policyFindings(dir).some((f) => f.constructPath.includes('Database/SecurityGroup'))).toBe(true);
  });

  test('GIVEN every acknowledgement in the example stack WHEN listed THEN each names a real rule and a specific reason', () => {
    const app = new App({ context: awsAppContext(), builtinCloudFormationValidation: false });
    new AwsBlueprintStack(app, 'shop-api-prod', { spec: resolved('example'), env: { region: 'us-east-1' } });
    const names = guardRuleNames();
    const acks = acknowledgements(app);
    expect(acks.length).toBeGreaterThan(10);
    for (const ack of acks) {
      // aws-cdk-lib acknowledges one built-in finding itself (W3010 on the explicit zones).
      if (ack.id.startsWith('CloudFormation-Validate::')) continue;
      expect(ack.id).toMatch(/^(AwsSolutions-[A-Z0-9]+(\[.+\])?|cdk-validator-cfnguard::[a-z0-9_]+)$/);
      if (ack.id.startsWith(GUARD)) expect(names.has(ack.id.slice(GUARD.length))).toBe(true);
      expect(ack.reason.length).toBeGreaterThan(40);
    }
  });

  test('GIVEN a platform team app WHEN the gates are added THEN no process-wide V8 flag is touched; only the one-shot entry points set it', () => {
    // Recorded, not applied: a V8 flag stays set for every later test file of this jest worker.
    const spy = jest.spyOn(v8, 'setFlagsFromString').mockImplementation(() => undefined);
    try {
      addAwsPolicyGates(new App({ context: awsAppContext() }));
      expect(spy).not.toHaveBeenCalled();
      useBaselineWasmCompiler();
      expect(spy.mock.calls).toEqual([['--liftoff-only']]);
      useSerialGcMarking();
      expect(spy.mock.calls).toEqual([['--liftoff-only'], ['--no-concurrent-marking']]);
      spy.mockClear();
      useOneShotSynthSettings();
      expect(spy.mock.calls).toEqual([['--liftoff-only'], ['--no-concurrent-marking']]);
    } finally {
      spy.mockRestore();
    }
  });

  test('GIVEN resource types WHEN choosing guard rules THEN only rules about present types run, plus header-less ones', () => {
    const all = controlTowerRules();
    expect(all.length).toBeGreaterThan(200);
    const s3Only = applicableGuardRules(new Set(['AWS::S3::Bucket']));
    expect(s3Only.length).toBeLessThan(all.length / 4);
    expect(s3Only.some((r) => r.file.endsWith('ct-s3-pr-1.guard'))).toBe(true);
    expect(s3Only.some((r) => r.file.endsWith('ct-rds-pr-1.guard'))).toBe(false);
  });

  test('GIVEN acknowledge() WHEN used on a bucket THEN the guard finding moves to the suppressed list with its reason', () => {
    const dir = path.join(out, 'bucket');
    const app = new App({ context: awsAppContext(), outdir: dir });
    addAwsPolicyGates(app);
    const stack = new Stack(app, 'B', { env: { region: 'us-east-1' } });
    const bucket = new s3.Bucket(stack, 'Bucket', { enforceSSL: true });
    acknowledge(bucket, {
      [`${GUARD}s3_bucket_object_lock_enabled_check`]: 'Only for this test: lifecycle expiry is needed.',
    });
    try {
      app.synth();
    } catch {
      // other findings on this bare bucket are expected
    }
    const findings = policyFindings(dir).map((f) => f.rule);
    expect(findings).not.toContain('s3_bucket_object_lock_enabled_check');
    expect(findings).toContain('s3_bucket_versioning_enabled_check');
    expect(suppressedFindings(dir)['cdk-validator-cfnguard']).toBe(1);
  });
});
