import { Names, nameProblems } from './naming';
import type { ResolvedSpec } from './resolve';
import { TAG_KEY, TAG_VALUE } from './spec';
import { SpecInputError } from './spec-input';

/*
 * Company-wide rules a platform team sets once for every service: tags on every resource and a
 * prefix on every name. The same on every cloud, so they are checked and applied here; each
 * cloud's applyCompanyRules (an Aspect on AWS and in CDKTF) puts the tags on every resource of a
 * scope, the user's own included, and the blueprints take the rules as a prop.
 */

/** Rules every service of a company follows. */
export interface CompanyRules {
  /**
   * Tags (labels on GCP) on every resource, with GCP's label rules (the strictest of the three);
   * they win over the spec's tags of the same key. @default {}
   */
  readonly tags?: Readonly<Record<string, string>>;
  /**
   * Prefix of every name the blueprint derives (`acme` gives `acme-shop-api-prd-db`); lowercase
   * letters and digits, words joined by "-". Set it before the first deploy: a changed prefix
   * renames, and so replaces, named resources. @default - no prefix
   */
  readonly namePrefix?: string;
}

const PREFIX = /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/;

/** Every problem of company tags (GCP label rules), as printable lines. */
export function companyTagProblems(tags: Readonly<Record<string, string>> = {}): string[] {
  return Object.entries(tags).flatMap(([key, value]) => [
    ...(TAG_KEY.test(key)
      ? []
      : [
          `companyRules.tags: key ${JSON.stringify(key)} must start with a lowercase letter, then lowercase letters, digits, "_" or "-", at most 63`,
        ]),
    ...(typeof value === 'string' && TAG_VALUE.test(value)
      ? []
      : [
          `companyRules.tags.${key}: must be lowercase letters, digits, "_" or "-", at most 63 (given ${JSON.stringify(value)})`,
        ]),
  ]);
}

/** Every problem of the rules for a spec, as printable lines (field, given, allowed). */
export function companyRuleProblems(
  rules: CompanyRules,
  spec: Pick<ResolvedSpec, 'name' | 'environment' | 'clouds'>,
): string[] {
  const problems = companyTagProblems(rules.tags);
  const prefix = rules.namePrefix;
  if (prefix === undefined) return problems;
  if (!PREFIX.test(prefix)) {
    return [
      ...problems,
      `companyRules.namePrefix: lowercase letters and digits, words joined by "-", starting with a letter (given ${JSON.stringify(prefix)})`,
    ];
  }
  const names = nameProblems(`${prefix}-${spec.name}`, spec.environment, spec.clouds);
  return [...problems, ...names.map((p) => `companyRules.namePrefix: with the prefix, name ${p.message}`)];
}

/** The spec with the rules applied (prefixed names, merged tags); refuses broken rules with every problem. */
export function withCompanyRules(spec: ResolvedSpec, rules: CompanyRules | undefined): ResolvedSpec {
  if (!rules) return spec;
  const problems = companyRuleProblems(rules, spec);
  if (problems.length > 0) throw new SpecInputError('companyRules', problems);
  return {
    ...spec,
    ...(rules.namePrefix ? { names: new Names(`${rules.namePrefix}-${spec.name}`, spec.environment) } : {}),
    tags: { ...spec.tags, ...rules.tags },
  };
}
