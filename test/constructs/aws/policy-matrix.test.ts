import { grownSpec, resolved } from '../../fixtures';
import { parityMatrix } from '../../parity/matrix';
import { synthToFiles } from '../../support/outputs';

/*
 * The policy gates on every spec shape the output suites synthesize. Parity, safety, boot, cost
 * and diagram tests read synthesized files without the gates (the gates do not change them);
 * they used to run the gates on each of these specs in passing, so the gates run here, once per
 * spec and source tree (test/support/synth-cache.ts). policy.test.ts covers the example, dev,
 * staging, CDN without HTTPS and an ECR image; aws-stack.test.ts the prod preset.
 */

const COVERED_ELSEWHERE = new Set(['dev', 'staging', 'prod', 'example']);

const specs = [
  ...parityMatrix()
    .filter((m) => !COVERED_ELSEWHERE.has(m.id))
    .map((m) => [`parity matrix "${m.id}"`, m.spec] as const),
  // test/lib/cost.test.ts "grown": clustered cache, two shards with readers, Spot, CDN without WAF, no pooling.
  ['cost "grown"', grownSpec()],
  // test/lib/diagram.test.ts "grown": two database shards with 3 replicas each, a clustered cache.
  [
    'diagram "grown"',
    resolved('prod', { database: { shards: 2, readReplicas: 3 }, cache: { shards: 2, replicasPerShard: 2 } }),
  ],
  // test/boot/boot-scripts.test.ts "dev": another port and app environment.
  ['boot "dev"', resolved('dev', { compute: { port: 9000, app: { env: { LOG_LEVEL: 'debug' } } } })],
] as const;

describe('AWS policy gates on the output suites’ specs', () => {
  test.each(specs)(
    'GIVEN the %s spec WHEN synthesized with all gates THEN no finding is left unacknowledged',
    (_name, spec) => {
      // synthAws refuses (throws, listing them) any unacknowledged finding.
      const out = synthToFiles(spec, ['aws'], { checks: true });
      expect(Object.keys(out.aws?.Resources ?? {}).length).toBeGreaterThan(50);
    },
  );

  test('GIVEN a spec WHEN synthesized with and without the gates THEN the template is the same (the scan and the output suites read the ungated one)', () => {
    const [, spec] = specs[specs.length - 1] as (typeof specs)[number];
    expect(synthToFiles(spec, ['aws']).aws).toEqual(synthToFiles(spec, ['aws'], { checks: true }).aws);
  });
});
