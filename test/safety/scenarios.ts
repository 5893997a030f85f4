import type { ResolvedSpec } from '../../lib/resolve';
import { AZURE_CERT } from '../fixtures';
import { buildSpec } from '../parity/matrix';

/*
 * Growth scenarios: a base spec and what it grows into. Every stateful resource of the base
 * must survive each step with its address, unless the step is listed in EXPECTED_REPLACEMENTS
 * (a replacement the product documents and cannot avoid).
 */

/** The base: staging with a small footprint, one replica, one cache replica, no WAF / CDN / Spot. */
const BASE = {
  loadBalancer: { waf: false },
  compute: { spotPercent: 0, size: 'small' as const, minInstances: 2, maxInstances: 4 },
  cache: { size: 'small' as const, shards: 1, replicasPerShard: 1 },
  database: { size: 'small' as const, readReplicas: 1, shards: 1 },
};

export interface Scenario {
  readonly id: string;
  readonly description: string;
  readonly from: ResolvedSpec;
  readonly to: ResolvedSpec;
}

export function scenarios(): Scenario[] {
  const base = buildSpec('staging', BASE);
  return [
    {
      id: 'grow',
      description:
        'replicas 1 → 3, database shards 1 → 3, cache replicas 1 → 2, instances 2-4 → 3-12, Spot 0 → 50 %, CDN on, WAF on, HTTPS on, every size up',
      from: base,
      to: buildSpec('staging', {
        ...BASE,
        loadBalancer: { waf: true, https: { domain: 'api.example.com', certificate: AZURE_CERT } },
        cdn: { enabled: true, originDomain: 'origin.api.example.com' },
        compute: { spotPercent: 50, size: 'large', minInstances: 3, maxInstances: 12 },
        cache: { size: 'medium', shards: 1, replicasPerShard: 2 },
        database: { size: 'medium', readReplicas: 3, shards: 3 },
      }),
    },
    {
      id: 'size-up',
      description: 'compute small → large, cache small → medium, database small → medium; nothing else',
      from: base,
      to: buildSpec('staging', {
        ...BASE,
        compute: { ...BASE.compute, size: 'large' },
        cache: { ...BASE.cache, size: 'medium' },
        database: { ...BASE.database, size: 'medium' },
      }),
    },
    {
      id: 'cache-failover',
      description: 'cache replicas 0 → 1 (automatic failover on)',
      from: buildSpec('staging', { ...BASE, cache: { ...BASE.cache, replicasPerShard: 0, highAvailability: false } }),
      to: base,
    },
    {
      id: 'cache-cluster',
      description: 'cache shards 1 → 4 (cluster mode)',
      from: base,
      to: buildSpec('staging', { ...BASE, cache: { ...BASE.cache, shards: 4 } }),
    },
    {
      id: 'zones',
      description: 'zones 2 → 3',
      from: base,
      to: buildSpec('staging', { ...BASE, network: { zones: 3 } }),
    },
  ];
}
