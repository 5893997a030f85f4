import { checkPostconditions } from '../../lib/change/conditions';
import { planTerraform } from '../../lib/change/terraform';
import type { Change, TerraformConfig } from '../../lib/change/types';

/*
 * Postconditions Terraform checks while it plans: the two forms the stacks emit (a replica's
 * version equal to its primary's; no deployed shard primary missing from the configuration),
 * evaluated with the planned values; a false one fails the plan before anything changes.
 */

const ref = (expr: string) => ['$', '{', expr, '}'].join('');
const check = (before: TerraformConfig, after: TerraformConfig) => {
  const plan = planTerraform(before, after);
  const notes = checkPostconditions(plan, plan.changes);
  return { changes: plan.changes, notes };
};
const find = (changes: Change[], resource: string) => changes.find((c) => c.resource === resource);

describe('a replica whose version must follow its primary (Azure major-version guard)', () => {
  const PRIMARY = 'azurerm_postgresql_flexible_server.primary';
  const side = (version: string): TerraformConfig => ({
    resource: {
      azurerm_postgresql_flexible_server: {
        primary: { name: 'pg', version, sku_name: 'GP_Standard_D2ds_v5' },
        replica: {
          name: 'pg-r1',
          create_mode: 'Replica',
          source_server_id: ref(`${PRIMARY}.id`),
          version: ref(`${PRIMARY}.version`),
          lifecycle: {
            ignore_changes: ['version'],
            postcondition: [
              { condition: ref(`(self.version == ${PRIMARY}.version)`), error_message: 'remove the replicas first' },
            ],
          },
        },
      },
    },
  });

  test('GIVEN the primary moves to 17 while the replica keeps 16 (ignore_changes) THEN the plan fails, nothing is lost', () => {
    const { changes, notes } = check(side('16'), side('17'));
    const c = find(changes, PRIMARY);
    expect(c).toMatchObject({ action: 'fails', risk: 'fails', advice: 'remove the replicas first' });
    expect(c?.rules).toContain('tf-postcondition');
    expect(c?.reason).toMatch(
      /^fails at plan: the postcondition of .*replica, self\.version == .*, is false \("16" and "17"\)/,
    );
    expect(c?.reason).toContain('no data is lost');
    expect(notes).toEqual([]);
  });

  test('GIVEN a new replica next to an upgraded primary THEN the condition holds (it starts at the primary’s version)', () => {
    const fresh = side('17');
    const before: TerraformConfig = {
      resource: { azurerm_postgresql_flexible_server: { primary: { name: 'pg', version: '17' } } },
    };
    expect(check(before, fresh).changes.filter((c) => c.action === 'fails')).toEqual([]);
  });

  test('GIVEN a condition on a value known only after apply THEN it is not evaluated, and a note says so', () => {
    const after = side('16');
    const replica = after.resource?.azurerm_postgresql_flexible_server?.replica as Record<string, unknown>;
    (replica.lifecycle as Record<string, unknown>).postcondition = [
      { condition: ref(`(self.fqdn == ${PRIMARY}.fqdn)`), error_message: 'x' },
    ];
    const { changes, notes } = check(side('16'), after);
    expect(changes.filter((c) => c.action === 'fails')).toEqual([]);
    expect(notes).toEqual([expect.stringContaining('postcondition not evaluated by the model')]);
  });
});

describe('a data source that lists deployed primaries (GCP shard guard)', () => {
  const guard = (names: string[]) => ({
    google_sql_database_instances: {
      guard: {
        region: 'us-central1',
        lifecycle: {
          postcondition: [
            {
              condition: ref(
                `length(setsubtract([for i in self.instances : i.name if can(regex("^app-pg(-s[0-9]+)?$", i.name))], ${JSON.stringify(names)})) == 0`,
              ),
              error_message: `database.shards: the spec drops shard primaries ${ref('join(", ", sort(setsubtract([], [])))')} that have deletion protection; move their keys first`,
            },
          ],
        },
      },
    },
  });
  const primaries = (n: number) =>
    Object.fromEntries(
      Array.from({ length: n }, (_, i) => [
        `primary${i}`,
        { name: i === 0 ? 'app-pg' : `app-pg-s${i}`, deletion_protection: true },
      ]),
    );
  const side = (n: number): TerraformConfig => ({
    resource: { google_sql_database_instance: primaries(n) },
    data: guard(Object.values(primaries(n)).map((p) => p.name)),
  });

  test('GIVEN shards 2 → 1 THEN the removed primary fails at plan with the runbook naming it (not at its delete)', () => {
    const { changes } = check(side(2), side(1));
    const c = find(changes, 'google_sql_database_instance.primary1');
    expect(c).toMatchObject({ action: 'fails', risk: 'fails' });
    expect(c?.rules).toEqual(['tf-delete-guard', 'tf-postcondition']);
    expect(c?.reason).toContain(
      'fails at plan: the postcondition of data.google_sql_database_instances.guard is false',
    );
    expect(c?.advice).toBe(
      'database.shards: the spec drops shard primaries app-pg-s1 that have deletion protection; move their keys first',
    );
  });

  test('GIVEN shards 1 → 2 THEN the condition holds', () => {
    expect(check(side(1), side(2)).changes.filter((c) => c.action === 'fails')).toEqual([]);
  });
});
