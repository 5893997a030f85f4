import { TerraformOutput } from 'cdktf';
import { GcpCache, type GcpCacheProps } from '../../../constructs/gcp/cache';
import { GcpNetwork } from '../../../constructs/gcp/network';
import type { ResolvedSpec } from '../../../lib/resolve';
import { resolved } from '../../fixtures';
import { type Json, only, resources, synth } from './helpers';

function cache(spec: ResolvedSpec, props: Partial<GcpCacheProps> = {}): Json {
  return synth((scope) => {
    const network = new GcpNetwork(scope, 'network', { spec });
    const c = new GcpCache(scope, 'cache', { spec, network, ...props });
    new TerraformOutput(scope, 'host', { value: c.host });
    new TerraformOutput(scope, 'port', { value: c.port });
    new TerraformOutput(scope, 'secret', { value: c.secretId });
  });
}

describe('GcpCache', () => {
  it('GIVEN cache.revision 1 WHEN synthesized THEN the Memorystore name carries -r1 (a tier change can then create before destroy)', () => {
    expect(only(cache(resolved('dev', { cache: { revision: 1 } })), 'google_redis_instance').name).toBe(
      'shop-api-dev-redis-r1',
    );
    expect(only(cache(resolved('dev')), 'google_redis_instance').name).toBe('shop-api-dev-redis');
  });

  describe('GIVEN the prod preset (one shard, one replica)', () => {
    const tf = cache(resolved('prod'));
    const redis = only(tf, 'google_redis_instance');

    it('WHEN synthesized THEN Memorystore STANDARD_HA with read replicas enabled and one replica', () => {
      expect(redis.tier).toBe('STANDARD_HA');
      expect(redis.read_replicas_mode).toBe('READ_REPLICAS_ENABLED');
      expect(redis.replica_count).toBe(1);
      expect(redis.memory_size_gb).toBe(13);
      expect(redis.redis_version).toBe('REDIS_7_2');
      expect(redis.name).toBe('shop-api-prd-redis');
    });

    it('WHEN synthesized THEN private service access, TLS and AUTH are on', () => {
      expect(redis.connect_mode).toBe('PRIVATE_SERVICE_ACCESS');
      expect(redis.authorized_network).toMatch(/google_compute_network\.network_vpc_/);
      expect(redis.transit_encryption_mode).toBe('SERVER_AUTHENTICATION');
      expect(redis.auth_enabled).toBe(true);
      expect(redis.depends_on).toEqual([expect.stringMatching(/^google_service_networking_connection\./)]);
    });

    it('WHEN synthesized THEN RDB persistence and a weekly maintenance window are set', () => {
      expect(redis.persistence_config).toEqual({ persistence_mode: 'RDB', rdb_snapshot_period: 'TWELVE_HOURS' });
      expect(redis.maintenance_policy.weekly_maintenance_window).toEqual([
        { day: 'SUNDAY', start_time: { hours: 5, minutes: 0, seconds: 0, nanos: 0 } },
      ]);
    });

    it('WHEN synthesized THEN the AUTH string goes to Secret Manager and only references come out', () => {
      const secret = only(tf, 'google_secret_manager_secret');
      expect(secret.secret_id).toBe('shop-api-prd-cache');
      const version = only(tf, 'google_secret_manager_secret_version');
      expect(version.secret_data).toMatch(/^\$\{jsonencode\(/);
      expect(version.secret_data).toContain('.auth_string');
      expect(tf.output.host.value).toMatch(/^\$\{google_redis_instance\.cache_redis_[0-9A-F]+\.host\}$/);
      // With TLS Memorystore serves on 6378: the port is the instance's, not a constant.
      expect(tf.output.port.value).toMatch(/^\$\{google_redis_instance\.cache_redis_[0-9A-F]+\.port\}$/);
      expect(tf.output.secret.value).toMatch(/^\$\{google_secret_manager_secret\.cache_secrets_cache_[0-9A-F]+\.id\}$/);
    });
  });

  it('GIVEN no replicas (dev) WHEN synthesized THEN BASIC tier without replica settings', () => {
    const redis = only(cache(resolved('dev')), 'google_redis_instance');
    expect(redis.tier).toBe('BASIC');
    expect(redis.read_replicas_mode).toBeUndefined();
    expect(redis.replica_count).toBeUndefined();
    expect(redis.memory_size_gb).toBe(5);
    expect(redis.transit_encryption_mode).toBe('SERVER_AUTHENTICATION');
  });

  it('GIVEN 3 replicas WHEN synthesized THEN replica_count 3 on the same instance', () => {
    const redis = only(cache(resolved('prod', { cache: { replicasPerShard: 3 } })), 'google_redis_instance');
    expect(redis.replica_count).toBe(3);
    expect(redis.read_replicas_mode).toBe('READ_REPLICAS_ENABLED');
  });

  describe('GIVEN 3 shards of 2 replicas', () => {
    const spec = resolved('prod', { cache: { shards: 3, replicasPerShard: 2 } });
    const tf = cache(spec);

    it('WHEN synthesized THEN Memorystore for Redis Cluster with IAM auth and TLS, and no Redis instance', () => {
      expect(resources(tf, 'google_redis_instance')).toHaveLength(0);
      const cluster = only(tf, 'google_redis_cluster');
      expect(cluster).toMatchObject({
        name: 'shop-api-prd-redis',
        shard_count: 3,
        replica_count: 2,
        node_type: 'REDIS_HIGHMEM_MEDIUM',
        authorization_mode: 'AUTH_MODE_IAM_AUTH',
        transit_encryption_mode: 'TRANSIT_ENCRYPTION_MODE_SERVER_AUTHENTICATION',
        zone_distribution_config: { mode: 'MULTI_ZONE' },
      });
      expect(cluster.psc_configs).toEqual([{ network: expect.stringMatching(/google_compute_network\.network_vpc_/) }]);
    });

    it('WHEN synthesized THEN a service connection policy lets the cluster use the app subnet, before the cluster', () => {
      const policy = only(tf, 'google_network_connectivity_service_connection_policy');
      expect(policy.service_class).toBe('gcp-memorystore-redis');
      expect(policy.location).toBe('us-central1');
      expect(policy.psc_config.subnetworks).toEqual([
        expect.stringMatching(/google_compute_subnetwork\.network_subnet_/),
      ]);
      const cluster = only(tf, 'google_redis_cluster');
      expect(cluster.depends_on).toEqual([
        expect.stringMatching(/^google_network_connectivity_service_connection_policy\.cache_connection-policy_/),
      ]);
    });

    it('WHEN synthesized THEN host and port come from the discovery endpoint and the secret keeps its id', () => {
      expect(tf.output.host.value).toContain('discovery_endpoints[0].address');
      expect(tf.output.port.value).toContain('discovery_endpoints[0].port');
      expect(only(tf, 'google_secret_manager_secret').secret_id).toBe('shop-api-prd-cache');
      expect(only(tf, 'google_secret_manager_secret_version').secret_data).not.toContain('auth_string');
    });

    it("WHEN synthesized THEN the cache secret carries the cluster's own server CA chain, as the instance's does", () => {
      const data: string = only(tf, 'google_secret_manager_secret_version').secret_data;
      // Every certificate of every chain the cluster reports (two while its CA rotates), PEM after PEM.
      expect(data).toMatch(
        /"serverCaCert" = join\("\\n", flatten\(google_redis_cluster\.cache_cluster_[0-9A-F]+\.managed_server_ca\[0\]\.ca_certs\[\*\]\.certificates\)\)/,
      );
      expect(data).toContain('"authMode" = "iam"');
      expect(data).toContain('"tls" = true');
    });

    it('WHEN constructed THEN it reports IAM auth so the VMs get the connection role', () => {
      synth((scope) => {
        const c = new GcpCache(scope, 'cache', { spec, network: new GcpNetwork(scope, 'network', { spec }) });
        expect(c.iamAuth).toBe(true);
        expect(c.instance).toBeUndefined();
        expect(c.cluster).toBeDefined();
      });
    });
  });

  it('GIVEN overrides WHEN synthesized THEN they apply last', () => {
    const tf = cache(resolved('prod'), {
      overrides: { instance: (p) => ({ ...p, redisConfigs: { 'maxmemory-policy': 'allkeys-lru' } }) },
    });
    expect(only(tf, 'google_redis_instance').redis_configs).toEqual({ 'maxmemory-policy': 'allkeys-lru' });
  });
});
