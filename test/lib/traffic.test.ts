import { ASSUMPTIONS } from '../../lib/assumptions';
import { specJsonSchema } from '../../lib/spec';
import { resolveTraffic, TRAFFIC_DEFAULTS } from '../../lib/traffic';
import { formatProblem, validate } from '../../lib/validate';
import { merge, presetSpec } from '../fixtures';

describe('traffic', () => {
  it('GIVEN only the peak WHEN resolved THEN the documented defaults and every assumption fill in', () => {
    const t = resolveTraffic({ peakRequestsPerSecond: 500 });
    expect(t).toMatchObject({ peakRequestsPerSecond: 500, ...TRAFFIC_DEFAULTS });
    expect(t.assumptions.readQueriesPerVcpu).toBe(1000);
    expect(t.assumptions.cacheWorkingSetGiB).toBeUndefined();
  });

  it('GIVEN an assumption override WHEN resolved THEN it replaces the table value and only that one', () => {
    const t = resolveTraffic({ peakRequestsPerSecond: 500, assumptions: { connectionsPerInstance: 4 } });
    expect(t.assumptions.connectionsPerInstance).toBe(4);
    expect(t.assumptions.writeQueriesPerVcpu).toBe(ASSUMPTIONS.writeQueriesPerVcpu.value);
  });

  it('GIVEN every assumption WHEN documented THEN it has a unit and a source or reasoning', () => {
    for (const [key, a] of Object.entries(ASSUMPTIONS)) {
      expect(`${key}: ${a.unit}`).toMatch(/: \S/);
      expect(a.source.length).toBeGreaterThan(40);
    }
  });

  it('GIVEN a bad traffic section WHEN validated THEN each problem names its field, like every spec field', () => {
    const spec = merge(presetSpec('dev'), {
      traffic: {
        peakRequestsPerSecond: -5,
        readShare: 1.5,
        assumptions: { readQueriesPerVcpu: 0, cacheHitRatio: 0.5 },
      },
    } as never);
    const result = validate(spec);
    expect(result.ok).toBe(false);
    const lines = result.ok ? [] : result.problems.map(formatProblem);
    expect(lines).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^traffic\.peakRequestsPerSecond: .*\(given -5\)$/),
        expect.stringMatching(/^traffic\.readShare: .*\(given 1\.5\)$/),
        expect.stringMatching(/^traffic\.assumptions\.readQueriesPerVcpu: .*\(given 0\)$/),
        expect.stringMatching(/^traffic\.assumptions\.cacheHitRatio: unknown field/),
      ]),
    );
  });

  it('GIVEN the JSON Schema WHEN printed THEN every assumption is documented with its unit and default', () => {
    const schema = specJsonSchema() as {
      properties: {
        traffic: { properties: Record<string, { properties?: Record<string, { description?: string }> }> };
      };
    };
    const assumptions = schema.properties.traffic.properties.assumptions?.properties ?? {};
    expect(Object.keys(assumptions).sort()).toEqual(Object.keys(ASSUMPTIONS).sort());
    expect(assumptions.readQueriesPerVcpu?.description).toBe(
      'Indexed point reads one database vCPU serves (queries/s per database vCPU at 100% CPU). @default 1000',
    );
    expect(assumptions.cacheWorkingSetGiB?.description).toMatch(/@default not checked$/);
  });
});
