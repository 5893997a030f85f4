import { SecretManagerSecret, type SecretManagerSecretConfig } from '@cdktf/provider-google/lib/secret-manager-secret';
import {
  SecretManagerSecretVersion,
  type SecretManagerSecretVersionConfig,
} from '@cdktf/provider-google/lib/secret-manager-secret-version';
import { Construct } from 'constructs';
import { applyOverride, type Override } from '../../lib/override';
import type { ResolvedSpec } from '../../lib/resolve';

/*
 * The GCP home of credentials: one Secret Manager secret (+ its current version) per set of
 * credentials. Database and cache constructs add their secrets here, so every secret lives
 * under this construct and keeps its Terraform address whatever happens to its producer
 * (e.g. the cache moving from Memorystore for Redis to Redis Cluster).
 */

export interface GcpSecretsProps {
  /** The resolved spec: secret ids and labels derive from it. */
  readonly spec: ResolvedSpec;
  /** Per-resource overrides, applied last to every secret and version created here. @default none */
  readonly overrides?: {
    /** Each Secret Manager secret. */
    readonly secret?: Override<SecretManagerSecretConfig>;
    /** Each secret version (the payload). */
    readonly version?: Override<SecretManagerSecretVersionConfig>;
  };
}

/** What one secret needs. */
export interface GcpSecretProps {
  /** Suffix of the secret id after `<name>-<env>`, e.g. `-database`; never change it once deployed. */
  readonly idSuffix: string;
  /**
   * Payload; may hold deploy-time tokens (build JSON with `Fn.jsonencode`, which escapes them).
   * @default none: the secret gets no version here, something else adds them (the database roles job)
   */
  readonly data?: string;
  /** Refuse to delete the secret (and its versions) while true. @default false */
  readonly deletionProtection?: boolean;
}

/** A secret and the version holding its current value. */
export interface GcpSecret {
  readonly secret: SecretManagerSecret;
  /** Absent when the secret was added without data. */
  readonly version?: SecretManagerSecretVersion;
}

export class GcpSecrets extends Construct {
  /** Every secret created here, by construct id (e.g. `database`, `database-s1`, `cache`). */
  public readonly secrets: Record<string, GcpSecret> = {};
  private readonly spec: ResolvedSpec;
  private readonly overrides: GcpSecretsProps['overrides'];

  constructor(scope: Construct, id: string, props: GcpSecretsProps) {
    super(scope, id);
    this.spec = props.spec;
    this.overrides = props.overrides;
  }

  /** Adds one secret with its value. `id` is its construct id: keep it stable (it is the Terraform address). */
  add(id: string, props: GcpSecretProps): GcpSecret {
    if (this.secrets[id]) throw new Error(`secret ${id} already exists`);
    const secret = new SecretManagerSecret(
      this,
      id,
      applyOverride<SecretManagerSecretConfig>(
        {
          secretId: this.spec.names.of('gcpSecret', props.idSuffix),
          // Automatic replication: Google picks the regions; encrypted at rest with Google-managed keys.
          replication: { auto: {} },
          labels: { ...this.spec.tags },
          deletionProtection: props.deletionProtection ?? false,
        },
        this.overrides?.secret,
      ),
    );
    const version =
      props.data === undefined
        ? undefined
        : new SecretManagerSecretVersion(
            this,
            `${id}-version`,
            applyOverride<SecretManagerSecretVersionConfig>(
              { secret: secret.id, secretData: props.data },
              this.overrides?.version,
            ),
          );
    const created = { secret, ...(version ? { version } : {}) };
    this.secrets[id] = created;
    return created;
  }

  /** Ids (`projects/<p>/secrets/<id>`) of every secret by construct id, for secret-level access grants. */
  get secretIds(): Record<string, string> {
    return Object.fromEntries(Object.entries(this.secrets).map(([id, s]) => [id, s.secret.id]));
  }
}
