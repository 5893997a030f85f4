import * as path from 'node:path';
import { App, AzurermBackend, GcsBackend, LocalBackend, type TerraformBackend, type TerraformStack } from 'cdktf';
import type { ResolvedSpec } from '../lib/resolve';

/*
 * Where a Terraform stack keeps its state. The state holds every generated password, so:
 *  - a remote backend from the spec (`terraform.state.gcp` → GCS, `terraform.state.azure` →
 *    azurerm with Entra ID auth) when given, or from the stack's props;
 *  - otherwise a local file `terraform.<stack>.tfstate` in the directory synth ran from, written
 *    as a path RELATIVE to the stack's output directory (cdktf's default is an absolute path of
 *    the machine that synthesized, which breaks on every other machine and invites committing
 *    it; the repository ignores `*.tfstate*`). Prod refuses local state unless waived (lib/validate.ts).
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

/** `terraform.<stack>.tfstate` in the synth's working directory, relative to the stack's output directory. */
export function localStatePath(stack: TerraformStack, cwd: string = process.cwd()): string {
  const name = stack.node.id;
  const stackDir = path.join(path.resolve(App.of(stack).outdir), 'stacks', name);
  return path
    .relative(stackDir, path.join(cwd, `terraform.${name}.tfstate`))
    .split(path.sep)
    .join('/');
}
