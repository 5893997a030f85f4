import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fullDiff, ResourceImpact } from '@aws-cdk/cloudformation-diff';
import { OUTPUT_NAMES } from '../../lib/constants';
import type { ResolvedSpec } from '../../lib/resolve';
import { AWS_OUTPUT_IDS, AwsSynthInputError, synthAws } from '../../stacks/aws-stack';
import { resolved } from '../fixtures';
import { gatedAwsSynth } from '../support/gated';
import { synthesizedOutputs } from '../support/outputs';

/*
 * The whole AWS stack. Snapshots and the policy gates come from real synths (gates on, as
 * `blueprint synth` and `cdk synth` run them); the identity tests read the template the ungated
 * synth writes (test/support/outputs.ts: shared with the other suites, once per spec).
 */

type TemplateJson = {
  Resources: Record<
    string,
    { Type: string; Properties?: Record<string, unknown>; DeletionPolicy?: string; UpdateReplacePolicy?: string }
  >;
  Outputs: Record<string, { Description?: string }>;
};

/** The stack's template as `blueprint synth --no-checks` writes it, synthesized once per spec and source tree. */
function template(spec: ResolvedSpec): TemplateJson {
  return synthesizedOutputs(spec, ['aws']).aws as unknown as TemplateJson;
}

/** Resource types whose replacement loses data, keys or addresses. */
const STATEFUL = [
  'AWS::KMS::Key',
  'AWS::EC2::VPC',
  'AWS::EC2::Subnet',
  'AWS::RDS::DBCluster',
  'AWS::RDS::DBInstance',
  'AWS::ElastiCache::ReplicationGroup',
  'AWS::SecretsManager::Secret',
  'AWS::S3::Bucket',
];

const statefulIds = (t: TemplateJson) =>
  Object.entries(t.Resources)
    .filter(([, r]) => STATEFUL.includes(r.Type))
    .map(([id, r]) => `${r.Type} ${id}`)
    .sort();

describe('AwsBlueprintStack: synth', () => {
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'aws-stack-test-'));
  afterAll(() => fs.rmSync(out, { recursive: true, force: true }));

  // The real synth path, gates on; the other presets and the example run through the gates
  // in test/constructs/aws/policy.test.ts (split so the two files run in parallel).
  test('GIVEN the prod preset WHEN synthesized with all three gates THEN a cloud assembly with no unacknowledged finding', () => {
    // synthAws with the gates, once per spec and source tree (test/support/gated.ts).
    const result = gatedAwsSynth(resolved('prod'));
    expect(result.stackName).toBe('shop-api-prod');
    expect(result.files).toContain('manifest.json');
    expect(result.templateFile).toBe('shop-api-prod.template.json');
    expect(result.files).toContain(result.templateFile);
    expect(result.findings).toEqual([]);
    expect(result.suppressed['cdk-validator-cfnguard']).toBeGreaterThan(0);
  });

  test('GIVEN table zones WHEN synthesized THEN every W3010 (literal zone) is acknowledged with a reason true on that path', () => {
    // The prod preset in us-east-1, no account: zones from the lib table, never from a lookup.
    const report = gatedAwsSynth(resolved('prod')).report as {
      pluginReports: Array<{
        suppressedViolations?: Array<{ ruleName: string; reason: string; acknowledgedAt: string }>;
      }>;
    };
    const w3010 = report.pluginReports
      .flatMap((p) => p.suppressedViolations ?? [])
      .filter((v) => v.ruleName === 'W3010');
    expect(w3010.length).toBeGreaterThanOrEqual(4);
    for (const v of w3010) {
      expect(v.reason).not.toMatch(/result of accessing stack\.availabilityZones/);
      expect(v.reason).toMatch(/AWS_ZONE_LETTERS|CT\.AUTOSCALING\.PR\.1/);
    }
  });

  test('GIVEN accounts.aws and no cached zone lookup WHEN synthAws runs THEN it fails with one line saying how to get the zones, writing no template of placeholder zones as a success', () => {
    const dir = path.join(out, 'lookup');
    const spec = resolved('prod', { accounts: { aws: '111111111111' }, regions: { aws: 'eu-west-1' } });
    let error: unknown;
    try {
      synthAws(spec, dir, { baselineWasmCompiler: false });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(AwsSynthInputError);
    const message = (error as Error).message;
    expect(message).not.toContain('\n');
    expect(message).toMatch(
      /^network\.zoneNames\.aws: the availability zones of account 111111111111 in eu-west-1 are not cached; run `npx cdk synth` once with credentials .* cdk\.context\.json\), or set network\.zoneNames\.aws$/,
    );
    // Refused before synthesis: no template on placeholder zones, no gate run on one.
    expect(fs.existsSync(path.join(dir, 'shop-api-prod.template.json'))).toBe(false);
  });

  test.each(['dev', 'staging', 'prod'] as const)(
    'GIVEN the %s preset WHEN built THEN the template matches its snapshot',
    (env) => {
      expect(template(resolved(env))).toMatchSnapshot();
    },
  );
});

/** Logical ids a resource points at: Ref, Fn::GetAtt, ${X} in Fn::Sub, and DependsOn. */
function referencesOf(resource: unknown): Set<string> {
  const found = new Set<string>();
  const visit = (v: unknown): void => {
    if (Array.isArray(v)) {
      v.forEach(visit);
      return;
    }
    if (typeof v !== 'object' || v === null) return;
    for (const [k, x] of Object.entries(v)) {
      if (k === 'Ref' && typeof x === 'string') found.add(x);
      else if (k === 'Fn::GetAtt' && Array.isArray(x)) found.add(String(x[0]));
      else if (k === 'Fn::Sub')
        for (const m of JSON.stringify(x).matchAll(/\$\{([A-Za-z0-9]+)[.}]/g)) found.add(m[1] as string);
      else visit(x);
    }
  };
  const { DependsOn, ...rest } = resource as { DependsOn?: string | string[] };
  visit(rest);
  for (const d of [DependsOn ?? []].flat()) found.add(d);
  return found;
}

/** Types holding a shard's data or what opens it. */
const SHARD_DATA = [
  'AWS::RDS::DBCluster',
  'AWS::RDS::DBSubnetGroup',
  'AWS::RDS::DBClusterParameterGroup',
  'AWS::Logs::LogGroup',
  'AWS::SecretsManager::Secret',
  'AWS::SecretsManager::SecretTargetAttachment',
];

describe('AwsBlueprintStack: apps keep their endpoints', () => {
  const launchUserData = (t: TemplateJson) => {
    const [lt] = Object.values(t.Resources).filter((r) => r.Type === 'AWS::EC2::LaunchTemplate');
    return (lt?.Properties?.LaunchTemplateData as { UserData?: unknown } | undefined)?.UserData;
  };
  const userData = (spec: ResolvedSpec) => JSON.stringify(launchUserData(template(spec)));

  test.each([
    ['a reader is added (prod, 2 -> 3)', resolved('prod'), resolved('prod', { database: { readReplicas: 3 } })],
    ['a reader is removed (prod, 2 -> 1)', resolved('prod'), resolved('prod', { database: { readReplicas: 1 } })],
    ['the first reader is added (dev, 0 -> 1)', resolved('dev'), resolved('dev', { database: { readReplicas: 1 } })],
    [
      'a zone is added with pooling (staging, 2 -> 3)',
      resolved('staging'),
      resolved('staging', { network: { zones: 3 } }),
    ],
  ])(
    'GIVEN %s WHEN built THEN the user data is unchanged and so is every endpoint it names, so no instance refresh rolls the fleet',
    (_n, from, to) => {
      const before = template(from);
      const after = template(to);
      expect(JSON.stringify(launchUserData(after))).toBe(JSON.stringify(launchUserData(before)));
      // The same text could name a replaced resource (a new endpoint): the resources it names keep their properties.
      const named = [...referencesOf(launchUserData(before))].filter((id) => id in before.Resources);
      expect(named.length).toBeGreaterThan(2);
      for (const id of named) expect(after.Resources[id]?.Properties).toEqual(before.Resources[id]?.Properties);
    },
  );

  test('GIVEN a shard is added WHEN built THEN only DATABASE_SHARD_MAP changes (the new entry): one instance refresh', () => {
    const lines = (spec: ResolvedSpec) => userData(spec).split('\\n');
    const before = lines(resolved('prod'));
    const after = lines(resolved('prod', { database: { shards: 2 } }));
    const changed = after.filter((l) => !before.includes(l));
    expect(changed.length).toBeGreaterThan(0);
    expect(changed.every((l) => l.includes('DATABASE_SHARD_MAP') || !/^\s*[A-Z_]+=/.test(l))).toBe(true);
    expect(before.filter((l) => /^\s*DATABASE_(WRITER_HOST|READER_HOSTS|SECRET)=/.test(l))).toEqual(
      after.filter((l) => /^\s*DATABASE_(WRITER_HOST|READER_HOSTS|SECRET)=/.test(l)),
    );
  });
});

describe('AwsBlueprintStack: template hygiene', () => {
  test.each([
    ['the example', resolved('example')],
    ['the prod preset', resolved('prod')],
    ['the dev preset', resolved('dev')],
  ])(
    'GIVEN %s WHEN built THEN no DependsOn repeats a Ref or GetAtt of the same resource (cfn-lint W3005)',
    (_n, spec) => {
      const t = template(spec) as TemplateJson & { Resources: Record<string, { DependsOn?: string[] }> };
      const redundant = Object.entries(t.Resources).flatMap(([id, r]) => {
        const { DependsOn, ...rest } = r;
        const referenced = referencesOf(rest);
        return (DependsOn ?? []).filter((d) => referenced.has(d)).map((d) => `${id} -> ${d}`);
      });
      expect(redundant).toEqual([]);
    },
  );
});

describe('AwsBlueprintStack: removing a shard', () => {
  const shardIds = (t: TemplateJson, n: number) =>
    Object.keys(t.Resources).filter((id) => id.includes(`DatabaseShard${n}`));

  test('GIVEN prod with deletion protection WHEN shards go 3 -> 2 THEN shard 2 leaves the template and detaches as a retained set that references nothing deleted', () => {
    const before = template(resolved('prod', { database: { shards: 3 } }));
    const after = template(resolved('prod', { database: { shards: 2 } }));
    const removed = shardIds(before, 2);
    expect(removed.length).toBeGreaterThan(10);
    expect(shardIds(after, 2)).toEqual([]);
    const resources = before.Resources;
    const retained = removed.filter((id) => resources[id]?.DeletionPolicy === 'Retain');
    for (const id of removed.filter((id) => SHARD_DATA.includes(resources[id]?.Type ?? ''))) {
      expect(`${id} ${resources[id]?.DeletionPolicy}/${resources[id]?.UpdateReplacePolicy}`).toBe(
        `${id} Retain/Retain`,
      );
    }
    const deleted = new Set(removed.filter((id) => !retained.includes(id)));
    const dangling = retained.flatMap((id) =>
      [...referencesOf(resources[id])].filter((ref) => deleted.has(ref)).map((ref) => `${id} -> ${ref}`),
    );
    expect(dangling).toEqual([]);
    // The cluster's own security group is part of the set (the cluster needs it); its instances
    // are not (Aurora deletes them under deletion protection, and a removed replica must not linger).
    expect(retained.map((id) => resources[id]?.Type)).toEqual(
      expect.arrayContaining(['AWS::EC2::SecurityGroup', 'AWS::RDS::DBCluster', 'AWS::RDS::DBSubnetGroup']),
    );
    for (const id of removed.filter((id) => resources[id]?.Type === 'AWS::RDS::DBInstance')) {
      expect(resources[id]?.DeletionPolicy).toBe('Delete');
    }
  });

  test('GIVEN dev (no deletion protection) WHEN a shard is removed THEN its cluster ends in a final snapshot', () => {
    const before = template(resolved('dev', { database: { shards: 2 } }));
    const [cluster] = Object.entries(before.Resources).filter(
      ([id, r]) => id.startsWith('DatabaseShard1') && r.Type === 'AWS::RDS::DBCluster',
    );
    expect(cluster?.[1].DeletionPolicy).toBe('Snapshot');
    expect(shardIds(template(resolved('dev')), 1)).toEqual([]);
  });
});

describe('AwsBlueprintStack: the app is not the admin', () => {
  test.each([
    ['prod, 2 shards', resolved('prod', { database: { shards: 2 } }), 2],
    ['the dev preset (size small, Aurora Serverless v2)', resolved('dev'), 1],
  ])(
    'GIVEN %s WHEN built THEN the instances read the app secrets and the cache token only, never an admin secret, and DATABASE_SECRET names the app secret',
    (_n, spec, shards) => {
      const t = template(spec);
      const [, rolePolicy] =
        Object.entries(t.Resources).find(
          ([id, r]) => r.Type === 'AWS::IAM::Policy' && id.startsWith('ComputeGroupRole'),
        ) ?? [];
      if (!rolePolicy) throw new Error('no instance role policy');
      const document = rolePolicy.Properties?.PolicyDocument as {
        Statement: Array<{ Action: unknown; Resource: unknown }>;
      };
      const reads = document.Statement.filter((st) => [st.Action].flat().includes('secretsmanager:GetSecretValue'));
      const targets = reads.flatMap((st) => [st.Resource].flat()).map((r) => JSON.stringify(r));
      expect(targets.filter((r) => r.includes('AppSecretAttachment'))).toHaveLength(shards);
      expect(targets.filter((r) => r.includes('CacheAuthToken'))).toHaveLength(1);
      expect(targets.filter((r) => /ClusterSecretAttachment|ClusterSecret[0-9A-F]/.test(r))).toEqual([]);
      expect(targets).toHaveLength(shards + 1);
      // Nothing else in the template lets the instance role read the admin secret either.
      const adminSecret = Object.keys(t.Resources).find((id) => /DatabaseClusterSecretAttachment/.test(id));
      const grants = Object.entries(t.Resources).filter(
        ([, r]) => r.Type === 'AWS::IAM::Policy' && JSON.stringify(r.Properties?.Roles).includes('ComputeGroupRole'),
      );
      expect(
        grants.filter(([, r]) => JSON.stringify(r.Properties?.PolicyDocument).includes(adminSecret ?? '?')),
      ).toEqual([]);
      expect(JSON.stringify(t.Outputs.DatabaseSecret)).toContain('DatabaseAppSecretAttachment');
    },
  );

  test.each([
    ['prod, 2 shards', resolved('prod', { database: { shards: 2 } }), 2],
    ['the dev preset', resolved('dev'), 1],
  ])(
    'GIVEN %s WHEN built THEN the app group starts only after every shard login has its password',
    (_n, spec, shards) => {
      const t = template(spec) as TemplateJson & {
        Resources: Record<string, { DependsOn?: string[] }>;
      };
      const [, asg] =
        Object.entries(t.Resources).find(([, r]) => r.Type === 'AWS::AutoScaling::AutoScalingGroup') ?? [];
      const passwords = Object.entries(t.Resources)
        .filter(([, r]) => r.Type === 'Custom::DatabaseAppPassword')
        .map(([id]) => id);
      expect(passwords).toHaveLength(shards);
      expect(asg?.DependsOn).toEqual(expect.arrayContaining(passwords));
    },
  );
});

describe('AwsBlueprintStack: database size small <-> medium (Aurora Serverless v2 <-> provisioned)', () => {
  // Staging with one reader and pooling: writer, reader, proxy and the app login all present.
  const small = template(resolved('staging', { database: { size: 'small', readReplicas: 1 } }));
  const medium = template(resolved('staging', { database: { size: 'medium', readReplicas: 1 } }));
  const REPLACING = [
    ResourceImpact.WILL_REPLACE,
    ResourceImpact.MAY_REPLACE,
    ResourceImpact.WILL_DESTROY,
    ResourceImpact.WILL_ORPHAN,
  ];

  /** Every changed resource per @aws-cdk/cloudformation-diff: impact and changed properties. */
  const changes = (from: TemplateJson, to: TemplateJson) => {
    const out: Record<string, { type: string; impact: ResourceImpact; properties: string[] }> = {};
    fullDiff(from, to).resources.forEachDifference((id, change) => {
      out[id] = {
        type: change.newResourceType ?? change.oldResourceType ?? '',
        impact: change.changeImpact,
        properties: Object.keys(change.propertyUpdates).sort(),
      };
    });
    return out;
  };

  test.each([
    ['small -> medium', small, medium],
    ['medium -> small', medium, small],
  ])(
    'GIVEN %s WHEN cloudformation-diff compares the templates THEN the writer and reader change class in place, the cluster only its capacity range, and nothing is replaced, added or removed',
    (_n, from, to) => {
      const c = changes(from, to);
      expect(c.DatabaseClusterWriterD43085C6).toEqual({
        type: 'AWS::RDS::DBInstance',
        impact: ResourceImpact.WILL_UPDATE,
        properties: ['DBInstanceClass'],
      });
      // Serverless readers sit in promotion tier 1 (they scale with the writer), provisioned ones in 2.
      expect(c.DatabaseClusterReader1D8B76102).toEqual({
        type: 'AWS::RDS::DBInstance',
        impact: ResourceImpact.WILL_UPDATE,
        properties: ['DBInstanceClass', 'PromotionTier'],
      });
      expect(c.DatabaseCluster5B53A178).toEqual({
        type: 'AWS::RDS::DBCluster',
        impact: ResourceImpact.WILL_UPDATE,
        properties: ['ServerlessV2ScalingConfiguration'],
      });
      expect(Object.entries(c).filter(([, x]) => REPLACING.includes(x.impact))).toEqual([]);
      expect(Object.keys(to.Resources).sort()).toEqual(Object.keys(from.Resources).sort());
      // Everything else that changes is an alarm or the dashboard.
      const others = Object.values(c)
        .map((x) => x.type)
        .filter((type) => !type.startsWith('AWS::RDS::'));
      expect([...new Set(others)].sort()).toEqual(['AWS::CloudWatch::Alarm', 'AWS::CloudWatch::Dashboard']);
    },
  );
});

describe('AwsBlueprintStack: contract and identity', () => {
  test('GIVEN a spec WHEN built THEN the 8 contract outputs exist under their documented ids', () => {
    const t = template(resolved('prod'));
    for (const name of OUTPUT_NAMES) {
      expect(t.Outputs[AWS_OUTPUT_IDS[name]]?.Description).toBe(name);
    }
    expect(AWS_OUTPUT_IDS.DATABASE_WRITER_HOST).toBe('DatabaseWriterHost');
    expect(AWS_OUTPUT_IDS.LOAD_BALANCER_URL).toBe('LoadBalancerUrl');
  });

  test('GIVEN any preset WHEN built THEN no Auto Scaling group sets a desired capacity', () => {
    for (const env of ['dev', 'staging', 'prod'] as const) {
      const t = template(resolved(env));
      for (const r of Object.values(t.Resources).filter((r) => r.Type === 'AWS::AutoScaling::AutoScalingGroup')) {
        expect(r.Properties?.DesiredCapacity).toBeUndefined();
      }
    }
  });

  test('GIVEN spec tags WHEN built THEN taggable resources carry them', () => {
    const t = template(resolved('prod', { tags: { team: 'payments' } }));
    const cluster = Object.values(t.Resources).find((r) => r.Type === 'AWS::RDS::DBCluster');
    expect(cluster?.Properties?.Tags).toEqual(expect.arrayContaining([{ Key: 'team', Value: 'payments' }]));
  });

  test('GIVEN prod WHEN built THEN every stateful resource has its pinned logical id', () => {
    expect(statefulIds(template(resolved('prod')))).toEqual([
      'AWS::EC2::Subnet NetworkVpcIsolatedSubnet1Subnet0400477E',
      'AWS::EC2::Subnet NetworkVpcIsolatedSubnet2SubnetF65B365A',
      'AWS::EC2::Subnet NetworkVpcIsolatedSubnet3Subnet8C12D961',
      'AWS::EC2::Subnet NetworkVpcPrivateSubnet1Subnet6DD86AE6',
      'AWS::EC2::Subnet NetworkVpcPrivateSubnet2Subnet1BDBE877',
      'AWS::EC2::Subnet NetworkVpcPrivateSubnet3Subnet8ABFAF5C',
      'AWS::EC2::Subnet NetworkVpcPublicSubnet1Subnet36933139',
      'AWS::EC2::Subnet NetworkVpcPublicSubnet2SubnetC427CCE0',
      'AWS::EC2::Subnet NetworkVpcPublicSubnet3Subnet4BBF7F47',
      'AWS::EC2::VPC NetworkVpc7FB7348F',
      'AWS::ElastiCache::ReplicationGroup CacheReplicationGroupBFE59FF3',
      'AWS::KMS::Key SecretsDataKey8EEBFD64',
      'AWS::RDS::DBCluster DatabaseCluster5B53A178',
      'AWS::RDS::DBInstance DatabaseClusterReader1D8B76102',
      'AWS::RDS::DBInstance DatabaseClusterReader26C65DE14',
      'AWS::RDS::DBInstance DatabaseClusterWriterD43085C6',
      'AWS::S3::Bucket LoadBalancerAccessLogsB27DFC85',
      'AWS::SecretsManager::Secret CacheAuthToken04672416',
      'AWS::SecretsManager::Secret DatabaseAppSecret48DC418F',
      'AWS::SecretsManager::Secret shopapiprodDatabaseClusterSecret78EABD423fdaad7efa858a3daf9490cf0a702aeb',
    ]);
  });

  test('GIVEN a grown spec (readers, shards, instances, sizes, CDN) WHEN built THEN every stateful id and identity survives', () => {
    const base = template(resolved('prod'));
    const grown = template(
      resolved('prod', {
        compute: { size: 'xlarge', minInstances: 6, maxInstances: 40 },
        database: { readReplicas: 5, shards: 4, size: 'large' },
        cache: { replicasPerShard: 2, size: 'large' },
        cdn: { enabled: true },
      }),
    );
    for (const entry of statefulIds(base)) {
      const [type, id] = entry.split(' ') as [string, string];
      expect(grown.Resources[id]?.Type).toBe(type);
    }
    // Properties whose change replaces the resource stay the same.
    const same = (id: string, keys: string[]) => {
      for (const k of keys) expect(grown.Resources[id]?.Properties?.[k]).toEqual(base.Resources[id]?.Properties?.[k]);
    };
    same('NetworkVpc7FB7348F', ['CidrBlock']);
    same('DatabaseCluster5B53A178', ['DBClusterIdentifier', 'Engine', 'KmsKeyId', 'DBSubnetGroupName', 'DatabaseName']);
    same('CacheReplicationGroupBFE59FF3', [
      'ReplicationGroupId',
      'Engine',
      'KmsKeyId',
      'ClusterMode',
      'AtRestEncryptionEnabled',
    ]);
    for (const subnet of statefulIds(base).filter((e) => e.startsWith('AWS::EC2::Subnet'))) {
      same(subnet.split(' ')[1] as string, ['CidrBlock', 'AvailabilityZone']);
    }
    // The new shards and readers are added beside them.
    expect(Object.keys(grown.Resources).filter((id) => /^DatabaseShard\dCluster[0-9A-F]{8}$/.test(id))).toHaveLength(3);
    expect(Object.keys(grown.Resources).filter((id) => /^DatabaseClusterReader\d/.test(id))).toHaveLength(5);
  });
});
