import { type AlarmSignal, OUTPUT_NAMES } from '../../lib/constants';
import { CACHE_SIZES, COMPUTE_SIZES, DATABASE_SIZES } from '../../lib/sizes';
import { cfnOfType, renderCfnString, type Template } from '../support/outputs';
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
 * AWS capability summary, read from the synthesized CloudFormation template only.
 */

/** Logical id a `Ref` / `Fn::GetAtt` points at. */
function target(v: unknown): string | undefined {
  const o = asObj(v);
  if (typeof o.Ref === 'string') return o.Ref;
  const att = o['Fn::GetAtt'];
  if (Array.isArray(att) && typeof att[0] === 'string') return att[0];
  return undefined;
}

/** ALB security policies that refuse TLS below 1.2 (ELB's predefined policy names). */
const TLS12_POLICY = /^ELBSecurityPolicy-(TLS13-1-[23]|TLS-1-2|FS-1-2)/;

/** Native metric → neutral signal. */
function awsSignal(namespace: string, metric: string): AlarmSignal | undefined {
  const table: Record<string, AlarmSignal> = {
    'AWS/ApplicationELB:HTTPCode_ELB_5XX_Count': 'lb-5xx-rate',
    'AWS/ApplicationELB:HTTPCode_Target_5XX_Count': 'lb-5xx-rate',
    'AWS/ApplicationELB:TargetResponseTime': 'lb-p99-latency',
    'AWS/ApplicationELB:UnHealthyHostCount': 'unhealthy-hosts',
    'AWS/AutoScaling:GroupInServiceInstances': 'group-at-max',
    'AWS/AutoScaling:GroupDesiredCapacity': 'group-at-max',
    'AWS/RDS:CPUUtilization': 'db-cpu',
    // Serverless v2: capacity in use as a share of the maximum, beside CPUUtilization in one alarm.
    'AWS/RDS:ACUUtilization': 'db-cpu',
    'AWS/RDS:VolumeBytesUsed': 'db-storage',
    'AWS/RDS:FreeLocalStorage': 'db-storage',
    'AWS/RDS:FreeStorageSpace': 'db-storage',
    'AWS/RDS:DatabaseConnections': 'db-connections',
    'AWS/RDS:AuroraReplicaLag': 'db-replica-lag',
    'AWS/RDS:AuroraReplicaLagMaximum': 'db-replica-lag',
    'AWS/ElastiCache:DatabaseMemoryUsagePercentage': 'cache-memory',
    'AWS/ElastiCache:Evictions': 'cache-evictions',
    'AWS/ElastiCache:CacheHitRate': 'cache-hit-ratio',
  };
  return table[`${namespace}:${metric}`];
}

interface AlarmMetric {
  readonly namespace: string;
  readonly metric: string;
  readonly dimensions: Record<string, unknown>;
  readonly extendedStatistic?: string;
}

/** Every metric an alarm reads: its own metric or the MetricStats of its math expression. */
function alarmMetrics(p: Json): AlarmMetric[] {
  const dims = (d: unknown) => Object.fromEntries(asArr(d).map((x) => [asObj(x).Name as string, asObj(x).Value]));
  if (typeof p.MetricName === 'string') {
    return [
      {
        namespace: String(p.Namespace),
        metric: p.MetricName,
        dimensions: dims(p.Dimensions),
        ...(typeof p.ExtendedStatistic === 'string' ? { extendedStatistic: p.ExtendedStatistic } : {}),
      },
    ];
  }
  return asArr(p.Metrics).flatMap((m) => {
    const stat = asObj(asObj(m).MetricStat);
    const metric = asObj(stat.Metric);
    if (typeof metric.MetricName !== 'string') return [];
    return [
      {
        namespace: String(metric.Namespace),
        metric: metric.MetricName,
        dimensions: dims(metric.Dimensions),
        ...(typeof stat.Stat === 'string' ? { extendedStatistic: stat.Stat } : {}),
      },
    ];
  });
}

/** Subnets whose route table sends traffic to an internet gateway. */
function publicSubnets(t: Template): Set<string> {
  const igws = new Set(cfnOfType(t, 'AWS::EC2::InternetGateway').map(([id]) => id));
  const igwTables = new Set(
    cfnOfType(t, 'AWS::EC2::Route')
      .filter(([, p]) => igws.has(target(p.GatewayId) ?? ''))
      .map(([, p]) => target(p.RouteTableId)),
  );
  return new Set(
    cfnOfType(t, 'AWS::EC2::SubnetRouteTableAssociation')
      .filter(([, p]) => igwTables.has(target(p.RouteTableId)))
      .map(([, p]) => target(p.SubnetId) ?? ''),
  );
}

export function extractAws(t: Template): CapabilitySummary {
  const publicNets = publicSubnets(t);
  const inPrivateSubnets = (subnetGroup: Json | undefined) =>
    subnetGroup !== undefined &&
    asArr(subnetGroup.SubnetIds).length > 0 &&
    asArr(subnetGroup.SubnetIds).every((s) => !publicNets.has(target(s) ?? ''));

  // ---- load balancer, WAF
  const albs = cfnOfType(t, 'AWS::ElasticLoadBalancingV2::LoadBalancer').filter(
    ([, p]) => (p.Type ?? 'application') === 'application' && (p.Scheme ?? 'internet-facing') === 'internet-facing',
  );
  const albIds = new Set(albs.map(([id]) => id));
  const listeners = cfnOfType(t, 'AWS::ElasticLoadBalancingV2::Listener').filter(([, p]) =>
    albIds.has(target(p.LoadBalancerArn) ?? ''),
  );
  const httpsListeners = listeners.filter(([, p]) => p.Protocol === 'HTTPS' && asArr(p.Certificates).length > 0);
  const redirect = listeners.some(
    ([, p]) =>
      p.Protocol === 'HTTP' &&
      asArr(p.DefaultActions).some((a) => {
        const r = asObj(asObj(a).RedirectConfig);
        return asObj(a).Type === 'redirect' && r.Protocol === 'HTTPS' && r.StatusCode === 'HTTP_301';
      }),
  );
  const acls = new Map(cfnOfType(t, 'AWS::WAFv2::WebACL'));
  const attachedAcls = cfnOfType(t, 'AWS::WAFv2::WebACLAssociation')
    .filter(([, p]) => albIds.has(target(p.ResourceArn) ?? ''))
    .map(([, p]) => acls.get(target(p.WebACLArn) ?? ''))
    .filter((p): p is Json => p !== undefined);
  const rules = attachedAcls.flatMap((p) => asArr(p.Rules).map((r) => asObj(asObj(r).Statement)));
  const wafEnabled = rules.some((s) => 'ManagedRuleGroupStatement' in s);
  const targetGroups = cfnOfType(t, 'AWS::ElasticLoadBalancingV2::TargetGroup');
  const albAttributes = Object.fromEntries(
    albs.flatMap(([, p]) => asArr(p.LoadBalancerAttributes).map((a) => [asObj(a).Key, asObj(a).Value])),
  );
  // Behind the CDN, no listener forwards by default: only a rule matching the CDN's secret header does.
  const forwardsByDefault = listeners.some(([, p]) => asArr(p.DefaultActions).some((a) => asObj(a).Type === 'forward'));
  const headerGated = cfnOfType(t, 'AWS::ElasticLoadBalancingV2::ListenerRule').some(
    ([, p]) =>
      asArr(p.Conditions).some((c) => asObj(c).Field === 'http-header') &&
      asArr(p.Actions).some((a) => asObj(a).Type === 'forward'),
  );

  // ---- CDN
  const dists = cfnOfType(t, 'AWS::CloudFront::Distribution').map(([, p]) => asObj(p.DistributionConfig));
  const behaviors = dists.flatMap((d) => [asObj(d.DefaultCacheBehavior), ...asArr(d.CacheBehaviors).map(asObj)]);
  const cdnEnabled = dists.length > 0;

  // ---- compute
  const groups = cfnOfType(t, 'AWS::AutoScaling::AutoScalingGroup');
  const groupIds = new Set(groups.map(([id]) => id));
  const [, asg] = groups[0] ?? ['', {}];
  const mixed = asObj(asg.MixedInstancesPolicy);
  const distribution = asObj(mixed.InstancesDistribution);
  const [, launchTemplate] = cfnOfType(t, 'AWS::EC2::LaunchTemplate')[0] ?? ['', {}];
  const instanceType =
    asObj(asArr(asObj(mixed.LaunchTemplate).Overrides)[0]).InstanceType ??
    asObj(launchTemplate.LaunchTemplateData).InstanceType;
  const onDemandAbove = distribution.OnDemandPercentageAboveBaseCapacity ?? 100;
  const spotPercent = 100 - asNum(onDemandAbove);
  const min = groups.reduce((n, [, p]) => n + asNum(p.MinSize), 0);
  const max = groups.reduce((n, [, p]) => n + asNum(p.MaxSize), 0);
  const policyTypes = cfnOfType(t, 'AWS::AutoScaling::ScalingPolicy')
    .filter(([, p]) => groupIds.has(target(p.AutoScalingGroupName) ?? ''))
    .map(
      ([, p]) => asObj(asObj(asObj(p.TargetTrackingConfiguration).PredefinedMetricSpecification)).PredefinedMetricType,
    );
  const scalesOn = [
    ...(policyTypes.includes('ASGAverageCPUUtilization') ? ['cpu'] : []),
    ...(policyTypes.includes('ALBRequestCountPerTarget') ? ['requests'] : []),
  ];

  // ---- cache
  const caches = cfnOfType(t, 'AWS::ElastiCache::ReplicationGroup').map(([, p]) => p);
  const subnetGroups = new Map(cfnOfType(t, 'AWS::ElastiCache::SubnetGroup'));
  const cache = caches[0] ?? {};
  const cacheShards = cache.NumNodeGroups !== undefined ? asNum(cache.NumNodeGroups) : 1;
  const cacheReplicas =
    cache.ReplicasPerNodeGroup !== undefined ? asNum(cache.ReplicasPerNodeGroup) : asNum(cache.NumCacheClusters) - 1;

  // ---- database: one Aurora cluster per shard, ordered by its identifier's shard suffix
  const clusters = cfnOfType(t, 'AWS::RDS::DBCluster').sort(
    ([, a], [, b]) => shardOfName(String(a.DBClusterIdentifier)) - shardOfName(String(b.DBClusterIdentifier)),
  );
  const instances = cfnOfType(t, 'AWS::RDS::DBInstance');
  const instancesOf = (cluster: string) => instances.filter(([, p]) => target(p.DBClusterIdentifier) === cluster);
  const readersOf = (cluster: string) => Math.max(0, instancesOf(cluster).length - 1);
  const paramGroups = new Map(cfnOfType(t, 'AWS::RDS::DBClusterParameterGroup'));
  const dbSubnetGroups = new Map(cfnOfType(t, 'AWS::RDS::DBSubnetGroup'));
  const proxies = new Map(cfnOfType(t, 'AWS::RDS::DBProxy'));
  const proxyTargets = cfnOfType(t, 'AWS::RDS::DBProxyTargetGroup').map(([, p]) => ({
    proxy: proxies.get(target(p.DBProxyName) ?? ''),
    clusters: asArr(p.DBClusterIdentifiers).map(target),
  }));
  const proxiedClusters = new Set(proxyTargets.flatMap((x) => (x.proxy ? x.clusters : [])));
  /** Clusters behind a proxy that accepts plain-text clients. */
  const plainProxied = new Set(proxyTargets.flatMap((x) => (x.proxy && x.proxy.RequireTLS !== true ? x.clusters : [])));
  const clusterIds = clusters.map(([id]) => id);

  // ---- alarms
  const alarms = cfnOfType(t, 'AWS::CloudWatch::Alarm').map(([, p]) => ({ p, metrics: alarmMetrics(p) }));
  const signalOf = (a: (typeof alarms)[number]): AlarmSignal | undefined => {
    const signals = new Set(a.metrics.map((m) => awsSignal(m.namespace, m.metric)));
    signals.delete(undefined);
    if (signals.size !== 1) return undefined;
    const [signal] = [...signals] as AlarmSignal[];
    // Response time counts as p99 latency only at the 99th percentile.
    if (signal === 'lb-p99-latency' && !a.metrics.some((m) => m.extendedStatistic === 'p99')) return undefined;
    return signal;
  };
  const watchedClusters = (signal: AlarmSignal) =>
    new Set(
      alarms
        .filter((a) => signalOf(a) === signal)
        .flatMap((a) => a.metrics.map((m) => target(m.dimensions.DBClusterIdentifier))),
    );
  const covered = new Set<AlarmSignal>();
  for (const a of alarms) {
    const s = signalOf(a);
    if (s === undefined) continue;
    if (s === 'db-replica-lag' && ![...watchedClusters(s)].some((c) => c && readersOf(c) > 0)) continue;
    covered.add(s);
  }
  const dbWatch = (['db-cpu', 'db-storage', 'db-connections'] as const).map(watchedClusters);
  const lagWatch = watchedClusters('db-replica-lag');
  const shardsWatched = clusterIds.filter(
    (c) => dbWatch.every((w) => w.has(c)) && (readersOf(c) === 0 || lagWatch.has(c)),
  ).length;
  const atMaxGroups = new Set(
    alarms
      .filter((a) => signalOf(a) === 'group-at-max')
      .flatMap((a) => a.metrics.map((m) => target(m.dimensions.AutoScalingGroupName))),
  );
  const emailByTopic = new Map<string, string>();
  for (const [, s] of cfnOfType(t, 'AWS::SNS::Subscription')) {
    if (s.Protocol === 'email' && typeof s.Endpoint === 'string')
      emailByTopic.set(target(s.TopicArn) ?? '', s.Endpoint);
  }
  const notifyTargets = alarms.map((a) => asArr(a.p.AlarmActions).map((x) => emailByTopic.get(target(x) ?? '')));
  const notifies = same(notifyTargets.map((targets) => targets.find((e) => e !== undefined) ?? null));

  // ---- contract
  const envs = cfnOfType(t, 'AWS::EC2::LaunchTemplate').map(([, p]) =>
    envFromBoot(renderCfnString(asObj(p.LaunchTemplateData).UserData)),
  );
  const outputs: Record<string, string> = {};
  for (const [key, o] of Object.entries(t.Outputs ?? {})) {
    const name = o.Description;
    // The output key is the contract name in PascalCase (CloudFormation forbids "_").
    if (typeof name === 'string' && (OUTPUT_NAMES as readonly string[]).includes(name) && key === pascal(name)) {
      outputs[name] = renderCfnString(o.Value);
    }
  }

  return {
    loadBalancer: {
      present: albs.length > 0,
      https: httpsListeners.length > 0,
      httpsRedirect: redirect,
      tls12Plus:
        httpsListeners.length > 0 ? httpsListeners.every(([, p]) => TLS12_POLICY.test(String(p.SslPolicy))) : null,
      healthCheck:
        same(
          targetGroups.map(([, p]) =>
            `${p.HealthCheckPath} :${p.HealthCheckPort ?? p.Port}`.replace(':traffic-port', `:${p.Port}`),
          ),
        ) ?? 'differs between target groups',
      idleTimeoutSeconds: asNum(albAttributes['idle_timeout.timeout_seconds'] ?? 60),
    },
    waf: {
      enabled: wafEnabled,
      rateLimit: wafEnabled ? rules.some((s) => 'RateBasedStatement' in s) : null,
    },
    cdn: {
      enabled: cdnEnabled,
      compression: cdnEnabled ? behaviors.every((b) => b.Compress === true) : null,
      cachedPaths: dists.flatMap((d) => asArr(d.CacheBehaviors).map((b) => String(asObj(b).PathPattern))).sort(),
      originLocked: cdnEnabled ? !forwardsByDefault && headerGated : null,
    },
    compute: {
      min,
      max,
      onDemandMin: spotPercent === 0 ? min : asNum(distribution.OnDemandBaseCapacity ?? 0),
      spot: { percent: spotPercent, groups: gapMarker('aws', 'compute.spot.groups') },
      scalesOn,
      noDesiredCount: groups.length > 0 && groups.every(([, p]) => p.DesiredCapacity === undefined),
      zones: same(groups.map(([, p]) => asArr(p.VPCZoneIdentifier).length)) ?? -1,
    },
    sizes: {
      compute: sizeName(COMPUTE_SIZES, 'aws', instanceType),
      cache: sizeName(CACHE_SIZES, 'aws', cache.CacheNodeType),
      database: sizeName(DATABASE_SIZES, 'aws', same(instances.map(([, p]) => p.DBInstanceClass))),
    },
    cache: {
      shards: cacheShards,
      replicasPerShard: cacheReplicas,
      clustered: cache.ClusterMode === 'enabled',
      highAvailability: cache.AutomaticFailoverEnabled === true && cache.MultiAZEnabled === true,
      tls: cache.TransitEncryptionEnabled === true && cache.TransitEncryptionMode !== 'preferred',
      auth: cache.AuthToken !== undefined || asArr(cache.UserGroupIds).length > 0,
      encryptedAtRest: cache.AtRestEncryptionEnabled === true,
      privateOnly: inPrivateSubnets(subnetGroups.get(target(cache.CacheSubnetGroupName) ?? '')),
    },
    database: {
      engineVersion: same(clusters.map(([, p]) => postgresMajor(p.EngineVersion))) ?? 'differs between shards',
      shards: clusters.length,
      replicasPerShard: clusterIds.map(readersOf),
      highAvailability: clusterIds.length > 0 && clusterIds.every((c) => readersOf(c) > 0),
      encryptedAtRest: clusters.every(([, p]) => p.StorageEncrypted === true),
      tlsRequired: clusters.every(
        ([id, p]) =>
          asObj(paramGroups.get(target(p.DBClusterParameterGroupName) ?? '')?.Parameters)['rds.force_ssl'] === '1' &&
          !plainProxied.has(id),
      ),
      privateOnly:
        instances.every(([, p]) => p.PubliclyAccessible === false) &&
        clusters.every(([, p]) => inPrivateSubnets(dbSubnetGroups.get(target(p.DBSubnetGroupName) ?? ''))),
      backupRetentionDays: same(clusters.map(([, p]) => asNum(p.BackupRetentionPeriod))) ?? -1,
      deletionProtection: clusters.length > 0 && clusters.every(([, p]) => p.DeletionProtection === true),
      replicasRemovable: clusterIds.some((c) => readersOf(c) > 0)
        ? instances.every(([id, p]) => p.DeletionProtection !== true && t.Resources[id]?.DeletionPolicy !== 'Retain')
        : null,
      connectionPooling: clusterIds.length > 0 && clusterIds.every((c) => proxiedClusters.has(c)),
    },
    alarms: {
      signals: inSignalOrder(covered),
      shardsWatched,
      everyGroupWatched: groups.length > 0 && groups.every(([id]) => atMaxGroups.has(id)),
      notifies: notifies ?? null,
    },
    contract: contractSummary(envs, outputs),
  };
}

/** DATABASE_WRITER_HOST -> DatabaseWriterHost. */
function pascal(name: string): string {
  return name
    .toLowerCase()
    .split('_')
    .map((w) => w.charAt(0).toUpperCase() + w.slice(1))
    .join('');
}
