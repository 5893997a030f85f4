/** The clouds this product synthesizes, in the order they are reported everywhere. */
export const CLOUDS = ['aws', 'gcp', 'azure'] as const;
export type Cloud = (typeof CLOUDS)[number];

/** Display names used in messages and tables. */
export const CLOUD_LABEL: Record<Cloud, string> = { aws: 'AWS', gcp: 'GCP', azure: 'Azure' };

/** Environments; each selects a preset of defaults (see presets.ts). */
export const ENVIRONMENTS = ['dev', 'staging', 'prod'] as const;
export type Environment = (typeof ENVIRONMENTS)[number];

/** Neutral t-shirt sizes mapped to concrete types per cloud in sizes.ts. */
export const SIZES = ['small', 'medium', 'large', 'xlarge'] as const;
export type Size = (typeof SIZES)[number];

/** PostgreSQL major versions offered by Aurora, Cloud SQL and Azure Flexible Server alike. */
export const POSTGRES_VERSIONS = ['14', '15', '16', '17'] as const;
export type PostgresVersion = (typeof POSTGRES_VERSIONS)[number];

/**
 * IANA time zones accepted in scaling schedules, with their Windows names because Azure
 * autoscale recurrences only take Windows zone ids. Kept to zones that map one-to-one.
 */
export const SCHEDULE_TIME_ZONES: Record<string, string> = {
  UTC: 'UTC',
  'Europe/London': 'GMT Standard Time',
  'Europe/Dublin': 'GMT Standard Time',
  'Europe/Berlin': 'W. Europe Standard Time',
  'Europe/Amsterdam': 'W. Europe Standard Time',
  'Europe/Paris': 'Romance Standard Time',
  'Europe/Madrid': 'Romance Standard Time',
  'Europe/Warsaw': 'Central European Standard Time',
  'Europe/Helsinki': 'FLE Standard Time',
  'America/New_York': 'Eastern Standard Time',
  'America/Chicago': 'Central Standard Time',
  'America/Denver': 'Mountain Standard Time',
  'America/Los_Angeles': 'Pacific Standard Time',
  'America/Sao_Paulo': 'E. South America Standard Time',
  'Asia/Tokyo': 'Tokyo Standard Time',
  'Asia/Singapore': 'Singapore Standard Time',
  'Asia/Kolkata': 'India Standard Time',
  'Australia/Sydney': 'AUS Eastern Standard Time',
};

/**
 * The environment contract: the same names on every cloud, as stack outputs and in the
 * environment of every VM. The application reads these and nothing cloud-specific.
 */
export const ENV_CONTRACT = [
  'DATABASE_WRITER_HOST',
  'DATABASE_READER_HOSTS',
  'DATABASE_SECRET',
  'DATABASE_SHARD_MAP',
  'CACHE_HOST',
  'CACHE_PORT',
  'CACHE_SECRET',
] as const;
export type EnvContractName = (typeof ENV_CONTRACT)[number];

/** Stack outputs: the environment contract plus the public URL. */
export const OUTPUT_NAMES = [...ENV_CONTRACT, 'LOAD_BALANCER_URL'] as const;
export type OutputName = (typeof OUTPUT_NAMES)[number];

/** Alarm signals every cloud must cover (DESIGN.md "Alarms on every cloud"). */
export const ALARM_SIGNALS = [
  'lb-5xx-rate',
  'lb-p99-latency',
  'unhealthy-hosts',
  'group-at-max',
  'db-cpu',
  'db-storage',
  'db-connections',
  'db-replica-lag',
  'cache-memory',
  'cache-evictions',
  'cache-hit-ratio',
] as const;
export type AlarmSignal = (typeof ALARM_SIGNALS)[number];
