import type { FastifyRequest } from 'fastify';
import type { AuditEntry } from '../../audit/index.js';

/** Who and from where, for the audit log: the caller's key identity and the client IP. */
export function auditCaller(request: FastifyRequest): Pick<AuditEntry, 'actor' | 'role' | 'source'> {
  return { actor: request.callerActor, role: request.caller, source: request.ip };
}
