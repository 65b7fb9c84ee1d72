export { audited, cliActor, readAudit, recordAudit, type AuditEntry } from './audit-log.js';
