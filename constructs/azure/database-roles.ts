import { ContainerGroup, type ContainerGroupConfig } from '@cdktf/provider-azurerm/lib/container-group';
import type { Construct } from 'constructs';
import { APP_USER, APP_USER_CLONE, appRoleScript } from '../../lib/database-roles';
import { applyOverride, type Override } from '../../lib/override';
import type { ResolvedSpec } from '../../lib/resolve';
import { terraformAttributeText } from '../../lib/terraform-text';
import type { AzureDatabaseShard } from './database';
import type { AzureNetwork } from './network';

/**
 * Port the bootstrap job's container declares: a container group in a subnet needs a private IP,
 * and Azure takes an IP only with a port. Nothing listens on it, and the jobs NSG admits no one.
 */
export const JOB_PLACEHOLDER_PORT = 65432;

/**
 * The bootstrap job's shell: the role script, then for each shard the psql run against its
 * primary as the admin, retried while the server or its DNS record is still coming up. No
 * `${...}` anywhere (Terraform would read it); values come from the container's environment.
 */
export function bootstrapCommand(database: string, adminUser: string, port: number): string {
  return [
    'set -eu',
    'printf %s "$ROLE_SQL" > /tmp/app-roles.sql',
    'i=0',
    'while [ "$i" -lt "$SHARDS" ]; do',
    '  eval "host=\\$PGHOST_$i admin=\\$ADMIN_PASSWORD_$i app=\\$APP_USER_PASSWORD_$i clone=\\$APP_USER_CLONE_PASSWORD_$i"',
    '  tries=0',
    `  until PGPASSWORD="$admin" psql "host=$host port=${port} dbname=${database} user=${adminUser} sslmode=require connect_timeout=10" -v app_user="$app" -v app_user_clone="$clone" -f /tmp/app-roles.sql; do`,
    '    tries=$((tries + 1))',
    '    if [ "$tries" -ge 20 ]; then echo "shard $i: $host unreachable, giving up" >&2; exit 1; fi',
    '    echo "shard $i: retrying in 15 s" >&2',
    '    sleep 15',
    '  done',
    '  echo "shard $i: app roles ready on $host"',
    '  i=$((i + 1))',
    'done',
  ].join('\n');
}

/**
 * Flexible Server has no API for non-admin roles, so a container group inside the VNet runs
 * lib's role script with psql against every primary, once (restart policy Never). Every input
 * (script, hosts, passwords) is force-new on a container group, so any change re-creates it and
 * the job runs again; the script is idempotent. `az container logs` shows its result.
 */
export function databaseRolesJob(
  scope: Construct,
  spec: ResolvedSpec,
  shards: readonly Omit<AzureDatabaseShard, 'appSecret'>[],
  network: AzureNetwork,
  ov?: Override<ContainerGroupConfig>,
): ContainerGroup {
  const db = spec.database;
  // All of it as secure variables (the API never returns them): the passwords must be, and
  // plain variables next to them would invite the next input to land in the wrong map.
  const secure: Record<string, string> = {
    SHARDS: String(shards.length),
    ROLE_SQL: terraformAttributeText(appRoleScript()),
  };
  shards.forEach((s, i) => {
    secure[`PGHOST_${i}`] = s.server.fqdn;
    secure[`ADMIN_PASSWORD_${i}`] = s.password.result;
    secure[`APP_USER_PASSWORD_${i}`] = s.appPasswords[APP_USER].result;
    secure[`APP_USER_CLONE_PASSWORD_${i}`] = s.appPasswords[APP_USER_CLONE].result;
  });
  return new ContainerGroup(
    scope,
    'Bootstrap',
    applyOverride<ContainerGroupConfig>(
      {
        name: spec.names.of('azureResource', '-aci-db-roles'),
        resourceGroupName: network.where.resourceGroupName,
        location: network.where.location,
        osType: 'Linux',
        restartPolicy: 'Never',
        ipAddressType: 'Private',
        subnetIds: [network.jobsSubnet.id],
        container: [
          {
            name: 'app-roles',
            image: `postgres:${db.engineVersion}-alpine`,
            cpu: 1,
            memory: 1,
            ports: [{ port: JOB_PLACEHOLDER_PORT, protocol: 'TCP' }],
            commands: ['/bin/sh', '-c', bootstrapCommand(db.databaseName, db.adminUser, db.port)],
            secureEnvironmentVariables: secure,
          },
        ],
        tags: { ...spec.tags },
        // The databases exist, the job may reach PostgreSQL, and it can pull its image.
        dependsOn: [
          ...shards.map((s) => s.database),
          network.securityGroupAssociations.Database,
          network.securityGroupAssociations.Jobs,
          network.jobsNatAssociation,
        ],
      },
      ov,
    ),
  );
}
