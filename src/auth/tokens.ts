// Access tokens: ES256 JWTs we sign ourselves, plus (optionally) tokens of an external identity
// provider checked against its JWKS. Only verified claims leave this module.
import { createPrivateKey, createPublicKey, type KeyObject } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import {
  calculateJwkThumbprint,
  createRemoteJWKSet,
  decodeJwt,
  exportJWK,
  exportPKCS8,
  generateKeyPair,
  type JWK,
  jwtVerify,
  SignJWT,
} from 'jose';
import { type Config, ConfigError } from '../config.js';
import type { Clock } from '../lib/clock.js';

const ALG = 'ES256';
const EXTERNAL_ALGS = ['RS256', 'PS256', 'ES256', 'ES384', 'EdDSA'];
const VERIFIED_CACHE_SIZE = 10_000;
const EXTERNAL_RECHECK_MS = 5 * 60_000;

/** A verified token and the instant (ms) until which it may be taken as verified without a check. */
interface Checked {
  verified: VerifiedToken;
  until: number;
}

export type VerifiedToken = (
  | { kind: 'local'; userId: string; generation: number }
  | { kind: 'external'; issuer: string; subject: string; email?: string; emailVerified: boolean; name?: string }
) & {
  /** The token's `exp`: what rests on the token (a subscription, a socket) ends then too. */
  expiresAt: Date;
};

export interface TokenService {
  /** A token for the account, in its current session generation (a password reset moves it on). */
  sign(userId: string, generation: number): Promise<{ token: string; expiresAt: Date }>;
  /** Null when the token is not one we accept, for whatever reason. */
  verify(token: string): Promise<VerifiedToken | null>;
  jwks(): { keys: JWK[] };
}

/** Loads JWT_PRIVATE_KEY, or the embedded default's key under DATA_DIR, creating it on first use. */
export async function loadSigningKey(config: Pick<Config, 'JWT_PRIVATE_KEY' | 'DATA_DIR'>): Promise<string> {
  if (config.JWT_PRIVATE_KEY) return checkedSigningKey(config.JWT_PRIVATE_KEY.replace(/\\n/g, '\n'));
  const file = path.join(config.DATA_DIR, 'jwt-private-key.pem');
  if (existsSync(file)) return readFileSync(file, 'utf8');
  const { privateKey } = await generateKeyPair(ALG, { extractable: true });
  const pem = await exportPKCS8(privateKey);
  mkdirSync(config.DATA_DIR, { recursive: true });
  writeFileSync(file, pem, { mode: 0o600 });
  chmodSync(file, 0o600);
  return pem;
}

/** The PEM if it is an ES256 (P-256) private key; else a refusal naming JWT_PRIVATE_KEY. */
function checkedSigningKey(pem: string): string {
  let key: KeyObject | undefined;
  try {
    key = createPrivateKey(pem);
  } catch {}
  if (key?.asymmetricKeyType !== 'ec' || key.asymmetricKeyDetails?.namedCurve !== 'prime256v1') {
    throw new ConfigError(
      'Invalid configuration:\n  JWT_PRIVATE_KEY: not a PEM ES256 (P-256) private key; make one with `openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256` (newlines may be written \\n)',
    );
  }
  return pem;
}

export async function createTokenService(deps: {
  privateKeyPem: string;
  config: Pick<
    Config,
    'JWT_ISSUER' | 'JWT_AUDIENCE' | 'JWT_TTL_SECONDS' | 'JWT_JWKS_URL' | 'JWT_JWKS_ISSUER' | 'JWT_JWKS_AUDIENCE'
  >;
  clock: Clock;
}): Promise<TokenService> {
  const { config, clock } = deps;
  const privateKey: KeyObject = createPrivateKey(deps.privateKeyPem);
  const publicKey = createPublicKey(privateKey);
  const publicJwk = await exportJWK(publicKey);
  const kid = await calculateJwkThumbprint(publicJwk);
  const remoteKeys = config.JWT_JWKS_URL ? createRemoteJWKSet(new URL(config.JWT_JWKS_URL)) : undefined;
  const currentDate = () => clock.now();

  async function verifyLocal(token: string): Promise<Checked | null> {
    const { payload } = await jwtVerify(token, publicKey, {
      issuer: config.JWT_ISSUER,
      audience: config.JWT_AUDIENCE,
      algorithms: [ALG],
      requiredClaims: ['exp', 'sub'],
      currentDate: currentDate(),
    });
    if (!payload.sub) return null;
    const generation = typeof payload.gen === 'number' && Number.isSafeInteger(payload.gen) ? payload.gen : 0;
    const expiresAt = new Date((payload.exp ?? 0) * 1000);
    return { verified: { kind: 'local', userId: payload.sub, generation, expiresAt }, until: expiresAt.getTime() };
  }

  async function verifyExternal(token: string): Promise<Checked | null> {
    if (!remoteKeys || !config.JWT_JWKS_ISSUER || !config.JWT_JWKS_AUDIENCE) return null;
    const { payload } = await jwtVerify(token, remoteKeys, {
      issuer: config.JWT_JWKS_ISSUER,
      audience: config.JWT_JWKS_AUDIENCE,
      algorithms: EXTERNAL_ALGS,
      requiredClaims: ['exp', 'sub'],
      currentDate: currentDate(),
    });
    if (!payload.sub || !payload.iss) return null;
    return {
      verified: {
        kind: 'external',
        issuer: payload.iss,
        subject: payload.sub,
        email: typeof payload.email === 'string' ? payload.email : undefined,
        emailVerified: payload.email_verified === true,
        name: typeof payload.name === 'string' ? payload.name : undefined,
        expiresAt: new Date((payload.exp ?? 0) * 1000),
      },
      // The provider may rotate or withdraw its keys: look again now and then.
      until: Math.min((payload.exp ?? 0) * 1000, clock.now().getTime() + EXTERNAL_RECHECK_MS),
    };
  }

  // A verified token stays verified until it expires: checking an ES256 signature on every request
  // cost more CPU than the rest of the authentication. Bounded; the oldest entries leave first.
  const checked = new Map<string, Checked>();
  async function check(token: string): Promise<Checked | null> {
    const hit = checked.get(token);
    if (hit) {
      if (clock.now().getTime() < hit.until) return hit;
      checked.delete(token);
    }
    // The unverified issuer only picks which key to check against; both paths verify fully.
    const { iss } = decodeJwt(token);
    const fresh =
      iss === config.JWT_ISSUER
        ? await verifyLocal(token)
        : iss && iss === config.JWT_JWKS_ISSUER
          ? await verifyExternal(token)
          : null;
    if (fresh) {
      if (checked.size >= VERIFIED_CACHE_SIZE) checked.delete(checked.keys().next().value as string);
      checked.set(token, fresh);
    }
    return fresh;
  }

  return {
    async sign(userId, generation) {
      const now = Math.floor(clock.now().getTime() / 1000);
      const exp = now + config.JWT_TTL_SECONDS;
      const token = await new SignJWT({ gen: generation })
        .setProtectedHeader({ alg: ALG, kid, typ: 'JWT' })
        .setIssuer(config.JWT_ISSUER)
        .setAudience(config.JWT_AUDIENCE)
        .setSubject(userId)
        .setIssuedAt(now)
        .setExpirationTime(exp)
        .sign(privateKey);
      return { token, expiresAt: new Date(exp * 1000) };
    },
    async verify(token) {
      try {
        return (await check(token))?.verified ?? null;
      } catch {
        return null;
      }
    },
    jwks() {
      return { keys: [{ ...publicJwk, kid, alg: ALG, use: 'sig' }] };
    },
  };
}
