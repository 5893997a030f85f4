import { readersPerShard } from './capacity';
import { type Cloud, SIZES, type Size } from './constants';
import { AWS_PRICES } from './prices/aws';
import { AZURE_PRICES } from './prices/azure';
import { GCP_PRICES } from './prices/gcp';
import { isListPrice, type PriceTable } from './prices/types';
import { type ResolvedSpec, splitSpot } from './resolve';
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

  /** A usage-priced item whose volume is unknown (usage never enters the totals, so a missing unit price only says so). */
  usage(what: string, key: string) {
    const p = this.table.prices[key];
    if (isListPrice(p)) this.notEstimated.push(`${what}: ${usd(p.usd)} per ${p.unit}`);
    else if (p) this.notEstimated.push(`${what}: unit price not confirmed (${p.unavailable})`);
  }

  /** The unit of a listed price, or undefined. */
  unit(key: string): string | undefined {
    const p = this.table.prices[key];
    return isListPrice(p) ? p.unit : undefined;
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
  // GCP's Spot group keeps one VM (its autoscaler cannot scale out of 0: constructs/gcp/compute-group.ts SPOT_FLOOR).
  const g = cloud === 'gcp' ? splitSpot(c.minInstances, c.maxInstances, s.percent, GCP_SPOT_FLOOR) : s;
  const spot = g.spot ?? { min: 0, max: 0 };
  return { onDemand: [g.onDemand.min, g.onDemand.max], spot: [spot.min, spot.max] };
}

/** Fewest VMs the GCP Spot group keeps, as the compute construct sets it (checked against the synthesized groups). */
export const GCP_SPOT_FLOOR = 1;

/** Boot disk of each VM: GiB and the price key, as the compute constructs set them. */
export const BOOT_DISK: Record<Cloud, { gib: number; key: string }> = {
  aws: { gib: 30, key: 'disk:gp3' },
  gcp: { gib: 20, key: 'disk:pd-balanced' },
  azure: { gib: 30, key: 'disk:Premium_LRS-30' },
};

/** Spot instances: the cloud's listed Spot price of the type, else the on-demand price as an upper bound. */
function spotLine(bill: Bill, type: string, spot: [number, number], onDemandPrice: number) {
  const key = `spot:${type}`;
  if (bill.unit(key) !== undefined) {
    bill.hourly('compute (Spot)', key, `Spot ${type}`, spot[0], spot[1], type);
    return;
  }
  bill.price('spot', 'Spot instances');
  bill.add(
    'compute (Spot, at on-demand price: upper bound)',
    spot[0] * onDemandPrice * HOURS_PER_MONTH,
    spot[1] * onDemandPrice * HOURS_PER_MONTH,
    `${spot[0]}-${spot[1]} ${type} × ${usd(onDemandPrice)}/h × ${HOURS_PER_MONTH} h`,
  );
}

/** Boot disks of the VMs: priced per GB-month, or per disk when the cloud bills a size tier. */
function bootDiskLine(bill: Bill, cloud: Cloud, vms: [number, number]) {
  const disk = BOOT_DISK[cloud];
  const price = bill.price(disk.key, 'VM boot disks');
  if (price === undefined) return;
  const perDisk = bill.unit(disk.key) === 'month';
  const each = perDisk ? price : disk.gib * price;
  const unit = perDisk
    ? `${disk.gib} GiB disk (tier) × ${usd(price)}/month`
    : `${disk.gib} GB × ${usd(price)}/GB-month`;
  bill.add('boot disks', vms[0] * each, vms[1] * each, `${vms.join('-')} × ${unit}`);
}

function computeLines(bill: Bill, spec: ResolvedSpec, cloud: Cloud) {
  const type = spec.compute.instanceType[cloud].type;
  const { onDemand, spot } = instanceSplit(spec, cloud);
  bill.hourly('compute (on-demand)', `instance:${type}`, `instance type ${type}`, onDemand[0], onDemand[1], type);
  const p = bill.price(`instance:${type}`, `instance type ${type}`);
  if (spot[1] > 0 && p !== undefined) spotLine(bill, type, spot, p);
  bootDiskLine(bill, cloud, [onDemand[0] + spot[0], onDemand[1] + spot[1]]);
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

/** The GCP database roles job: one VM per stack that runs once and powers off; its boot disk stays. */
export const GCP_ROLES_JOB = { machineType: 'e2-small', diskGiB: 10 } as const;

/** The deploy-time jobs that create the app's database roles, billed only while they run. */
function bootstrapLines(bill: Bill, cloud: Cloud) {
  if (cloud === 'aws') {
    bill.usage('database bootstrap functions (Lambda, per deploy): requests', 'lambda-requests');
    bill.usage('database bootstrap functions (Lambda, per deploy): duration', 'lambda-gb-second');
  } else if (cloud === 'gcp') {
    bill.monthly(
      'database roles job (boot disk of the powered-off VM)',
      'disk:pd-balanced',
      'VM boot disks',
      GCP_ROLES_JOB.diskGiB,
      'GB-month',
    );
    bill.usage(
      `database roles job (${GCP_ROLES_JOB.machineType}, minutes per deploy)`,
      `instance:${GCP_ROLES_JOB.machineType}`,
    );
  } else {
    bill.usage('database bootstrap job (Container Instances, per deploy)', 'container-job');
  }
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
  bootstrapLines(bill, cloud);
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

/** Memorystore for Redis capacity band of a size in GB (M1 1-4, M2 5-10, M3 11-35, M4 36-100, M5 more). */
export function memorystoreBand(gb: number): string {
  return gb <= 4 ? 'M1' : gb <= 10 ? 'M2' : gb <= 35 ? 'M3' : gb <= 100 ? 'M4' : 'M5';
}

/** Price keys of a GCP cache size: Basic Tier, Standard Tier and its per-node price with read replicas. */
export const memorystoreKeys = (gb: number) =>
  ['cache-basic', 'cache-standard', 'cache-node'].map((tier) => `${tier}:${memorystoreBand(gb)}`);

/** Azure Managed Redis instances (nodes): two with high availability. */
export const azureCacheInstances = (spec: ResolvedSpec) => (spec.cache.highAvailability ? 2 : 1);

function cacheLines(bill: Bill, spec: ResolvedSpec, cloud: Cloud) {
  const node = spec.cache.nodeType[cloud];
  const nodes = spec.cache.shards * (1 + spec.cache.replicasPerShard);
  if (cloud === 'aws') {
    bill.hourly('cache nodes', `cache:${node.type}`, `cache node ${node.type}`, nodes, nodes, node.type);
  } else if (cloud === 'gcp' && spec.cache.clustered) {
    const type = node.clusterType ?? '';
    bill.hourly('cache nodes', `cache-cluster:${type}`, `Memorystore for Redis Cluster ${type}`, nodes, nodes, type);
  } else if (cloud === 'gcp') {
    // Basic Tier without replicas; with them, Standard Tier with read replicas bills every node.
    const gb = Number(node.type);
    const band = memorystoreBand(gb);
    const replicas = spec.cache.replicasPerShard;
    if (replicas === 0)
      bill.hourly('cache (Basic Tier)', `cache-basic:${band}`, `Memorystore ${band} Basic`, gb, gb, 'GB');
    else {
      const gbNodes = gb * (1 + replicas);
      bill.hourly(
        'cache nodes (Standard Tier, read replicas)',
        `cache-node:${band}`,
        `Memorystore ${band} Standard node`,
        gbNodes,
        gbNodes,
        `GB (${gb} GB × ${1 + replicas} nodes)`,
      );
    }
  } else {
    const n = azureCacheInstances(spec);
    bill.hourly(
      'cache instances',
      `cache:${node.type}`,
      `Azure Managed Redis ${node.type}`,
      n,
      n,
      `${node.type} instance`,
    );
  }
}

/** Forwarding rules of the GCP load balancer: HTTP, plus HTTPS when a domain is set. */
const gcpForwardingRules = (spec: ResolvedSpec) => (spec.loadBalancer.https ? 2 : 1);
/** Rules of the AWS regional web ACL (three managed groups and the rate limit). */
export const AWS_WEB_ACL_RULES = 4;
/** Rules of the AWS CLOUDFRONT-scope web ACL (two managed groups and the per-viewer rate limit). */
export const AWS_EDGE_WEB_ACL_RULES = 3;
/** CLOUDFRONT-scope web ACLs can only be created in this region (constructs/aws/load-balancer.ts hasEdgeWebAcl). */
const CLOUDFRONT_CONTROL_REGION = 'us-east-1';

/** The AWS web ACLs: the regional one on the load balancer and, with the CDN in us-east-1, the edge one. */
export function awsWebAcls(spec: ResolvedSpec): Array<{ item: string; rules: number; edge: boolean }> {
  if (!spec.loadBalancer.waf) return [];
  const edge = spec.cdn.enabled && spec.regions.aws === CLOUDFRONT_CONTROL_REGION;
  return [
    { item: 'WAF web ACL', rules: AWS_WEB_ACL_RULES, edge: false },
    ...(edge ? [{ item: 'WAF web ACL (CloudFront)', rules: AWS_EDGE_WEB_ACL_RULES, edge: true }] : []),
  ];
}

/** The Azure gateway runs WAF_v2 when the WAF is on or the locked CDN origin needs its Front Door rule. */
export const azureGatewaySku = (spec: ResolvedSpec) =>
  spec.loadBalancer.waf || (spec.cdn.enabled && spec.cdn.lockOrigin) ? 'WAF_v2' : 'Standard_v2';
/** Rules of the Cloud Armor policy (9 preconfigured WAF rule sets, Log4Shell, the rate limit and the default rule). */
export const GCP_ARMOR_RULES = 12;
/** Application Gateway instance bounds, as the Azure load-balancer construct sets them. */
export const azureGatewayCapacity = (spec: ResolvedSpec) => (spec.isProd ? { min: 2, max: 10 } : { min: 1, max: 3 });

function edgeLines(bill: Bill, spec: ResolvedSpec, cloud: Cloud, v: Volumes | undefined, t?: ResolvedTraffic) {
  const waf = spec.loadBalancer.waf;
  const millions = v ? v.requests / 1e6 : 0;
  // Behind the CDN the load balancer (and its WAF) only sees what the CDN does not answer.
  const originShare = spec.cdn.enabled ? 1 - (t?.assumptions.cdnOffloadShare ?? 0) : 1;
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
    for (const acl of awsWebAcls(spec)) {
      const rules = acl.edge ? 'WAF rules (CloudFront)' : 'WAF rules';
      bill.monthly(acl.item, 'waf-acl', 'WAF web ACL', 1, 'web ACL');
      bill.monthly(rules, 'waf-rule', 'WAF rules', acl.rules, 'rules');
      const inspected = acl.edge ? millions : millions * originShare;
      if (v)
        bill.monthly(
          acl.edge ? 'WAF requests (CloudFront)' : 'WAF requests',
          'waf-requests',
          'WAF requests',
          inspected,
          'million requests',
        );
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
    const sku = azureGatewaySku(spec);
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

/** Azure private DNS zones: Key Vault, Redis and PostgreSQL private link, and the database endpoint names. */
export const AZURE_PRIVATE_DNS_ZONES = 4;

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
    bill.monthly('private DNS zone (database endpoints)', 'dns-zone', 'Cloud DNS', 1, 'zone');
    bill.usage('Cloud DNS queries', 'dns-queries');
    bill.usage('Cloud Logging ingestion', 'logs-gb');
  } else {
    bill.hourly('NAT gateway', 'nat-hour', 'NAT gateway', 1, 1, 'NAT gateway');
    bill.hourly('public IP addresses', 'public-ip', 'public IPs', 2, 2, 'public IP (gateway, NAT)');
    bill.hourly('private endpoints', 'private-endpoint', 'private endpoints', 2, 2, 'endpoint (Key Vault, cache)');
    bill.monthly('private DNS zones', 'private-dns-zone', 'private DNS zones', AZURE_PRIVATE_DNS_ZONES, 'zones');
    bill.usage('NAT data processed', 'nat-gb');
    bill.usage('private DNS queries', 'dns-queries');
    bill.usage('Key Vault operations', 'key-vault-operations');
  }
}

/** Alarms of the AWS stack: fixed ones, three per cache shard, four per database shard, lag where there are readers. */
export function awsAlarmCount(spec: ResolvedSpec): number {
  const shards = spec.database.shards.length;
  return 4 + 3 * spec.cache.shards + 4 * shards + (readersPerShard(spec, 'aws') > 0 ? shards : 0);
}

/** AWS secrets: the cache token, per shard the admin (and, with the app login, the app's), the CDN origin header. */
export function awsSecretCount(spec: ResolvedSpec): number {
  const shards = spec.database.shards.length;
  return 1 + shards * 2 + (spec.cdn.enabled ? 1 : 0);
}

/**
 * GCP active secret versions: the cache's, per shard the admin and logins versions Terraform writes
 * and the app version the roles job publishes (at least one; a rotation adds one).
 */
export const gcpSecretVersions = (spec: ResolvedSpec) => 1 + 3 * spec.database.shards.length;

function operationsLines(bill: Bill, spec: ResolvedSpec, cloud: Cloud) {
  if (cloud === 'aws') {
    bill.monthly('secrets', 'secret', 'Secrets Manager', awsSecretCount(spec), 'secrets');
    bill.monthly('alarms', 'alarm', 'CloudWatch alarms', awsAlarmCount(spec), 'alarms');
    bill.monthly('dashboard', 'dashboard', 'CloudWatch dashboard', 1, 'dashboard');
    bill.usage('alarm emails (SNS)', 'email-notifications');
  } else if (cloud === 'gcp') {
    bill.monthly('secret versions', 'secret-version', 'Secret Manager', gcpSecretVersions(spec), 'active versions');
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

/**
 * The monthly estimate of one cloud, from its dated price table (or another table of the same
 * shape, e.g. with negotiated prices).
 */
export function cloudCost(
  spec: ResolvedSpec,
  cloud: Cloud,
  traffic?: ResolvedTraffic,
  table: PriceTable = PRICE_TABLES[cloud],
): CloudCost {
  const bill = new Bill(table);
  const v = volumes(traffic);
  const sections: Record<CostGroup, () => void> = {
    compute: () => computeLines(bill, spec, cloud),
    edge: () => edgeLines(bill, spec, cloud, v, traffic),
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
    const instance = COMPUTE_SIZES[s][cloud].type;
    return [
      `instance:${instance}`,
      // GCP lists Spot per machine type; AWS and Azure have no Spot list price (the 'spot' entry says why).
      ...(cloud === 'gcp' ? [`spot:${instance}`, ...memorystoreKeys(Number(cache.type))] : [`cache:${cache.type}`]),
      ...(cache.clusterType ? [`cache-cluster:${cache.clusterType}`] : []),
      ...(cloud === 'gcp' ? [] : [`database:${DATABASE_SIZES[s][cloud].type}`]),
    ];
  });
  return [...new Set(keys)];
}
