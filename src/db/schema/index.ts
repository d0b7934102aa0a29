export * from './analytics.js';
export * from './auditLog.js';
export * from './invitations.js';
export * from './loginAddresses.js';
export * from './memberships.js';
export * from './organizations.js';
export * from './rateLimits.js';
export * from './users.js';
