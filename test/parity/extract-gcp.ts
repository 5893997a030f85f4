import type { AlarmSignal } from '../../lib/constants';
import { CACHE_SIZES, COMPUTE_SIZES, DATABASE_SIZES } from '../../lib/sizes';
import { renderTfTemplate, type TerraformJson } from '../support/outputs';
import { byAddress, refAddress, resources, tfOutputs, twoGroupCompute } from './extract-tf';
import { gapMarker } from './gaps';
import {
  asArr,
  asNum,
  asObj,
  contractSummary,
  envFromBoot,
  inSignalOrder,
  type Json,
  postgresMajor,
  same,
  shardOfName,
  sizeName,
} from './read';
import type { CapabilitySummary } from './summary';

/*
 * GCP capability summary, read from the synthesized cdk.tf.json only.
 */

/** Cloud Monitoring metric type (or log filter) → neutral signal. */
const GCP_SIGNALS: ReadonlyArray<[RegExp, AlarmSignal]> = [
  [/loadbalancing\.googleapis\.com\/https\/request_count".*response_code_class=500/, 'lb-5xx-rate'],
  [/loadbalancing\.googleapis\.com\/https\/(backend|total)_latencies/, 'lb-p99-latency'],
  [/compute\.googleapis\.com\/healthchecks.*healthState="UNHEALTHY"/, 'unhealthy-hosts'],
  [/compute\.googleapis\.com\/instance_group\/size/, 'group-at-max'],
  [/cloudsql\.googleapis\.com\/database\/cpu\/utilization/, 'db-cpu'],
  [/cloudsql\.googleapis\.com\/database\/disk\/utilization/, 'db-storage'],
  [/cloudsql\.googleapis\.com\/database\/postgresql\/num_backends/, 'db-connections'],
  [/cloudsql\.googleapis\.com\/database\/replication\/replica_lag/, 'db-replica-lag'],
  [/redis\.googleapis\.com\/(stats\/memory\/usage_ratio|cluster\/memory\/maximum_utilization)/, 'cache-memory'],
  [/redis\.googleapis\.com\/(stats\/evicted_keys|cluster\/stats\/total_evicted_keys_count)/, 'cache-evictions'],
  [/redis\.googleapis\.com\/(stats\/keyspace_misses|cluster\/stats\/total_keyspace_misses_count)/, 'cache-hit-ratio'],
];

interface Condition {
  readonly filter: string;
  readonly denominator?: string;
  readonly reducer?: string;
}

function conditions(policy: Json): Condition[] {
  return asArr(policy.conditions).map((c) => {
    const threshold = asObj(asObj(c).condition_threshold);
    const log = asObj(asObj(c).condition_matched_log);
    const filter = String(threshold.filter ?? log.filter ?? '');
    return {
      filter,
      ...(typeof threshold.denominator_filter === 'string' ? { denominator: threshold.denominator_filter } : {}),
      ...(asArr(threshold.aggregations).length > 0
        ? { reducer: String(asObj(asArr(threshold.aggregations)[0]).cross_series_reducer ?? '') }
        : {}),
    };
  });
}

function signalOf(c: Condition): AlarmSignal | undefined {
  const signal = GCP_SIGNALS.find(([re]) => re.test(c.filter))?.[1];
  // Ratios need their denominator; latency counts only at the 99th percentile.
  if ((signal === 'lb-5xx-rate' || signal === 'cache-hit-ratio') && c.denominator === undefined) return undefined;
  if (signal === 'lb-p99-latency' && c.reducer !== 'REDUCE_PERCENTILE_99') return undefined;
  return signal;
}

/** The `monitoring.regex.full_match("...")` on database_id, as a RegExp. */
function databaseIdPattern(filter: string): RegExp | undefined {
  const m = /database_id=monitoring\.regex\.full_match\("((?:[^"\\]|\\.)*)"\)/.exec(filter);
  return m ? new RegExp(`^(?:${(m[1] as string).replace(/\\\\/g, '\\')})$`) : undefined;
}

export function extractGcp(t: TerraformJson): CapabilitySummary {
  // ---- load balancer, WAF, CDN
  const rules = resources(t, 'google_compute_global_forwarding_rule').filter(
    ([, r]) => r.load_balancing_scheme === 'EXTERNAL_MANAGED',
  );
  const ruleOnPort = (port: string) => rules.find(([, r]) => String(r.port_range) === port)?.[1];
  const httpsProxy = byAddress(t, refAddress(ruleOnPort('443')?.target));
  const httpProxy = byAddress(t, refAddress(ruleOnPort('80')?.target));
  const https = httpsProxy !== undefined && asArr(httpsProxy.ssl_certificates).length > 0;
  const redirectMap = asObj(asObj(byAddress(t, refAddress(httpProxy?.url_map))).default_url_redirect);
  const sslPolicy = byAddress(t, refAddress(httpsProxy?.ssl_policy));
  const backends = resources(t, 'google_compute_backend_service');
  const policies = backends.map(([, b]) => byAddress(t, refAddress(b.security_policy)));
  const wafRules = policies.flatMap((p) => asArr(p?.rule).map(asObj));
  const wafEnabled =
    backends.length > 0 &&
    policies.every((p) => p !== undefined) &&
    wafRules.some((r) => /evaluatePreconfiguredWaf/.test(String(asObj(asObj(r.match).expr).expression)));
  const healthChecks = backends.flatMap(([, b]) =>
    asArr(b.health_checks).map((h) => asObj(byAddress(t, refAddress(h))?.http_health_check)),
  );
  const cdnBackends = backends.filter(([, b]) => b.enable_cdn === true);
  const cdnAddresses = new Set(cdnBackends.map(([a]) => a));
  const cachedPaths = resources(t, 'google_compute_url_map')
    .flatMap(([, m]) => asArr(m.path_matcher).flatMap((pm) => asArr(asObj(pm).path_rule)))
    .filter((pr) => cdnAddresses.has(refAddress(asObj(pr).service) ?? ''))
    .flatMap((pr) => asArr(asObj(pr).paths).map(String))
    .sort();

  // ---- compute: an autoscaler per regional MIG; the Spot group's template provisions SPOT
  const migs = resources(t, 'google_compute_region_instance_group_manager');
  const isSpot = (mig: Json) =>
    asArr(mig.version).some(
      (v) =>
        asObj(asObj(byAddress(t, refAddress(asObj(v).instance_template))).scheduling).provisioning_model === 'SPOT',
    );
  const scalers = resources(t, 'google_compute_region_autoscaler').map(([, a]) => ({
    policy: asObj(a.autoscaling_policy),
    mig: byAddress(t, refAddress(a.target)) ?? {},
  }));
  const bounds = (s: (typeof scalers)[number]) => ({
    min: asNum(s.policy.min_replicas),
    max: asNum(s.policy.max_replicas),
  });
  const onDemand = scalers.filter((s) => !isSpot(s.mig)).map(bounds);
  const spot = scalers.filter((s) => isSpot(s.mig)).map(bounds);
  const scalesOn = [
    ...(scalers.length > 0 && scalers.every((s) => s.policy.cpu_utilization !== undefined) ? ['cpu'] : []),
    ...(scalers.length > 0 && scalers.every((s) => s.policy.load_balancing_utilization !== undefined)
      ? ['requests']
      : []),
  ];

  // ---- cache: Memorystore for Redis, or Redis Cluster when sharded
  const [, redis] = resources(t, 'google_redis_instance')[0] ?? [];
  const [, cluster] = resources(t, 'google_redis_cluster')[0] ?? [];
  const cache = cluster
    ? {
        shards: asNum(cluster.shard_count),
        replicasPerShard: asNum(cluster.replica_count ?? 0),
        clustered: true,
        highAvailability:
          asNum(cluster.replica_count ?? 0) >= 1 && asObj(cluster.zone_distribution_config).mode !== 'SINGLE_ZONE',
        tls: cluster.transit_encryption_mode === 'TRANSIT_ENCRYPTION_MODE_SERVER_AUTHENTICATION',
        auth: cluster.authorization_mode === 'AUTH_MODE_IAM_AUTH',
        privateOnly: asArr(cluster.psc_configs).length > 0,
      }
    : {
        shards: redis ? 1 : 0,
        // STANDARD_HA without read replicas still has one failover replica.
        replicasPerShard: redis?.tier === 'STANDARD_HA' ? asNum(redis.replica_count ?? 1) : 0,
        clustered: false,
        highAvailability: redis?.tier === 'STANDARD_HA',
        tls: redis?.transit_encryption_mode === 'SERVER_AUTHENTICATION',
        auth: redis?.auth_enabled === true,
        privateOnly:
          redis !== undefined &&
          ['PRIVATE_SERVICE_ACCESS', 'DIRECT_PEERING', undefined].includes(redis.connect_mode as string | undefined) &&
          typeof redis.authorized_network === 'string',
      };

  // ---- database: primaries (no master) ordered by shard suffix, replicas by master reference
  const sql = resources(t, 'google_sql_database_instance');
  const primaries = sql
    .filter(([, r]) => r.master_instance_name === undefined)
    .sort(([, a], [, b]) => shardOfName(String(a.name)) - shardOfName(String(b.name)));
  const replicasOf = (address: string) => sql.filter(([, r]) => refAddress(r.master_instance_name) === address);
  const settings = (r: Json) => asObj(r.settings);
  const backups = (r: Json) => asObj(settings(r).backup_configuration);
  const retention = (r: Json) => {
    const b = backups(r);
    const keep = asObj(b.backup_retention_settings);
    // Cloud SQL takes one automated backup a day: N retained backups = N days.
    return b.enabled === true && (keep.retention_unit ?? 'COUNT') === 'COUNT' ? asNum(keep.retained_backups ?? 7) : -1;
  };

  // ---- alarms
  const channels = new Map(resources(t, 'google_monitoring_notification_channel'));
  const alertPolicies = resources(t, 'google_monitoring_alert_policy').map(([, p]) => ({
    p,
    conds: conditions(p),
  }));
  const dbNames = sql.map(([, r]) => String(r.name));
  const matches = (signal: AlarmSignal, name: string) =>
    alertPolicies.some(({ conds }) =>
      conds.some((c) => signalOf(c) === signal && databaseIdPattern(c.filter)?.test(`project:${name}`) === true),
    );
  const covered = new Set<AlarmSignal>();
  for (const { conds } of alertPolicies) {
    for (const c of conds) {
      const s = signalOf(c);
      if (s === undefined) continue;
      // A database alert covers its signal only when its pattern matches an instance that exists.
      if (s.startsWith('db-') && !dbNames.some((n) => matches(s, n))) continue;
      if (
        s === 'db-replica-lag' &&
        !sql.some(([, r]) => r.master_instance_name !== undefined && matches(s, String(r.name)))
      )
        continue;
      covered.add(s);
    }
  }
  const shardsWatched = primaries.filter(
    ([address, r]) =>
      (['db-cpu', 'db-storage', 'db-connections'] as const).every((s) => matches(s, String(r.name))) &&
      replicasOf(address).every(([, rep]) => matches('db-replica-lag', String(rep.name))),
  ).length;
  const groupFilters = alertPolicies.flatMap(({ conds }) =>
    conds.filter((c) => signalOf(c) === 'group-at-max').map((c) => c.filter),
  );
  const emails = alertPolicies.map(({ p }) => {
    const found = asArr(p.notification_channels)
      .map((c) => channels.get(refAddress(c) ?? ''))
      .find((ch) => ch?.type === 'email');
    return found ? String(asObj(found.labels).email_address) : null;
  });

  // ---- contract
  const envs = resources(t, 'google_compute_region_instance_template').map(([, tpl]) =>
    envFromBoot(renderTfTemplate(String(asObj(tpl.metadata)['startup-script'] ?? ''))),
  );

  return {
    loadBalancer: {
      present: rules.length > 0,
      https,
      httpsRedirect:
        redirectMap.https_redirect === true && redirectMap.redirect_response_code === 'MOVED_PERMANENTLY_DEFAULT',
      tls12Plus: https ? ['TLS_1_2', 'TLS_1_3'].includes(String(sslPolicy?.min_tls_version)) : null,
      healthCheck: same(healthChecks.map((h) => `${h.request_path} :${h.port}`)) ?? 'differs between backends',
      idleTimeoutSeconds: same(backends.map(([, b]) => asNum(b.timeout_sec ?? 30))) ?? -1,
    },
    waf: {
      enabled: wafEnabled,
      rateLimit: wafEnabled
        ? wafRules.some((r) => (r.action === 'throttle' || r.action === 'rate_based_ban') && r.rate_limit_options)
        : null,
    },
    cdn: {
      enabled: cdnBackends.length > 0,
      compression: cdnBackends.length > 0 ? cdnBackends.every(([, b]) => b.compression_mode === 'AUTOMATIC') : null,
      cachedPaths,
      originLocked: cdnBackends.length > 0 ? gapMarker('gcp', 'cdn.originLocked') : null,
    },
    compute: {
      ...twoGroupCompute('gcp', onDemand, spot),
      scalesOn,
      noDesiredCount: migs.length > 0 && migs.every(([, m]) => m.target_size === undefined),
      zones: same(migs.map(([, m]) => asArr(m.distribution_policy_zones).length)) ?? -1,
    },
    sizes: {
      compute: sizeName(
        COMPUTE_SIZES,
        'gcp',
        same(resources(t, 'google_compute_region_instance_template').map(([, tpl]) => tpl.machine_type)),
      ),
      cache: sizeName(CACHE_SIZES, 'gcp', cluster ? cluster.node_type : redis?.memory_size_gb),
      database: sizeName(DATABASE_SIZES, 'gcp', same(sql.map(([, r]) => settings(r).tier))),
    },
    cache: { ...cache, encryptedAtRest: gapMarker('gcp', 'cache.encryptedAtRest') },
    database: {
      engineVersion: same(sql.map(([, r]) => postgresMajor(r.database_version))) ?? 'differs between instances',
      shards: primaries.length,
      replicasPerShard: primaries.map(([address]) => replicasOf(address).length),
      highAvailability:
        primaries.length > 0 && primaries.every(([, r]) => settings(r).availability_type === 'REGIONAL'),
      encryptedAtRest: gapMarker('gcp', 'database.encryptedAtRest'),
      tlsRequired: sql.every(([, r]) =>
        ['ENCRYPTED_ONLY', 'TRUSTED_CLIENT_CERTIFICATE_REQUIRED'].includes(
          String(asObj(settings(r).ip_configuration).ssl_mode),
        ),
      ),
      privateOnly: sql.every(([, r]) => {
        const ip = asObj(settings(r).ip_configuration);
        return ip.ipv4_enabled === false && typeof ip.private_network === 'string';
      }),
      backupRetentionDays: same(primaries.map(([, r]) => retention(r))) ?? -1,
      deletionProtection:
        primaries.length > 0 &&
        primaries.every(([, r]) => r.deletion_protection === true && settings(r).deletion_protection_enabled === true),
      replicasRemovable: sql.some(([, r]) => r.master_instance_name !== undefined)
        ? sql
            .filter(([, r]) => r.master_instance_name !== undefined)
            .every(([, r]) => r.deletion_protection !== true && settings(r).deletion_protection_enabled !== true)
        : null,
      connectionPooling: gapMarker('gcp', 'database.connectionPooling'),
    },
    alarms: {
      signals: inSignalOrder(covered),
      shardsWatched,
      everyGroupWatched:
        migs.length > 0 && migs.every(([, m]) => groupFilters.some((f) => f.includes(`"${String(m.name)}"`))),
      notifies: same(emails) ?? null,
    },
    contract: contractSummary(envs, tfOutputs(t)),
  };
}
