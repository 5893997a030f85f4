import { readersPerShard } from './capacity';
import { type Cloud, SIZES, type Size } from './constants';
import { AWS_PRICES } from './prices/aws';
import { AZURE_PRICES } from './prices/azure';
import { GCP_PRICES } from './prices/gcp';
import { isListPrice, type PriceTable } from './prices/types';
import type { ResolvedSpec } from './resolve';
import { CACHE_SIZES, COMPUTE_SIZES, DATABASE_SIZES } from './sizes';
import type { ResolvedTraffic } from './traffic';

/*
 * Monthly cost per cloud, at the group's minimum and at its maximum, from the dated list prices
 * in lib/prices/. An estimate: list prices before discounts and free tiers, usage-priced items
 * only where the traffic gives their volume, and every price the table lacks named in `unpriced`.
 */

export const HOURS_PER_MONTH = 730;
const SECONDS_PER_MONTH = HOURS_PER_MONTH * 3600;
const GIB = 1024 * 1024; // KiB per GiB

export const PRICE_TABLES: Record<Cloud, PriceTable> = { aws: AWS_PRICES, gcp: GCP_PRICES, azure: AZURE_PRICES };

/** Bill sections, in the order outputs list them. */
export const COST_GROUPS = ['compute', 'edge', 'cache', 'database', 'network', 'delivery', 'operations'] as const;
export type CostGroup = (typeof COST_GROUPS)[number];

/** One line of the bill. */
export interface CostItem {
  readonly group: CostGroup;
  readonly item: string;
  readonly atMin: number;
  readonly atMax: number;
  /** Quantities and unit prices, so a reader can redo the arithmetic. */
  readonly detail: string;
}

/** The estimate of one cloud. */
export interface CloudCost {
  readonly cloud: Cloud;
  readonly region: string;
  readonly priceDate: string;
  readonly estimate: true;
  readonly atMin: number;
  readonly atMax: number;
  readonly items: readonly CostItem[];
  /** What the estimate leaves out because the price table has no price for it, with the reason. */
  readonly unpriced: readonly string[];
  /** False when something billed is left out (not just Spot shown at the on-demand upper bound). */
  readonly complete: boolean;
  /** Usage-priced items whose volume the plan does not know (unit price given). */
  readonly notEstimated: readonly string[];
}

/** Monthly volumes from the traffic, when the spec gives it. */
interface Volumes {
  readonly requests: number;
  readonly egressGB: number;
}

function volumes(t: ResolvedTraffic | undefined): Volumes | undefined {
  if (!t) return undefined;
  const requests = t.peakRequestsPerSecond * (t.assumptions.averageToPeakRatio ?? 1) * SECONDS_PER_MONTH;
  return { requests, egressGB: (requests * t.responseKiB) / GIB };
}

const money = (n: number) => Math.round(n * 100) / 100;
const usd = (n: number) => `$${n}`;

/** Collects the lines of one cloud's bill, and what it cannot price. */
class Bill {
  readonly items: CostItem[] = [];
  readonly unpriced: string[] = [];
  readonly notEstimated: string[] = [];
  /** Something billed has no price (Spot is priced as its on-demand upper bound instead). */
  partial = false;
  group: CostGroup = 'compute';

  constructor(readonly table: PriceTable) {}

  /** The list price of `key`, or undefined (and the reason noted once) when the table lacks it. */
  price(key: string, what: string): number | undefined {
    const p = this.table.prices[key];
    if (isListPrice(p)) return p.usd;
    const line = `${what}: ${p ? p.unavailable : `no entry "${key}" in lib/prices/${this.table.cloud}.ts`}`;
    if (!this.unpriced.includes(line)) this.unpriced.push(line);
    if (key !== 'spot') this.partial = true;
    return undefined;
  }

  /** A line priced per hour: count at min and at max × hourly × 730. */
  hourly(item: string, key: string, what: string, atMin: number, atMax: number, unit = 'each') {
    const p = this.price(key, what);
    if (p === undefined || (atMin === 0 && atMax === 0)) return;
    const detail = `${atMin === atMax ? atMin : `${atMin}-${atMax}`} ${unit} × ${usd(p)}/h × ${HOURS_PER_MONTH} h`;
    this.add(item, atMin * p * HOURS_PER_MONTH, atMax * p * HOURS_PER_MONTH, detail);
  }

  /** A line with a monthly quantity (GB-month, month, GB, requests) × price, the same at min and max. */
  monthly(item: string, key: string, what: string, quantity: number, unit: string, per = 1) {
    const p = this.price(key, what);
    if (p === undefined || quantity === 0) return;
    const amount = (quantity / per) * p;
    this.add(
      item,
      amount,
      amount,
      `${Math.round(quantity).toLocaleString('en-US')} ${unit} × ${usd(p)}${per === 1 ? '' : ` per ${per.toLocaleString('en-US')}`}`,
    );
  }

  /** A usage-priced item whose volume is unknown. */
  usage(what: string, key: string) {
    const p = this.table.prices[key];
    if (isListPrice(p)) this.notEstimated.push(`${what}: ${usd(p.usd)} per ${p.unit}`);
  }

  add(item: string, atMin: number, atMax: number, detail: string) {
    this.items.push({ group: this.group, item, atMin: money(atMin), atMax: money(atMax), detail });
  }
}

/** On-demand and Spot instances at the group's min and max (AWS: one group with a base; others: two groups). */
export function instanceSplit(
  spec: ResolvedSpec,
  cloud: Cloud,
): { onDemand: [number, number]; spot: [number, number] } {
  const c = spec.compute;
  const s = c.spot;
  if (!s.spot) return { onDemand: [c.minInstances, c.maxInstances], spot: [0, 0] };
  if (cloud === 'aws') {
    // OnDemandBaseCapacity = on-demand min; above it, (100 - percent)% on-demand, rounded up.
    const base = s.onDemand.min;
    const od = (n: number) => base + Math.ceil(((n - base) * (100 - s.percent)) / 100);
    return {
      onDemand: [od(c.minInstances), od(c.maxInstances)],
      spot: [c.minInstances - od(c.minInstances), c.maxInstances - od(c.maxInstances)],
    };
  }
  return { onDemand: [s.onDemand.min, s.onDemand.max], spot: [s.spot.min, s.spot.max] };
}

/** Boot disk of each VM: GiB and the price key, as the compute constructs set them. */
export const BOOT_DISK: Record<Cloud, { gib: number; key: string }> = {
  aws: { gib: 30, key: 'disk:gp3' },
  gcp: { gib: 20, key: 'disk:pd-balanced' },
  azure: { gib: 30, key: 'disk:Premium_LRS-30' },
};

function computeLines(bill: Bill, spec: ResolvedSpec, cloud: Cloud) {
  const type = spec.compute.instanceType[cloud].type;
  const { onDemand, spot } = instanceSplit(spec, cloud);
  bill.hourly('compute (on-demand)', `instance:${type}`, `instance type ${type}`, onDemand[0], onDemand[1], type);
  const p = bill.price(`instance:${type}`, `instance type ${type}`);
  if (spot[1] > 0 && p !== undefined) {
    bill.price('spot', 'Spot instances');
    bill.add(
      'compute (Spot, at on-demand price: upper bound)',
      spot[0] * p * HOURS_PER_MONTH,
      spot[1] * p * HOURS_PER_MONTH,
      `${spot[0]}-${spot[1]} ${type} × ${usd(p)}/h × ${HOURS_PER_MONTH} h`,
    );
  }
  const disk = BOOT_DISK[cloud];
  const gb = bill.price(disk.key, 'VM boot disks');
  const all = [onDemand[0] + spot[0], onDemand[1] + spot[1]];
  if (gb !== undefined)
    bill.add(
      'boot disks',
      (all[0] ?? 0) * disk.gib * gb,
      (all[1] ?? 0) * disk.gib * gb,
      `${all.join('-')} × ${disk.gib} GB × ${usd(gb)}/GB-month`,
    );
}

/** Database servers per shard on this cloud: primaries (and billed standbys) and readers. */
export function databaseServers(
  spec: ResolvedSpec,
  cloud: Cloud,
): { primaries: number; standbys: number; readers: number } {
  const shards = spec.database.shards.length;
  // Aurora's standby is one of its readers; Cloud SQL and Flexible Server bill a standby copy.
  const standbys = cloud !== 'aws' && spec.database.highAvailability ? shards : 0;
  return { primaries: shards, standbys, readers: shards * readersPerShard(spec, cloud) };
}

function databaseLines(bill: Bill, spec: ResolvedSpec, cloud: Cloud) {
  const db = spec.database;
  const { primaries, standbys, readers } = databaseServers(spec, cloud);
  const writer = db.instanceType[cloud];
  const reader = db.replicaInstanceType[cloud];
  if (cloud === 'gcp') {
    const hourly = (t: { vcpu: number; memoryGiB: number }) => {
      const v = bill.price('database-vcpu', 'Cloud SQL vCPU');
      const m = bill.price('database-memory', 'Cloud SQL memory');
      return v === undefined || m === undefined ? undefined : t.vcpu * v + t.memoryGiB * m;
    };
    const w = hourly(writer);
    const r = hourly(reader);
    const server = (item: string, n: number, h: number | undefined, t: string) => {
      if (h !== undefined && n > 0)
        bill.add(
          item,
          n * h * HOURS_PER_MONTH,
          n * h * HOURS_PER_MONTH,
          `${n} × ${t} (${usd(Math.round(h * 1e4) / 1e4)}/h from vCPU and GiB prices) × ${HOURS_PER_MONTH} h`,
        );
    };
    server('database primaries', primaries, w, writer.type);
    server('database HA standbys', standbys, w, writer.type);
    server('database replicas', readers, r, reader.type);
  } else {
    const servers: Array<[string, Size, number]> = [
      ['database primaries', db.size, primaries],
      ['database HA standbys', db.size, standbys],
      ['database replicas', db.replicaSize, readers],
    ];
    for (const [item, size, n] of servers) {
      const { type, capacityUnits: acu } = DATABASE_SIZES[size][cloud];
      // Aurora Serverless v2 bills ACU-hours: its minimum capacity at min, its maximum at max.
      if (acu)
        bill.hourly(item, `database:${type}`, `database type ${type}`, n * acu.min, n * acu.max, `ACU (${type})`);
      else bill.hourly(item, `database:${type}`, `database type ${type}`, n, n, type);
    }
  }
  // Aurora bills one shared volume per cluster; the others bill a copy per server.
  const copies = cloud === 'aws' ? primaries : primaries + standbys + readers;
  bill.monthly('database storage', 'database-storage', 'database storage', copies * db.storageGiB, 'GB-month');
  if (cloud === 'gcp')
    bill.monthly(
      'database backups (one full copy)',
      'database-backup',
      'database backups',
      primaries * db.storageGiB,
      'GB-month',
    );
  if (cloud === 'aws') {
    bill.usage('Aurora I/O (Aurora Standard)', 'database-io');
    if (db.connectionPooling) proxyLines(bill, spec);
  }
}

/** RDS Proxy's floor in front of Aurora Serverless v2 (ACU), as its pricing page states. */
export const RDS_PROXY_MIN_ACU = 8;

/**
 * RDS Proxy bills the capacity behind it: vCPUs of provisioned instances (at least 2), or the
 * ACUs of Serverless v2 instances (at least 8), which follow the capacity range.
 */
function proxyLines(bill: Bill, spec: ResolvedSpec) {
  const db = spec.database;
  const shards = db.shards.length;
  const instances = 1 + readersPerShard(spec, 'aws');
  const acu = DATABASE_SIZES[db.size].aws.capacityUnits;
  if (acu) {
    const [low, high] = [acu.min, acu.max].map((c) => shards * Math.max(RDS_PROXY_MIN_ACU, instances * c));
    bill.hourly('RDS Proxy', 'rds-proxy-serverless', 'RDS Proxy (Aurora Serverless v2)', low ?? 0, high ?? 0, 'ACU');
    return;
  }
  const writer = db.instanceType.aws;
  const vcpus = Math.max(2, writer.vcpu + (instances - 1) * db.replicaInstanceType.aws.vcpu);
  bill.hourly('RDS Proxy', 'rds-proxy', 'RDS Proxy', shards * vcpus, shards * vcpus, 'vCPU');
}

function cacheLines(bill: Bill, spec: ResolvedSpec, cloud: Cloud) {
  const node = spec.cache.nodeType[cloud];
  if (cloud === 'aws') {
    const nodes = spec.cache.shards * (1 + spec.cache.replicasPerShard);
    bill.hourly('cache nodes', `cache:${node.type}`, `cache node ${node.type}`, nodes, nodes, node.type);
  } else if (cloud === 'gcp' && spec.cache.clustered) {
    bill.price(`cache-cluster:${node.clusterType}`, `Memorystore for Redis Cluster ${node.clusterType}`);
  } else {
    bill.price(
      `cache:${node.type}`,
      cloud === 'gcp' ? `Memorystore for Redis ${node.type} GB` : `Azure Managed Redis ${node.type}`,
    );
  }
}

/** Forwarding rules of the GCP load balancer: HTTP, plus HTTPS when a domain is set. */
const gcpForwardingRules = (spec: ResolvedSpec) => (spec.loadBalancer.https ? 2 : 1);
/** Rules of the AWS web ACL (three managed groups and the rate limit). */
export const AWS_WEB_ACL_RULES = 4;
/** Rules of the Cloud Armor policy (preconfigured WAF rules, the rate limit and the default rule). */
export const GCP_ARMOR_RULES = 11;
/** Application Gateway instance bounds, as the Azure load-balancer construct sets them. */
export const azureGatewayCapacity = (spec: ResolvedSpec) => (spec.isProd ? { min: 2, max: 10 } : { min: 1, max: 3 });

function edgeLines(bill: Bill, spec: ResolvedSpec, cloud: Cloud, v: Volumes | undefined) {
  const waf = spec.loadBalancer.waf;
  const millions = v ? v.requests / 1e6 : 0;
  if (cloud === 'aws') {
    bill.hourly('load balancer', 'alb-hour', 'Application Load Balancer', 1, 1, 'ALB');
    if (v)
      bill.hourly(
        'load balancer capacity (LCU, processed bytes)',
        'alb-lcu',
        'ALB LCU',
        v.egressGB / HOURS_PER_MONTH,
        v.egressGB / HOURS_PER_MONTH,
        'LCU',
      );
    else bill.usage('ALB capacity units', 'alb-lcu');
    bill.hourly(
      'load balancer addresses',
      'public-ipv4',
      'public IPv4',
      spec.network.zones,
      spec.network.zones,
      'IPv4',
    );
    if (waf) {
      bill.monthly('WAF web ACL', 'waf-acl', 'WAF web ACL', 1, 'web ACL');
      bill.monthly('WAF rules', 'waf-rule', 'WAF rules', AWS_WEB_ACL_RULES, 'rules');
      if (v) bill.monthly('WAF requests', 'waf-requests', 'WAF requests', millions, 'million requests');
    }
  } else if (cloud === 'gcp') {
    bill.hourly(
      'load balancer',
      'lb-rule',
      'forwarding rules',
      gcpForwardingRules(spec),
      gcpForwardingRules(spec),
      'forwarding rule',
    );
    bill.price('lb-address', 'load balancer address');
    if (v) bill.monthly('load balancer data processed', 'lb-gb', 'load balancer data', v.egressGB, 'GB');
    if (waf) {
      bill.monthly('Cloud Armor policy', 'armor-policy', 'Cloud Armor policy', 1, 'policy');
      bill.monthly('Cloud Armor rules', 'armor-rule', 'Cloud Armor rules', GCP_ARMOR_RULES, 'rules');
      if (v)
        bill.monthly('Cloud Armor requests', 'armor-requests', 'Cloud Armor requests', millions, 'million requests');
    }
  } else {
    // The gateway runs WAF_v2 when the WAF is on or the CDN is locked to it (docs/azure.md).
    const sku = waf || spec.cdn.enabled ? 'WAF_v2' : 'Standard_v2';
    const cap = azureGatewayCapacity(spec);
    bill.hourly(
      `load balancer (${sku}, WAF included)`,
      `gateway-hour:${sku}`,
      `Application Gateway ${sku}`,
      1,
      1,
      'gateway',
    );
    bill.hourly(
      'load balancer capacity units',
      `gateway-cu:${sku}`,
      'Application Gateway capacity units',
      cap.min * 10,
      cap.max * 10,
      'capacity units (10 per instance)',
    );
  }
}

function networkLines(bill: Bill, spec: ResolvedSpec, cloud: Cloud) {
  if (cloud === 'aws') {
    const nats = spec.isProd ? spec.network.zones : 1;
    bill.hourly('NAT gateways', 'nat-hour', 'NAT gateways', nats, nats, 'NAT gateway');
    bill.hourly('NAT addresses', 'public-ipv4', 'public IPv4', nats, nats, 'Elastic IP');
    bill.usage('NAT data processed', 'nat-gb');
    bill.monthly('encryption key', 'kms-key', 'KMS key', 1, 'key');
    bill.usage('CloudWatch Logs ingestion', 'logs-gb');
    bill.usage('access-log storage (S3)', 's3-gb');
  } else if (cloud === 'gcp') {
    const c = spec.compute;
    bill.hourly(
      'Cloud NAT',
      'nat-vm-hour',
      'Cloud NAT',
      Math.min(32, c.minInstances),
      Math.min(32, c.maxInstances),
      'VM',
    );
    bill.usage('Cloud NAT data processed', 'nat-gb');
    bill.usage('Cloud Logging ingestion', 'logs-gb');
  } else {
    bill.hourly('NAT gateway', 'nat-hour', 'NAT gateway', 1, 1, 'NAT gateway');
    bill.hourly('public IP addresses', 'public-ip', 'public IPs', 2, 2, 'public IP (gateway, NAT)');
    bill.hourly('private endpoints', 'private-endpoint', 'private endpoints', 2, 2, 'endpoint (Key Vault, cache)');
    bill.monthly('private DNS zones', 'private-dns-zone', 'private DNS zones', 3, 'zones');
    bill.usage('NAT data processed', 'nat-gb');
    bill.usage('Key Vault operations', 'key-vault-operations');
  }
}

/** Alarms of the AWS stack: fixed ones, three per cache shard, four per database shard, lag where there are readers. */
export function awsAlarmCount(spec: ResolvedSpec): number {
  const shards = spec.database.shards.length;
  return 4 + 3 * spec.cache.shards + 4 * shards + (readersPerShard(spec, 'aws') > 0 ? shards : 0);
}

function operationsLines(bill: Bill, spec: ResolvedSpec, cloud: Cloud) {
  const shards = spec.database.shards.length;
  if (cloud === 'aws') {
    const secrets = 1 + shards + (spec.cdn.enabled ? 1 : 0);
    bill.monthly('secrets', 'secret', 'Secrets Manager', secrets, 'secrets');
    bill.monthly('alarms', 'alarm', 'CloudWatch alarms', awsAlarmCount(spec), 'alarms');
    bill.monthly('dashboard', 'dashboard', 'CloudWatch dashboard', 1, 'dashboard');
    bill.usage('alarm emails (SNS)', 'email-notifications');
  } else if (cloud === 'gcp') {
    bill.monthly('secret versions', 'secret-version', 'Secret Manager', 1 + shards, 'active versions');
    bill.price('alerting', 'Cloud Monitoring alert policies');
  } else {
    bill.usage('metric alerts (per monitored time series)', 'metric-alert');
    bill.usage('alert emails', 'email-notifications');
  }
}

function deliveryLines(bill: Bill, spec: ResolvedSpec, cloud: Cloud, v: Volumes | undefined, t?: ResolvedTraffic) {
  if (!v) {
    bill.usage(spec.cdn.enabled ? 'CDN data transfer' : 'internet egress', spec.cdn.enabled ? 'cdn-gb' : 'egress-gb');
    if (cloud === 'azure' && spec.cdn.enabled)
      bill.monthly('CDN (Front Door Standard base fee)', 'cdn-base', 'Front Door', 1, 'profile');
    return;
  }
  if (!spec.cdn.enabled) {
    bill.monthly('internet egress', 'egress-gb', 'internet egress', v.egressGB, 'GB');
    return;
  }
  if (cloud === 'gcp') {
    // Cloud CDN serves its hits; misses leave through the load balancer as ordinary egress.
    const hit = t?.assumptions.cdnOffloadShare ?? 0;
    bill.monthly('CDN cache egress', 'cdn-gb', 'Cloud CDN egress', v.egressGB * hit, 'GB');
    bill.monthly('CDN cache lookups', 'cdn-requests', 'Cloud CDN lookups', v.requests * hit, 'requests', 10_000);
    bill.monthly('internet egress (CDN misses)', 'egress-gb', 'internet egress', v.egressGB * (1 - hit), 'GB');
    return;
  }
  if (cloud === 'azure') bill.monthly('CDN (Front Door Standard base fee)', 'cdn-base', 'Front Door', 1, 'profile');
  bill.monthly('CDN data transfer', 'cdn-gb', 'CDN data transfer', v.egressGB, 'GB');
  bill.monthly('CDN requests', 'cdn-requests', 'CDN requests', v.requests, 'requests', 10_000);
}

/** The monthly estimate of one cloud. */
export function cloudCost(spec: ResolvedSpec, cloud: Cloud, traffic?: ResolvedTraffic): CloudCost {
  const table = PRICE_TABLES[cloud];
  const bill = new Bill(table);
  const v = volumes(traffic);
  const sections: Record<CostGroup, () => void> = {
    compute: () => computeLines(bill, spec, cloud),
    edge: () => edgeLines(bill, spec, cloud, v),
    cache: () => cacheLines(bill, spec, cloud),
    database: () => databaseLines(bill, spec, cloud),
    network: () => networkLines(bill, spec, cloud),
    delivery: () => deliveryLines(bill, spec, cloud, v, traffic),
    operations: () => operationsLines(bill, spec, cloud),
  };
  for (const group of COST_GROUPS) {
    bill.group = group;
    sections[group]();
  }
  const sum = (k: 'atMin' | 'atMax') => money(bill.items.reduce((n, i) => n + i[k], 0));
  return {
    cloud,
    region: spec.regions[cloud],
    priceDate: table.date,
    estimate: true,
    atMin: sum('atMin'),
    atMax: sum('atMax'),
    items: bill.items,
    unpriced: bill.unpriced,
    complete: !bill.partial,
    notEstimated: bill.notEstimated,
  };
}

/** Every concrete type of the size tables, per cloud, with the price key it needs. */
export function sizeTablePriceKeys(cloud: Cloud): string[] {
  const keys = SIZES.flatMap((s) => {
    const cache = CACHE_SIZES[s][cloud];
    return [
      `instance:${COMPUTE_SIZES[s][cloud].type}`,
      `cache:${cache.type}`,
      ...(cache.clusterType ? [`cache-cluster:${cache.clusterType}`] : []),
      ...(cloud === 'gcp' ? [] : [`database:${DATABASE_SIZES[s][cloud].type}`]),
    ];
  });
  return [...new Set(keys)];
}
