// What the API starts with and a separate worker must share: the signing key (it seals the
// accept links the worker opens) and the event bus (the worker's status changes must reach the
// API's subscribers). The API records both in deployment_settings; a worker that disagrees refuses
// to start instead of failing every send or publishing where nobody listens.
import { hkdfSync } from 'node:crypto';
import { inArray, sql } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import { deploymentSettings } from '../db/schema/index.js';
import { StartupError } from './startupError.js';

/** Names the key without revealing it: a value derived from it under a purpose of its own. */
export function keyFingerprint(privateKeyPem: string): string {
  return Buffer.from(hkdfSync('sha256', privateKeyPem, 'invitation-api', 'key-fingerprint-v1', 16)).toString('hex');
}

interface Deployment {
  privateKeyPem: string;
  redisUrl: string | undefined;
}

const settingsOf = ({ privateKeyPem, redisUrl }: Deployment) => ({
  key_fingerprint: keyFingerprint(privateKeyPem),
  event_bus: redisUrl ? 'redis' : 'in-process',
});

export async function recordDeployment(db: Db, deployment: Deployment): Promise<void> {
  const rows = Object.entries(settingsOf(deployment)).map(([name, value]) => ({ name, value }));
  await db
    .insert(deploymentSettings)
    .values(rows)
    .onConflictDoUpdate({
      target: deploymentSettings.name,
      set: { value: sql`excluded.value`, updatedAt: sql`now()` },
    });
}

/** Refuses (StartupError) a worker whose key or event bus differs from what the API recorded. */
export async function checkWorkerMatchesApi(db: Db, deployment: Deployment): Promise<void> {
  const mine = settingsOf(deployment);
  const rows = await db
    .select()
    .from(deploymentSettings)
    .where(inArray(deploymentSettings.name, Object.keys(mine)));
  const api = Object.fromEntries(rows.map((row) => [row.name, row.value]));
  if (api.key_fingerprint && api.key_fingerprint !== mine.key_fingerprint) {
    throw new StartupError(
      "JWT_PRIVATE_KEY: differs from the API's (this worker could open none of the sealed accept links); give the worker the same JWT_PRIVATE_KEY as the API",
    );
  }
  if (api.event_bus === 'redis' && mine.event_bus !== 'redis') {
    throw new StartupError(
      "REDIS_URL: the API publishes events through Redis but this worker has no REDIS_URL (subscribers would never see SENDING or SENT); set REDIS_URL to the API's Redis",
    );
  }
  if (api.event_bus === 'in-process' && mine.event_bus === 'redis') {
    throw new StartupError(
      'REDIS_URL: this worker publishes through Redis but the API has no REDIS_URL and listens in process only; give the API the same REDIS_URL, or unset it here',
    );
  }
}
