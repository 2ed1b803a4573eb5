export * from './build-events';
export * from './namespaces';
export type * from './types';
