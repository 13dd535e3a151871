/**
 * The token cases of the store conformance suite (see store.case.ts): ids unique, revocation
 * final and kept, listings oldest first.
 */
import assert from 'node:assert/strict';
import { beforeEach, describe, it } from 'node:test';
import type { Store } from '../../src/store/store.js';
import type { NewToken } from '../../src/store/tokens.js';

function newToken(id: string, overrides: Partial<NewToken> = {}): NewToken {
  return { id, namespace: 'shop', name: 'ci', hash: 'ab'.repeat(32), createdAt: 1_000, ...overrides };
}

/** Registers the token cases; `currentStore` returns the store of the running case. */
export function tokenCases(currentStore: () => Store): void {
  describe('tokens', () => {
    let store: Store;
    beforeEach(() => {
      store = currentStore();
    });
    const ids = (records: { id: string }[]) => records.map((t) => t.id);

    it('stores a token, valid (revokedAt null), and finds it by id', async () => {
      await store.putToken(newToken('t1', { name: 'billing ✓' }));
      await store.putToken(newToken('t2', { name: null }));
      assert.deepEqual(await store.findToken('t1'), { ...newToken('t1', { name: 'billing ✓' }), revokedAt: null });
      assert.deepEqual(await store.findToken('t2'), { ...newToken('t2', { name: null }), revokedAt: null });
      assert.equal(await store.findToken('unknown'), undefined);
    });

    it('refuses a taken id with DuplicateNameError, keeping the stored token', async () => {
      await store.putToken(newToken('t1'));
      await assert.rejects(store.putToken(newToken('t1', { namespace: 'other', hash: 'cd'.repeat(32) })), (error) => {
        assert.equal((error as Error).name, 'DuplicateNameError');
        assert.equal((error as { code?: string }).code, 'DUPLICATE_NAME');
        assert.match((error as Error).message, /'t1'.*create the token again/);
        return true;
      });
      assert.deepEqual(await store.findToken('t1'), { ...newToken('t1'), revokedAt: null });
      assert.deepEqual(ids(await store.listTokens()), ['t1']);
    });

    it('lists tokens oldest first (ties in the order stored), by namespace on request', async () => {
      await store.putToken(newToken('late', { createdAt: 3_000 }));
      await store.putToken(newToken('early', { createdAt: 1_000, namespace: 'billing' }));
      await store.putToken(newToken('tie-b', { createdAt: 2_000 }));
      await store.putToken(newToken('tie-a', { createdAt: 2_000, namespace: 'billing' }));
      assert.deepEqual(ids(await store.listTokens()), ['early', 'tie-b', 'tie-a', 'late']);
      assert.deepEqual(ids(await store.listTokens({})), ['early', 'tie-b', 'tie-a', 'late']);
      assert.deepEqual(ids(await store.listTokens({ namespace: 'billing' })), ['early', 'tie-a']);
      assert.deepEqual(await store.listTokens({ namespace: 'unknown' }), []);
    });

    it('revokes once: the token stays, with its revocation time; again or unknown is false', async () => {
      await store.putToken(newToken('t1'));
      await store.putToken(newToken('t2'));
      assert.equal(await store.revokeToken('t1', 5_000), true);
      assert.equal(await store.revokeToken('t1', 6_000), false);
      assert.equal(await store.revokeToken('unknown', 6_000), false);
      assert.deepEqual(await store.findToken('t1'), { ...newToken('t1'), revokedAt: 5_000 });
      assert.deepEqual(await store.findToken('t2'), { ...newToken('t2'), revokedAt: null });
      assert.deepEqual(
        (await store.listTokens()).map((t) => [t.id, t.revokedAt]),
        [
          ['t1', 5_000],
          ['t2', null],
        ],
      );
      await assert.rejects(store.putToken(newToken('t1')), { code: 'DUPLICATE_NAME' });
    });

    it('hands out copies: changing a returned record changes nothing stored', async () => {
      await store.putToken(newToken('t1'));
      const found = await store.findToken('t1');
      if (found) found.namespace = 'changed';
      const [listed] = await store.listTokens();
      if (listed) listed.revokedAt = 1;
      assert.deepEqual(await store.findToken('t1'), { ...newToken('t1'), revokedAt: null });
    });

    it('rejects token operations once closed', async () => {
      await store.close();
      const closed = { name: 'StoreClosedError', code: 'STORE_CLOSED' };
      await assert.rejects(store.putToken(newToken('t1')), closed);
      await assert.rejects(store.findToken('t1'), closed);
      await assert.rejects(store.listTokens(), closed);
      await assert.rejects(store.revokeToken('t1', 0), closed);
    });
  });
}
