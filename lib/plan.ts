import { CLOUD_LABEL, type Cloud } from './constants';
import type { ResolvedSpec } from './resolve';
import type { SizedType } from './sizes';

/*
 * `blueprint plan`: the resolved spec per cloud as a table, so a reviewer sees what a spec
 * costs in instances, replicas and shards before anything is synthesized.
 */

const capacity = (t: SizedType) => (t.vcpu > 0 ? ` (${t.vcpu} vCPU, ${t.memoryGiB} GiB)` : '');
const onOff = (b: boolean) => (b ? 'on' : 'off');

/** The capacity-related limitation of a cloud, so the plan never hides a gap. */
function cacheLayout(spec: ResolvedSpec, cloud: Cloud): string {
  const { shards, replicasPerShard, nodeType } = spec.cache;
  if (cloud === 'azure') {
    return `${nodeType.azure.type}, HA ${onOff(spec.cache.highAvailability)} (shards/replicas set by the service)`;
  }
  if (cloud === 'gcp') {
    const t = nodeType.gcp;
    return spec.cache.clustered
      ? `Redis Cluster ${t.clusterType} x ${shards} shards x ${1 + replicasPerShard} nodes`
      : `Memorystore ${t.type} GB ${replicasPerShard >= 1 ? 'STANDARD_HA' : 'BASIC'}, ${replicasPerShard} replica(s)`;
  }
  return `${nodeType.aws.type} x ${shards} shard(s) x ${1 + replicasPerShard} nodes`;
}

/** Rows of the plan: [label, value per cloud]. */
export function planRows(spec: ResolvedSpec): Array<[string, ...string[]]> {
  const clouds = spec.clouds;
  const per = (label: string, f: (c: Cloud) => string): [string, ...string[]] => [label, ...clouds.map(f)];
  const c = spec.compute;
  const db = spec.database;
  return [
    per('region', (cloud) => spec.regions[cloud]),
    per('zones', () => String(spec.network.zones)),
    per('network', () => spec.network.cidr),
    per(
      'load balancer',
      () =>
        `${spec.loadBalancer.https ? `HTTPS ${spec.loadBalancer.https.domain}` : 'HTTP only'}, WAF ${onOff(spec.loadBalancer.waf)}`,
    ),
    per('cdn', () => (spec.cdn.enabled ? `on: ${spec.cdn.cachedPaths.join(' ')}` : 'off')),
    per('instance type', (cloud) => `${c.instanceType[cloud].type}${capacity(c.instanceType[cloud])}`),
    per('instances', () => `${c.minInstances}-${c.maxInstances}`),
    per('spot', (cloud) => {
      if (!c.spot.spot) return 'none';
      if (cloud === 'aws') return `${c.spot.percent}% above ${c.spot.onDemand.min} on-demand (one group)`;
      return `on-demand ${c.spot.onDemand.min}-${c.spot.onDemand.max} + Spot group ${c.spot.spot.min}-${c.spot.spot.max}`;
    }),
    per(
      'scaling',
      () =>
        `CPU ${c.targetCpuPercent}%${c.targetRequestsPerInstance ? `, ${c.targetRequestsPerInstance} req/s per instance` : ''}, ${c.schedules.length} schedule(s)`,
    ),
    per('cache', (cloud) => cacheLayout(spec, cloud)),
    per('database type', (cloud) => `${db.instanceType[cloud].type}${capacity(db.instanceType[cloud])}`),
    per('database layout', () => `${db.shards.length} shard(s) x (1 primary + ${db.readReplicas} replica(s))`),
    per('database HA', () => onOff(db.highAvailability)),
    per('database storage', (cloud) => (cloud === 'aws' ? 'grows automatically' : `${db.storageGiB} GiB`)),
    per('backups', () => `${db.backupRetentionDays} days, deletion protection ${onOff(db.deletionProtection)}`),
    per('pooling', (cloud) =>
      db.connectionPooling
        ? { aws: 'RDS Proxy', gcp: 'not offered (use a client pool)', azure: 'PgBouncer' }[cloud]
        : 'off',
    ),
    per('vCPU at min / max', (cloud) => {
      const t = c.instanceType[cloud];
      return t.vcpu > 0 ? `${t.vcpu * c.minInstances} / ${t.vcpu * c.maxInstances}` : 'unknown type';
    }),
  ];
}

/** Renders rows as an aligned text table with a header of cloud names. */
export function renderTable(header: readonly string[], rows: ReadonlyArray<readonly string[]>): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]) =>
    cells
      .map((cell, i) => cell.padEnd(widths[i] ?? 0))
      .join('  ')
      .trimEnd();
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

/** The whole plan text for one spec. */
export function renderPlan(spec: ResolvedSpec): string {
  const header = ['', ...spec.clouds.map((c) => CLOUD_LABEL[c])];
  return `${spec.name} (${spec.environment})\n\n${renderTable(header, planRows(spec))}\n`;
}
