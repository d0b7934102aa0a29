// First run on an empty embedded database: a demo organisation and owner, so a newcomer can try
// the API at once. The generated password is kept beside the data so later starts can repeat it.
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { count } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import { users } from '../db/schema/index.js';
import type { AccountService } from './service.js';

export interface DemoAccount {
  email: string;
  password: string;
  token: string;
}

const DEMO_EMAIL = 'demo@example.com';

export async function ensureDemoAccount(deps: {
  db: Db;
  accounts: AccountService;
  dataDir: string;
}): Promise<DemoAccount | undefined> {
  const file = path.join(deps.dataDir, 'demo-account.json');
  const [row] = await deps.db.select({ n: count() }).from(users);
  if ((row?.n ?? 0) === 0) {
    const password = randomBytes(12).toString('base64url');
    const created = await deps.accounts.signUp(
      { email: DEMO_EMAIL, password, name: 'Demo Owner', organizationName: 'Demo Organization' },
      { userId: null, ip: null, userAgent: 'demo-seed' },
    );
    if (!created.ok) throw new Error(`demo seed failed: ${created.error.message}`);
    writeFileSync(file, JSON.stringify({ email: DEMO_EMAIL, password }), { mode: 0o600 });
    return { email: DEMO_EMAIL, password, token: created.value.token };
  }
  if (!existsSync(file)) return undefined;
  const saved = JSON.parse(readFileSync(file, 'utf8')) as { email: string; password: string };
  const signedIn = await deps.accounts.logIn(saved, { userId: null, ip: null, userAgent: 'demo-seed' });
  return signedIn.ok ? { ...saved, token: signedIn.value.token } : undefined;
}
