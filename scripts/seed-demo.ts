// `npm run seed:demo -- --invitations 1000000 [--organization <id>]`: fills an organisation with
// realistic invitation histories. Without --organization it fills the demo organisation of the
// embedded database, or signs up a new owner and prints how to log in. Uses DATABASE_URL or the
// embedded database under DATA_DIR, like the server (stop the server first on the embedded one).
import { randomBytes, randomUUID } from 'node:crypto';
import { parseArgs } from 'node:util';
import { eq, sql } from 'drizzle-orm';
import { ensureDemoAccount } from '../src/accounts/demo.js';
import { recountedRollups, storedRollups } from '../src/analytics/recount.js';
import { seedInvitationHistory } from '../src/analytics/seed.js';
import { buildApp } from '../src/app.js';
import { parseConfig } from '../src/config.js';
import { memberships, organizations, users } from '../src/db/schema/index.js';
import { decodeGlobalID } from '../src/graphql/globalId.js';

const { values } = parseArgs({
  options: {
    invitations: { type: 'string', default: '10000' },
    organization: { type: 'string' },
    verify: { type: 'boolean', default: false },
  },
});
const count = Number(values.invitations);
if (!Number.isInteger(count) || count < 1) {
  console.error('--invitations must be a positive whole number');
  process.exit(1);
}

const config = parseConfig({ ...process.env, WORKER_ENABLED: 'false', EXPIRY_SWEEP_SECONDS: '0' });
const app = await buildApp(config);
const { db } = app.database;
try {
  let organizationId = values.organization
    ? values.organization.includes('-')
      ? values.organization
      : decodeGlobalID(values.organization).id
    : undefined;
  if (!organizationId && app.database.driver === 'pglite') {
    await ensureDemoAccount({ db, accounts: app.services.accounts, dataDir: config.DATA_DIR });
    const [demo] = await db
      .select({ id: memberships.organizationId })
      .from(memberships)
      .innerJoin(users, eq(users.id, memberships.userId))
      .where(eq(users.email, 'demo@example.com'));
    organizationId = demo?.id;
  }
  if (!organizationId) {
    const email = `analytics-${randomUUID().slice(0, 8)}@example.com`;
    const password = randomBytes(12).toString('base64url');
    const created = await app.services.accounts.signUp(
      { email, password, name: 'Analytics Owner', organizationName: 'Analytics Demo' },
      { userId: null, ip: null, userAgent: 'seed:demo' },
    );
    if (!created.ok) throw new Error(created.error.message);
    organizationId = created.value.organization.id;
    console.log(`New owner ${email} / ${password}`);
  }
  const [org] = await db.select().from(organizations).where(eq(organizations.id, organizationId));
  if (!org) throw new Error(`no organization ${organizationId}`);
  const inviterIds = (
    await db
      .select({ id: memberships.userId })
      .from(memberships)
      .where(sql`${memberships.organizationId} = ${organizationId} and ${memberships.role} in ('OWNER', 'ADMIN')`)
  ).map((m) => m.id);

  const started = performance.now();
  await seedInvitationHistory(db, { organizationId, inviterIds, count, now: new Date() });
  const seconds = (performance.now() - started) / 1000;
  console.log(`${count} invitations with their timelines added to "${org.name}" in ${seconds.toFixed(1)} s`);
  if (values.verify) {
    const [stored, recounted] = [await storedRollups(db, organizationId), await recountedRollups(db, organizationId)];
    const same = JSON.stringify(stored) === JSON.stringify(recounted);
    console.log(same ? 'Rollups equal a recount of the raw rows' : 'Rollups DIFFER from a recount of the raw rows');
    if (!same) process.exitCode = 1;
  }
} finally {
  await app.stop();
}
