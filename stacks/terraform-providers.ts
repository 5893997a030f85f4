import type { TerraformStack } from 'cdktf';

/**
 * True when the stack already has a construct of this class: a provider (or backend) the user
 * configured. The blueprints add their own providers only when this is false, so a provider
 * added before the blueprint wins and no provider block is duplicated.
 */
export function stackHas(stack: TerraformStack, kind: abstract new (...args: never[]) => unknown): boolean {
  return stack.node.findAll().some((c) => c instanceof kind);
}
