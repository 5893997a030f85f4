import { bootstrapCommand } from '../../../constructs/azure/database-roles';

describe('bootstrapCommand', () => {
  const command = bootstrapCommand('app', 'pgadmin', 6432);

  test('GIVEN a database, admin and port WHEN the job shell is built THEN psql runs the role script on each primary with TLS', () => {
    expect(command).toContain(
      'psql "host=$host port=6432 dbname=app user=pgadmin sslmode=require connect_timeout=10" -v app_user="$app" -v app_user_clone="$clone" -f /tmp/app-roles.sql',
    );
    expect(command).toMatch(/while \[ "\$i" -lt "\$SHARDS" \]/);
  });

  test('GIVEN a server still coming up WHEN psql fails THEN the job retries 20 times, then exits non-zero naming the shard', () => {
    expect(command).toContain(
      'if [ "$tries" -ge 20 ]; then echo "shard $i: $host unreachable, giving up" >&2; exit 1; fi',
    );
    expect(command).toContain('sleep 15');
  });

  test('GIVEN Terraform interpolation WHEN the shell is embedded THEN it holds no Terraform interpolation sequence', () => {
    expect(command).not.toMatch(/\$\{/);
    expect(command.startsWith('set -eu\n')).toBe(true);
  });
});
