import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { GcpDatabase } from '../../../constructs/gcp/database';
import {
  GcpDatabaseRoles,
  ROLES_JOB_STATUS,
  type RolesJobScriptProps,
  rolesJobFailure,
  rolesJobScript,
} from '../../../constructs/gcp/database-roles';
import { GcpNetwork } from '../../../constructs/gcp/network';
import { appRoleScript } from '../../../lib/database-roles';
import type { ResolvedSpec } from '../../../lib/resolve';
import { resolved } from '../../fixtures';
import { type Json, only, resources, synth } from './helpers';

function job(spec: ResolvedSpec): Json {
  return synth((scope) => {
    const network = new GcpNetwork(scope, 'network', { spec });
    const database = new GcpDatabase(scope, 'database', { spec, network });
    new GcpDatabaseRoles(scope, 'roles', { spec, network, database, zone: 'us-central1-a', after: [network.nat] });
  });
}
const script = (tf: Json): string => only(tf, 'google_compute_instance').metadata_startup_script;

describe('GcpDatabaseRoles', () => {
  describe('GIVEN the prod preset', () => {
    const tf = job(resolved('prod'));
    const vm = only(tf, 'google_compute_instance');

    it('WHEN synthesized THEN a private, shielded Container-Optimized OS VM with its own service account', () => {
      expect(vm).toMatchObject({
        name: 'shop-api-prd-db-roles',
        zone: 'us-central1-a',
        boot_disk: { initialize_params: { image: 'cos-cloud/cos-stable' } },
        shielded_instance_config: { enable_secure_boot: true, enable_vtpm: true, enable_integrity_monitoring: true },
        service_account: { scopes: ['cloud-platform'] },
      });
      expect(vm.network_interface).toEqual([
        { subnetwork: expect.stringMatching(/google_compute_subnetwork\.network_subnet_/) },
      ]);
      expect(vm.service_account.email).toMatch(/google_service_account\.roles_service-account_/);
      expect(only(tf, 'google_service_account').account_id).toBe('shop-api-prd-dbr');
      // Its result is readable as a guest attribute; no SSH keys from the project.
      expect(vm.metadata).toMatchObject({ 'enable-guest-attributes': 'TRUE', 'block-project-ssh-keys': 'TRUE' });
      expect(vm.desired_status).toBeUndefined();
    });

    it('WHEN synthesized THEN its account reads the admin and logins secrets and may add versions to the app secret, nothing else', () => {
      const grants = resources(tf, 'google_secret_manager_secret_iam_member').map(
        (g) =>
          `${g.role} ${String(g.secret_id).replace(/^\$\{google_secret_manager_secret\.(.*)_[0-9A-F]{8}\.id\}$/, '$1')}`,
      );
      expect(grants.sort()).toEqual([
        'roles/secretmanager.secretAccessor database_secrets_database',
        'roles/secretmanager.secretAccessor database_secrets_database-app',
        'roles/secretmanager.secretAccessor database_secrets_database-logins',
        'roles/secretmanager.secretVersionAdder database_secrets_database-app',
      ]);
      expect(resources(tf, 'google_project_iam_member').map((m) => m.role)).toEqual(['roles/logging.logWriter']);
    });

    it('WHEN synthesized THEN it starts after the grants, the admin user, the database, the writer record and NAT', () => {
      const deps: string[] = vm.depends_on;
      for (const prefix of [
        'google_secret_manager_secret_iam_member.roles_secret-admin_',
        'google_project_iam_member.roles_log-writer_',
        'google_sql_user.database_admin_',
        'google_sql_database.database_',
        'google_dns_record_set.database_dns_writer_',
        'google_compute_router_nat.network_nat_',
      ]) {
        expect({ prefix, found: deps.some((d) => d.startsWith(prefix)) }).toEqual({ prefix, found: true });
      }
    });

    it('WHEN synthesized THEN the script reads the named secret versions at run time and no secret value is in metadata', () => {
      const text = script(tf);
      expect(text).toMatch(/^#!\/bin\/bash\n/);
      expect(text).toContain("IMAGE='mirror.gcr.io/library/postgres:16-alpine'");
      expect(text).toContain('/instance/service-accounts/default/token');
      expect(text).toMatch(
        /retry shard 'writer\.db\.shop-api-prd\.internal' '\$\{google_secret_manager_secret_version\.database_secrets_database-version_[0-9A-F]+\.name\}' '\$\{google_secret_manager_secret_version\.database_secrets_database-logins-version_[0-9A-F]+\.name\}' '\$\{google_secret_manager_secret\.database_secrets_database-app_[0-9A-F]+\.id\}' 'app_user'/,
      );
      expect(text).not.toMatch(/random_password|\.result|secret_data/);
      expect(text).toContain(appRoleScript().trimEnd());
      expect(JSON.stringify(vm.metadata)).not.toMatch(/password|random_/);
    });
  });

  it('GIVEN 3 shards at rotation generation 1 WHEN synthesized THEN the job covers every primary and publishes the clone login', () => {
    const text = script(
      job(resolved('prod', { database: { shards: 3, appCredentialGeneration: 1, engineVersion: '15' } })),
    );
    const shards = text.split('\n').filter((l) => l.startsWith('retry shard '));
    expect(shards.map((l) => l.split(' ')[2])).toEqual([
      "'writer.db.shop-api-prd.internal'",
      "'writer-s1.db.shop-api-prd.internal'",
      "'writer-s2.db.shop-api-prd.internal'",
    ]);
    for (const l of shards) expect(l).toMatch(/ 'app_user_clone'$/);
    expect(text).toContain('postgres:15-alpine');
  });

  /*
   * The script itself, run by bash with stand-ins for curl, docker, systemctl, sleep and poweroff:
   * what reaches Secret Manager, the guest attribute and the logs when psql works or fails.
   */
  describe('the startup script at run time', () => {
    const props: RolesJobScriptProps = {
      jobName: 'shop-api-prd-db-roles',
      image: 'mirror.gcr.io/library/postgres:16-alpine',
      port: 5432,
      database: 'app',
      adminUser: 'app_admin',
      shards: [
        {
          host: 'writer.db.shop-api-prd.internal',
          adminVersion: 'projects/1/secrets/admin/versions/3',
          loginsVersion: 'projects/1/secrets/logins/versions/2',
          appSecret: 'projects/p/secrets/app',
          activeUser: 'app_user_clone',
        },
      ],
    };
    const b64 = (s: string) => Buffer.from(s).toString('base64');
    const PAYLOADS = {
      admin: b64('{"engine":"postgres","password":"AdminPw1"}'),
      logins: b64('{"app_user":"UserPw1","app_user_clone":"ClonePw2"}'),
    };
    const EXPECTED_APP =
      '{"engine":"postgres","host":"writer.db.shop-api-prd.internal","port":5432,"dbname":"app","username":"app_user_clone","password":"ClonePw2","sslmode":"require"}';

    function run(env: { psqlExit: number; currentApp?: string }) {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'roles-job-'));
      const bin = path.join(dir, 'bin');
      fs.mkdirSync(bin);
      const log = path.join(dir, 'calls.log');
      const stub = (name: string, body: string) =>
        fs.writeFileSync(path.join(bin, name), `#!/bin/bash\n${body}\n`, { mode: 0o755 });
      stub(
        'curl',
        [
          `echo "curl $*" >> '${log}'`,
          'for a in "$@"; do case "$a" in http*) url="$a";; esac; done',
          'case "$url" in',
          '  */token) echo \'{"access_token":"tok","expires_in":3599}\';;',
          `  */admin/versions/3:access) printf '{\\n  "payload": {\\n    "data": "${PAYLOADS.admin}"\\n  }\\n}\\n';;`,
          `  */logins/versions/2:access) printf '{\\n  "payload": {\\n    "data": "${PAYLOADS.logins}"\\n  }\\n}\\n';;`,
          env.currentApp
            ? `  */app/versions/latest:access) printf '{"payload":{"data":"${b64(env.currentApp)}"}}';;`
            : '  */app/versions/latest:access) exit 22;;',
          '  *) ;;',
          'esac',
        ].join('\n'),
      );
      stub(
        'docker',
        `echo "docker $* PGPASSWORD=$PGPASSWORD" >> '${log}'; case "$1" in run) exit ${env.psqlExit};; esac`,
      );
      stub('systemctl', 'true');
      stub('sleep', 'true');
      stub('poweroff', `echo poweroff >> '${log}'`);
      const text = rolesJobScript(props).replace('/run/blueprint-db-roles', path.join(dir, 'run'));
      const file = path.join(dir, 'job.sh');
      fs.writeFileSync(file, text);
      try {
        const r = spawnSync('bash', [file], {
          encoding: 'utf8',
          env: { ...process.env, PATH: `${bin}:${process.env.PATH}` },
        });
        const calls = fs.readFileSync(log, 'utf8').split('\n').filter(Boolean);
        return { status: r.status, stdout: r.stdout, calls };
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    }
    const added = (calls: string[]) => calls.filter((c) => c.includes(':addVersion'));
    const status = (calls: string[]) => calls.filter((c) => c.includes(`guest-attributes/${ROLES_JOB_STATUS}`));

    it('GIVEN psql succeeds WHEN the job runs THEN it publishes the active login to the app secret, reports ok and powers off', () => {
      const { status: code, stdout, calls } = run({ psqlExit: 0 });
      expect(code).toBe(0);
      expect(added(calls)).toHaveLength(1);
      const data = /"data":"([A-Za-z0-9+/=]+)"/.exec(added(calls)[0] as string)?.[1] ?? '';
      expect(Buffer.from(data, 'base64').toString()).toBe(EXPECTED_APP);
      expect(status(calls)).toEqual([expect.stringContaining('--data ok')]);
      expect(calls[calls.length - 1]).toBe('poweroff');
      expect(stdout).toContain('blueprint-db-roles: OK');
      // The roles run as the admin, the check as the active login; passwords only in the environment.
      const runs = calls.filter((c) => c.startsWith('docker run'));
      expect(runs).toHaveLength(2);
      expect(runs[0]).toMatch(
        /user=app_admin .* -f \/run\/job\/logins\.sql -f \/run\/job\/app-roles\.sql PGPASSWORD=AdminPw1$/,
      );
      expect(runs[1]).toMatch(/user=app_user_clone .* -c SELECT 1 PGPASSWORD=ClonePw2$/);
      for (const c of calls) expect(c.replace(/PGPASSWORD=\w+$/, '')).not.toMatch(/AdminPw1|UserPw1|ClonePw2/);
    });

    it('GIVEN psql keeps failing WHEN the job runs THEN the app secret is untouched, the failure is logged and reported, and it powers off', () => {
      const { status: code, stdout, calls } = run({ psqlExit: 2 });
      expect(code).not.toBe(0);
      expect(added(calls)).toEqual([]);
      expect(stdout).toContain(`blueprint-db-roles: ${rolesJobFailure('shop-api-prd-db-roles')}`);
      expect(stdout).toContain('attempt 9 of shard failed');
      expect(status(calls)).toEqual([expect.stringContaining('--data failed')]);
      expect(calls[calls.length - 1]).toBe('poweroff');
    });

    it('GIVEN the app secret already holds the login WHEN the job runs again THEN it adds no version', () => {
      const { status: code, calls } = run({ psqlExit: 0, currentApp: EXPECTED_APP });
      expect(code).toBe(0);
      expect(added(calls)).toEqual([]);
    });
  });
});
