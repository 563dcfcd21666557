export * from './auth.ts';
export * from './orgs.ts';
export * from './api-keys.ts';
export * from './billing.ts';
export * from './audit.ts';
export * from './platform.ts';
export * from './apps.ts';
export * from './deployments.ts';
