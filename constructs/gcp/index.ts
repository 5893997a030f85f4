export * from './cache';
export * from './cdn';
export * from './compute-group';
export * from './database';
export * from './load-balancer';
export * from './monitoring';
export * from './network';
export * from './secrets';
