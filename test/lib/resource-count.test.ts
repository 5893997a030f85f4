import { App } from 'aws-cdk-lib';
import type { ResolvedSpec } from '../../lib/resolve';
import { AWS_RESOURCE_LIMIT, awsResourceEstimate } from '../../lib/resource-count';
import { AwsBlueprintStack } from '../../stacks/aws-stack';
import { resolved } from '../fixtures';

/*
 * The validation estimate of the AWS stack's size against the real template, across every
 * dimension the estimate scales with: it must never be below the real count (validation would
 * let a too-large spec through) and never far above it (it would refuse specs that fit).
 */

const MARGIN = 12;

function realCount(spec: ResolvedSpec): number {
  // Gates and the built-in validation are off (the App prop: the context flag only softens errors): only the template's size matters here.
  const app = new App({
    context: { '@aws-cdk/core:stackResourceLimit': 0 },
    builtinCloudFormationValidation: false,
  });
  const stack = new AwsBlueprintStack(app, 'count', { spec, env: { region: spec.regions.aws } });
  return Object.keys(app.synth().getStackByName(stack.stackName).template.Resources ?? {}).length;
}

function estimate(spec: ResolvedSpec): number {
  return awsResourceEstimate({
    isProd: spec.isProd,
    zones: spec.network.zones,
    databaseShards: spec.database.shards.length,
    readReplicas: spec.database.readReplicas,
    highAvailability: spec.database.highAvailability,
    connectionPooling: spec.database.connectionPooling,
    cacheShards: spec.cache.shards,
    schedules: spec.compute.schedules.length,
    cdn: spec.cdn.enabled,
  }).total;
}

const schedules = (n: number) =>
  Array.from({ length: n }, (_, i) => ({ name: `w${i}`, cron: '0 8 * * 1-5', minInstances: 1, maxInstances: 4 }));

const cases: Array<[string, ResolvedSpec]> = [
  ['dev preset', resolved('dev')],
  ['staging preset', resolved('staging')],
  ['prod preset', resolved('prod')],
  ['the example', resolved('example')],
  ['prod, 2 zones', resolved('prod', { network: { zones: 2 } })],
  ['dev, 3 zones', resolved('dev', { network: { zones: 3 } })],
  ['4 shards x 5 replicas', resolved('prod', { database: { shards: 4, readReplicas: 5 } })],
  [
    'no pooling, no HA, no replicas',
    resolved('prod', { database: { connectionPooling: false, highAvailability: false, readReplicas: 0 } }),
  ],
  ['10 cache shards', resolved('prod', { cache: { shards: 10 } })],
  ['dev, medium database, 3 shards', resolved('dev', { database: { size: 'medium', shards: 3 } })],
  ['dev, small database (Aurora Serverless v2, app login too), 3 shards', resolved('dev', { database: { shards: 3 } })],
  [
    'CDN and 5 schedules',
    resolved('prod', { cdn: { enabled: true }, compute: { scaling: { schedules: schedules(5) } } }),
  ],
];

describe('AWS resource estimate', () => {
  it.each(cases)('%s: within [real, real + margin]', (_name, spec) => {
    const real = realCount(spec);
    const guess = estimate(spec);
    expect(guess).toBeGreaterThanOrEqual(real);
    expect(guess).toBeLessThanOrEqual(real + MARGIN);
  });

  it('GIVEN 16 shards x 15 replicas THEN the estimate is over the CloudFormation limit, naming database.shards', () => {
    const e = awsResourceEstimate({
      isProd: true,
      zones: 3,
      databaseShards: 16,
      readReplicas: 15,
      highAvailability: true,
      connectionPooling: true,
      cacheShards: 1,
      schedules: 0,
      cdn: false,
    });
    expect(e.total).toBeGreaterThan(AWS_RESOURCE_LIMIT);
    expect(e.largest.field).toBe('database.shards');
    expect(e.fields.slice(0, 2)).toEqual(['database.shards', 'database.readReplicas']);
  });
});
