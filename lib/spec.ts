import { z } from 'zod';
import { CLOUDS, ENV_CONTRACT, ENVIRONMENTS, POSTGRES_VERSIONS, SCHEDULE_TIME_ZONES, SIZES } from './constants';
import { IDLE_TIMEOUT_SECONDS, MAX_DATABASE_SHARDS, REQUEST_BODY_KIB } from './limits';
import { isValidCidr } from './network-plan';
import { presetDefaults } from './presets';
import { trafficSchema } from './traffic';

/*
 * The spec schema: the public contract users' specs, scripts and CI rely on. Per-field rules
 * live here (zod); rules that relate fields or depend on the chosen clouds live in
 * validate.ts. Fields whose default depends on the environment are optional here and filled
 * by resolve() from presets.ts; their docs quote the preset values.
 */

const DNS_LABEL = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;
const DOMAIN = /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/;
// Deliberately simple: one @, no spaces, a dotted domain. Providers verify by sending mail.
const EMAIL = /^[^\s@]{1,64}@([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/i;
const HEALTH_PATH = /^\/[A-Za-z0-9._~!$&'()*+,;=:@%/-]{0,1023}$/;
// GCP URL maps and Azure Front Door routes accept "*" only as the last character, after "/".
const CACHED_PATH = /^\/([A-Za-z0-9._~!$&'()+,;=:@%/-]{0,254}\/)?\*?$|^\/[A-Za-z0-9._~!$&'()+,;=:@%/-]{1,255}$/;
const IMAGE =
  /^[a-z0-9]+([._-][a-z0-9]+)*(:[0-9]+)?(\/[a-z0-9]+([._-][a-z0-9]+)*)*(:[\w][\w.-]{0,127})?(@sha256:[a-f0-9]{64})?$/;
const ENV_NAME = /^[A-Z_][A-Z0-9_]{0,127}$/;
export const TAG_KEY = /^[a-z][a-z0-9_-]{0,62}$/;
export const TAG_VALUE = /^[a-z0-9_-]{0,63}$/;
const CRON = /^\S+ \S+ \S+ \S+ \S+$/;
const ACM_ARN = /^arn:aws[a-z-]*:acm:[a-z0-9-]+:\d{12}:certificate\/[A-Za-z0-9-]+$/;
const KEY_VAULT_SECRET =
  /^https:\/\/[a-z0-9-]{3,24}\.vault\.azure\.net\/secrets\/[A-Za-z0-9-]{1,127}(\/[a-f0-9]{32})?\/?$/i;

const KEY_VAULT_ID =
  /^\/subscriptions\/[0-9a-f-]{36}\/resourceGroups\/[-\w.()]{1,90}\/providers\/Microsoft\.KeyVault\/vaults\/[A-Za-z0-9-]{3,24}$/i;
const AWS_ZONE = /^[a-z]{2}(-gov)?-[a-z]+-\d[a-z]$/;
const GCP_ZONE = /^[a-z]+-[a-z]+\d+-[a-z]$/;
const GCS_BUCKET = /^[a-z0-9][a-z0-9._-]{1,220}[a-z0-9]$/;
const STATE_PREFIX = /^[A-Za-z0-9._/-]{1,200}$/;
const AZ_RESOURCE_GROUP = /^[-\w.()]{0,89}[-\w()]$/;
const STORAGE_ACCOUNT = /^[a-z0-9]{3,24}$/;
const STORAGE_CONTAINER = /^[a-z0-9](?!.*--)[a-z0-9-]{1,61}[a-z0-9]$/;
const IPV4_CIDR = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/;

/** A public IPv4 CIDR (Key Vault firewall rules take public ranges only). */
function isPublicCidr(value: string): boolean {
  const m = IPV4_CIDR.exec(value);
  if (!m) return false;
  const [a, b, c, d, p] = m.slice(1).map(Number) as [number, number, number, number, number];
  if ([a, b, c, d].some((o) => o > 255) || p < 8 || p > 32) return false;
  const privateOrReserved =
    a === 10 || a === 127 || a === 0 || (a === 172 && b >= 16 && b <= 31) || (a === 192 && b === 168) || a >= 224;
  return !privateOrReserved;
}

const int = (min: number, max: number) => z.number().int().min(min).max(max);
const size = z.enum(SIZES);

export const certificateSchema = z
  .strictObject({
    aws: z
      .string()
      .regex(ACM_ARN, 'must be an ACM certificate ARN')
      .optional()
      .describe('Existing ACM certificate ARN. @default a DNS-validated ACM certificate for the domain'),
    gcp: z
      .string()
      .regex(DNS_LABEL, 'must be a certificate resource name')
      .optional()
      .describe('Name of an existing Compute SSL certificate. @default a Google-managed certificate for the domain'),
    azure: z
      .string()
      .regex(KEY_VAULT_SECRET, 'must be a Key Vault secret id (https://<vault>.vault.azure.net/secrets/<name>)')
      .optional()
      .describe(
        'Key Vault secret id of the certificate for the Application Gateway listener. Required for HTTPS on Azure.',
      ),
    azureKeyVaultId: z
      .string()
      .regex(
        KEY_VAULT_ID,
        'must be a Key Vault resource id (/subscriptions/<id>/resourceGroups/<group>/providers/Microsoft.KeyVault/vaults/<name>)',
      )
      .optional()
      .describe(
        'Resource id of the Key Vault that holds certificate.azure; the stack grants the gateway read on that one secret. Required for HTTPS on Azure (or BLUEPRINT_AZURE_CERT_VAULT_ID). @default BLUEPRINT_AZURE_CERT_VAULT_ID',
      ),
  })
  .describe('Existing certificates per cloud. @default {}');

export const scheduleSchema = z
  .strictObject({
    name: z
      .string()
      .regex(DNS_LABEL, 'lowercase letters, digits and "-", at most 63 characters')
      .describe('Schedule name, unique within the spec.'),
    cron: z
      .string()
      .regex(CRON, 'five space-separated fields: "minute hour * * day-of-week"')
      .describe('When the window starts: "minute hour * * day-of-week", e.g. "0 20 * * 1-5".'),
    durationMinutes: int(15, 7 * 24 * 60)
      .optional()
      .describe('How long the window lasts before the base bounds return. @default 480'),
    timezone: z
      .enum(Object.keys(SCHEDULE_TIME_ZONES) as [string, ...string[]])
      .optional()
      .describe('IANA time zone of the cron. @default "UTC"'),
    minInstances: int(0, 2000).describe('Fewest instances during the window.'),
    maxInstances: int(1, 2000).describe('Most instances during the window.'),
  })
  .describe('A recurring window with its own instance bounds.');

export const specSchema = z
  .strictObject({
    name: z
      .string()
      .min(3)
      .max(63)
      .regex(
        /^[a-z][a-z0-9-]*[a-z0-9]$/,
        'lowercase letters, digits and "-", starting with a letter and not ending with "-"',
      )
      .refine((v) => !v.includes('--'), 'must not contain "--"')
      .describe(
        'Service name; every cloud resource name derives from it, so it must be short enough for the name limits of each cloud (22 characters fit all three).',
      ),
    environment: z.enum(ENVIRONMENTS).describe('Selects the preset of defaults: dev | staging | prod.'),
    regions: z
      .strictObject({
        aws: z
          .string()
          .regex(/^[a-z]{2}(-gov)?-[a-z]+-\d$/, 'an AWS region such as us-east-1')
          .optional()
          .describe('AWS region. @default "us-east-1"'),
        gcp: z
          .string()
          .regex(/^[a-z]+-[a-z]+\d+$/, 'a GCP region such as us-central1')
          .optional()
          .describe('GCP region. @default "us-central1"'),
        azure: z
          .string()
          .regex(/^[a-z]+[a-z0-9]*$/, 'an Azure region such as eastus')
          .optional()
          .describe('Azure region. @default "eastus"'),
      })
      .optional()
      .describe('Region per cloud. @default { aws: us-east-1, gcp: us-central1, azure: eastus }'),
    clouds: z
      .array(z.enum(CLOUDS))
      .min(1)
      .refine((v) => new Set(v).size === v.length, 'must not repeat a cloud')
      .optional()
      .describe('Which clouds to synthesize. @default ["aws", "gcp", "azure"]'),
    accounts: z
      .strictObject({
        aws: z
          .string()
          .regex(/^\d{12}$/, '12 digits')
          .optional()
          .describe('AWS account id. @default the deploying credentials (environment-agnostic stack)'),
        gcp: z
          .string()
          .regex(/^[a-z][a-z0-9-]{4,28}[a-z0-9]$/, 'a GCP project id')
          .optional()
          .describe('GCP project id. @default the provider environment (GOOGLE_PROJECT)'),
        azure: z
          .string()
          .uuid('a subscription id (UUID)')
          .optional()
          .describe('Azure subscription id. @default the provider environment (ARM_SUBSCRIPTION_ID)'),
      })
      .optional()
      .describe('Where to deploy. @default the credentials of whoever deploys'),
    network: z
      .strictObject({
        cidr: z
          .string()
          .refine(isValidCidr, 'an IPv4 CIDR in a private range (10/8, 172.16/12, 192.168/16)')
          .optional()
          .describe('Address space of the private network, /16 to /20. @default "10.0.0.0/16"'),
        zones: int(2, 3)
          .optional()
          .describe(`Availability zones used. @default ${presetDefaults('zones')}`),
        zoneNames: z
          .strictObject({
            aws: z
              .array(z.string().regex(AWS_ZONE, 'an AWS zone name such as us-east-1a'))
              .optional()
              .describe(
                "This account's zone names, one per network.zones (zone letters differ between accounts in some regions). @default looked up when accounts.aws is set, else <region>a/b/c where every account has them",
              ),
            gcp: z
              .array(z.string().regex(GCP_ZONE, 'a GCP zone such as us-central1-a'))
              .optional()
              .describe(
                'Zones the instance groups spread over, one per network.zones. @default the first zones of the region',
              ),
          })
          .optional()
          .describe('Explicit zone names per cloud. @default derived from the region'),
      })
      .optional()
      .describe('Private network.'),
    loadBalancer: z
      .strictObject({
        https: z
          .strictObject({
            domain: z
              .string()
              .regex(DOMAIN, 'a lowercase DNS name such as api.example.com')
              .describe('Public domain the certificate is for.'),
            certificate: certificateSchema.optional(),
          })
          .optional()
          .describe('Serve HTTPS (TLS 1.2+) and redirect HTTP to it. @default off (HTTP only)'),
        waf: z
          .boolean()
          .optional()
          .describe(`Web application firewall with managed rules and a rate limit. @default ${presetDefaults('waf')}`),
        idleTimeoutSeconds: int(IDLE_TIMEOUT_SECONDS.min, IDLE_TIMEOUT_SECONDS.max)
          .optional()
          .describe(`Connection idle timeout. @default ${presetDefaults('idleTimeoutSeconds')}`),
        maxRequestBodyKiB: int(REQUEST_BODY_KIB.min, REQUEST_BODY_KIB.max)
          .optional()
          .describe(
            `Largest request body the WAF lets through, in KiB; smaller bodies are never blocked for their size (AWS and GCP inspect the first 8 KiB and never block on size). @default ${REQUEST_BODY_KIB.default}`,
          ),
        allowUnsafeProd: z
          .boolean()
          .optional()
          .describe('Let a prod spec serve plain HTTP (no loadBalancer.https). @default false'),
      })
      .optional()
      .describe('Public entry point.'),
    cdn: z
      .strictObject({
        enabled: z
          .boolean()
          .optional()
          .describe(`Put a CDN in front of the load balancer. @default ${presetDefaults('cdnEnabled')}`),
        cachedPaths: z
          .array(
            z
              .string()
              .regex(
                CACHED_PATH,
                'a path starting with "/", with "*" only as the last character after "/" (e.g. /static/*)',
              ),
          )
          .max(20)
          .optional()
          .describe('Path patterns the CDN caches; everything else passes through. @default ["/static/*"]'),
        lockOrigin: z
          .boolean()
          .optional()
          .describe(
            'Only the CDN may reach the load balancer. Turn it on once DNS points at the CDN: locking in the same deploy that creates the CDN cuts off clients still resolving to the load balancer. @default false',
          ),
        originDomain: z
          .string()
          .regex(DOMAIN, 'a lowercase DNS name such as origin.api.example.com')
          .optional()
          .describe(
            'Azure, CDN with HTTPS: a DNS name the certificate covers that points (CNAME) at the gateway; Front Door checks the origin certificate against it. @default none (required for Azure HTTPS + CDN)',
          ),
      })
      .optional()
      .describe('Content delivery network with compression.'),
    compute: z
      .strictObject({
        size: z
          .union([
            size,
            z.strictObject({
              aws: z
                .string()
                .regex(/^[a-z][a-z0-9-]*\.[a-z0-9]+$/, 'an EC2 instance type such as m7i.large')
                .optional(),
              gcp: z
                .string()
                .regex(/^[a-z][a-z0-9]*-[a-z0-9-]+$/, 'a machine type such as n2-standard-2')
                .optional(),
              azure: z
                .string()
                .regex(/^Standard_[A-Za-z0-9_]+$/, 'a VM size such as Standard_D2s_v5')
                .optional(),
            }),
          ])
          .optional()
          .describe(
            `small | medium | large | xlarge, or one type per cloud. @default ${presetDefaults('computeSize')}`,
          ),
        minInstances: int(1, 2000)
          .optional()
          .describe(`Fewest instances. @default ${presetDefaults('minInstances')}`),
        maxInstances: int(1, 2000)
          .optional()
          .describe(`Most instances. @default ${presetDefaults('maxInstances')}`),
        scaling: z
          .strictObject({
            targetCpuPercent: int(10, 90)
              .optional()
              .describe(`Average CPU the group scales to hold. @default ${presetDefaults('targetCpuPercent')}`),
            targetRequestsPerInstance: int(1, 100000)
              .optional()
              .describe('Requests per second per instance to scale on as well. @default not used'),
            schedules: z.array(scheduleSchema).max(20).optional().describe('Recurring windows. @default []'),
          })
          .optional()
          .describe('Auto-scaling policy; scales in as well as out.'),
        spotPercent: int(0, 100)
          .optional()
          .describe(`Share of capacity on spot / preemptible VMs. @default ${presetDefaults('spotPercent')}`),
        port: int(1024, 65535).optional().describe('Port the container listens on (unprivileged). @default 8080'),
        healthCheckPath: z
          .string()
          .regex(HEALTH_PATH, 'a URL path starting with "/"')
          .optional()
          .describe('Path the load balancer probes. @default "/healthz"'),
        sshPublicKey: z
          .string()
          .regex(/^(ssh-rsa|ssh-ed25519|ecdsa-sha2-nistp256) [A-Za-z0-9+/=]+( \S+)?$/, 'an OpenSSH public key')
          .optional()
          .describe(
            'Admin key for Azure scale-set VMs (Azure requires one). @default a generated key, private half in Key Vault',
          ),
        app: z
          .strictObject({
            image: z
              .string()
              .max(255)
              .regex(IMAGE, 'a container image reference such as ghcr.io/acme/api:1.4.2')
              .describe('Container image every VM runs.'),
            env: z
              .record(
                z
                  .string()
                  .regex(ENV_NAME, 'an environment variable name (A-Z, 0-9, _)')
                  .refine(
                    (k) => !(ENV_CONTRACT as readonly string[]).includes(k),
                    'is reserved for the environment contract',
                  ),
                z.string().max(4096),
              )
              .optional()
              .describe('Extra environment for the container (never secrets). @default {}'),
          })
          .describe('The application container.'),
      })
      .describe('The auto-scaling VM group.'),
    cache: z
      .strictObject({
        size: size.optional().describe(`Node size. @default ${presetDefaults('cacheSize')}`),
        shards: int(1, 500)
          .optional()
          .describe(`More than 1 = clustered Redis. @default ${presetDefaults('cacheShards')}`),
        replicasPerShard: int(0, 5)
          .optional()
          .describe(
            `Replicas per shard; >= 1 gives automatic failover. @default ${presetDefaults('cacheReplicasPerShard')}`,
          ),
        highAvailability: z
          .boolean()
          .optional()
          .describe(
            `Require automatic failover (needs replicasPerShard >= 1). @default ${presetDefaults('cacheHighAvailability')}`,
          ),
        revision: int(0, 99)
          .optional()
          .describe(
            'Raise by one in the same change as one that must re-create the cache (AWS cluster mode on or off, GCP BASIC <-> STANDARD_HA, Azure HA, size or clustering): the cache gets a new name, so the new one is created before the old one is deleted instead of the change failing on the fixed name (`blueprint diff` says when). @default 0',
          ),
      })
      .optional()
      .describe('Managed Redis, in front of the database.'),
    database: z
      .strictObject({
        engineVersion: z.enum(POSTGRES_VERSIONS).optional().describe('PostgreSQL major version. @default "16"'),
        size: size.optional().describe(`Instance size. @default ${presetDefaults('databaseSize')}`),
        replicaSize: size
          .optional()
          .describe(
            'Instance size of the read replicas, when it differs from size (Azure scales replicas before their primary: raise this first). @default database.size',
          ),
        storageGiB: int(20, 16384)
          .optional()
          .describe(
            `Allocated storage (Aurora grows on its own and ignores it). @default ${presetDefaults('storageGiB')}`,
          ),
        readReplicas: int(0, 15)
          .optional()
          .describe(`Read replicas per shard. @default ${presetDefaults('readReplicas')}`),
        shards: int(1, MAX_DATABASE_SHARDS)
          .optional()
          .describe(`Independent primary + replica sets. @default ${presetDefaults('databaseShards')}`),
        highAvailability: z
          .boolean()
          .optional()
          .describe(`Standby in another zone. @default ${presetDefaults('highAvailability')}`),
        backupRetentionDays: int(1, 365)
          .optional()
          .describe(`Days of automated backups. @default ${presetDefaults('backupRetentionDays')}`),
        deletionProtection: z
          .boolean()
          .optional()
          .describe(`Refuse deletion of the database. @default ${presetDefaults('deletionProtection')}`),
        connectionPooling: z
          .boolean()
          .optional()
          .describe(`Connection pooler where the cloud offers it. @default ${presetDefaults('connectionPooling')}`),
        appCredentialGeneration: int(0, 1_000_000)
          .optional()
          .describe(
            "Raise by one to rotate the app's database password on GCP and Azure: the secret moves to the other of two login users, so running apps keep working (AWS rotates every 30 days on its own). @default 0",
          ),
        allowUnsafeProd: z
          .boolean()
          .optional()
          .describe('Let a prod spec turn deletion protection off or keep backups under 7 days. @default false'),
      })
      .optional()
      .describe('PostgreSQL, last in line behind the cache.'),
    terraform: z
      .strictObject({
        state: z
          .strictObject({
            gcp: z
              .strictObject({
                bucket: z.string().regex(GCS_BUCKET, 'a GCS bucket name').describe('GCS bucket of the state.'),
                prefix: z
                  .string()
                  .regex(STATE_PREFIX, 'letters, digits, ".", "_", "-" and "/"')
                  .optional()
                  .describe('Object prefix inside the bucket. @default the stack name'),
              })
              .optional()
              .describe('GCS backend of the GCP stack (versioned, access-controlled bucket). @default local state'),
            azure: z
              .strictObject({
                resourceGroup: z
                  .string()
                  .regex(AZ_RESOURCE_GROUP, 'an Azure resource group name')
                  .describe('Resource group of the storage account.'),
                storageAccount: z
                  .string()
                  .regex(STORAGE_ACCOUNT, '3-24 lowercase letters and digits')
                  .describe('Storage account of the state.'),
                container: z
                  .string()
                  .regex(STORAGE_CONTAINER, 'a blob container name')
                  .describe('Blob container of the state.'),
                key: z
                  .string()
                  .regex(STATE_PREFIX, 'letters, digits, ".", "_", "-" and "/"')
                  .optional()
                  .describe('Blob name. @default <stack>.tfstate'),
              })
              .optional()
              .describe('azurerm backend of the Azure stack (Entra ID auth). @default local state'),
          })
          .optional()
          .describe('Remote Terraform state per cloud; the state holds every generated secret. @default local state'),
        runnerCidrs: z
          .array(z.string().refine(isPublicCidr, 'a public IPv4 CIDR such as 203.0.113.4/32'))
          .max(100)
          .optional()
          .describe(
            'Public CIDRs of the machines that run Terraform; the private Azure Key Vault admits them so Terraform can write the generated secrets. @default BLUEPRINT_AZURE_KEYVAULT_ALLOWED_IPS',
          ),
        privateRunner: z
          .boolean()
          .optional()
          .describe(
            'Terraform reaches the Azure Key Vault privately (a peered VNet with its DNS zone linked), so no CIDR is admitted. @default false',
          ),
        allowUnsafeProd: z
          .boolean()
          .optional()
          .describe('Let a prod spec keep Terraform state in a local file. @default false'),
      })
      .optional()
      .describe('Where Terraform (GCP, Azure) keeps state and runs from.'),
    traffic: trafficSchema.optional(),
    alerts: z
      .strictObject({
        email: z.string().regex(EMAIL, 'an email address such as ops@example.com').describe('Where alarms are sent.'),
      })
      .describe('Alarm notifications.'),
    tags: z
      .record(
        z.string().regex(TAG_KEY, 'lowercase letter first, then lowercase letters, digits, "_" or "-", at most 63'),
        z.string().regex(TAG_VALUE, 'lowercase letters, digits, "_" or "-", at most 63'),
      )
      .optional()
      .describe('Tags / labels on every resource (GCP label rules, the strictest of the three). @default {}'),
  })
  .describe('Scaling blueprint spec: one cloud-neutral description of the backend.');

/** A spec as users write it (every preset-backed field optional). */
export type Spec = z.input<typeof specSchema>;
/** A spec after schema checks, before presets are applied. */
export type ParsedSpec = z.output<typeof specSchema>;
/** One scaling schedule as written. */
export type ScheduleSpec = z.output<typeof scheduleSchema>;

/** JSON Schema of the spec, generated from the same zod object that validates it. */
export function specJsonSchema(): Record<string, unknown> {
  const schema = z.toJSONSchema(specSchema, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
  // `extends` is resolved when a spec file is read (lib/layers.ts), before validation; editors
  // still complete and document it.
  const properties = {
    extends: {
      type: 'string',
      description:
        "Relative path of a spec this one builds on: its fields apply first, this file's on top (mappings merge, lists and values replace). @default none",
    },
    ...(schema.properties as Record<string, unknown>),
  };
  return {
    ...schema,
    properties,
    $id: 'https://scaling-blueprint.dev/spec.schema.json',
    title: 'Scaling blueprint spec',
  };
}
