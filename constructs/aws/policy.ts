import { CfnResource, Lazy, Stack, Validations } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';

/*
 * Policy acknowledgements live next to the resource they concern (see docs/aws.md). Ids:
 * cdk-nag rules as `AwsSolutions-XX` (or `AwsSolutions-XX[finding]`), Control Tower guard
 * rules as `cdk-validator-cfnguard::<guard rule name>`. Each reason says why this resource
 * keeps the setting the rule objects to.
 */

/** Namespace of the Control Tower guard plugin's findings in acknowledgement ids. */
export const GUARD = 'cdk-validator-cfnguard::';

/** Acknowledges findings on one construct (and the resources below it), each with its reason. */
export function acknowledge(scope: IConstruct, reasons: Readonly<Record<string, string>>): void {
  for (const [id, reason] of Object.entries(reasons)) Validations.of(scope).acknowledge({ id, reason });
}

/**
 * Drops `redundant` from the DependsOn CloudFormation renders for `resource` (cfn-lint W3005:
 * the dependency is already enforced by a Ref or GetAtt). aws-cdk-lib adds some such DependsOn
 * itself (a function on its role, a proxy target group on its cluster); the list is computed at
 * render time, after every construct dependency became a resource dependency, so any other
 * DependsOn stays.
 */
export function dropRedundantDependsOn(resource: CfnResource, redundant: readonly CfnResource[]): void {
  resource.addOverride(
    'DependsOn',
    Lazy.list(
      {
        produce: () =>
          resource
            .obtainDependencies()
            .filter((d): d is CfnResource => d instanceof CfnResource && !redundant.includes(d))
            .map((d) => Stack.of(resource).resolve(d.logicalId) as string)
            .sort(),
      },
      { omitEmpty: true },
    ),
  );
}
