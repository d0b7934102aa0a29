// The demo and benchmark histories of `npm run seed:demo`: they bypass the triggers and apply the
// rollups themselves, so the rollups must still equal a recount, and the stats read like the rows.
import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { recountedRollups, storedRollups } from '../src/analytics/recount.js';
import { seedInvitationHistory } from '../src/analytics/seed.js';
import { invitationEvents, invitations } from '../src/db/schema/index.js';
import { useTestApp } from './helpers/app.js';
import { newAccount } from './helpers/seed.js';

describe('seedInvitationHistory', () => {
  const t = useTestApp();

  it('fills an organisation whose rollups equal a recount of its rows, and whose stats count them all', async () => {
    const owner = await newAccount(t, 'seeded');
    const { organizationId, userId } = owner.raw;
    const now = t.clock.now();
    const count = 3_000;
    // Six transactions, two at a time: their rollup writes meet on the same weeks and slots.
    const history = { organizationId, inviterIds: [userId], count, now, days: 40, chunkSize: 500 };
    await seedInvitationHistory(t.app.database.db, history);

    const db = t.app.database.db;
    const rows = await db.select().from(invitations).where(eq(invitations.organizationId, organizationId));
    expect(rows).toHaveLength(count);
    const events = await db.select().from(invitationEvents).where(eq(invitationEvents.organizationId, organizationId));
    expect(events.length).toBeGreaterThan(count * 2);
    expect(new Set(rows.map((r) => r.status))).toEqual(
      new Set(['PENDING', 'ACCEPTED', 'DECLINED', 'CANCELLED', 'EXPIRED']),
    );

    const stored = await storedRollups(db, organizationId);
    expect(stored.cohorts.length).toBeGreaterThan(0);
    expect(stored.activity.length).toBeGreaterThan(0);
    expect(stored).toEqual(await recountedRollups(db, organizationId));

    const stats = await t.app.services.analytics.stats(organizationId, {
      from: new Date(now.getTime() - 41 * 86_400_000),
      to: new Date(now.getTime() + 1),
    });
    if (!stats.ok) expect.fail(stats.error.message);
    expect(stats.value.counts.invited).toBe(count);
    expect(stats.value.counts.accepted).toBe(rows.filter((r) => r.status === 'ACCEPTED').length);
  });
});
