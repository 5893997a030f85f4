import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { App, Stack } from 'aws-cdk-lib';
import {
  AwsSynthInputError,
  assertZonesCached,
  awsAppContext,
  CDK_CONTEXT_FILE,
  zoneLookupKey,
} from '../../stacks/aws-context';
import { resolved } from '../fixtures';

/* The AWS app's context read without the engine, and the zone-lookup refusal made from it. */

const ACCOUNT = '111111111111';
const lookupSpec = resolved('prod', { accounts: { aws: ACCOUNT }, regions: { aws: 'eu-west-1' } });
const ZONES = ['eu-west-1a', 'eu-west-1b', 'eu-west-1c'];

describe('awsAppContext', () => {
  test('GIVEN a cdk.context.json in the working directory (what `npx cdk synth` caches) WHEN read THEN its lookups join the cdk.json flags', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'aws-context-'));
    const key = 'availability-zones:account=111111111111:region=ap-northeast-1';
    fs.writeFileSync(path.join(dir, CDK_CONTEXT_FILE), JSON.stringify({ [key]: ['ap-northeast-1a'] }));
    const cwd = process.cwd();
    try {
      process.chdir(dir);
      const context = awsAppContext();
      expect(context[key]).toEqual(['ap-northeast-1a']);
      expect(context['@aws-cdk/core:validateAgainstDefaultRules']).toBe(true);
    } finally {
      process.chdir(cwd);
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('zone lookups', () => {
  test.each([
    ['an account and no zone names (looked up)', lookupSpec, `availability-zones:account=${ACCOUNT}:region=eu-west-1`],
    [
      'an account and zone names',
      resolved('prod', { accounts: { aws: ACCOUNT }, network: { zoneNames: { aws: ZONES } } }),
      undefined,
    ],
    ['no account (the zone table)', resolved('prod'), undefined],
  ] as const)('GIVEN %s WHEN the lookup key is asked THEN it is %s', (_name, spec, key) => {
    expect(zoneLookupKey(spec)).toBe(key);
  });

  test("GIVEN the key zoneLookupKey names WHEN CDK's own stack reads its zones THEN that cached answer is used and nothing is reported missing", () => {
    const key = zoneLookupKey(lookupSpec) as string;
    const app = new App({ context: { [key]: ZONES }, builtinCloudFormationValidation: false });
    const stack = new Stack(app, 'Zones', { env: { account: ACCOUNT, region: 'eu-west-1' } });
    expect(stack.availabilityZones).toEqual(ZONES);
    expect(app.synth().manifest.missing ?? []).toEqual([]);
    // Without it, CDK reports the same key missing: the key is CDK's, not only a string of ours.
    const bare = new App({ builtinCloudFormationValidation: false });
    new Stack(bare, 'Zones', { env: { account: ACCOUNT, region: 'eu-west-1' } }).availabilityZones;
    expect((bare.synth().manifest.missing ?? []).map((m) => m.key)).toEqual([key]);
  });

  test('GIVEN no cached answer WHEN a synth is asked for THEN one line says how to get the zones; with the answer, or with zone names, nothing is refused', () => {
    expect(() => assertZonesCached(lookupSpec, {})).toThrow(AwsSynthInputError);
    expect(() => assertZonesCached(lookupSpec, {})).toThrow(
      /^network\.zoneNames\.aws: the availability zones of account 111111111111 in eu-west-1 are not cached; run `npx cdk synth` once .* or set network\.zoneNames\.aws$/,
    );
    expect(() => assertZonesCached(lookupSpec, { [zoneLookupKey(lookupSpec) as string]: ZONES })).not.toThrow();
    expect(() => assertZonesCached(resolved('prod'), {})).not.toThrow();
  });
});
