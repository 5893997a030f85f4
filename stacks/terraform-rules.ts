import { Aspects, type IAspect, TerraformResource } from 'cdktf';
import type { IConstruct } from 'constructs';
import { type CompanyRules, companyTagProblems } from '../lib/company-rules';
import { SpecInputError } from '../lib/spec-input';

/** The config attribute that carries a provider's tags: `labels` (google), `tags` (azurerm). */
export type TagAttribute = 'labels' | 'tags';

/**
 * Puts the company tags on every resource under a scope that takes them (the provider schema has
 * `labels` / `tags`), the user's own resources included: an Aspect, so resources added after
 * this call are covered too. The company's value wins over a resource's own for the same key.
 */
export class CompanyTagsAspect implements IAspect {
  constructor(
    private readonly tags: Readonly<Record<string, string>>,
    private readonly attribute: TagAttribute,
  ) {}

  visit(node: IConstruct): void {
    if (!(node instanceof TerraformResource)) return;
    const input = `${this.attribute}Input`;
    if (!(input in node)) return;
    const resource = node as unknown as Record<string, Record<string, string> | undefined>;
    resource[this.attribute] = { ...(resource[input] ?? {}), ...this.tags };
  }
}

/** Applies the company rules' tags to every resource under `scope`; refuses invalid tags with every problem. */
export function applyTerraformCompanyRules(scope: IConstruct, rules: CompanyRules, attribute: TagAttribute): void {
  const problems = companyTagProblems(rules.tags);
  if (problems.length > 0) throw new SpecInputError('companyRules', problems);
  if (rules.tags && Object.keys(rules.tags).length > 0)
    Aspects.of(scope).add(new CompanyTagsAspect(rules.tags, attribute));
}
