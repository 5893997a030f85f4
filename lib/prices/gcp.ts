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
const SQL = 'https://cloud.google.com/sql/pricing';
const MEMORYSTORE_MISSING =
  'priced per GB-hour by capacity and service tier; the us-central1 tier prices were not found in a public source on 2026-12-01';
const CLUSTER_MISSING =
  'priced per node-hour by node type; the us-central1 prices were not found in a public source on 2026-12-01';

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
        'prices change up to once every 30 days and are not pinned here; the Spot share is shown at the on-demand price (an upper bound)',
      source: 'https://cloud.google.com/spot-vms/pricing',
    },
    'disk:pd-balanced': { usd: 0.1, unit: 'GB-month', source: 'https://cloud.google.com/compute/disks-image-pricing' },
    'cache:5': { unavailable: MEMORYSTORE_MISSING, source: 'https://cloud.google.com/memorystore/docs/redis/pricing' },
    'cache:13': { unavailable: MEMORYSTORE_MISSING, source: 'https://cloud.google.com/memorystore/docs/redis/pricing' },
    'cache:26': { unavailable: MEMORYSTORE_MISSING, source: 'https://cloud.google.com/memorystore/docs/redis/pricing' },
    'cache:52': { unavailable: MEMORYSTORE_MISSING, source: 'https://cloud.google.com/memorystore/docs/redis/pricing' },
    'cache-cluster:REDIS_STANDARD_SMALL': {
      unavailable: CLUSTER_MISSING,
      source: 'https://cloud.google.com/memorystore/docs/cluster/pricing',
    },
    'cache-cluster:REDIS_HIGHMEM_MEDIUM': {
      unavailable: CLUSTER_MISSING,
      source: 'https://cloud.google.com/memorystore/docs/cluster/pricing',
    },
    'cache-cluster:REDIS_HIGHMEM_XLARGE': {
      unavailable: CLUSTER_MISSING,
      source: 'https://cloud.google.com/memorystore/docs/cluster/pricing',
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
        'whether a global address in use by forwarding rules is billed was not confirmed in a public source on 2026-12-01',
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
        'alerting charges (per condition, per time series returned) were not confirmed in a public source on 2026-12-01',
      source: 'https://cloud.google.com/stackdriver/pricing',
    },
    'logs-gb': {
      usd: 0.5,
      unit: 'GB',
      source: 'https://cloud.google.com/stackdriver/pricing',
      note: 'log ingestion beyond the free 50 GiB/month (flow logs, load balancer logs)',
    },
  },
};
