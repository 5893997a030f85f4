import { AzurermBackend, GcsBackend, LocalBackend, type TerraformBackend, type TerraformStack } from 'cdktf';
import type { ResolvedSpec } from '../lib/resolve';

/*
 * Where a Terraform stack keeps its state. The state holds every generated password, so:
 *  - a remote backend from the spec (`terraform.state.gcp` → GCS, `terraform.state.azure` →
 *    azurerm with Entra ID auth) when given, or from the stack's props;
 *  - otherwise a local file `terraform.<stack>.tfstate` next to the synth output directory, as
 *    the same RELATIVE path on every machine: `../../../terraform.<stack>.tfstate` from the stack
 *    directory `<outdir>/stacks/<stack>/` — the project root for `cdktf synth` (outdir
 *    cdktf.out), `<out>/` for `blueprint synth --out <out>` (outdir <out>/terraform). cdktf's
 *    default is an absolute path of the machine that synthesized: it breaks everywhere else, makes
 *    snapshots machine-specific and invites committing the state (the repository ignores
 *    `*.tfstate*`). Prod refuses local state unless waived (lib/validate.ts).
 */

/** Builds a stack's backend; give one to a stack's `backend` prop to override the spec. */
export type BackendFactory = (stack: TerraformStack) => TerraformBackend;

/** The backend a stack gets: the prop's, else the spec's remote one, else a relative local file. */
export function configureState(
  stack: TerraformStack,
  spec: Pick<ResolvedSpec, 'terraform'>,
  cloud: 'gcp' | 'azure',
  factory?: BackendFactory,
): TerraformBackend {
  if (factory) return factory(stack);
  const name = stack.node.id;
  const gcs = cloud === 'gcp' ? spec.terraform.state.gcp : undefined;
  if (gcs) return new GcsBackend(stack, { bucket: gcs.bucket, prefix: gcs.prefix ?? name });
  const blob = cloud === 'azure' ? spec.terraform.state.azure : undefined;
  if (blob) {
    return new AzurermBackend(stack, {
      resourceGroupName: blob.resourceGroup,
      storageAccountName: blob.storageAccount,
      containerName: blob.container,
      key: blob.key ?? `${name}.tfstate`,
      // Entra ID instead of the account key: no shared secret to distribute, access through RBAC.
      useAzureadAuth: true,
    });
  }
  return new LocalBackend(stack, { path: localStatePath(stack) });
}

/** `terraform.<stack>.tfstate` in the directory that holds the synth output, relative to the stack directory. */
export function localStatePath(stack: TerraformStack): string {
  return `../../../terraform.${stack.node.id}.tfstate`;
}
