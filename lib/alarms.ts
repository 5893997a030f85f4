import type { AlarmSignal } from './constants';

/** One alarm, cloud-neutral: what it watches and when it fires. */
export interface AlarmRule {
  readonly signal: AlarmSignal;
  /** What the alarm means, used as its description on every cloud. */
  readonly description: string;
  /** Threshold in the unit below. */
  readonly threshold: number;
  readonly unit: 'percent' | 'seconds' | 'count' | 'instances';
  /** Fire when the value is above (or below) the threshold. */
  readonly comparison: 'above' | 'below';
  /** Evaluation window in minutes. */
  readonly periodMinutes: number;
}

/**
 * The alarms every cloud creates, with one set of thresholds. `group-at-max` compares the
 * group size with its maximum, so its threshold is filled per spec by alarmRules().
 */
export function alarmRules(maxInstances: number): readonly AlarmRule[] {
  return [
    {
      signal: 'lb-5xx-rate',
      description: 'Load balancer 5xx responses above 5% of requests',
      threshold: 5,
      unit: 'percent',
      comparison: 'above',
      periodMinutes: 5,
    },
    {
      signal: 'lb-p99-latency',
      description: 'p99 response time above 2 seconds',
      threshold: 2,
      unit: 'seconds',
      comparison: 'above',
      periodMinutes: 5,
    },
    {
      signal: 'unhealthy-hosts',
      description: 'At least one unhealthy instance behind the load balancer',
      threshold: 1,
      unit: 'count',
      comparison: 'above',
      periodMinutes: 5,
    },
    {
      signal: 'group-at-max',
      description: `Instance group at its maximum (${maxInstances}); raise maxInstances or size up`,
      threshold: maxInstances,
      unit: 'instances',
      comparison: 'above',
      periodMinutes: 15,
    },
    {
      signal: 'db-cpu',
      description: 'Database CPU above 80%',
      threshold: 80,
      unit: 'percent',
      comparison: 'above',
      periodMinutes: 10,
    },
    {
      signal: 'db-storage',
      description: 'Database storage above 85% used',
      threshold: 85,
      unit: 'percent',
      comparison: 'above',
      periodMinutes: 15,
    },
    {
      signal: 'db-connections',
      description: 'Database connections above 80% of the maximum',
      threshold: 80,
      unit: 'percent',
      comparison: 'above',
      periodMinutes: 5,
    },
    {
      signal: 'db-replica-lag',
      description: 'Read replica lag above 30 seconds',
      threshold: 30,
      unit: 'seconds',
      comparison: 'above',
      periodMinutes: 5,
    },
    {
      signal: 'cache-memory',
      description: 'Cache memory above 80% used',
      threshold: 80,
      unit: 'percent',
      comparison: 'above',
      periodMinutes: 5,
    },
    {
      signal: 'cache-evictions',
      description: 'Cache evicting keys (more than 100 in 5 minutes)',
      threshold: 100,
      unit: 'count',
      comparison: 'above',
      periodMinutes: 5,
    },
    {
      signal: 'cache-hit-ratio',
      description: 'Cache hit ratio below 80%',
      threshold: 80,
      unit: 'percent',
      comparison: 'below',
      periodMinutes: 15,
    },
  ];
}

/** Finds the rule of one signal. */
export function alarmRule(rules: readonly AlarmRule[], signal: AlarmSignal): AlarmRule {
  const rule = rules.find((r) => r.signal === signal);
  if (!rule) throw new Error(`no alarm rule for ${signal}`);
  return rule;
}
