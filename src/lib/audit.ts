// Writes audit rows, inside the caller's transaction so the record and the change commit together.
import type { Executor } from '../db/client.js';
import { auditLog } from '../db/schema/index.js';

/** Who did it and from where; taken from the request at the edge. */
export interface Actor {
  userId: string | null;
  ip: string | null;
  userAgent: string | null;
}

export interface AuditEntry {
  organizationId?: string | null;
  action: string;
  targetType?: string;
  targetId?: string;
  data?: Record<string, unknown>;
}

export async function recordAudit(db: Executor, actor: Actor, entry: AuditEntry): Promise<void> {
  await db.insert(auditLog).values({
    organizationId: entry.organizationId ?? null,
    actorId: actor.userId,
    action: entry.action,
    targetType: entry.targetType,
    targetId: entry.targetId,
    data: entry.data ?? {},
    ip: actor.ip,
    userAgent: actor.userAgent,
  });
}
