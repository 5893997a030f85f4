/**
 * Loads a back end module; a cloud whose back end has not landed says so instead of failing
 * with a module error.
 */
export function backend<T>(cloud: string, load: () => T): T {
  try {
    return load();
  } catch (error) {
    const e = error as NodeJS.ErrnoException;
    if (e.code === 'MODULE_NOT_FOUND' && /(aws-stack|gcp-stack|azure-stack)/.test(e.message.split('\n')[0] ?? '')) {
      throw new Error(`the ${cloud} back end is not available yet in this version`);
    }
    throw error;
  }
}
