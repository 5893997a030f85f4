/**
 * `scaling-blueprint/azure`: the Azure constructs (one per component), the whole backend as a
 * construct for a TerraformStack of yours (AzureBlueprint) and as its own stack
 * (AzureBlueprintStack), and the state backend helpers. Needs cdktf, constructs,
 * @cdktf/provider-azurerm, @cdktf/provider-random and @cdktf/provider-tls (optional peer
 * dependencies). The Azure policy gate is checkov over the synthesized Terraform JSON (README,
 * "Policy gates and scans").
 */
export * from '../constructs/azure';
export * from '../stacks/azure-stack';
export * from '../stacks/terraform-state';
