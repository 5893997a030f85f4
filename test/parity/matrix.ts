import * as fs from 'node:fs';
import { parse as parseYaml } from 'yaml';
import type { Environment } from '../../lib/constants';
import { EXAMPLE_SPEC_PATH } from '../../lib/load';
import { type ResolvedSpec, resolve } from '../../lib/resolve';
import type { Spec } from '../../lib/spec';
import { formatProblem, validate } from '../../lib/validate';
import { AZURE_CERT, merge, presetSpec } from '../fixtures';

/*
 * The parity matrix: specs that together cover every preset, the example, shards 1 and 4
 * (database and cache), read replicas 0, 1 and 3, CDN and WAF on and off, HTTPS on and off,
 * and Spot 0 and 50 %. Limits respected: GCP Redis Cluster allows at most 2 replicas per
 * shard, Azure at most 5 database read replicas, HTTPS on Azure needs a Key Vault certificate.
 */

export interface MatrixSpec {
  /** Column name in the parity table. */
  readonly id: string;
  /** One line on what the spec exercises. */
  readonly description: string;
  readonly spec: ResolvedSpec;
}

type Patch = Parameters<typeof merge<Spec>>[1];

/** Builds a spec through the same validation and resolution as the CLI; a bad entry fails loudly. */
export function buildSpec(base: Environment | 'example', patch?: Patch): ResolvedSpec {
  // The example is read through lib's own path, which also resolves from dist/ (npm run parity).
  const example = () => parseYaml(fs.readFileSync(EXAMPLE_SPEC_PATH, 'utf8')) as Spec;
  const input = merge(base === 'example' ? example() : presetSpec(base), patch);
  const result = validate(input);
  if (!result.ok) throw new Error(`invalid matrix spec:\n${result.problems.map(formatProblem).join('\n')}`);
  return resolve(result.spec);
}

const ENTRIES: ReadonlyArray<{ id: string; description: string; base: Environment | 'example'; patch?: Patch }> = [
  { id: 'dev', description: 'dev preset: 0 replicas, cache without replica, WAF, Spot 50 %', base: 'dev' },
  { id: 'staging', description: 'staging preset: 1 replica, pooling, Spot 50 %', base: 'staging' },
  { id: 'prod', description: 'prod preset: 2 replicas, HA, deletion protection, Spot 0', base: 'prod' },
  {
    id: 'example',
    description: 'examples/shop-api.yaml: HTTPS, WAF, CDN (2 paths), Spot 25 %, request scaling, a schedule',
    base: 'example',
  },
  {
    id: 'sharded',
    description: 'prod, 4 database shards × 3 replicas, 4 cache shards × 2 replicas',
    base: 'prod',
    patch: { database: { shards: 4, readReplicas: 3 }, cache: { shards: 4, replicasPerShard: 2 } },
  },
  {
    id: 'edge',
    description: 'prod, HTTPS + CDN, WAF off, Spot 50 %, 1 replica, request scaling',
    base: 'prod',
    patch: {
      loadBalancer: { waf: false, https: { domain: 'api.example.com', certificate: AZURE_CERT } },
      cdn: { enabled: true, lockOrigin: true, originDomain: 'origin.api.example.com' },
      compute: { spotPercent: 50, scaling: { targetRequestsPerInstance: 300 } },
      database: { readReplicas: 1 },
    },
  },
  {
    id: 'dev-cdn',
    description: 'dev, CDN over plain HTTP, WAF off, Spot 0, 3 replicas',
    base: 'dev',
    patch: {
      cdn: { enabled: true },
      loadBalancer: { waf: false },
      compute: { spotPercent: 0 },
      database: { readReplicas: 3 },
    },
  },
  {
    id: 'staging-ha',
    description: 'staging, HTTPS, 0 replicas with HA, 4 database shards, cache 1 shard × 3 replicas, no pooling',
    base: 'staging',
    patch: {
      loadBalancer: { https: { domain: 'api.example.com', certificate: AZURE_CERT } },
      database: { shards: 4, readReplicas: 0, highAvailability: true, connectionPooling: false },
      cache: { replicasPerShard: 3 },
    },
  },
  {
    id: 'dev-cluster',
    description: 'dev, 4 cache shards without replicas, 1 replica without HA, Spot 50 % of 1-6',
    base: 'dev',
    patch: {
      cache: { shards: 4, replicasPerShard: 0 },
      database: { readReplicas: 1 },
      compute: { minInstances: 1, maxInstances: 6 },
    },
  },
];

/** The matrix, built once per process. */
export function parityMatrix(): MatrixSpec[] {
  return ENTRIES.map((e) => ({ id: e.id, description: e.description, spec: buildSpec(e.base, e.patch) }));
}
