import type { Cloud, Environment } from './constants';
import { type ResolvedSpec, resolve } from './resolve';
import type { Spec } from './spec';
import { SpecInputError } from './spec-input';
import { formatProblem, validate } from './validate';

/*
 * Component specs: one construct used alone needs only its part of the spec. A database takes
 * its names and environment and the `database` section, not compute or alerts; the helper
 * resolves that part with the same validation, presets and defaults as a whole spec.
 */

/** What a database construct reads of a spec (a ResolvedSpec is one too). */
export type DatabaseSpec = Pick<ResolvedSpec, 'name' | 'environment' | 'isProd' | 'names' | 'tags' | 'database'>;

/** The small input of {@link resolveDatabaseSpec}. */
export interface DatabaseSpecInput {
  /** Service name: every derived name starts with it (the spec's `name` rules). */
  readonly name: string;
  readonly environment: Environment;
  /** The spec's `database` section. @default - the environment preset */
  readonly database?: Spec['database'];
  /** Tags on every resource. @default {} */
  readonly tags?: Spec['tags'];
  /** Clouds whose name limits apply. @default - all three */
  readonly clouds?: readonly Cloud[];
}

/**
 * Resolves a database's part of a spec from just what a database needs. The fields a whole spec
 * also requires (the app image, the alert email) and the prod floors that concern other tiers
 * (HTTPS, remote Terraform state) are filled or waived here, so every problem reported is about
 * the input: its name, environment or `database` section. Throws SpecInputError listing them all.
 */
export function resolveDatabaseSpec(input: DatabaseSpecInput): DatabaseSpec {
  const whole: Spec = {
    name: input.name,
    environment: input.environment,
    ...(input.clouds ? { clouds: [...input.clouds] } : {}),
    ...(input.database ? { database: input.database } : {}),
    ...(input.tags ? { tags: input.tags } : {}),
    compute: { app: { image: 'component/unused:0' } },
    alerts: { email: 'component@example.com' },
    loadBalancer: { allowUnsafeProd: true },
    terraform: { privateRunner: true, allowUnsafeProd: true },
  };
  const result = validate(whole);
  if (!result.ok) throw new SpecInputError('database spec', result.problems.map(formatProblem));
  const { name, environment, isProd, names, tags, database } = resolve(result.spec);
  return { name, environment, isProd, names, tags, database };
}
