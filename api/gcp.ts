/**
 * `scaling-blueprint/gcp`: the GCP constructs (one per component), the whole backend as a
 * construct for a TerraformStack of yours (GcpBlueprint) and as its own stack
 * (GcpBlueprintStack), and the state backend helpers. Needs cdktf, constructs,
 * @cdktf/provider-google and @cdktf/provider-random (optional peer dependencies). The GCP
 * policy gate is checkov over the synthesized Terraform JSON (README, "Policy gates and scans").
 */
export * from '../constructs/gcp';
export * from '../stacks/gcp-stack';
export * from '../stacks/terraform-state';
