import type { Environment, Size } from './constants';

/** The values an environment preset supplies for every field the spec leaves out. */
export interface Preset {
  readonly zones: number;
  readonly waf: boolean;
  readonly idleTimeoutSeconds: number;
  readonly cdnEnabled: boolean;
  readonly computeSize: Size;
  readonly minInstances: number;
  readonly maxInstances: number;
  readonly targetCpuPercent: number;
  readonly spotPercent: number;
  readonly cacheSize: Size;
  readonly cacheShards: number;
  readonly cacheReplicasPerShard: number;
  readonly cacheHighAvailability: boolean;
  readonly databaseSize: Size;
  readonly storageGiB: number;
  readonly readReplicas: number;
  readonly databaseShards: number;
  readonly highAvailability: boolean;
  readonly backupRetentionDays: number;
  readonly deletionProtection: boolean;
  readonly connectionPooling: boolean;
}

/**
 * Defaults per environment. Security settings (encryption, TLS, private networking) are not
 * here: they are on in every environment. What changes is cost: zones, sizes, redundancy.
 */
export const PRESETS: Record<Environment, Preset> = {
  dev: {
    zones: 2,
    waf: true,
    idleTimeoutSeconds: 60,
    cdnEnabled: false,
    computeSize: 'small',
    minInstances: 1,
    maxInstances: 3,
    targetCpuPercent: 60,
    spotPercent: 50,
    cacheSize: 'small',
    cacheShards: 1,
    cacheReplicasPerShard: 0,
    cacheHighAvailability: false,
    databaseSize: 'small',
    storageGiB: 20,
    readReplicas: 0,
    databaseShards: 1,
    highAvailability: false,
    backupRetentionDays: 7,
    deletionProtection: false,
    connectionPooling: false,
  },
  staging: {
    zones: 2,
    waf: true,
    idleTimeoutSeconds: 60,
    cdnEnabled: false,
    computeSize: 'medium',
    minInstances: 2,
    maxInstances: 4,
    targetCpuPercent: 60,
    spotPercent: 50,
    cacheSize: 'small',
    cacheShards: 1,
    cacheReplicasPerShard: 1,
    cacheHighAvailability: true,
    databaseSize: 'medium',
    storageGiB: 50,
    readReplicas: 1,
    databaseShards: 1,
    highAvailability: false,
    backupRetentionDays: 7,
    deletionProtection: false,
    connectionPooling: true,
  },
  prod: {
    zones: 3,
    waf: true,
    idleTimeoutSeconds: 60,
    cdnEnabled: false,
    computeSize: 'medium',
    minInstances: 2,
    maxInstances: 10,
    targetCpuPercent: 60,
    spotPercent: 0,
    cacheSize: 'medium',
    cacheShards: 1,
    cacheReplicasPerShard: 1,
    cacheHighAvailability: true,
    databaseSize: 'medium',
    storageGiB: 100,
    readReplicas: 2,
    databaseShards: 1,
    highAvailability: true,
    backupRetentionDays: 14,
    deletionProtection: true,
    connectionPooling: true,
  },
};

/** "dev: x, staging: y, prod: z" for one preset key; used in field docs and the schema. */
export function presetDefaults(key: keyof Preset): string {
  return (Object.keys(PRESETS) as Environment[])
    .map((env) => `${env}: ${JSON.stringify(PRESETS[env][key])}`)
    .join(', ');
}
