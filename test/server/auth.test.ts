/** The token middleware and the rate limit on a bare Hono app: who gets in, what the others are told. */
import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { Hono } from 'hono';
import { requireToken } from '../../src/server/auth.js';
import { errorResponse } from '../../src/server/http-errors.js';
import { rateLimit } from '../../src/server/rate-limit.js';
import { createToken, exchangeKey, verifyToken } from '../../src/server/tokens.js';
import { createMemoryStore } from '../../src/store/memory/index.js';
import type { Store } from '../../src/store/store.js';

let store: Store;
let clock: number;
const now = () => clock;

beforeEach(() => {
  store = createMemoryStore();
  clock = 1_000_000;
});
afterEach(() => store.close());

/** An app that answers with the namespace and token id the middleware set. */
function app(options: { cacheMs?: number; perSecond?: number; burst?: number } = {}): Hono {
  const hono = withErrors(new Hono());
  hono.get('/v1/health', (c) => c.json({ status: 'ok' }));
  hono.use('/v1/*', requireToken({ store, cacheMs: options.cacheMs, now }));
  hono.use('/v1/*', rateLimit({ perSecond: options.perSecond, burst: options.burst, now }));
  hono.get('/v1/whoami', (c) => c.json({ namespace: c.get('namespace'), tokenId: c.get('tokenId') }));
  return hono;
}

/** The middlewares throw; the server's app answers (app.ts), as this does. */
function withErrors(hono: Hono): Hono {
  hono.onError((error, c) => {
    const { status, body, headers } = errorResponse(error);
    return c.json(body, status as 400, headers);
  });
  return hono;
}

async function get(hono: Hono, headers: Record<string, string> = {}) {
  const response = await hono.request('/v1/whoami', { headers });
  return { status: response.status, headers: response.headers, body: (await response.json()) as any };
}

/** The text with its last character changed: the same form, another secret. */
const tamper = (text: string) => `${text.slice(0, -1)}${text.endsWith('A') ? 'B' : 'A'}`;

function assertUnauthenticated(answer: Awaited<ReturnType<typeof get>>, problem: RegExp): void {
  assert.equal(answer.status, 401);
  assert.equal(answer.headers.get('WWW-Authenticate'), 'Bearer');
  assert.equal(answer.body.error.code, 'UNAUTHENTICATED');
  assert.match(answer.body.error.message, problem);
  assert.match(answer.body.error.message, /tutti tokens create --namespace <ns>/);
}

describe('requireToken', () => {
  it('refuses a request without a token, naming both headers and how to get one', async () => {
    const answer = await get(app());
    assertUnauthenticated(answer, /^no API token was sent; send `Authorization: Bearer <token>`.*X-Authorization/);
  });

  it('refuses malformed headers and unknown tokens, each saying which', async () => {
    const { token } = await createToken(store, { namespace: 'shop' });
    const hono = app();
    assertUnauthenticated(await get(hono, { Authorization: `Basic ${token}` }), /not `Bearer <token>`/);
    assertUnauthenticated(await get(hono, { Authorization: 'Bearer abc' }), /does not hold a Tutti token/);
    assertUnauthenticated(await get(hono, { 'X-Authorization': 'abc' }), /X-Authorization header does not hold/);
    assertUnauthenticated(await get(hono, { Authorization: `Bearer ${tamper(token)}` }), /unknown or revoked/);
    const unknownId = `tutti_000000000000_${token.split('_').slice(2).join('_')}`;
    assertUnauthenticated(await get(hono, { Authorization: `Bearer ${unknownId}` }), /unknown or revoked/);
  });

  it('accepts Bearer and X-Authorization alike, and sets the namespace and token id', async () => {
    const shop = await createToken(store, { namespace: 'shop', name: 'ci' });
    const billing = await createToken(store, { namespace: 'billing-eu' });
    const hono = app();
    assert.deepEqual(await get(hono, { Authorization: `Bearer ${shop.token}` }).then((a) => a.body), {
      namespace: 'shop',
      tokenId: shop.id,
    });
    assert.deepEqual(await get(hono, { authorization: `bearer  ${shop.token}` }).then((a) => a.body), {
      namespace: 'shop',
      tokenId: shop.id,
    });
    assert.deepEqual(await get(hono, { 'X-Authorization': billing.token }).then((a) => a.body), {
      namespace: 'billing-eu',
      tokenId: billing.id,
    });
    // A proxy's own Authorization does not hide a Conductor client's token.
    const behindProxy = await get(hono, { Authorization: 'Basic cHJveHk6cHc=', 'X-Authorization': billing.token });
    assert.equal(behindProxy.status, 200);
  });

  it('leaves the routes answered before it open', async () => {
    assert.equal((await app().request('/v1/health')).status, 200);
  });

  it('stops a revoked token once its cache entry is older than cacheMs', async () => {
    const { id, token } = await createToken(store, { namespace: 'shop' });
    const hono = app({ cacheMs: 5_000 });
    const bearer = { Authorization: `Bearer ${token}` };
    assert.equal((await get(hono, bearer)).status, 200);
    await store.revokeToken(id, clock);
    clock += 4_999;
    assert.equal((await get(hono, bearer)).status, 200, 'trusted from the cache until cacheMs has passed');
    clock += 1;
    assertUnauthenticated(await get(hono, bearer), /unknown or revoked/);
    assert.equal(await verifyToken(store, token), undefined);
  });

  it('asks the store on every request with cacheMs 0', async () => {
    const { id, token } = await createToken(store, { namespace: 'shop' });
    const hono = app({ cacheMs: 0 });
    assert.equal((await get(hono, { 'X-Authorization': token })).status, 200);
    await store.revokeToken(id, clock);
    assert.equal((await get(hono, { 'X-Authorization': token })).status, 401);
  });
});

describe('tokens', () => {
  it('exchanges a key id and secret (Conductor) for the token text, only when they are right', async () => {
    const { id, token } = await createToken(store, { namespace: 'shop' });
    const secret = token.slice(`tutti_${id}_`.length);
    assert.equal(await exchangeKey(store, id, secret), token);
    assert.equal(await exchangeKey(store, id, tamper(secret)), undefined);
    assert.equal(await exchangeKey(store, 'nope', secret), undefined);
    await store.revokeToken(id, clock);
    assert.equal(await exchangeKey(store, id, secret), undefined);
  });

  it('stores only a hash of the secret', async () => {
    const { id, token } = await createToken(store, { namespace: 'shop', name: 'ci' });
    const record = await store.findToken(id);
    assert.match(record?.hash ?? '', /^[0-9a-f]{64}$/);
    assert.ok(!token.includes(record?.hash ?? '-'));
    assert.deepEqual(
      { ...record, hash: '', createdAt: 0 },
      {
        id,
        namespace: 'shop',
        name: 'ci',
        hash: '',
        createdAt: 0,
        revokedAt: null,
      },
    );
  });

  it('refuses a namespace outside the rule with a ConfigError that states it', async () => {
    for (const namespace of ['', 'Shop', '-shop', 'shop_eu', 'a'.repeat(64)]) {
      await assert.rejects(createToken(store, { namespace }), (error: Error & { code?: string }) => {
        assert.equal(error.code, 'CONFIG_INVALID');
        assert.match(error.message, /namespace \(--namespace\) '.*' is not valid: use 1 to 63 lower-case letters/);
        return true;
      });
    }
    assert.deepEqual(await store.listTokens(), []);
    await createToken(store, { namespace: 'a'.repeat(63) });
  });
});

describe('rateLimit', () => {
  it('answers 429 with Retry-After once a token has spent its burst, and lets it in again after', async () => {
    const { token } = await createToken(store, { namespace: 'shop' });
    const other = await createToken(store, { namespace: 'shop' });
    const hono = app({ perSecond: 2, burst: 3 });
    const bearer = { Authorization: `Bearer ${token}` };
    for (let i = 0; i < 3; i++) assert.equal((await get(hono, bearer)).status, 200);
    const limited = await get(hono, bearer);
    assert.equal(limited.status, 429);
    assert.equal(limited.headers.get('Retry-After'), '1');
    assert.equal(limited.body.error.code, 'RATE_LIMITED');
    assert.match(limited.body.error.message, /2 per second, in bursts of up to 3.*retry in 1 s/);
    // Each token has its own bucket.
    assert.equal((await get(hono, { Authorization: `Bearer ${other.token}` })).status, 200);
    clock += 499;
    assert.equal((await get(hono, bearer)).status, 429);
    clock += 1;
    assert.equal((await get(hono, bearer)).status, 200);
    assert.equal((await get(hono, bearer)).status, 429);
  });

  it('limits requests without a token by client address', async () => {
    const hono = withErrors(new Hono());
    hono.use(rateLimit({ perSecond: 1, burst: 1, now }));
    hono.get('/', (c) => c.text('ok'));
    assert.equal((await hono.request('/')).status, 200);
    const limited = await hono.request('/');
    assert.equal(limited.status, 429);
    assert.equal(limited.headers.get('Retry-After'), '1');
  });

  it('refuses limits that cannot work', () => {
    assert.throws(() => rateLimit({ perSecond: 0 }), { code: 'CONFIG_INVALID' });
    assert.throws(() => rateLimit({ burst: 0.5 }), { code: 'CONFIG_INVALID' });
  });
});
