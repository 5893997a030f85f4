import {
  APP_USER,
  APP_USER_CLONE,
  appCredentialGeneration,
  appRoleScript,
  appRoleStatements,
} from '../../lib/database-roles';

describe('the application database role', () => {
  it('GIVEN the statements THEN the app gets DML on schema public and nothing else', () => {
    const sql = appRoleStatements({ withClone: false }).join(';\n');
    expect(sql).toContain('CREATE ROLE app_readwrite NOLOGIN');
    expect(sql).toContain('GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO app_readwrite');
    expect(sql).toContain(
      'ALTER DEFAULT PRIVILEGES FOR ROLE app_admin IN SCHEMA public GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO app_readwrite',
    );
    expect(sql).toContain('CREATE ROLE app_user LOGIN IN ROLE app_readwrite');
    // Least privilege: no DDL, no superuser-ish attributes, no role management.
    expect(sql).not.toMatch(/\b(SUPERUSER|CREATEROLE|CREATEDB|BYPASSRLS|GRANT CREATE|GRANT ALL)\b/);
    expect(sql).not.toContain(APP_USER_CLONE);
  });

  it('GIVEN a rerun THEN every role creation is guarded (idempotent)', () => {
    for (const s of appRoleStatements({ withClone: true }).filter((x) => x.includes('CREATE ROLE'))) {
      expect(s).toMatch(/^DO \$\$ BEGIN IF NOT EXISTS \(SELECT FROM pg_catalog\.pg_roles WHERE rolname = '\w+'\) THEN/);
    }
  });

  it('GIVEN the psql script THEN passwords come from psql variables, never the script text', () => {
    const script = appRoleScript();
    expect(script.startsWith('\\set ON_ERROR_STOP on\n')).toBe(true);
    expect(script).toContain(`SELECT format('ALTER ROLE app_user WITH PASSWORD %L', :'app_user') \\gexec`);
    expect(script).toContain(`SELECT format('ALTER ROLE app_user_clone WITH PASSWORD %L', :'app_user_clone') \\gexec`);
    expect(script).toContain('CREATE ROLE app_user_clone LOGIN IN ROLE app_user');
  });

  it.each([
    [0, APP_USER, 0, 0],
    [1, APP_USER_CLONE, 0, 1],
    [2, APP_USER, 1, 1],
    [3, APP_USER_CLONE, 1, 2],
    [4, APP_USER, 2, 2],
  ])('GIVEN generation %i THEN the secret names %s and only the newly active password changes', (g, active, a, b) => {
    const gen = appCredentialGeneration(g);
    expect(gen.active).toBe(active);
    expect(gen.keepers).toEqual({ [APP_USER]: a, [APP_USER_CLONE]: b });
    if (g > 0) {
      const before = appCredentialGeneration(g - 1);
      // The user the previous secret named keeps its password through the rotation.
      expect(gen.keepers[before.active]).toBe(before.keepers[before.active]);
      expect(gen.keepers[gen.active]).not.toBe(before.keepers[gen.active]);
    }
  });
});
