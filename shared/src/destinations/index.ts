export * from './filter.js';
export * from './operations.js';
export * from './publish.js';
export * from './replay.js';
export * from './signing-secret.js';
export * from './topology.js';
export * from './delivery-status.js';
export * from './address-rule.js';
