import { Validations } from 'aws-cdk-lib';
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
