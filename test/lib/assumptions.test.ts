import { connectionLimit, defaultMaxConnections } from '../../lib/assumptions';
import { CLOUDS } from '../../lib/constants';
import { DATABASE_SIZES } from '../../lib/sizes';

/*
 * The one default max_connections table every cloud's connection alarm and the planner read
 * (lib/assumptions.ts defaultMaxConnections), with the values worked out from each cloud's
 * published rule.
 */

describe('defaultMaxConnections', () => {
  it.each([
    // Aurora: LEAST(memory bytes / 9,531,392, 5000), floored.
    ['aws', 4, 450],
    ['aws', 16, 1802],
    ['aws', 32, 3604],
    ['aws', 64, 5000],
    // Cloud SQL: the row of the largest memory floor at or below the memory.
    ['gcp', 4, 100],
    ['gcp', 6.5, 200],
    ['gcp', 13, 400],
    ['gcp', 26, 500],
    ['gcp', 52, 600],
    ['gcp', 128, 1000],
    ['gcp', 1, 25],
    // Memory 0 = a tier the size table does not know: the smallest table tier's limit, so alarms fire early.
    ['gcp', 0, 100],
    // Flexible Server: the nearest lower row of Microsoft's table.
    ['azure', 1, 429],
    ['azure', 8, 859],
    ['azure', 16, 1719],
    ['azure', 20, 1719],
    ['azure', 32, 3438],
    ['azure', 128, 5000],
  ] as const)('GIVEN %s with %s GiB WHEN looked up THEN max_connections is %s', (cloud, memory, expected) => {
    expect(defaultMaxConnections(cloud, memory)).toBe(expected);
  });

  it.each(CLOUDS)(
    'GIVEN every %s database size WHEN the planner asks THEN its limit is the same table less the reserved connections',
    (cloud) => {
      for (const row of Object.values(DATABASE_SIZES)) {
        const { memoryGiB } = row[cloud];
        const limit = connectionLimit(cloud, memoryGiB);
        expect(limit.maxConnections).toBe(defaultMaxConnections(cloud, memoryGiB));
        expect(limit.maxConnections - limit.usable).toBe(cloud === 'azure' ? 15 : 3);
      }
    },
  );
});
