import type { AlarmSignal } from '../../lib/constants';
import { CACHE_SIZES, COMPUTE_SIZES, DATABASE_SIZES } from '../../lib/sizes';
import { renderTfBase64, type TerraformJson } from '../support/outputs';
import { byAddress, lifecycle, refAddress, resources, tfOutputs, twoGroupCompute } from './extract-tf';
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
 * Azure capability summary, read from the synthesized cdk.tf.json only.
 */

/** Azure Monitor metric (namespace lower-cased) → neutral signal. */
const AZURE_SIGNALS: Readonly<Record<string, AlarmSignal>> = {
  'microsoft.network/applicationgateways:ResponseStatus': 'lb-5xx-rate',
  'microsoft.network/applicationgateways:ApplicationGatewayTotalTime': 'lb-p99-latency',
  'microsoft.network/applicationgateways:UnhealthyHostCount': 'unhealthy-hosts',
  'microsoft.insights/autoscalesettings:ObservedCapacity': 'group-at-max',
  'microsoft.dbforpostgresql/flexibleservers:cpu_percent': 'db-cpu',
  'microsoft.dbforpostgresql/flexibleservers:storage_percent': 'db-storage',
  'microsoft.dbforpostgresql/flexibleservers:active_connections': 'db-connections',
  'microsoft.dbforpostgresql/flexibleservers:physical_replication_delay_in_seconds': 'db-replica-lag',
  'microsoft.cache/redisenterprise:usedmemorypercentage': 'cache-memory',
  'microsoft.cache/redisenterprise:evictedkeys': 'cache-evictions',
  'microsoft.cache/redisenterprise:cachemisses': 'cache-hit-ratio',
};

/** Predefined Application Gateway TLS policies whose minimum protocol is TLS 1.2. */
const TLS12_POLICIES = new Set(['AppGwSslPolicy20170401S', 'AppGwSslPolicy20220101', 'AppGwSslPolicy20220101S']);

function alertSignal(alert: Json): AlarmSignal | undefined {
  const criteria = [...asArr(alert.criteria), ...asArr(alert.dynamic_criteria)].map(asObj);
  const signals = new Set(
    criteria.map((c) => {
      const s = AZURE_SIGNALS[`${String(c.metric_namespace).toLowerCase()}:${String(c.metric_name)}`];
      // ResponseStatus is a 5xx alarm only when filtered to the 5xx status group.
      if (s === 'lb-5xx-rate') {
        const dims = asArr(c.dimension).map(asObj);
        return dims.some((d) => d.name === 'HttpStatusGroup' && asArr(d.values).includes('5xx')) ? s : undefined;
      }
      return s;
    }),
  );
  signals.delete(undefined);
  return signals.size === 1 ? ([...signals][0] as AlarmSignal) : undefined;
}

export function extractAzure(t: TerraformJson): CapabilitySummary {
  // ---- load balancer, WAF
  const gateways = resources(t, 'azurerm_application_gateway').map(([, g]) => g);
  const gw = gateways[0] ?? {};
  const listeners = asArr(gw.http_listener).map(asObj);
  const httpsListener = listeners.find((l) => l.protocol === 'Https' && typeof l.ssl_certificate_name === 'string');
  const redirects = asArr(gw.redirect_configuration)
    .map(asObj)
    .filter((r) => r.redirect_type === 'Permanent' && httpsListener && r.target_listener_name === httpsListener.name);
  const redirect = asArr(gw.request_routing_rule)
    .map(asObj)
    .some(
      (rule) =>
        listeners.some((l) => l.name === rule.http_listener_name && l.protocol === 'Http') &&
        redirects.some((r) => r.name === rule.redirect_configuration_name),
    );
  const sslPolicy = asObj(gw.ssl_policy);
  const wafPolicy = byAddress(t, refAddress(gw.firewall_policy_id));
  const wafSettings = asObj(wafPolicy?.policy_settings);
  const wafEnabled =
    asObj(gw.sku).tier === 'WAF_v2' &&
    wafPolicy !== undefined &&
    wafSettings.enabled !== false &&
    wafSettings.mode === 'Prevention' &&
    asArr(asObj(wafPolicy.managed_rules).managed_rule_set).length > 0;

  const probes = asArr(gw.probe).map(asObj);
  const backendSettings = asArr(gw.backend_http_settings).map(asObj);
  const healthCheck = same(
    backendSettings.map((b) => `${probes.find((p) => p.name === b.probe_name)?.path} :${b.port}`),
  );
  // With the CDN, the gateway must refuse requests that did not come from our Front Door profile.
  const profiles = resources(t, 'azurerm_cdn_frontdoor_profile').map(([a]) => a);
  const fdidRule = asArr(wafPolicy?.custom_rules)
    .map(asObj)
    .some(
      (r) =>
        r.action === 'Block' &&
        asArr(r.match_conditions).some((m) => {
          const c = asObj(m);
          return (
            c.negation_condition === true &&
            asArr(c.match_variables).some(
              (v) => asObj(v).variable_name === 'RequestHeaders' && asObj(v).selector === 'X-Azure-FDID',
            ) &&
            asArr(c.match_values).some((v) => profiles.includes(refAddress(v) ?? ''))
          );
        }),
    );

  // The gateway NSG admits web traffic from Front Door only (not from the internet).
  const webSources = resources(t, 'azurerm_network_security_rule')
    .map(([, r]) => r)
    .filter((r) => r.name === 'allow-web-inbound' && r.access === 'Allow')
    .map((r) => r.source_address_prefix);
  const nsgFrontDoorOnly = webSources.length > 0 && webSources.every((src) => src === 'AzureFrontDoor.Backend');

  // ---- CDN: Front Door routes with a cache block are the cached paths
  const routes = resources(t, 'azurerm_cdn_frontdoor_route').map(([, r]) => r);
  const cachedRoutes = routes.filter((r) => r.cache !== undefined);
  const cdnEnabled = resources(t, 'azurerm_cdn_frontdoor_profile').length > 0 && routes.length > 0;

  // ---- compute: one autoscale setting per scale set; Spot sets have priority Spot
  const scaleSets = resources(t, 'azurerm_linux_virtual_machine_scale_set');
  const settingsOf = resources(t, 'azurerm_monitor_autoscale_setting').map(([address, s]) => {
    const profile = asArr(s.profile)
      .map(asObj)
      .find((p) => p.name === 'default');
    const capacity = asObj(profile?.capacity);
    return {
      address,
      set: byAddress(t, refAddress(s.target_resource_id)) ?? {},
      bounds: { min: asNum(capacity.minimum), max: asNum(capacity.maximum) },
      metrics: asArr(profile?.rule).map((r) => String(asObj(asObj(r).metric_trigger).metric_name)),
    };
  });
  const onDemandSettings = settingsOf.filter((s) => s.set.priority !== 'Spot');
  const onDemand = onDemandSettings.map((s) => s.bounds);
  const spot = settingsOf.filter((s) => s.set.priority === 'Spot').map((s) => s.bounds);
  const scalesOn = [
    ...(settingsOf.length > 0 && settingsOf.every((s) => s.metrics.includes('Percentage CPU')) ? ['cpu'] : []),
    ...(settingsOf.length > 0 && settingsOf.every((s) => s.metrics.includes('AvgRequestCountPerHealthyHost'))
      ? ['requests']
      : []),
  ];

  // ---- cache
  const [, redis] = resources(t, 'azurerm_managed_redis')[0] ?? [];
  const db0 = asObj(redis?.default_database);

  // ---- database
  const servers = resources(t, 'azurerm_postgresql_flexible_server');
  const primaries = servers
    .filter(([, s]) => s.create_mode !== 'Replica')
    .sort(([, a], [, b]) => shardOfName(String(a.name)) - shardOfName(String(b.name)));
  const replicasOf = (address: string) =>
    servers.filter(([, s]) => s.create_mode === 'Replica' && refAddress(s.source_server_id) === address);
  // A replica takes its major version from its primary (a reference); read the primary's.
  const versionOf = (s: Json): unknown => {
    const source = byAddress(t, refAddress(s.version));
    return source ? source.version : s.version;
  };
  const configs = resources(t, 'azurerm_postgresql_flexible_server_configuration').map(([, c]) => c);
  const configOf = (address: string, name: string) =>
    configs.find((c) => refAddress(c.server_id) === address && c.name === name)?.value;
  const tlsConfigs = primaries.map(([a]) => configOf(a, 'require_secure_transport'));

  // ---- alarms
  const groups = new Map(resources(t, 'azurerm_monitor_action_group'));
  const alerts = resources(t, 'azurerm_monitor_metric_alert').map(([, a]) => ({
    signal: alertSignal(a),
    scopes: asArr(a.scopes).map(refAddress),
    a,
  }));
  const watched = (signal: AlarmSignal, address: string) =>
    alerts.some((x) => x.signal === signal && x.scopes.includes(address));
  const existing = new Set(
    [...servers, ...resources(t, 'azurerm_application_gateway'), ...resources(t, 'azurerm_managed_redis')].map(
      ([a]) => a,
    ),
  );
  for (const s of settingsOf) existing.add(s.address);
  const covered = new Set<AlarmSignal>();
  for (const x of alerts) {
    if (x.signal === undefined || !x.scopes.some((s) => s !== undefined && existing.has(s))) continue;
    covered.add(x.signal);
  }
  const shardsWatched = primaries.filter(
    ([address]) =>
      (['db-cpu', 'db-storage', 'db-connections'] as const).every((s) => watched(s, address)) &&
      replicasOf(address).every(([r]) => watched('db-replica-lag', r)),
  ).length;
  const emails = alerts.map(({ a }) => {
    const receivers = asArr(a.action)
      .map((x) => groups.get(refAddress(asObj(x).action_group_id) ?? ''))
      .flatMap((g) => asArr(g?.email_receiver).map((r) => String(asObj(r).email_address)));
    return receivers[0] ?? null;
  });

  // ---- contract
  const envs = scaleSets.map(([, s]) => envFromBoot(renderTfBase64(String(s.custom_data ?? ''))));

  return {
    loadBalancer: {
      present: gateways.length > 0,
      https: httpsListener !== undefined,
      httpsRedirect: redirect,
      tls12Plus: httpsListener
        ? TLS12_POLICIES.has(String(sslPolicy.policy_name)) ||
          ['TLSv1_2', 'TLSv1_3'].includes(String(sslPolicy.min_protocol_version))
        : null,
      healthCheck: healthCheck ?? 'differs between backend settings',
      idleTimeoutSeconds: same(backendSettings.map((b) => asNum(b.request_timeout ?? 30))) ?? -1,
    },
    waf: {
      enabled: wafEnabled,
      rateLimit: wafEnabled
        ? asArr(wafPolicy?.custom_rules).some(
            (r) => asObj(r).rule_type === 'RateLimitRule' && asObj(r).action === 'Block',
          )
        : null,
    },
    cdn: {
      enabled: cdnEnabled,
      compression: cdnEnabled ? cachedRoutes.every((r) => asObj(r.cache).compression_enabled === true) : null,
      cachedPaths: cachedRoutes.flatMap((r) => asArr(r.patterns_to_match).map(String)).sort(),
      originLocked: cdnEnabled ? wafEnabled && fdidRule && nsgFrontDoorOnly : null,
    },
    compute: {
      ...twoGroupCompute('azure', onDemand, spot),
      scalesOn,
      // The API requires `instances`; it counts as no desired count only when Terraform ignores it.
      noDesiredCount:
        scaleSets.length > 0 && scaleSets.every(([, s]) => asArr(lifecycle(s).ignore_changes).includes('instances')),
      zones: same(scaleSets.map(([, s]) => asArr(s.zones).length)) ?? -1,
    },
    sizes: {
      compute: sizeName(COMPUTE_SIZES, 'azure', same(scaleSets.map(([, s]) => s.sku))),
      cache: sizeName(CACHE_SIZES, 'azure', redis?.sku_name),
      database: sizeName(DATABASE_SIZES, 'azure', same(servers.map(([, s]) => s.sku_name))),
    },
    cache: {
      shards: gapMarker('azure', 'cache.shards'),
      replicasPerShard: gapMarker('azure', 'cache.replicasPerShard'),
      clustered: db0.clustering_policy === 'OSSCluster',
      highAvailability: redis?.high_availability_enabled === true,
      tls: db0.client_protocol === 'Encrypted',
      auth: db0.access_keys_authentication_enabled === true,
      encryptedAtRest: gapMarker('azure', 'cache.encryptedAtRest'),
      privateOnly: redis?.public_network_access === 'Disabled',
    },
    database: {
      engineVersion: same(servers.map(([, s]) => postgresMajor(versionOf(s)))) ?? 'differs between servers',
      shards: primaries.length,
      replicasPerShard: primaries.map(([address]) => replicasOf(address).length),
      highAvailability:
        primaries.length > 0 && primaries.every(([, s]) => asObj(s.high_availability).mode === 'ZoneRedundant'),
      encryptedAtRest: gapMarker('azure', 'database.encryptedAtRest'),
      // When the stack sets require_secure_transport, the value counts and the gap must go.
      tlsRequired: tlsConfigs.every((v) => v === undefined)
        ? gapMarker('azure', 'database.tlsRequired')
        : tlsConfigs.every((v) => String(v).toLowerCase() === 'on'),
      privateOnly: servers.every(
        ([, s]) => s.public_network_access_enabled === false && typeof s.delegated_subnet_id === 'string',
      ),
      backupRetentionDays: same(primaries.map(([, s]) => asNum(s.backup_retention_days ?? 7))) ?? -1,
      deletionProtection: primaries.length > 0 && primaries.every(([, s]) => lifecycle(s).prevent_destroy === true),
      replicasRemovable: servers.some(([, s]) => s.create_mode === 'Replica')
        ? servers.filter(([, s]) => s.create_mode === 'Replica').every(([, s]) => lifecycle(s).prevent_destroy !== true)
        : null,
      connectionPooling:
        primaries.length > 0 && primaries.every(([a]) => String(configOf(a, 'pgbouncer.enabled')) === 'true'),
    },
    alarms: {
      signals: inSignalOrder(covered),
      shardsWatched,
      // The on-demand sets bound what can surely scale (Spot capacity may not be there): gaps.ts.
      everyGroupWatched:
        onDemandSettings.length > 0 && onDemandSettings.every((s) => watched('group-at-max', s.address)),
      notifies: same(emails) ?? null,
    },
    contract: contractSummary(envs, tfOutputs(t)),
  };
}
