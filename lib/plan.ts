import { type CapacityReport, capacityReport, type TierCapacity } from './capacity';
import { CLOUD_LABEL, type Cloud } from './constants';
import { type CloudCost, COST_GROUPS, cloudCost } from './cost';
import type { ResolvedSpec } from './resolve';
import type { SizedType } from './sizes';
import type { ResolvedTraffic } from './traffic';

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

/** Everything `blueprint plan` reports for one spec, as `--format json` prints it. */
export interface PlanReport {
  readonly name: string;
  readonly environment: string;
  /** The traffic planned for, defaults and assumptions filled; absent without traffic. */
  readonly traffic?: ResolvedTraffic;
  readonly capacity: readonly TierCapacity[];
  readonly firstToSaturate: CapacityReport['firstToSaturate'];
  readonly warnings: readonly string[];
  readonly clouds: Readonly<Partial<Record<Cloud, { readonly monthlyCostUsd: CloudCost }>>>;
  readonly note: string;
}

export const ESTIMATE_NOTE =
  'Monthly costs are estimates from on-demand list prices in lib/prices/ (dated), before discounts, free tiers and taxes; items without a price are listed as unpriced, not guessed.';

export function planReport(spec: ResolvedSpec, traffic?: ResolvedTraffic): PlanReport {
  const capacity = traffic ? capacityReport(spec, traffic) : undefined;
  return {
    name: spec.name,
    environment: spec.environment,
    ...(traffic ? { traffic } : {}),
    capacity: capacity?.tiers ?? [],
    firstToSaturate: capacity?.firstToSaturate ?? {},
    warnings: capacity?.warnings ?? [],
    clouds: Object.fromEntries(spec.clouds.map((c) => [c, { monthlyCostUsd: cloudCost(spec, c, traffic) }])),
    note: ESTIMATE_NOTE,
  };
}

const num = (n: number) => n.toLocaleString('en-US', { maximumFractionDigits: 0 });
/** Whole dollars, with cents below $10 so small items do not read as zero. */
const dollars = (n: number) =>
  n.toLocaleString(
    'en-US',
    n < 10 ? { minimumFractionDigits: 2, maximumFractionDigits: 2 } : { maximumFractionDigits: 0 },
  );

function capacityCell(t: TierCapacity | undefined): string {
  if (!t) return '-';
  const available = t.available === null ? 'pooled' : num(t.available);
  const growth = t.headroom === null ? '' : ` x${t.headroom.toFixed(2)}`;
  return `${num(t.needed)} / ${available} ${t.ok ? 'ok' : 'SHORT'}${growth}`;
}

/** The capacity table: needed / available per tier and cloud, headroom as the growth factor. */
function renderCapacity(spec: ResolvedSpec, report: PlanReport): string {
  const tiers = [...new Set(report.capacity.map((t) => t.tier))];
  const cell = (tier: string, cloud: Cloud) =>
    capacityCell(report.capacity.find((t) => t.tier === tier && t.cloud === cloud));
  const rows: Array<[string, ...string[]]> = tiers.map((tier) => [tier, ...spec.clouds.map((c) => cell(tier, c))]);
  rows.push([
    'saturates first',
    ...spec.clouds.map((c) => {
      const first = report.firstToSaturate[c];
      return first ? `${first.tier} at ${num(first.saturatesAtRps ?? 0)} req/s` : '-';
    }),
  ]);
  const t = report.traffic as ResolvedTraffic;
  const head = `Capacity at the peak of ${num(t.peakRequestsPerSecond)} req/s (needed / available, xN = growth before saturation)`;
  return `${head}\n\n${renderTable(['', ...spec.clouds.map((c) => CLOUD_LABEL[c])], rows)}\n`;
}

/**
 * The clouds' item lists merged into one row order: an item only one cloud has goes right before
 * the next line of that cloud the table already has (GCP's listed Spot price before the boot
 * disks), or at the end of the group when there is none.
 */
export function mergeInOrder(lists: ReadonlyArray<readonly string[]>): string[] {
  const merged: string[] = [];
  for (const list of lists) {
    list.forEach((item, i) => {
      if (merged.includes(item)) return;
      const next = list.slice(i + 1).find((later) => merged.includes(later));
      if (next === undefined) merged.push(item);
      else merged.splice(merged.indexOf(next), 0, item);
    });
  }
  return merged;
}

/** The cost table: one row per item, `min / max` per cloud, totals last. */
function renderCost(spec: ResolvedSpec, report: PlanReport): string {
  const costs = spec.clouds.map((c) => report.clouds[c]?.monthlyCostUsd as CloudCost);
  const items = COST_GROUPS.flatMap((g) =>
    mergeInOrder(costs.map((c) => c.items.filter((i) => i.group === g).map((i) => i.item))),
  );
  const cell = (c: CloudCost, item: string) => {
    const i = c.items.find((x) => x.item === item);
    return i ? (i.atMin === i.atMax ? dollars(i.atMin) : `${dollars(i.atMin)} / ${dollars(i.atMax)}`) : '-';
  };
  const rows: Array<[string, ...string[]]> = items.map((item) => [item, ...costs.map((c) => cell(c, item))]);
  rows.push([
    'TOTAL (estimate)',
    ...costs.map((c) => `${dollars(c.atMin)} / ${dollars(c.atMax)}${c.complete ? '' : ' (partial)'}`),
  ]);
  const date = costs[0]?.priceDate ?? '';
  const lines = [
    `Monthly cost, USD, ESTIMATE (list prices of ${date}; at min / at max instances)`,
    '',
    renderTable(['', ...spec.clouds.map((c) => `${CLOUD_LABEL[c]} (${spec.regions[c]})`)], rows),
  ];
  for (const c of costs) {
    if (c.unpriced.length > 0)
      lines.push('', `${CLOUD_LABEL[c.cloud]} not priced:`, ...c.unpriced.map((u) => `  - ${u}`));
  }
  for (const c of costs) {
    if (c.notEstimated.length > 0)
      lines.push('', `${CLOUD_LABEL[c.cloud]} usage not estimated:`, ...c.notEstimated.map((u) => `  - ${u}`));
  }
  if (costs.some((c) => !c.complete))
    lines.push('', '(partial) = the total leaves out the unpriced items listed above.');
  lines.push('', ESTIMATE_NOTE);
  return `${lines.join('\n')}\n`;
}

/** The whole plan text for one spec: the resolved table, then capacity (with traffic) and cost. */
export function renderPlan(spec: ResolvedSpec, traffic?: ResolvedTraffic): string {
  const header = ['', ...spec.clouds.map((c) => CLOUD_LABEL[c])];
  const report = planReport(spec, traffic);
  const parts = [`${spec.name} (${spec.environment})\n\n${renderTable(header, planRows(spec))}\n`];
  if (traffic) {
    parts.push(renderCapacity(spec, report));
    const w = report.warnings;
    parts.push(
      w.length === 0 ? 'No capacity shortfall.\n' : `${w.length} warning(s):\n${w.map((x) => `  - ${x}`).join('\n')}\n`,
    );
  }
  parts.push(renderCost(spec, report));
  return parts.join('\n');
}
