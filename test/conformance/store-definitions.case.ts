/**
 * The definition cases of the store conformance suite (see store.case.ts): registering by kind,
 * name and version without ever overwriting silently, the latest version, listings.
 */
import assert from 'node:assert/strict';
import { beforeEach, describe, it } from 'node:test';
import type { NewDefinition } from '../../src/store/definitions.js';
import type { Store } from '../../src/store/store.js';
import { newDefinition } from './store-fixtures.js';

/** Registers the definition cases; `currentStore` returns the store of the running case. */
export function definitionCases(currentStore: () => Store): void {
  describe('definitions', () => {
    let store: Store;
    beforeEach(() => {
      store = currentStore();
    });
    const names = (records: NewDefinition[]) => records.map((d) => `${d.kind}:${d.name}:v${d.version}`);

    it('stores a definition and reads it back by version, and as the latest', async () => {
      const definition = newDefinition('encode_and_deploy', 1, { body: '{"name":"encode_and_deploy","é":"ü ✓"}' });
      assert.deepEqual(await store.putDefinition(definition), { outcome: 'created', definition });
      assert.deepEqual(await store.getDefinition('workflow', 'encode_and_deploy', 1), definition);
      assert.deepEqual(await store.getDefinition('workflow', 'encode_and_deploy'), definition);
      assert.equal(await store.getDefinition('workflow', 'encode_and_deploy', 2), undefined);
      assert.equal(await store.getDefinition('workflow', 'unknown'), undefined);
      assert.equal(await store.getDefinition('task', 'encode_and_deploy'), undefined);
    });

    it('is idempotent: the same body again is unchanged and keeps the first registration time', async () => {
      const first = newDefinition('order', 1, { registeredAt: 1_000 });
      await store.putDefinition(first);
      const again = await store.putDefinition({ ...first, registeredAt: 2_000 });
      assert.deepEqual(again, { outcome: 'unchanged', definition: first });
      const replacedSame = await store.putDefinition({ ...first, registeredAt: 3_000 }, { replace: true });
      assert.deepEqual(replacedSame, { outcome: 'unchanged', definition: first });
      assert.deepEqual(await store.getDefinition('workflow', 'order', 1), first);
    });

    it('refuses a different body under a stored name and version, returning and keeping the stored one', async () => {
      const first = newDefinition('order', 1, { body: '{"v":"first"}', registeredAt: 1_000 });
      await store.putDefinition(first);
      const other = newDefinition('order', 1, { body: '{"v":"second"}', registeredAt: 2_000 });
      assert.deepEqual(await store.putDefinition(other), { outcome: 'conflict', definition: first });
      assert.deepEqual(await store.putDefinition(other, { replace: false }), {
        outcome: 'conflict',
        definition: first,
      });
      assert.deepEqual(await store.getDefinition('workflow', 'order', 1), first);
      assert.deepEqual(names(await store.listDefinitions('workflow')), ['workflow:order:v1']);
    });

    it('overwrites a different body with replace, with the new registration time', async () => {
      await store.putDefinition(newDefinition('order', 1, { body: '{"v":"first"}', registeredAt: 1_000 }));
      const second = newDefinition('order', 1, { body: '{"v":"second"}', registeredAt: 2_000 });
      assert.deepEqual(await store.putDefinition(second, { replace: true }), {
        outcome: 'replaced',
        definition: second,
      });
      assert.deepEqual(await store.getDefinition('workflow', 'order', 1), second);
      assert.deepEqual(await store.listDefinitions('workflow'), [second]);
    });

    it('creates under a free name or version even with replace', async () => {
      const definition = newDefinition('order', 3);
      assert.deepEqual(await store.putDefinition(definition, { replace: true }), { outcome: 'created', definition });
    });

    it('takes the highest version number as the latest, whatever the order of registration', async () => {
      for (const version of [2, 10, 9, 1]) {
        await store.putDefinition(newDefinition('order', version, { body: `{"version":${version}}` }));
      }
      assert.equal((await store.getDefinition('workflow', 'order'))?.body, '{"version":10}');
      assert.equal((await store.getDefinition('workflow', 'order', 9))?.body, '{"version":9}');
    });

    it('keeps workflows and tasks apart, and lists a kind by name then version', async () => {
      await store.putDefinition(newDefinition('shipping', 2));
      await store.putDefinition(newDefinition('billing', 1));
      await store.putDefinition(newDefinition('shipping', 1));
      await store.putDefinition(newDefinition('billing', 10));
      await store.putDefinition(newDefinition('encode', 1, { kind: 'task', body: '{"name":"encode"}' }));
      await store.putDefinition(newDefinition('billing', 1, { kind: 'task', body: '{"name":"billing"}' }));

      assert.deepEqual(names(await store.listDefinitions('workflow')), [
        'workflow:billing:v1',
        'workflow:billing:v10',
        'workflow:shipping:v1',
        'workflow:shipping:v2',
      ]);
      assert.deepEqual(names(await store.listDefinitions('task')), ['task:billing:v1', 'task:encode:v1']);
      assert.deepEqual(names(await store.listDefinitions('workflow', { name: 'shipping' })), [
        'workflow:shipping:v1',
        'workflow:shipping:v2',
      ]);
      assert.deepEqual(await store.listDefinitions('workflow', { name: 'unknown' }), []);
      assert.equal((await store.getDefinition('task', 'billing'))?.body, '{"name":"billing"}');
      assert.equal((await store.getDefinition('workflow', 'billing', 1))?.body, newDefinition('billing', 1).body);
    });

    it('hands out copies: changing a returned record changes nothing stored', async () => {
      const put = await store.putDefinition(newDefinition('order', 1));
      put.definition.body = '{"changed":true}';
      const got = await store.getDefinition('workflow', 'order');
      if (got) got.body = '{"changed":true}';
      const [listed] = await store.listDefinitions('workflow');
      assert.deepEqual(listed, newDefinition('order', 1));
    });

    it('rejects definition operations once closed', async () => {
      await store.close();
      const closed = { name: 'StoreClosedError', code: 'STORE_CLOSED' };
      await assert.rejects(store.putDefinition(newDefinition('order', 1)), closed);
      await assert.rejects(store.getDefinition('workflow', 'order'), closed);
      await assert.rejects(store.listDefinitions('workflow'), closed);
    });
  });
}
