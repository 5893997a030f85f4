/*
 * Operational defaults that are the same decision on every cloud: when backups and maintenance
 * run, what counts as a slow query, how many requests one client may send. Each cloud folder
 * only formats these for its own API.
 */

/** A weekly one-hour window in UTC. */
export interface WeeklyWindow {
  /** 0 = Sunday .. 6 = Saturday. */
  readonly day: number;
  /** Start hour, UTC (0-23). The window lasts one hour. */
  readonly hour: number;
}

/**
 * Backups first, then database maintenance, then cache maintenance, an hour apart, so a
 * failover of one never overlaps the other; early Sunday UTC is night in the Americas and Europe.
 */
export const WINDOWS = {
  /** Daily backup start (database) and cache snapshot start, UTC hours. */
  backupHour: 2,
  cacheSnapshotHour: 3,
  database: { day: 0, hour: 4 },
  cache: { day: 0, hour: 5 },
} as const satisfies {
  backupHour: number;
  cacheSnapshotHour: number;
  database: WeeklyWindow;
  cache: WeeklyWindow;
};

/** `HH:00` for an hour of the day. */
export const hh = (hour: number): string => `${String(hour % 24).padStart(2, '0')}:00`;

/**
 * Statements slower than this (milliseconds) are logged with their text, the first place to
 * look for a missing index (next to pg_stat_statements / Query Insights / Query Store).
 */
export const SLOW_QUERY_MS = 1000;

/** Requests one client may send per window before the WAF blocks or throttles it. */
export const WAF_RATE_LIMIT = { requests: 2000, windowSeconds: 300 } as const;

/**
 * How the load balancer probes `healthCheckPath`: an instance leaves rotation after
 * `unhealthyThreshold` failed probes (45 s) and returns after `healthyThreshold` good ones.
 */
export const LB_HEALTH_CHECK = {
  intervalSeconds: 15,
  timeoutSeconds: 5,
  healthyThreshold: 2,
  unhealthyThreshold: 3,
} as const;

/** Seconds an instance leaving the load balancer (scale-in, rolling update) keeps serving in-flight requests. */
export const DRAIN_SECONDS = 60;

/**
 * What every PostgreSQL server logs for audit and diagnosis, the same on every cloud (CIS
 * benchmarks for RDS, Cloud SQL and Azure ask for each of these): connections and
 * disconnections, checkpoints, lock waits, every temporary file, and DDL statements. Each cloud
 * formats it as its own parameters / flags / server configurations. Azure also throttles
 * repeated failed logins from one address (`connection_throttle.enable`), which the other clouds
 * do at the platform level.
 */
export const DATABASE_AUDIT = {
  logConnections: true,
  logDisconnections: true,
  logCheckpoints: true,
  logLockWaits: true,
  /** Log every temporary file (size threshold in KiB: 0 = all). */
  logTempFilesKiB: 0,
  /** Statements logged in full: schema changes only (the slow ones are logged by SLOW_QUERY_MS). */
  logStatement: 'ddl',
  /** Azure Flexible Server: throttle an address after repeated failed logins. */
  connectionThrottling: true,
} as const;
