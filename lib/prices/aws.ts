import type { PriceTable } from './types';

/*
 * AWS list prices, US East (N. Virginia), Linux, on-demand, as of 2026-12-01 (`date`), each with the public
 * page it is listed on. The pages render prices in the browser, so these were recorded from them
 * and from public tables that quote them (docs/pricing.md says which were cross-checked); a price
 * that could not be confirmed is an `unavailable` entry with the reason, never a guess.
 * Every output labels the totals an estimate; re-check the pages before relying on one.
 */

const EC2 = 'https://aws.amazon.com/ec2/pricing/on-demand/';
const ELASTICACHE = 'https://aws.amazon.com/elasticache/pricing/';
const AURORA = 'https://aws.amazon.com/rds/aurora/pricing/';
// Node-based ElastiCache for Valkey is priced 20% below Redis OSS (the stacks run Valkey).
const VALKEY = 'Redis OSS on-demand node price x 0.8 (Valkey node-based pricing is 20% lower than Redis OSS)';

export const AWS_PRICES: PriceTable = {
  cloud: 'aws',
  region: 'us-east-1',
  date: '2026-12-01',
  prices: {
    'instance:t3.medium': { usd: 0.0416, unit: 'hour', source: EC2 },
    'instance:m7i.large': { usd: 0.1008, unit: 'hour', source: EC2 },
    'instance:m7i.xlarge': { usd: 0.2016, unit: 'hour', source: EC2 },
    'instance:m7i.2xlarge': { usd: 0.4032, unit: 'hour', source: EC2 },
    spot: {
      unavailable:
        'market prices per zone, no list price; the Spot share is shown at the on-demand price (an upper bound)',
      source: 'https://aws.amazon.com/ec2/spot/pricing/',
    },
    'disk:gp3': { usd: 0.08, unit: 'GB-month', source: 'https://aws.amazon.com/ebs/pricing/' },
    'cache:cache.t4g.medium': { usd: 0.052, unit: 'hour', source: ELASTICACHE, note: `${VALKEY}: 0.065 x 0.8` },
    'cache:cache.r7g.large': { usd: 0.1752, unit: 'hour', source: ELASTICACHE, note: `${VALKEY}: 0.219 x 0.8` },
    'cache:cache.r7g.xlarge': { usd: 0.3496, unit: 'hour', source: ELASTICACHE, note: `${VALKEY}: 0.437 x 0.8` },
    'cache:cache.r7g.2xlarge': { usd: 0.6984, unit: 'hour', source: ELASTICACHE, note: `${VALKEY}: 0.873 x 0.8` },
    'database:db.t4g.medium': { usd: 0.073, unit: 'hour', source: AURORA, note: 'Aurora PostgreSQL, Aurora Standard' },
    'database:db.r7g.large': { usd: 0.276, unit: 'hour', source: AURORA, note: 'Aurora PostgreSQL, Aurora Standard' },
    'database:db.r7g.xlarge': { usd: 0.553, unit: 'hour', source: AURORA, note: 'Aurora PostgreSQL, Aurora Standard' },
    'database:db.r7g.2xlarge': { usd: 1.106, unit: 'hour', source: AURORA, note: 'Aurora PostgreSQL, Aurora Standard' },
    'database-storage': { usd: 0.1, unit: 'GB-month', source: AURORA, note: 'Aurora Standard storage' },
    'database-io': { usd: 0.2, unit: 'million requests', source: AURORA, note: 'Aurora Standard I/O' },
    'database-backup': {
      usd: 0.021,
      unit: 'GB-month',
      source: AURORA,
      note: 'backup storage beyond 100% of the cluster volume (that much is free)',
    },
    'rds-proxy': {
      usd: 0.015,
      unit: 'vCPU-hour',
      source: 'https://aws.amazon.com/rds/proxy/pricing/',
      note: 'per vCPU of the instances behind the proxy, at least 2',
    },
    'database:db.serverless': {
      usd: 0.12,
      unit: 'hour',
      source: AURORA,
      note: 'per ACU-hour: Aurora Serverless v2, Aurora PostgreSQL, Aurora Standard',
    },
    'rds-proxy-serverless': {
      usd: 0.015,
      unit: 'hour',
      source: 'https://aws.amazon.com/rds/proxy/pricing/',
      note: 'per ACU-hour of the Aurora Serverless v2 instances behind the proxy, at least 8 ACU',
    },
    'alb-hour': { usd: 0.0225, unit: 'hour', source: 'https://aws.amazon.com/elasticloadbalancing/pricing/' },
    'alb-lcu': {
      usd: 0.008,
      unit: 'hour',
      source: 'https://aws.amazon.com/elasticloadbalancing/pricing/',
      note: 'per LCU-hour',
    },
    'waf-acl': { usd: 5, unit: 'month', source: 'https://aws.amazon.com/waf/pricing/', note: 'per web ACL' },
    'waf-rule': {
      usd: 1,
      unit: 'month',
      source: 'https://aws.amazon.com/waf/pricing/',
      note: 'per rule or managed rule group',
    },
    'waf-requests': { usd: 0.6, unit: 'million requests', source: 'https://aws.amazon.com/waf/pricing/' },
    'nat-hour': { usd: 0.045, unit: 'hour', source: 'https://aws.amazon.com/vpc/pricing/' },
    'nat-gb': { usd: 0.045, unit: 'GB', source: 'https://aws.amazon.com/vpc/pricing/', note: 'data processed' },
    'public-ipv4': {
      usd: 0.005,
      unit: 'hour',
      source: 'https://aws.amazon.com/vpc/pricing/',
      note: 'per public IPv4 address',
    },
    'cdn-gb': {
      usd: 0.085,
      unit: 'GB',
      source: 'https://aws.amazon.com/cloudfront/pricing/',
      note: 'first 10 TB/month to the US, Canada and Europe; origin fetches from AWS origins are free',
    },
    'cdn-requests': {
      usd: 0.01,
      unit: '10k requests',
      source: 'https://aws.amazon.com/cloudfront/pricing/',
      note: 'HTTPS, US',
    },
    'egress-gb': {
      usd: 0.09,
      unit: 'GB',
      source: 'https://aws.amazon.com/ec2/pricing/on-demand/#Data_Transfer',
      note: 'internet data transfer out, first 10 TB/month (the first 100 GB/month free tier not applied)',
    },
    secret: { usd: 0.4, unit: 'month', source: 'https://aws.amazon.com/secrets-manager/pricing/', note: 'per secret' },
    'kms-key': {
      usd: 1,
      unit: 'month',
      source: 'https://aws.amazon.com/kms/pricing/',
      note: 'per customer managed key',
    },
    alarm: {
      usd: 0.1,
      unit: 'month',
      source: 'https://aws.amazon.com/cloudwatch/pricing/',
      note: 'per standard-resolution metric alarm',
    },
    dashboard: {
      usd: 3,
      unit: 'month',
      source: 'https://aws.amazon.com/cloudwatch/pricing/',
      note: 'per dashboard beyond the free three',
    },
    'logs-gb': {
      usd: 0.5,
      unit: 'GB',
      source: 'https://aws.amazon.com/cloudwatch/pricing/',
      note: 'log ingestion (flow, database and cache logs)',
    },
    's3-gb': {
      usd: 0.023,
      unit: 'GB-month',
      source: 'https://aws.amazon.com/s3/pricing/',
      note: 'S3 Standard, access logs',
    },
    'lambda-requests': {
      usd: 0.2,
      unit: 'million requests',
      source: 'https://aws.amazon.com/lambda/pricing/',
      note: 'x86; the perpetual free tier (1M requests, 400,000 GB-seconds a month) not applied; cross-checked: infracost lambda_function_test.golden',
    },
    'lambda-gb-second': {
      usd: 0.0000166667,
      unit: 'GB-second',
      source: 'https://aws.amazon.com/lambda/pricing/',
      note: 'x86 duration, first 6 billion GB-seconds; cross-checked: infracost lambda_function_test.golden',
    },
    'email-notifications': {
      usd: 2,
      unit: '100k notifications',
      source: 'https://aws.amazon.com/sns/pricing/',
      note: 'first 1,000 a month free',
    },
  },
};
