import { parseCron, resolveSchedule, shiftWeekly } from '../../lib/schedules';

describe('schedules', () => {
  it('parses "minute hour * * days"', () => {
    expect(parseCron('0 20 * * 1-5')).toEqual({
      minute: 0,
      hour: 20,
      days: [1, 2, 3, 4, 5],
      cron: '0 20 * * 1,2,3,4,5',
    });
    expect(parseCron('30 6 * * *')).toMatchObject({ days: [0, 1, 2, 3, 4, 5, 6] });
    expect(parseCron('0 0 * * 7')).toMatchObject({ days: [0] });
  });

  it.each(['0 20 1 * *', '*/5 * * * *', '0 24 * * *', '60 1 * * *', '0 1 * * 8', '0 1 * * 5-1', '0 1 * *'])(
    'refuses %s with the supported form',
    (cron) => expect(parseCron(cron)).toContain('minute hour * * day-of-week'),
  );

  it('a window crossing midnight ends on the next weekday', () => {
    const end = shiftWeekly(parseCron('0 20 * * 1-5') as never, 12 * 60);
    expect(end).toEqual({ minute: 0, hour: 8, days: [2, 3, 4, 5, 6], cron: '0 8 * * 2,3,4,5,6' });
  });

  it('a Saturday window ending Sunday wraps to day 0', () => {
    expect(shiftWeekly(parseCron('0 22 * * 6') as never, 180).days).toEqual([0]);
  });

  it('resolveSchedule fills duration, time zone and the Windows zone for Azure', () => {
    const s = resolveSchedule({
      name: 'peak',
      cron: '0 8 * * 1-5',
      timezone: 'America/New_York',
      minInstances: 4,
      maxInstances: 9,
    });
    expect(s.durationMinutes).toBe(480);
    expect(s.end.hour).toBe(16);
    expect(s.windowsTimezone).toBe('Eastern Standard Time');
  });
});
