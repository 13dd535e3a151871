/**
 * API tokens: made here, kept by the store (src/store/tokens.ts), checked on each request
 * (auth.ts). A token reads `tutti_<id>_<secret>`: the id finds the record (and may be shown), the
 * secret proves possession and is stored only as its SHA-256.
 *
 * A fast hash is enough here, unlike for passwords: a password is guessable, so its hash must be
 * slow (scrypt, argon2) to make trying a dictionary against a stolen table expensive. A secret of
 * 32 random bytes has 256 bits of entropy; no number of SHA-256 evaluations comes close to finding
 * it from its hash, so a slow hash would only slow down every request.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { ConfigError } from '../core/errors.js';
import type { TokenStore } from '../store/tokens.js';

/** Namespace names: lower-case letters, digits and '-', starting with a letter or digit, 1 to 63 characters. */
export const NAMESPACE_PATTERN = /^[a-z0-9][a-z0-9-]{0,62}$/;

/** The token text: `tutti_`, 12 hex digits of id, `_`, 43 base64url characters of secret (32 bytes). */
const TOKEN_PATTERN = /^tutti_([0-9a-f]{12})_([A-Za-z0-9_-]{43})$/;

export interface CreateTokenOptions {
  namespace: string;
  /** A label for people, shown by `tutti tokens list`. @default none */
  name?: string;
}

export interface CreatedToken {
  id: string;
  /** The whole token text: shown once, never stored. */
  token: string;
  namespace: string;
}

export interface VerifiedToken {
  id: string;
  namespace: string;
}

/** Throws a ConfigError naming `namespace` and the rule when `namespace` is not a valid name. */
export function checkNamespace(namespace: string): void {
  if (!NAMESPACE_PATTERN.test(namespace)) {
    throw new ConfigError(
      `namespace (--namespace) '${namespace}' is not valid: use 1 to 63 lower-case letters, digits and '-', ` +
        'starting with a letter or digit (e.g. shop, billing-eu)',
    );
  }
}

/**
 * Makes a token in a namespace and stores its hash; the returned `token` is the only copy.
 * @example
 * const { token } = await createToken(store, { namespace: 'shop', name: 'ci' });
 */
export async function createToken(store: TokenStore, options: CreateTokenOptions): Promise<CreatedToken> {
  checkNamespace(options.namespace);
  // 48 bits of id: collisions are rare, and refused by the store (DuplicateNameError), not merged.
  const id = randomBytes(6).toString('hex');
  const secret = randomBytes(32).toString('base64url');
  await store.putToken({
    id,
    namespace: options.namespace,
    name: options.name ?? null,
    hash: hashSecret(secret),
    createdAt: Date.now(),
  });
  return { id, token: `tutti_${id}_${secret}`, namespace: options.namespace };
}

/**
 * The token's id and namespace when `text` is a stored, unrevoked token; undefined otherwise
 * (malformed, unknown, wrong secret, revoked).
 * @example
 * const who = await verifyToken(store, header.slice('Bearer '.length));
 */
export async function verifyToken(store: TokenStore, text: string): Promise<VerifiedToken | undefined> {
  const match = TOKEN_PATTERN.exec(text);
  if (!match) return undefined;
  const [, id, secret] = match as unknown as [string, string, string];
  const record = await store.findToken(id);
  if (!record || record.revokedAt !== null) return undefined;
  // Constant time, so that response times do not reveal how much of a guessed hash matched.
  const expected = Buffer.from(record.hash, 'hex');
  const actual = Buffer.from(hashSecret(secret), 'hex');
  if (expected.length !== actual.length || !timingSafeEqual(expected, actual)) return undefined;
  return { id, namespace: record.namespace };
}

/**
 * Conductor's `POST /api/token` ({ keyId, keySecret }): the token text when the key id (a token id)
 * and secret (its secret part) make a valid token, else undefined.
 * @example
 * const token = await exchangeKey(store, body.keyId, body.keySecret); // then `X-Authorization: <token>`
 */
export async function exchangeKey(store: TokenStore, keyId: string, keySecret: string): Promise<string | undefined> {
  const text = `tutti_${keyId}_${keySecret}`;
  return (await verifyToken(store, text)) ? text : undefined;
}

/** Whether `text` has the form of a token (says nothing of whether it is valid). */
export function looksLikeToken(text: string): boolean {
  return TOKEN_PATTERN.test(text);
}

function hashSecret(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}
