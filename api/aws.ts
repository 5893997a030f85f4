/**
 * `scaling-blueprint/aws`: the AWS constructs (one per component), the whole backend as a
 * construct for a stack of yours (AwsBlueprint) and as its own stack (AwsBlueprintStack), and
 * the policy gates (synthWithPolicyGates). Needs aws-cdk-lib and constructs; the gates also
 * cdk-nag and @cdklabs/cdk-validator-cfnguard (optional peer dependencies).
 */
export * from '../constructs/aws';
export * from '../stacks/aws-policy';
export * from '../stacks/aws-stack';
