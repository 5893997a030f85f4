import { ComputeInstance, type ComputeInstanceConfig } from '@cdktf/provider-google/lib/compute-instance';
import { ProjectIamMember } from '@cdktf/provider-google/lib/project-iam-member';
import { SecretManagerSecretIamMember } from '@cdktf/provider-google/lib/secret-manager-secret-iam-member';
import { ServiceAccount, type ServiceAccountConfig } from '@cdktf/provider-google/lib/service-account';
import type { ITerraformDependable } from 'cdktf';
import { Construct } from 'constructs';
import { appRoleScript } from '../../lib/database-roles';
import { applyOverride, type Override } from '../../lib/override';
import type { ResolvedSpec } from '../../lib/resolve';
import { terraformAttributeText } from '../../lib/terraform-text';
import { COS_IMAGE } from './compute-group';
import type { GcpDatabase } from './database';
import type { GcpNetworkRef } from './network';
import type { GcpSecret } from './secrets';

/** Log prefix of the job: its lines in the serial console and Cloud Logging, and the failure alert's filter. */
export const ROLES_JOB_LOG = 'blueprint-db-roles';
/** Guest attribute (namespace/key) the job sets to `ok` or `failed` before it powers off. */
export const ROLES_JOB_STATUS = 'blueprint/db-roles';

/** What the job does for one shard. */
export interface RolesJobShard {
  /** Writer host (the private DNS name). */
  readonly host: string;
  /** Secret Manager version name of the admin credentials (a reference: its change re-runs the job). */
  readonly adminVersion: string;
  /** Secret Manager version name of the two app logins' passwords. */
  readonly loginsVersion: string;
  /** Secret Manager secret id (`projects/<p>/secrets/<id>`) the job publishes the app credentials to. */
  readonly appSecret: string;
  /** The login the app secret names at this rotation generation. */
  readonly activeUser: string;
}

/** The line the job logs when it fails (the failure alert matches it). */
export const rolesJobFailure = (jobName: string) => `FAILED on ${jobName}`;

/** Inputs of the job's startup script. */
export interface RolesJobScriptProps {
  /** Name of the job VM, in its failure line. */
  readonly jobName: string;
  /** psql client image. */
  readonly image: string;
  readonly port: number;
  readonly database: string;
  readonly adminUser: string;
  readonly shards: readonly RolesJobShard[];
}

/** Shell helpers of the job: logging, status, metadata token, Secret Manager access, retries. */
const helpers = (props: RolesJobScriptProps) => String.raw`MD='http://metadata.google.internal/computeMetadata/v1'
log() { echo "${ROLES_JOB_LOG}: $*"; }
status() { curl -sf -X PUT -H 'Metadata-Flavor: Google' --data "$1" "$MD/instance/guest-attributes/${ROLES_JOB_STATUS}" >/dev/null || true; }
finish() {
  local code=$?
  rm -rf "$RUN"
  if [ "$code" -eq 0 ]; then
    log 'OK: every shard has its app roles and a current app secret'
    status ok
  else
    log "${rolesJobFailure(props.jobName)} (exit $code): see the lines above"
    status failed
  fi
  poweroff
}
token() { curl -sf -H 'Metadata-Flavor: Google' "$MD/instance/service-accounts/default/token" | sed -n 's/.*"access_token" *: *"\([^"]*\)".*/\1/p'; }
api() { curl -sf --retry 3 -H "Authorization: Bearer $(token)" -H 'Content-Type: application/json' "$@"; }
# The decoded payload of a secret version (".../versions/<n>" or ".../versions/latest").
secret() { api "https://secretmanager.googleapis.com/v1/$1:access" | sed -n 's/.*"data" *: *"\([^"]*\)".*/\1/p' | base64 -d; }
# A string field of a flat JSON object; the values read here are generated letters and digits.
field() { sed -n "s/.*\"$1\" *: *\"\([^\"]*\)\".*/\1/p"; }
retry() {
  local n=1
  until "$@"; do
    [ "$n" -lt 10 ] || return 1
    log "attempt $n of $1 failed; retrying in 15 s"
    n=$((n + 1))
    sleep 15
  done
}`;

/**
 * psql in the client image, and the work for one shard. Passwords reach psql through the
 * environment and a file in tmpfs, never a command line.
 */
function shardFunctions(props: RolesJobScriptProps): string {
  return String.raw`pg() {
  local host=$1 user=$2
  shift 2
  docker run --rm --network host -v "$RUN:/run/job:ro" -e PGPASSWORD "$IMAGE" \
    psql -X -q "host=$host port=${props.port} dbname=${props.database} user=$user sslmode=require connect_timeout=10" "$@"
}
# One shard: roles, grants and both passwords as the admin, a login as the active user, then its app secret.
shard() {
  local host=$1 admin logins user=$5 password current payload
  admin=$(secret "$2" | field password) && [ -n "$admin" ] || return 1
  logins=$(secret "$3") && [ -n "$logins" ] || return 1
  password=$(printf '%s' "$logins" | field "$user") && [ -n "$password" ] || return 1
  {
    printf '%s\n' "\\set app_user '$(printf '%s' "$logins" | field app_user)'"
    printf '%s\n' "\\set app_user_clone '$(printf '%s' "$logins" | field app_user_clone)'"
  } >"$RUN/logins.sql" || return 1
  PGPASSWORD=$admin pg "$host" ${props.adminUser} -f /run/job/logins.sql -f /run/job/app-roles.sql || return 1
  PGPASSWORD=$password pg "$host" "$user" -c 'SELECT 1' >/dev/null || return 1
  payload=$(printf '{"engine":"postgres","host":"%s","port":${props.port},"dbname":"${props.database}","username":"%s","password":"%s","sslmode":"require"}' "$host" "$user" "$password")
  current=$(secret "$4/versions/latest" 2>/dev/null || true)
  if [ "$current" = "$payload" ]; then
    log "$4 is current"
    return 0
  fi
  api -X POST "https://secretmanager.googleapis.com/v1/$4:addVersion" \
    --data "{\"payload\":{\"data\":\"$(printf '%s' "$payload" | base64 -w0)\"}}" >/dev/null || return 1
  log "$4: new version for $user"
}`;
}

/**
 * The job's startup script (bash on Container-Optimized OS): for every primary, run the app role
 * SQL of lib/database-roles.ts as the admin with psql from the client image, check that the
 * active app login works, and only then publish the app secret, so a failed run leaves the apps
 * on the previous, still valid login. Secrets are read at run time with the VM's token (never
 * from metadata); the result goes to the serial console, Cloud Logging and a guest attribute;
 * the VM powers itself off either way.
 */
export function rolesJobScript(props: RolesJobScriptProps): string {
  return [
    '#!/bin/bash',
    '# Database roles job generated by scaling-blueprint: least-privilege app roles on every primary.',
    'set -euo pipefail',
    `IMAGE='${props.image}'`,
    helpers(props),
    shardFunctions(props),
    'RUN=$(mktemp -d /run/blueprint-db-roles.XXXXXX)',
    'trap finish EXIT',
    `cat > "$RUN/app-roles.sql" <<'BLUEPRINT_SQL'`,
    appRoleScript().trimEnd(),
    'BLUEPRINT_SQL',
    'systemctl start docker',
    'retry docker pull -q "$IMAGE"',
    ...props.shards.map(
      (s) => `retry shard '${s.host}' '${s.adminVersion}' '${s.loginsVersion}' '${s.appSecret}' '${s.activeUser}'`,
    ),
    '',
  ].join('\n');
}

export interface GcpDatabaseRolesProps {
  /** The resolved spec: names, engine version, labels. */
  readonly spec: ResolvedSpec;
  /** The network: the job VM gets a private IP in its subnet (egress through Cloud NAT). */
  readonly network: GcpNetworkRef;
  /** The database whose primaries get the app roles. */
  readonly database: GcpDatabase;
  /** Zone of the job VM (e.g. the first zone of the app groups). */
  readonly zone: string;
  /** Resources the job must wait for besides the database (e.g. Cloud NAT for the image pull). @default none */
  readonly after?: readonly ITerraformDependable[];
  /** psql client image. @default the PostgreSQL major's Alpine image, through Google's Docker Hub mirror */
  readonly image?: string;
  /** Per-resource overrides, applied last. @default none */
  readonly overrides?: {
    /** The job's service account. */
    readonly serviceAccount?: Override<ServiceAccountConfig>;
    /** The job VM. */
    readonly instance?: Override<ComputeInstanceConfig>;
  };
}

/**
 * The app role on every primary (users created through the Cloud SQL API are members of
 * cloudsqlsuperuser, and provider 6.50 has no per-user database roles, so the role needs SQL): a
 * one-shot Container-Optimized OS VM inside the VPC with its own service account (read on the
 * admin and logins secrets, read and add-version on the app secrets, log writing), whose startup
 * script (rolesJobScript) runs once and powers the VM off. The script names the secret versions
 * it reads, and a changed startup script replaces the VM: a new shard, a rotated login or a
 * changed SQL re-runs the job; nothing else does.
 */
export class GcpDatabaseRoles extends Construct {
  public readonly serviceAccount: ServiceAccount;
  /** Secret-level grants of the job's service account. */
  public readonly secretAccess: readonly SecretManagerSecretIamMember[];
  public readonly logWriter: ProjectIamMember;
  public readonly instance: ComputeInstance;
  /** The startup script (deploy-time references included). */
  public readonly script: string;
  /** Name of the job VM. */
  public readonly instanceName: string;

  constructor(scope: Construct, id: string, props: GcpDatabaseRolesProps) {
    super(scope, id);
    const { spec, database } = props;
    const o = props.overrides ?? {};
    this.serviceAccount = new ServiceAccount(
      this,
      'service-account',
      applyOverride<ServiceAccountConfig>(
        {
          // Same length as the app account id, which validation checks against the 30-character limit.
          accountId: spec.names.of('gcpServiceAccount').replace(/-app$/, '-dbr'),
          displayName: `${spec.names.base} database roles job`,
          description: 'Identity of the one-shot job that creates the app database roles',
        },
        o.serviceAccount,
      ),
    );
    const member = `serviceAccount:${this.serviceAccount.email}`;
    const grant = (key: string, secretId: string, role: string) =>
      new SecretManagerSecretIamMember(this, `secret-${key}`, { secretId, role, member });
    this.secretAccess = database.shards.flatMap((s) => [
      grant(`admin${s.suffix}`, s.secret.secret.id, 'roles/secretmanager.secretAccessor'),
      grant(`logins${s.suffix}`, s.loginsSecret.secret.id, 'roles/secretmanager.secretAccessor'),
      grant(`app-read${s.suffix}`, s.appSecret.secret.id, 'roles/secretmanager.secretAccessor'),
      grant(`app-add${s.suffix}`, s.appSecret.secret.id, 'roles/secretmanager.secretVersionAdder'),
    ]);
    // Container-Optimized OS ships the script's output to Cloud Logging as this account.
    this.logWriter = new ProjectIamMember(this, 'log-writer', {
      project: this.serviceAccount.project,
      role: 'roles/logging.logWriter',
      member,
    });

    this.instanceName = spec.names.of('gcpResource', '-db-roles');
    this.script = rolesJobScript({
      jobName: this.instanceName,
      image: props.image ?? `mirror.gcr.io/library/postgres:${spec.database.engineVersion}-alpine`,
      port: spec.database.port,
      database: spec.database.databaseName,
      adminUser: spec.database.adminUser,
      shards: database.shards.map((s, i) => ({
        host: (database.dns.hostNames[i] as { writer: string }).writer,
        adminVersion: versionName(s.secret),
        loginsVersion: versionName(s.loginsSecret),
        appSecret: s.appSecret.secret.id,
        activeUser: s.activeUser,
      })),
    });
    this.instance = new ComputeInstance(
      this,
      'job',
      applyOverride<ComputeInstanceConfig>(this.instanceConfig(props), o.instance),
    );
  }

  private instanceConfig(props: GcpDatabaseRolesProps): ComputeInstanceConfig {
    const { spec, database } = props;
    return {
      name: this.instanceName,
      description: `Creates the app database roles of ${spec.names.base}, then powers off (${ROLES_JOB_LOG} in its logs)`,
      zone: props.zone,
      machineType: 'e2-small',
      labels: { ...spec.tags },
      bootDisk: { autoDelete: true, initializeParams: { image: COS_IMAGE, size: 10, type: 'pd-balanced' } },
      // No access_config: no external IP; the image pull goes through Cloud NAT.
      networkInterface: [{ subnetwork: props.network.subnetId }],
      serviceAccount: { email: this.serviceAccount.email, scopes: ['cloud-platform'] },
      shieldedInstanceConfig: { enableSecureBoot: true, enableVtpm: true, enableIntegrityMonitoring: true },
      // A changed script replaces the VM (the provider forces a new instance), which runs it again.
      metadataStartupScript: terraformAttributeText(this.script),
      metadata: {
        'block-project-ssh-keys': 'TRUE',
        'enable-oslogin': 'TRUE',
        'enable-guest-attributes': 'TRUE',
        'google-logging-enabled': 'true',
      },
      dependsOn: [
        ...this.secretAccess,
        this.logWriter,
        ...database.shards.flatMap((s) => [s.user, s.database]),
        ...database.dns.records.map((r) => r.writer),
        ...(props.after ?? []),
      ],
    };
  }
}

/** The version a secret's data went to: the job names it, so a new value re-runs the job. */
function versionName(secret: GcpSecret): string {
  if (!secret.version)
    throw new Error('the database roles job reads secrets that Terraform writes: this one has no version');
  return secret.version.name;
}
