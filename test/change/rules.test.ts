import { buildReport } from '../../lib/change/report';
import type { CfnTemplate, Change, Side } from '../../lib/change/types';
import { planCloudFormation } from '../../stacks/change-aws';
import { resolved } from '../fixtures';

/*
 * Spec-level rules: they read both resolved specs, so they apply to a spec-to-spec diff and are
 * reported as unchecked when the old side is a synth directory (no spec).
 */

const distribution: CfnTemplate = {
  Resources: { Cdn: { Type: 'AWS::CloudFront::Distribution', Properties: { DistributionConfig: { Enabled: true } } } },
};
const aws = (old: Side, neu: Side): Change[] =>
  buildReport(old, neu, ['aws'], planCloudFormation).clouds.aws?.changes ?? [];

describe('cdn.lockOrigin turned on with the CDN', () => {
  const off = resolved('staging');
  const on = (lockOrigin: boolean) => resolved('staging', { cdn: { enabled: true, lockOrigin } });

  test('GIVEN both specs and lockOrigin: true THEN the new distribution needs attention (downtime until DNS moves)', () => {
    const [c] = aws(
      { outputs: { aws: { Resources: {} } }, spec: off },
      { outputs: { aws: distribution }, spec: on(true) },
    );
    expect(c).toMatchObject({ resource: 'Cdn', action: 'create', risk: 'downtime', rules: ['spec-cdn-lock'] });
    expect(c?.advice).toContain('cdn.lockOrigin: false');
  });

  test('GIVEN lockOrigin: false (the two-phase path) THEN creating the CDN is safe', () => {
    const [c] = aws(
      { outputs: { aws: { Resources: {} } }, spec: off },
      { outputs: { aws: distribution }, spec: on(false) },
    );
    expect(c).toMatchObject({ action: 'create', risk: 'none', rules: [] });
  });

  test('GIVEN no old spec (a synth directory) THEN the rule is not applied and a note says so', () => {
    const report = buildReport(
      { outputs: { aws: { Resources: {} } } },
      { outputs: { aws: distribution }, spec: on(true) },
      ['aws'],
      planCloudFormation,
    );
    expect(report.clouds.aws?.changes[0]?.risk).toBe('none');
    expect(report.clouds.aws?.notes.join(' ')).toContain('spec-level rules not checked');
  });
});

describe('cache.revision advice', () => {
  const group = (id: string, shards: number): CfnTemplate => ({
    Resources: {
      Cache: {
        Type: 'AWS::ElastiCache::ReplicationGroup',
        Properties: {
          ReplicationGroupId: id,
          ReplicationGroupDescription: 'cache',
          NumNodeGroups: shards,
          ...(shards > 1 ? { ClusterMode: 'enabled' } : {}),
        },
      },
    },
  });

  test('GIVEN a synth directory (no spec) whose cache is at revision 2 THEN a failing re-creation advises revision 3', () => {
    const [c] = aws({ outputs: { aws: group('app-redis-r2', 1) } }, { outputs: { aws: group('app-redis-r2', 4) } });
    expect(c).toMatchObject({ action: 'fails', rules: ['aws-custom-name', 'cache-revision'] });
    expect(c?.advice).toContain('set cache.revision: 3 in the same change');
  });

  test('GIVEN the revision raised with it THEN a replacement, new cache first, risk data-loss (a cold cache)', () => {
    const [c] = aws({ outputs: { aws: group('app-redis-r2', 1) } }, { outputs: { aws: group('app-redis-r3', 4) } });
    expect(c).toMatchObject({ action: 'replace', risk: 'data-loss', rules: ['cache-revision'] });
    expect(c?.reason).toContain(
      'cache.revision 2 → 3 names it app-redis-r3: the new cache is created before the old one',
    );
  });
});
