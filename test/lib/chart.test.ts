import { capacityChart } from '../../lib/chart';
import { planReport } from '../../lib/plan';
import { resolveTraffic } from '../../lib/traffic';
import { resolved } from '../fixtures';

describe('capacity chart', () => {
  const spec = resolved('example');
  const report = planReport(spec, resolveTraffic({ peakRequestsPerSecond: 2000 }));
  const svg = capacityChart(spec, report);

  it('GIVEN the example at 2,000 req/s WHEN charted THEN one line per traffic-driven tier per cloud and one ring per cloud', () => {
    const linear = report.capacity.filter((t) => t.saturatesAtRps !== null).length;
    const legend = new Set(report.capacity.filter((t) => t.saturatesAtRps !== null).map((t) => t.tier)).size;
    expect(svg.match(/class="tier"/g)).toHaveLength(linear + legend);
    expect(svg.match(/class="first"/g)).toHaveLength(3);
    expect(svg).toContain('AWS: database writes per shard saturates first, at 1,400 req/s');
    expect(svg).toContain('peak 2,000 req/s');
  });

  it('GIVEN tiers that do not grow with traffic WHEN charted THEN they are listed under the panel, not drawn', () => {
    expect(svg).toContain('not driven by requests/s: database connections per writer 120 / pooled');
  });

  it('GIVEN the same plan WHEN charted twice THEN the SVG is identical (safe to commit and diff)', () => {
    expect(capacityChart(spec, report)).toBe(svg);
  });
});
