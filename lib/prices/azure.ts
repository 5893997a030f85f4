import type { PriceTable } from './types';

/*
 * Azure pay-as-you-go list prices, East US, Linux. Looked up on 2026-12-01 from the public
 * pricing pages below. Re-check before relying on a total.
 */

const VM = 'https://azure.microsoft.com/pricing/details/virtual-machines/linux/';
const POSTGRES = 'https://azure.microsoft.com/pricing/details/postgresql/flexible-server/';
const REDIS = 'https://azure.microsoft.com/pricing/details/managed-redis/';
const POSTGRES_MISSING = 'the East US hourly price of this SKU was not found in a public source on 2026-12-01';
const REDIS_MISSING = 'the East US hourly price of this SKU was not found in a public source on 2026-12-01';

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
      unavailable:
        'the East US price of the P4 tier a 30 GiB Premium SSD bills as was not confirmed in a public source on 2026-12-01',
      source: 'https://azure.microsoft.com/pricing/details/managed-disks/',
    },
    'cache:Balanced_B3': { unavailable: REDIS_MISSING, source: REDIS },
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
      note: 'per zone, first 25',
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
