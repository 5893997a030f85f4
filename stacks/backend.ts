import type { Cloud } from '../lib/constants';

/**
 * The engine packages each cloud's back end loads: optional peer dependencies of the package
 * (package.json), so a consumer installs only the clouds it uses.
 */
export const ENGINE_PACKAGES: Readonly<Record<Cloud, readonly string[]>> = {
  aws: ['aws-cdk-lib', 'constructs', 'cdk-nag', '@cdklabs/cdk-validator-cfnguard'],
  gcp: ['cdktf', 'constructs', '@cdktf/provider-google', '@cdktf/provider-random'],
  azure: ['cdktf', 'constructs', '@cdktf/provider-azurerm', '@cdktf/provider-random', '@cdktf/provider-tls'],
};

const LABEL: Readonly<Record<Cloud, string>> = { aws: 'AWS', gcp: 'GCP', azure: 'Azure' };

/** A back end that cannot load because an engine package is not installed; one line, exit 1. */
export class MissingEngineError extends Error {
  constructor(
    readonly cloud: Cloud,
    readonly missing: string,
  ) {
    const all = ENGINE_PACKAGES[cloud].join(' ');
    super(`the ${LABEL[cloud]} back end needs ${missing}, which is not installed: npm install ${all}`);
    this.name = 'InputError';
  }
}

/** The package a MODULE_NOT_FOUND error names, when it is one of the cloud's engines. */
function missingEngine(cloud: Cloud, error: NodeJS.ErrnoException): string | undefined {
  if (error.code !== 'MODULE_NOT_FOUND') return undefined;
  const wanted = /Cannot find module '([^']+)'/.exec(error.message)?.[1];
  if (!wanted) return undefined;
  return ENGINE_PACKAGES[cloud].find((p) => wanted === p || wanted.startsWith(`${p}/`));
}

/**
 * Loads a cloud's back end module. An engine package that is not installed (an optional peer
 * dependency) becomes one line naming what to install; a back end that has not landed says so.
 */
export function backend<T>(which: Cloud | (typeof LABEL)[Cloud], load: () => T): T {
  // Callers may name the cloud by its label ('AWS') as well as by its id ('aws').
  const cloud = which.toLowerCase() as Cloud;
  try {
    return load();
  } catch (error) {
    const e = error as NodeJS.ErrnoException;
    const engine = missingEngine(cloud, e);
    if (engine) throw new MissingEngineError(cloud, engine);
    if (e.code === 'MODULE_NOT_FOUND' && /(aws-stack|gcp-stack|azure-stack)/.test(e.message.split('\n')[0] ?? '')) {
      throw new Error(`the ${LABEL[cloud]} back end is not available yet in this version`);
    }
    throw error;
  }
}
