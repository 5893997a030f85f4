import { ENVIRONMENTS } from '../../lib/constants';
import { assertValid, formatProblem, type Problem, SpecError, suggest, validate } from '../../lib/validate';
import { exampleSpec, merge, presetSpec } from '../fixtures';

/** A valid prod spec that each case breaks in its own way. */
const base = () => presetSpec('prod') as Record<string, unknown>;
/** Patches the base; `undefined` in the patch removes the field (the merge helper keeps it). */
const patch = (p: Record<string, unknown>) =>
  JSON.parse(JSON.stringify(merge(base(), p as never), (_k, v) => v ?? undefined));
const drop = (obj: Record<string, unknown>, path: string[]) => {
  const parent = path.slice(0, -1).reduce<Record<string, unknown>>((o, k) => o[k] as Record<string, unknown>, obj);
  delete parent[path[path.length - 1] as string];
  return obj;
};

interface Case {
  /** What the case breaks. */
  readonly title: string;
  readonly input: unknown;
  /** Every path that must be reported, and nothing else. */
  readonly paths: readonly string[];
  /** A fragment the first problem's message must contain (what is allowed). */
  readonly message?: string;
}

const cases: Case[] = [
  { title: 'not a mapping', input: ['a'], paths: [''], message: 'must be a mapping' },
  { title: 'null document', input: null, paths: [''], message: 'must be a mapping' },
  {
    title: 'empty mapping: every required field',
    input: {},
    // Without a terraform section the Azure Key Vault could not be written either.
    paths: ['name', 'environment', 'compute', 'alerts', 'terraform.runnerCidrs'],
    message: 'is required',
  },
  {
    title: 'name with capitals and underscore',
    input: patch({ name: 'Shop_API' }),
    paths: ['name'],
    message: 'lowercase letters',
  },
  { title: 'name too short', input: patch({ name: 'ab' }), paths: ['name'], message: 'at least 3' },
  { title: 'name ending with a dash', input: patch({ name: 'shop-' }), paths: ['name'] },
  { title: 'name with a double dash', input: patch({ name: 'shop--api' }), paths: ['name'], message: '"--"' },
  {
    title: 'name too long for derived cloud names',
    input: patch({ name: 'a-very-long-service-name-for-this' }),
    paths: ['name', 'name', 'name'],
    message: 'AWS allows 1-32',
  },
  { title: 'name as a number', input: patch({ name: 42 }), paths: ['name'], message: 'must be a string' },
  {
    title: 'unknown environment',
    input: patch({ environment: 'production' }),
    paths: ['environment'],
    message: 'dev | staging | prod',
  },
  { title: 'top-level typo', input: patch({ databse: {} }), paths: ['databse'], message: 'did you mean "database"' },
  {
    title: 'typo maxInstance is not ignored',
    input: patch({ compute: { maxInstance: 4 } }),
    paths: ['compute.maxInstance'],
    message: 'did you mean "maxInstances"',
  },
  {
    title: 'case-only typo',
    input: patch({ database: { readreplicas: 2 } }),
    paths: ['database.readreplicas'],
    message: 'did you mean "readReplicas"',
  },
  {
    title: 'unknown field without a close match lists the allowed ones',
    input: patch({ alerts: { email: 'ops@example.com', pagerduty: 'x' } }),
    paths: ['alerts.pagerduty'],
    message: 'allowed here: email',
  },
  {
    title: 'unknown cloud',
    input: patch({ clouds: ['aws', 'oci'] }),
    paths: ['clouds[1]'],
    message: 'aws | gcp | azure',
  },
  { title: 'repeated cloud', input: patch({ clouds: ['aws', 'aws'] }), paths: ['clouds'], message: 'must not repeat' },
  { title: 'no clouds', input: patch({ clouds: [] }), paths: ['clouds'], message: 'at least 1' },
  {
    title: 'bad AWS region',
    input: patch({ regions: { aws: 'virginia' } }),
    paths: ['regions.aws'],
    message: 'us-east-1',
  },
  { title: 'bad GCP region', input: patch({ regions: { gcp: 'US Central' } }), paths: ['regions.gcp'] },
  {
    title: 'malformed CIDR',
    input: patch({ network: { cidr: '10.0.0.300/16' } }),
    paths: ['network.cidr'],
    message: 'IPv4 CIDR',
  },
  {
    title: 'public CIDR',
    input: patch({ network: { cidr: '8.8.0.0/16' } }),
    paths: ['network.cidr'],
    message: 'private range',
  },
  { title: 'CIDR with host bits', input: patch({ network: { cidr: '10.0.1.0/16' } }), paths: ['network.cidr'] },
  {
    title: 'CIDR too small for the subnets',
    input: patch({ network: { cidr: '10.0.0.0/24' } }),
    paths: ['network.cidr'],
    message: '/16 to /20',
  },
  { title: 'one zone', input: patch({ network: { zones: 1 } }), paths: ['network.zones'], message: 'at least 2' },
  { title: 'four zones', input: patch({ network: { zones: 4 } }), paths: ['network.zones'], message: 'at most 3' },
  { title: 'fractional zones', input: patch({ network: { zones: 2.5 } }), paths: ['network.zones'] },
  {
    title: 'domain with capitals',
    input: patch({
      loadBalancer: {
        https: { domain: 'API.example.com', certificate: { azure: 'https://kv-certs.vault.azure.net/secrets/api' } },
      },
    }),
    paths: ['loadBalancer.https.domain'],
    message: 'DNS name',
  },
  {
    title: 'https on Azure without a certificate',
    input: patch({ loadBalancer: { https: { domain: 'api.example.com' } } }),
    paths: ['loadBalancer.https.certificate.azure'],
    message: 'Key Vault',
  },
  {
    title: 'bad ACM certificate ARN',
    input: patch({
      clouds: ['aws'],
      loadBalancer: { https: { domain: 'api.example.com', certificate: { aws: 'my-cert' } } },
    }),
    paths: ['loadBalancer.https.certificate.aws'],
    message: 'ACM certificate ARN',
  },
  {
    title: 'idle timeout out of range',
    input: patch({ loadBalancer: { idleTimeoutSeconds: 5000 } }),
    paths: ['loadBalancer.idleTimeoutSeconds'],
    message: 'at most 4000',
  },
  {
    title: 'waf as a string',
    input: patch({ loadBalancer: { waf: 'yes' } }),
    paths: ['loadBalancer.waf'],
    message: 'must be a boolean',
  },
  {
    title: 'cached path without a slash',
    input: patch({ cdn: { enabled: true, cachedPaths: ['static/*'] } }),
    paths: ['cdn.cachedPaths[0]'],
    message: 'starting with "/"',
  },
  {
    title: 'cached path with a mid-path wildcard',
    input: patch({ cdn: { enabled: true, cachedPaths: ['/img/*.png'] } }),
    paths: ['cdn.cachedPaths[0]'],
    message: '"*" only as the last character',
  },
  {
    title: 'more schedules than Azure autoscale profiles allow',
    input: patch({
      compute: {
        scaling: {
          schedules: Array.from({ length: 10 }, (_, i) => ({
            name: `w${i}`,
            cron: `0 ${i} * * *`,
            durationMinutes: 30,
            minInstances: 2,
            maxInstances: 4,
          })),
        },
      },
    }),
    paths: ['compute.scaling.schedules'],
    message: 'Azure (Azure Monitor autoscale) allows 0-9 schedules per group',
  },
  {
    title: 'CDN with HTTPS outside us-east-1 without a us-east-1 certificate',
    input: patch({
      clouds: ['aws'],
      regions: { aws: 'eu-west-1' },
      cdn: { enabled: true },
      loadBalancer: {
        https: {
          domain: 'api.example.com',
          certificate: { aws: 'arn:aws:acm:eu-west-1:123456789012:certificate/abc' },
        },
      },
    }),
    paths: ['loadBalancer.https.certificate.aws'],
    message: 'in us-east-1',
  },
  {
    title: 'unknown size',
    input: patch({ compute: { size: 'huge' } }),
    paths: ['compute.size'],
    message: 'small | medium | large | xlarge',
  },
  {
    title: 'per-cloud size with a typo',
    input: patch({ compute: { size: { aws: 'm7i.large', gcp: 'n2-standard-2', azure: 'Standard_D2s_v5', azr: 'x' } } }),
    paths: ['compute.size.azr'],
    message: 'did you mean "azure"',
  },
  {
    title: 'per-cloud size missing a cloud',
    input: patch({ compute: { size: { aws: 'm7i.large', gcp: 'n2-standard-2' } } }),
    paths: ['compute.size.azure'],
    message: 'is required',
  },
  {
    title: 'min above max',
    input: patch({ compute: { minInstances: 6, maxInstances: 4 } }),
    paths: ['compute.minInstances'],
    message: 'must not exceed compute.maxInstances (4)',
  },
  {
    title: 'min above the preset max',
    input: patch({ compute: { minInstances: 20 } }),
    paths: ['compute.minInstances'],
    message: '(10)',
  },
  {
    title: 'zero instances',
    input: patch({ compute: { minInstances: 0 } }),
    paths: ['compute.minInstances'],
    message: 'at least 1',
  },
  {
    title: 'max above AWS and Azure group limits',
    input: patch({ compute: { maxInstances: 1500 } }),
    paths: ['compute.maxInstances', 'compute.maxInstances'],
    message: 'AWS (EC2 Auto Scaling) allows 0-1000',
  },
  {
    title: 'cpu target too high',
    input: patch({ compute: { scaling: { targetCpuPercent: 95 } } }),
    paths: ['compute.scaling.targetCpuPercent'],
    message: 'at most 90',
  },
  {
    title: 'requests per instance zero',
    input: patch({ compute: { scaling: { targetRequestsPerInstance: 0 } } }),
    paths: ['compute.scaling.targetRequestsPerInstance'],
  },
  {
    title: 'schedule cron with a day of month',
    input: patch({
      compute: { scaling: { schedules: [{ name: 'nights', cron: '0 20 1 * *', minInstances: 1, maxInstances: 2 }] } },
    }),
    paths: ['compute.scaling.schedules[0].cron'],
    message: 'minute hour * * day-of-week',
  },
  {
    title: 'schedule cron with four fields',
    input: patch({
      compute: { scaling: { schedules: [{ name: 'nights', cron: '0 20 * *', minInstances: 1, maxInstances: 2 }] } },
    }),
    paths: ['compute.scaling.schedules[0].cron'],
  },
  {
    title: 'schedule min above its max',
    input: patch({
      compute: { scaling: { schedules: [{ name: 'peak', cron: '0 8 * * 1-5', minInstances: 5, maxInstances: 3 }] } },
    }),
    paths: ['compute.scaling.schedules[0].minInstances'],
    message: "schedule's maxInstances (3)",
  },
  {
    title: 'schedule names repeated',
    input: patch({
      compute: {
        scaling: {
          schedules: [
            { name: 'a', cron: '0 8 * * *', minInstances: 1, maxInstances: 3 },
            { name: 'a', cron: '0 20 * * *', minInstances: 1, maxInstances: 3 },
          ],
        },
      },
    }),
    paths: ['compute.scaling.schedules[1].name'],
    message: 'unique',
  },
  {
    title: 'schedule without bounds',
    input: patch({ compute: { scaling: { schedules: [{ name: 'a', cron: '0 8 * * *' }] } } }),
    paths: ['compute.scaling.schedules[0].minInstances', 'compute.scaling.schedules[0].maxInstances'],
  },
  {
    title: 'schedule time zone unknown',
    input: patch({
      compute: {
        scaling: {
          schedules: [{ name: 'a', cron: '0 8 * * *', timezone: 'Mars/Base', minInstances: 1, maxInstances: 3 }],
        },
      },
    }),
    paths: ['compute.scaling.schedules[0].timezone'],
    message: 'UTC',
  },
  {
    title: 'schedule max above the group limit',
    input: patch({
      clouds: ['aws'],
      compute: { scaling: { schedules: [{ name: 'a', cron: '0 8 * * *', minInstances: 1, maxInstances: 1500 }] } },
    }),
    paths: ['compute.scaling.schedules[0].maxInstances'],
    message: 'AWS',
  },
  {
    title: 'spot above 100',
    input: patch({ compute: { spotPercent: 150 } }),
    paths: ['compute.spotPercent'],
    message: 'at most 100',
  },
  {
    title: 'privileged port',
    input: patch({ compute: { port: 80 } }),
    paths: ['compute.port'],
    message: 'at least 1024',
  },
  { title: 'port above 65535', input: patch({ compute: { port: 70000 } }), paths: ['compute.port'] },
  {
    title: 'health check path without a slash',
    input: patch({ compute: { healthCheckPath: 'healthz' } }),
    paths: ['compute.healthCheckPath'],
    message: 'starting with "/"',
  },
  {
    title: 'image missing',
    input: drop(base(), ['compute', 'app', 'image']),
    paths: ['compute.app.image'],
    message: 'is required',
  },
  {
    title: 'image with spaces',
    input: patch({ compute: { app: { image: 'my image' } } }),
    paths: ['compute.app.image'],
    message: 'container image',
  },
  {
    title: 'env overriding the contract',
    input: patch({ compute: { app: { env: { DATABASE_SECRET: 'x' } } } }),
    paths: ['compute.app.env.DATABASE_SECRET'],
    message: 'reserved',
  },
  {
    title: 'env with a lowercase name',
    input: patch({ compute: { app: { env: { debug: '1' } } } }),
    paths: ['compute.app.env.debug'],
  },
  {
    title: 'env value not a string',
    input: patch({ compute: { app: { env: { DEBUG: 1 } } } }),
    paths: ['compute.app.env.DEBUG'],
    message: 'must be a string',
  },
  {
    title: 'cache shards above GCP Redis Cluster maximum',
    input: patch({ cache: { shards: 300 } }),
    // ... and its alarms alone would not fit one CloudFormation stack.
    paths: ['cache.shards', 'cache.shards'],
    message: 'GCP (Memorystore for Redis Cluster) allows 1-250',
  },
  {
    title: 'cache replicas above GCP cluster maximum',
    input: patch({ cache: { shards: 4, replicasPerShard: 3 } }),
    paths: ['cache.replicasPerShard'],
    message: 'GCP (Memorystore for Redis Cluster) allows 0-2',
  },
  {
    title: 'cache HA without replicas',
    input: patch({ cache: { replicasPerShard: 0 } }),
    paths: ['cache.replicasPerShard'],
    message: 'cache.highAvailability',
  },
  {
    title: 'too many read replicas for Azure and GCP',
    input: patch({ database: { readReplicas: 12 } }),
    paths: ['database.readReplicas', 'database.readReplicas'],
    message: 'GCP (Cloud SQL for PostgreSQL) allows 0-10',
  },
  {
    title: 'six read replicas is Azure-only problem',
    input: patch({ database: { readReplicas: 6 } }),
    paths: ['database.readReplicas'],
    message: 'Azure',
  },
  {
    title: 'six read replicas is fine without Azure',
    input: patch({ clouds: ['aws', 'gcp'], database: { readReplicas: 6 } }),
    paths: [],
  },
  {
    title: 'too many shards',
    input: patch({ database: { shards: 17 } }),
    paths: ['database.shards'],
    message: 'at most 16',
  },
  {
    title: 'unknown postgres version',
    input: patch({ database: { engineVersion: '12' } }),
    paths: ['database.engineVersion'],
    message: '14 | 15 | 16 | 17',
  },
  {
    title: 'postgres version as a number',
    input: patch({ database: { engineVersion: 16 } }),
    paths: ['database.engineVersion'],
  },
  {
    title: 'backup retention under the Azure minimum',
    input: patch({ environment: 'dev', database: { backupRetentionDays: 3 } }),
    paths: ['database.backupRetentionDays'],
    message: 'Azure (Azure Database for PostgreSQL Flexible Server) allows 7-35',
  },
  {
    title: 'backup retention above AWS and Azure maximum',
    input: patch({ database: { backupRetentionDays: 60 } }),
    paths: ['database.backupRetentionDays', 'database.backupRetentionDays'],
  },
  {
    title: 'prod without deletion protection',
    input: patch({ database: { deletionProtection: false } }),
    paths: ['database.deletionProtection'],
    message: 'allowUnsafeProd',
  },
  {
    title: 'prod with short backups',
    input: patch({ clouds: ['aws', 'gcp'], database: { backupRetentionDays: 3 } }),
    paths: ['database.backupRetentionDays'],
    message: 'at least 7 in prod',
  },
  {
    title: 'storage below the minimum',
    input: patch({ database: { storageGiB: 5 } }),
    paths: ['database.storageGiB'],
    message: 'at least 20',
  },
  {
    title: 'email without a domain',
    input: patch({ alerts: { email: 'ops' } }),
    paths: ['alerts.email'],
    message: 'email address',
  },
  { title: 'alerts missing', input: { ...base(), alerts: undefined }, paths: ['alerts'], message: 'is required' },
  {
    title: 'tag key with capitals',
    input: patch({ tags: { Team: 'a' } }),
    paths: ['tags.Team'],
    message: 'field name',
  },
  { title: 'tag value with spaces', input: patch({ tags: { team: 'pay ments' } }), paths: ['tags.team'] },
  {
    title: 'bad subscription id',
    input: patch({ accounts: { azure: 'abc' } }),
    paths: ['accounts.azure'],
    message: 'UUID',
  },
  {
    title: 'ssh key that is not OpenSSH',
    input: patch({ compute: { sshPublicKey: 'hello' } }),
    paths: ['compute.sshPublicKey'],
    message: 'OpenSSH',
  },
  // ---- prod floors: HTTPS and remote Terraform state, each waivable in its own section
  {
    title: 'prod without https and without the waiver',
    input: patch({ loadBalancer: { allowUnsafeProd: false } }),
    paths: ['loadBalancer.https'],
    message: 'loadBalancer.allowUnsafeProd: true to waive',
  },
  {
    title: 'prod with local Terraform state on both Terraform clouds',
    input: patch({ terraform: { allowUnsafeProd: false } }),
    paths: ['terraform.state.gcp', 'terraform.state.azure'],
    message: 'terraform.allowUnsafeProd: true to waive',
  },
  {
    title: 'prod local state: only the clouds in the spec need a backend',
    input: patch({
      clouds: ['aws', 'gcp'],
      terraform: { allowUnsafeProd: false, state: { gcp: { bucket: 'tf-state' } } },
    }),
    paths: [],
  },
  {
    title: 'prod local state is fine for an AWS-only spec',
    input: patch({ clouds: ['aws'], terraform: { allowUnsafeProd: false } }),
    paths: [],
  },
  {
    title: 'state backend fields are checked',
    input: patch({
      terraform: {
        state: { gcp: { bucket: 'B!' }, azure: { resourceGroup: 'rg', storageAccount: 'Not_Valid', container: 'c' } },
      },
    }),
    paths: ['terraform.state.gcp.bucket', 'terraform.state.azure.storageAccount', 'terraform.state.azure.container'],
    message: 'a GCS bucket name',
  },
  // ---- Azure deploy inputs
  {
    title: 'Azure without a way for Terraform to reach the Key Vault',
    input: patch({ terraform: { privateRunner: false } }),
    paths: ['terraform.runnerCidrs'],
    message: 'terraform.privateRunner: true',
  },
  {
    title: 'the Key Vault runner CIDRs must be public',
    input: patch({ terraform: { privateRunner: false, runnerCidrs: ['10.0.0.0/8', '203.0.113.4/32'] } }),
    paths: ['terraform.runnerCidrs[0]'],
    message: 'a public IPv4 CIDR',
  },
  {
    title: 'a runner CIDR is enough without privateRunner',
    input: patch({ terraform: { privateRunner: false, runnerCidrs: ['203.0.113.4/32'] } }),
    paths: [],
  },
  {
    title: 'the runner is only an Azure concern',
    input: patch({ clouds: ['aws', 'gcp'], terraform: { privateRunner: false } }),
    paths: [],
  },
  {
    title: 'Azure HTTPS without the certificate vault id',
    input: patch({
      loadBalancer: {
        https: { domain: 'api.example.com', certificate: { azure: 'https://kv-a.vault.azure.net/secrets/c' } },
      },
    }),
    paths: ['loadBalancer.https.certificate.azureKeyVaultId'],
    message: 'BLUEPRINT_AZURE_CERT_VAULT_ID',
  },
  {
    title: 'a certificate vault id that is not a Key Vault resource id',
    input: patch({
      loadBalancer: {
        https: {
          domain: 'api.example.com',
          certificate: { azure: 'https://kv-a.vault.azure.net/secrets/c', azureKeyVaultId: 'kv-a' },
        },
      },
    }),
    paths: ['loadBalancer.https.certificate.azureKeyVaultId'],
    message: 'a Key Vault resource id',
  },
  {
    title: 'Azure HTTPS + CDN without an origin name the certificate covers',
    input: patch({
      cdn: { enabled: true },
      loadBalancer: {
        https: {
          domain: 'api.example.com',
          certificate: {
            azure: 'https://kv-a.vault.azure.net/secrets/c',
            azureKeyVaultId:
              '/subscriptions/00000000-0000-4000-8000-000000000000/resourceGroups/rg/providers/Microsoft.KeyVault/vaults/kv-a',
          },
        },
      },
    }),
    paths: ['cdn.originDomain'],
    message: 'a name the certificate covers',
  },
  {
    title: 'the CDN origin name must not be the public domain',
    input: patch({
      cdn: { enabled: true, originDomain: 'api.example.com' },
      loadBalancer: {
        https: {
          domain: 'api.example.com',
          certificate: {
            azure: 'https://kv-a.vault.azure.net/secrets/c',
            azureKeyVaultId:
              '/subscriptions/00000000-0000-4000-8000-000000000000/resourceGroups/rg/providers/Microsoft.KeyVault/vaults/kv-a',
          },
        },
      },
    }),
    paths: ['cdn.originDomain'],
    message: 'must differ from loadBalancer.https.domain',
  },
  // ---- zones
  {
    title: 'an AWS region whose zone letters differ between accounts needs names or an account',
    input: patch({ regions: { aws: 'ap-northeast-1' } }),
    paths: ['network.zoneNames.aws'],
    message: 'ap-northeast-1a, ap-northeast-1c in common',
  },
  {
    title: 'two zones of ap-northeast-1 are common to every account',
    input: patch({ regions: { aws: 'ap-northeast-1' }, network: { zones: 2 } }),
    paths: [],
  },
  {
    title: 'a region not in the zone table needs names or an account',
    input: patch({ regions: { aws: 'us-west-1' }, network: { zones: 2 } }),
    paths: ['network.zoneNames.aws'],
    message: 'not known to be the same for every account',
  },
  {
    title: 'an AWS account makes the zones a lookup',
    input: patch({ regions: { aws: 'us-west-1' }, network: { zones: 2 }, accounts: { aws: '123456789012' } }),
    paths: [],
  },
  {
    title: 'explicit AWS zone names fix it',
    input: patch({
      regions: { aws: 'ap-northeast-1' },
      network: { zoneNames: { aws: ['ap-northeast-1a', 'ap-northeast-1c', 'ap-northeast-1d'] } },
    }),
    paths: [],
  },
  {
    title: 'zone names: the count must match network.zones, in the region, no repeats',
    input: patch({
      network: { zones: 3, zoneNames: { aws: ['us-east-1a', 'us-east-1a', 'eu-west-1b'], gcp: ['us-central1-a'] } },
    }),
    paths: ['network.zoneNames.aws', 'network.zoneNames.aws', 'network.zoneNames.gcp'],
    message: 'must be zones of AWS region us-east-1',
  },
  {
    title: 'a zone name that is not one',
    input: patch({ network: { zoneNames: { aws: ['use1-az1', 'us-east-1b', 'us-east-1c'] } } }),
    paths: ['network.zoneNames.aws[0]'],
    message: 'an AWS zone name',
  },
  // ---- limits only a deploy would find
  {
    title: 'a database too large for one CloudFormation stack',
    input: patch({ database: { shards: 16, readReplicas: 15 }, clouds: ['aws'] }),
    paths: ['database.shards'],
    message: 'a stack holds at most 500',
  },
  {
    title: 'a clustered cache too large for one CloudFormation stack',
    input: patch({ cache: { shards: 200 }, clouds: ['aws'] }),
    paths: ['cache.shards'],
    message: 'lower cache.shards',
  },
  {
    title: 'the CloudFormation limit is an AWS concern',
    input: patch({ database: { shards: 16, readReplicas: 10 }, clouds: ['gcp'] }),
    paths: [],
  },
  {
    title: 'Azure read replicas smaller than their primary',
    input: patch({ database: { size: 'large', replicaSize: 'medium', readReplicas: 1 } }),
    paths: ['database.replicaSize'],
    message: 'may not be smaller than its primary',
  },
  {
    title: 'request body limit outside what the WAFs enforce',
    input: patch({ loadBalancer: { maxRequestBodyKiB: 4 } }),
    paths: ['loadBalancer.maxRequestBodyKiB'],
    message: 'at least 8',
  },
];

describe('validate: invalid specs', () => {
  it('has at least 40 cases', () => {
    expect(cases.filter((c) => c.paths.length > 0).length).toBeGreaterThanOrEqual(40);
  });

  it.each(cases)('$title', ({ input, paths, message }) => {
    // WHEN the spec is validated
    const result = validate(input);
    // THEN exactly the expected fields are reported (and nothing else)
    const reported = result.ok ? [] : result.problems.map((p) => p.path);
    expect([...reported].sort()).toEqual([...paths].sort());
    if (message) {
      expect(result.ok).toBe(false);
      if (!result.ok) expect(result.problems.map(formatProblem).join('\n')).toContain(message);
    }
  });
});

describe('validate: every problem at once', () => {
  it('GIVEN a spec with many unrelated problems WHEN validated THEN each one is listed', () => {
    const input = patch({
      name: 'Bad Name',
      environment: 'prod',
      network: { zones: 7 },
      compute: { maxInstance: 3, minInstances: 8, maxInstances: 4, port: 1, app: { image: '??' } },
      database: { readReplicas: 99, deletionProtection: false },
      alerts: { email: 'x' },
    });
    const result = validate(input);
    expect(result.ok).toBe(false);
    const paths = result.ok ? [] : result.problems.map((p) => p.path);
    expect(new Set(paths)).toEqual(
      new Set([
        'name',
        'network.zones',
        'compute.maxInstance',
        'compute.minInstances',
        'compute.port',
        'compute.app.image',
        'database.readReplicas',
        'database.deletionProtection',
        'alerts.email',
      ]),
    );
  });

  it('GIVEN a wrong value THEN the message shows what was given', () => {
    const result = validate(patch({ network: { zones: 7 } }));
    expect(result.ok ? [] : result.problems.map(formatProblem)).toEqual(['network.zones: must be at most 3 (given 7)']);
  });

  it('GIVEN an unsafe prod setting with the explicit waiver THEN it is accepted', () => {
    const result = validate(patch({ database: { deletionProtection: false, allowUnsafeProd: true } }));
    expect(result.ok).toBe(true);
  });

  it('assertValid throws a SpecError listing every problem', () => {
    expect(() => assertValid(patch({ network: { zones: 9 }, alerts: { email: 'no' } }))).toThrow(SpecError);
    try {
      assertValid(patch({ network: { zones: 9 }, alerts: { email: 'no' } }));
    } catch (e) {
      expect((e as SpecError).problems.map((p: Problem) => p.path)).toEqual(['network.zones', 'alerts.email']);
    }
  });
});

describe('validate: valid specs', () => {
  it.each(ENVIRONMENTS)('the minimal %s spec validates', (env) => {
    expect(validate(presetSpec(env))).toMatchObject({ ok: true });
  });

  it('the example spec validates', () => {
    expect(validate(exampleSpec())).toMatchObject({ ok: true });
  });
});

describe('suggest', () => {
  it.each([
    ['maxInstance', ['minInstances', 'maxInstances'], 'maxInstances'],
    ['readreplicas', ['readReplicas', 'shards'], 'readReplicas'],
    ['zzzzzz', ['email'], undefined],
  ])('suggest(%s) = %s', (key, known, expected) => {
    expect(suggest(key, known)).toBe(expected);
  });
});

describe('validate: warnings', () => {
  it('GIVEN a prod CDN with the origin open THEN a warning names cdn.lockOrigin and the spec is still valid', () => {
    const result = validate(patch({ cdn: { enabled: true } }));
    expect(result.ok).toBe(true);
    expect(result.warnings.map((w) => w.path)).toEqual(['cdn.lockOrigin']);
    expect(formatProblem(result.warnings[0] as Problem)).toContain('once DNS points at the CDN');
  });

  it('GIVEN lockOrigin without a CDN THEN a warning says it does nothing', () => {
    const result = validate(patch({ cdn: { lockOrigin: true } }));
    expect(result.ok).toBe(true);
    expect(result.warnings.map((w) => formatProblem(w))).toEqual([
      'cdn.lockOrigin: has no effect while cdn.enabled is false',
    ]);
  });

  it("GIVEN 5 pooled shards on AWS THEN a quarter of the account's RDS Proxy quota is a warning, not a problem", () => {
    const result = validate(patch({ clouds: ['aws'], database: { shards: 5, readReplicas: 1 } }));
    expect(result.ok).toBe(true);
    expect(result.warnings.map((w) => w.path)).toEqual(['database.shards']);
    expect(formatProblem(result.warnings[0] as Problem)).toContain('5 RDS Proxies');
    expect(validate(patch({ clouds: ['aws'], database: { shards: 4, readReplicas: 1 } })).warnings).toEqual([]);
  });

  it('GIVEN 10 pooled shards on AWS THEN the quota warning stands beside the stack-size problem that refuses them', () => {
    // Every size has the app login (15 resources a shard), so 10 pooled shards exceed one stack.
    const result = validate(patch({ clouds: ['aws'], database: { size: 'small', shards: 10, readReplicas: 1 } }));
    expect(result.warnings.map((w) => w.path)).toEqual(['database.shards']);
    expect(result.ok ? [] : result.problems.map((p) => p.message)).toEqual([
      expect.stringContaining('CloudFormation resources'),
    ]);
  });

  it('GIVEN an Azure Container Registry image THEN the spec is valid and a warning says the registry must allow anonymous pull', () => {
    const result = validate(patch({ compute: { app: { image: 'shopregistry.azurecr.io/shop/api:1.4.2' } } }));
    expect(result.ok).toBe(true);
    expect(result.warnings.map((w) => formatProblem(w))).toEqual([
      expect.stringMatching(
        /^compute\.app\.image: is an Azure Container Registry image: .*anonymous-pull-enabled.* \(given "shopregistry\.azurecr\.io\/shop\/api:1\.4\.2"\)$/,
      ),
    ]);
    expect(validate(patch({ compute: { app: { image: 'ghcr.io/acme/shop-api:1.4.2' } } })).warnings).toEqual([]);
  });

  it('GIVEN the example THEN there is no warning', () => {
    expect(validate(exampleSpec()).warnings).toEqual([]);
  });
});
