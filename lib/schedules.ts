import { SCHEDULE_TIME_ZONES } from './constants';

/*
 * Scaling schedules are windows: from `cron` for `durationMinutes` the group uses the
 * window's bounds, then the base bounds return. Every cloud can express a start time as
 * "minute hour on these weekdays" (Azure recurrences cannot do more), so the cron is limited
 * to that form and the end of the window is computed here, once, for all clouds.
 */

/** A point in the week: weekdays (0 = Sunday) at one time of day. */
export interface WeeklyTime {
  readonly minute: number;
  readonly hour: number;
  /** Days of week, 0 = Sunday .. 6 = Saturday, sorted, unique. */
  readonly days: readonly number[];
  /** The same time as a five-field cron ("m h * * d,d"). */
  readonly cron: string;
}

/** A schedule with its start and end resolved. */
export interface ResolvedSchedule {
  readonly name: string;
  readonly start: WeeklyTime;
  readonly end: WeeklyTime;
  readonly durationMinutes: number;
  /** IANA zone (AWS, GCP). */
  readonly timezone: string;
  /** Windows zone id (Azure). */
  readonly windowsTimezone: string;
  readonly minInstances: number;
  readonly maxInstances: number;
}

export const DAY_NAMES = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'] as const;

function parseNumber(field: string, min: number, max: number): number | undefined {
  if (!/^\d{1,2}$/.test(field)) return undefined;
  const n = Number(field);
  return n >= min && n <= max ? n : undefined;
}

function parseDays(field: string): number[] | undefined {
  if (field === '*') return [0, 1, 2, 3, 4, 5, 6];
  const days = new Set<number>();
  for (const part of field.split(',')) {
    const range = /^(\d)(?:-(\d))?$/.exec(part);
    if (!range) return undefined;
    const from = Number(range[1]);
    const to = range[2] === undefined ? from : Number(range[2]);
    if (from > 7 || to > 7 || to < from) return undefined;
    for (let d = from; d <= to; d++) days.add(d % 7);
  }
  return [...days].sort((a, b) => a - b);
}

function weekly(minute: number, hour: number, days: readonly number[]): WeeklyTime {
  return { minute, hour, days, cron: `${minute} ${hour} * * ${days.join(',')}` };
}

/** What is wrong with a schedule cron, or undefined when it has the supported form. */
export function cronProblem(cron: string): string | undefined {
  const parsed = parseCron(cron);
  return typeof parsed === 'string' ? parsed : undefined;
}

/** Parses "minute hour * * day-of-week"; returns a message when it is not that form. */
export function parseCron(cron: string): WeeklyTime | string {
  const fields = cron.trim().split(/\s+/);
  const allowed =
    '"minute hour * * day-of-week" with one minute (0-59), one hour (0-23) and days 0-7 as *, lists or ranges';
  if (fields.length !== 5) return allowed;
  const [m, h, dom, month, dow] = fields as [string, string, string, string, string];
  const minute = parseNumber(m, 0, 59);
  const hour = parseNumber(h, 0, 23);
  const days = parseDays(dow);
  if (minute === undefined || hour === undefined || dom !== '*' || month !== '*' || days === undefined) return allowed;
  return weekly(minute, hour, days);
}

/** Moves a weekly time forward by `minutes`, shifting weekdays across midnight. */
export function shiftWeekly(start: WeeklyTime, minutes: number): WeeklyTime {
  const total = start.hour * 60 + start.minute + minutes;
  const dayShift = Math.floor(total / (24 * 60));
  const inDay = total % (24 * 60);
  const days = [...new Set(start.days.map((d) => (d + dayShift) % 7))].sort((a, b) => a - b);
  return weekly(inDay % 60, Math.floor(inDay / 60), days);
}

/** Default window length when a schedule does not give one. */
export const DEFAULT_SCHEDULE_MINUTES = 480;

/** Resolves one schedule; the cron must already be valid. */
export function resolveSchedule(s: {
  name: string;
  cron: string;
  durationMinutes?: number | undefined;
  timezone?: string | undefined;
  minInstances: number;
  maxInstances: number;
}): ResolvedSchedule {
  const start = parseCron(s.cron);
  if (typeof start === 'string') throw new Error(`invalid schedule cron ${s.cron}`);
  const durationMinutes = s.durationMinutes ?? DEFAULT_SCHEDULE_MINUTES;
  const timezone = s.timezone ?? 'UTC';
  return {
    name: s.name,
    start,
    end: shiftWeekly(start, durationMinutes),
    durationMinutes,
    timezone,
    windowsTimezone: SCHEDULE_TIME_ZONES[timezone] ?? 'UTC',
    minInstances: s.minInstances,
    maxInstances: s.maxInstances,
  };
}
