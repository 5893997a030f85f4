import { DRAIN_SECONDS, hh, LB_HEALTH_CHECK, SLOW_QUERY_MS, WAF_RATE_LIMIT, WINDOWS } from '../../lib/operations';

describe('shared operational defaults', () => {
  it('backups, cache snapshots, database and cache maintenance each get their own hour', () => {
    const hours = [WINDOWS.backupHour, WINDOWS.cacheSnapshotHour, WINDOWS.database.hour, WINDOWS.cache.hour];
    expect(new Set(hours).size).toBe(hours.length);
    expect(WINDOWS.backupHour).toBeLessThan(WINDOWS.database.hour);
  });

  it('formats hours of the day, wrapping midnight', () => {
    expect(hh(2)).toBe('02:00');
    expect(hh(24)).toBe('00:00');
  });

  it('slow-query and rate limits are positive', () => {
    expect(SLOW_QUERY_MS).toBe(1000);
    expect(WAF_RATE_LIMIT).toEqual({ requests: 2000, windowSeconds: 300 });
  });

  it('a probe times out before the next one starts, and draining outlasts the probe window', () => {
    expect(LB_HEALTH_CHECK.timeoutSeconds).toBeLessThan(LB_HEALTH_CHECK.intervalSeconds);
    expect(DRAIN_SECONDS).toBeGreaterThanOrEqual(LB_HEALTH_CHECK.intervalSeconds * LB_HEALTH_CHECK.unhealthyThreshold);
  });
});
