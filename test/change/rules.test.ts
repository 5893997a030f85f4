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
