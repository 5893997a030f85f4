import * as fs from 'node:fs';
import * as path from 'node:path';
import { parse as parseYaml } from 'yaml';
import type { Environment } from '../lib/constants';
import { type ResolvedSpec, resolve } from '../lib/resolve';
import { type Spec, specSchema } from '../lib/spec';

/** An Azure HTTPS certificate as specs give it: the Key Vault secret and the vault's resource id. */
export const AZURE_CERT = {
  azure: 'https://kv-certs.vault.azure.net/secrets/api',
  azureKeyVaultId:
    '/subscriptions/00000000-0000-4000-8000-000000000000/resourceGroups/rg-certs/providers/Microsoft.KeyVault/vaults/kv-certs',
} as const;

/** The example spec shipped in the repository, as written. */
export const EXAMPLE_SPEC_PATH = path.join(__dirname, '..', 'examples', 'shop-api.yaml');

let exampleParsed: Spec | undefined;

/** A fresh copy of the example spec, parsed once per test file (parsing per call cost the fuzz suite 4 s). */
export function exampleSpec(): Spec {
  exampleParsed ??= parseYaml(fs.readFileSync(EXAMPLE_SPEC_PATH, 'utf8')) as Spec;
  return structuredClone(exampleParsed);
}

/** The smallest valid spec of an environment: everything else comes from the preset. */
export function presetSpec(environment: Environment): Spec {
  const prod = environment === 'prod';
  return {
    name: 'shop-api',
    environment,
    compute: { app: { image: 'ghcr.io/acme/shop-api:1.4.2' } },
    alerts: { email: 'ops@example.com' },
    // As examples/presets/*.yaml: a private Terraform runner, and the prod floors a domain and a
    // state bucket would meet waived.
    ...(prod ? { loadBalancer: { allowUnsafeProd: true } } : {}),
    terraform: { privateRunner: true, ...(prod ? { allowUnsafeProd: true } : {}) },
  };
}

type DeepPartial<T> = T extends object ? { [K in keyof T]?: DeepPartial<T[K]> } : T;

/** Deep-merges plain objects; arrays and scalars in `patch` replace. */
export function merge<T>(base: T, patch: DeepPartial<T> | undefined): T {
  if (patch === undefined) return base;
  if (typeof base !== 'object' || base === null || Array.isArray(base)) return patch as T;
  if (typeof patch !== 'object' || patch === null || Array.isArray(patch)) return patch as T;
  const out: Record<string, unknown> = { ...(base as Record<string, unknown>) };
  for (const [k, v] of Object.entries(patch as Record<string, unknown>)) {
    out[k] = k in out ? merge(out[k], v as never) : v;
  }
  return out as T;
}

/** A resolved spec: a preset (or the example) with a patch, schema-checked, then resolved. */
export function resolved(base: Environment | 'example' = 'prod', patch?: DeepPartial<Spec>): ResolvedSpec {
  const spec = merge(base === 'example' ? exampleSpec() : presetSpec(base), patch);
  return resolve(specSchema.parse(spec));
}

/**
 * A grown prod spec the cost and policy suites share: clustered cache, two shards with readers,
 * Spot, the CDN without WAF, no pooling.
 */
export function grownSpec(): ResolvedSpec {
  return resolved('prod', {
    cache: { shards: 3, replicasPerShard: 1 },
    database: { shards: 2, readReplicas: 1, connectionPooling: false },
    compute: { spotPercent: 50 },
    cdn: { enabled: true },
    loadBalancer: { waf: false },
  });
}
