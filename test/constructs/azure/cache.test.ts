import { Testing } from 'cdktf';
import { AzureCache, clusteringPolicy } from '../../../constructs/azure/cache';
import { AzureNetwork } from '../../../constructs/azure/network';
import { AzureSecrets } from '../../../constructs/azure/secrets';
import type { ResolvedSpec } from '../../../lib/resolve';
import { resolved } from '../../fixtures';

// biome-ignore lint/suspicious/noExplicitAny: synthesized Terraform JSON is untyped
type Json = Record<string, any>;

const all = (json: Json, type: string): Json[] => Object.values(json.resource?.[type] ?? {});

function synth(spec: ResolvedSpec): Json {
  return JSON.parse(
    Testing.synthScope((scope) => {
      const network = new AzureNetwork(scope, 'Network', { spec });
      const secrets = new AzureSecrets(scope, 'Secrets', { spec, network });
      new AzureCache(scope, 'Cache', { spec, network, secrets });
    }),
  );
}

describe('AzureCache', () => {
  const prod = synth(resolved('prod'));
  const redis = (json: Json) => all(json, 'azurerm_managed_redis')[0] as Json;

  test('GIVEN prod WHEN synthesized THEN Managed Redis uses the size table SKU with high availability', () => {
    expect(redis(prod)).toMatchObject({
      sku_name: 'Balanced_B10',
      high_availability_enabled: true,
      name: expect.stringMatching(/^redis-shop-api-prd-[0-9a-f]{6}$/),
    });
  });

  test('GIVEN cache.revision 3 WHEN synthesized THEN the Managed Redis name carries -r3', () => {
    expect(redis(synth(resolved('dev', { cache: { revision: 3 } }))).name).toMatch(
      /^redis-shop-api-dev-[0-9a-f]{6}-r3$/,
    );
  });

  test('GIVEN prod WHEN synthesized THEN a replacing plan is refused (prevent_destroy); dev may replace', () => {
    expect(redis(prod).lifecycle).toEqual({ prevent_destroy: true });
    expect(redis(synth(resolved('dev'))).lifecycle).toBeUndefined();
  });

  test('GIVEN dev (no replicas) WHEN synthesized THEN high availability is off', () => {
    expect(redis(synth(resolved('dev')))).toMatchObject({ sku_name: 'Balanced_B3', high_availability_enabled: false });
  });

  test('GIVEN any spec WHEN synthesized THEN the cache is TLS only, private, and key-authenticated', () => {
    expect(redis(prod).public_network_access).toBe('Disabled');
    expect(redis(prod).default_database).toMatchObject({
      client_protocol: 'Encrypted',
      access_keys_authentication_enabled: true,
      eviction_policy: 'VolatileLRU',
    });
  });

  test('GIVEN one shard WHEN synthesized THEN the Enterprise proxy policy serves plain clients; more shards use OSS cluster', () => {
    expect(redis(prod).default_database.clustering_policy).toBe('EnterpriseCluster');
    expect(redis(synth(resolved('prod', { cache: { shards: 3 } }))).default_database.clustering_policy).toBe(
      'OSSCluster',
    );
    expect(clusteringPolicy(true)).toBe('OSSCluster');
  });

  test('GIVEN the cache WHEN synthesized THEN a redisEnterprise private endpoint registers in privatelink.redis.azure.net', () => {
    const pe = all(prod, 'azurerm_private_endpoint').find((p) => p.name === 'shop-api-prd-pe-redis');
    expect(pe?.private_service_connection.subresource_names).toEqual(['redisEnterprise']);
    expect(pe?.private_dns_zone_group.private_dns_zone_ids[0]).toMatch(/Network_RedisDnsZone_/);
  });

  test('GIVEN the access key WHEN synthesized THEN it is stored in Key Vault as JSON, never output in clear', () => {
    const secret = all(prod, 'azurerm_key_vault_secret').find((s) => s.name === 'shop-api-prd-cache');
    expect(secret?.content_type).toBe('application/json');
    expect(secret?.value).toContain('default_database[0].primary_access_key');
    expect(JSON.stringify(prod.output ?? {})).not.toContain('primary_access_key');
  });
});
