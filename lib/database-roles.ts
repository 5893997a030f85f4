import { DATABASE_ADMIN_USER, DATABASE_NAME } from './resolve';

/*
 * The application does not run as the database admin. Every primary gets, once, the same roles
 * on every cloud:
 *
 *   app_readwrite   NOLOGIN group: read and write the tables and sequences of schema public
 *                   (today's and, through default privileges, those app_admin creates later);
 *                   no DDL, no role management, no other database.
 *   app_user        LOGIN, member of app_readwrite: what the VMs' secret holds.
 *   app_user_clone  LOGIN, member of app_user: the second identity that makes rotation safe.
 *
 * Rotation alternates between the two login users: the new password is set on the user the
 * running apps are NOT using, then the secret points at it, so connections opened with the
 * previous secret keep working until the next rotation. On AWS, Secrets Manager's multi-user
 * rotation does exactly this (it creates app_user_clone itself); on GCP and Azure a generation
 * number in the spec (database.appCredentialGeneration) drives the same alternation.
 *
 * Migrations (DDL) run as app_admin, whose secret only operators and CI get.
 */

export const APP_GROUP_ROLE = 'app_readwrite';
export const APP_USER = 'app_user';
/** The alternate login of the rotation (the AWS multi-user rotation's naming: `<user>_clone`). */
export const APP_USER_CLONE = `${APP_USER}_clone`;

/** PostgreSQL identifiers here are fixed lowercase words: nothing to quote. */
const ident = (name: string) => {
  if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`not a plain identifier: ${name}`);
  return name;
};

/** `CREATE ROLE … IF NOT EXISTS`, which PostgreSQL lacks, as one idempotent statement. */
function createRoleIfMissing(role: string, options: string): string {
  return `DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_catalog.pg_roles WHERE rolname = '${ident(role)}') THEN CREATE ROLE ${ident(role)} ${options}; END IF; END $$`;
}

/**
 * The statements that create the group role and its grants, then the login users, in order.
 * Idempotent: running them again changes nothing. Passwords are not part of them (AWS rotation
 * sets them; the Terraform clouds append {@link setPasswordStatements}).
 */
export function appRoleStatements(options: { withClone: boolean }): string[] {
  const group = ident(APP_GROUP_ROLE);
  const admin = ident(DATABASE_ADMIN_USER);
  const statements = [
    createRoleIfMissing(APP_GROUP_ROLE, 'NOLOGIN'),
    `GRANT CONNECT, TEMPORARY ON DATABASE ${ident(DATABASE_NAME)} TO ${group}`,
    `GRANT USAGE ON SCHEMA public TO ${group}`,
    `GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO ${group}`,
    `GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA public TO ${group}`,
    `ALTER DEFAULT PRIVILEGES FOR ROLE ${admin} IN SCHEMA public GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO ${group}`,
    `ALTER DEFAULT PRIVILEGES FOR ROLE ${admin} IN SCHEMA public GRANT USAGE, SELECT, UPDATE ON SEQUENCES TO ${group}`,
    createRoleIfMissing(APP_USER, `LOGIN IN ROLE ${group}`),
  ];
  if (options.withClone) statements.push(createRoleIfMissing(APP_USER_CLONE, `LOGIN IN ROLE ${ident(APP_USER)}`));
  return statements;
}

/**
 * psql lines that set both login users' passwords from psql variables (`-v app_user=…`), through
 * `format(%L)` so a password never needs shell or SQL escaping and never appears in the script.
 */
export function setPasswordStatements(): string[] {
  return [APP_USER, APP_USER_CLONE].map(
    (user) => `SELECT format('ALTER ROLE ${ident(user)} WITH PASSWORD %L', :'${ident(user)}') \\gexec`,
  );
}

/** The whole psql script of the Terraform clouds' bootstrap job: roles, grants, passwords. */
export function appRoleScript(): string {
  return [
    '\\set ON_ERROR_STOP on',
    ...appRoleStatements({ withClone: true }).map((s) => `${s};`),
    ...setPasswordStatements(),
    '',
  ].join('\n');
}

/** Which login the secret holds at a rotation generation, and the keepers of each password. */
export interface AppCredentialGeneration {
  /** The user the secret (and therefore the apps) use at this generation. */
  readonly active: typeof APP_USER | typeof APP_USER_CLONE;
  /**
   * Keepers of each user's generated password: a user's password changes only when its keeper
   * does, i.e. when the rotation moves the secret to that user.
   */
  readonly keepers: Readonly<Record<typeof APP_USER | typeof APP_USER_CLONE, number>>;
}

/**
 * Generation g: even → app_user, odd → app_user_clone. app_user's password changes at every new
 * even generation, app_user_clone's at every odd one, so the user the previous secret named
 * keeps its password through the rotation.
 */
export function appCredentialGeneration(generation: number): AppCredentialGeneration {
  return {
    active: generation % 2 === 0 ? APP_USER : APP_USER_CLONE,
    keepers: { [APP_USER]: Math.floor(generation / 2), [APP_USER_CLONE]: Math.floor((generation + 1) / 2) } as Record<
      typeof APP_USER | typeof APP_USER_CLONE,
      number
    >,
  };
}
