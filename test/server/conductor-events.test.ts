// biome-ignore-all lint/suspicious/noTemplateCurlyInString: Conductor expressions are `${…}` in plain strings
/**
 * Conductor's event handlers (`/api/event`) on the Tutti bus: start_workflow with a condition and
 * an input taken from the payload, complete_task and fail_task on a WAIT task, a handler's
 * removal, and the errors of bad handlers.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startServer, type TuttiServer } from '../../src/server/server.js';
import { createMemoryStore } from '../../src/store/memory/index.js';

const bigOrder = {
  name: 'big_order',
  version: 1,
  schemaVersion: 2,
  tasks: [
    {
      name: 'note',
      taskReferenceName: 'note',
      type: 'INLINE',
      inputParameters: {
        evaluatorType: 'javascript',
        expression: '"big order " + $.id',
        id: '${workflow.input.orderId}',
      },
    },
  ],
  outputParameters: { note: '${note.output.result}' },
};
const needsApproval = {
  name: 'needs_approval',
  version: 1,
  schemaVersion: 2,
  tasks: [{ name: 'approval', taskReferenceName: 'approval', type: 'WAIT' }],
  outputParameters: { by: '${approval.output.by}' },
};

describe('Conductor event handlers on the bus', () => {
  let server: TuttiServer;
  const call = async (method: string, path: string, body?: unknown, headers: Record<string, string> = {}) => {
    const response = await fetch(`${server.url}${path}`, {
      method,
      headers: { 'content-type': 'application/json', ...headers },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    return { status: response.status, json: text ? JSON.parse(text) : undefined };
  };
  const publish = (type: string, id: string, data: object) =>
    call(
      'POST',
      '/v1/events',
      { specversion: '1.0', id, source: '/test', type, data },
      {
        'content-type': 'application/cloudevents+json',
      },
    );
  const until = async (check: () => Promise<boolean>, what: string) => {
    for (let i = 0; i < 300; i++) {
      if (await check()) return;
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    assert.fail(what);
  };

  before(async () => {
    server = await startServer({ store: createMemoryStore(), port: 0, auth: false });
    assert.equal((await call('POST', '/api/metadata/workflow', bigOrder)).status, 200);
    assert.equal((await call('POST', '/api/metadata/workflow', needsApproval)).status, 200);
  });
  after(() => server?.close());

  it('starts a workflow for each event whose condition holds, with input from the payload', async () => {
    const handler = {
      name: 'big_orders',
      event: 'conductor:order_placed',
      condition: '$.total > 100',
      actions: [{ action: 'start_workflow', start_workflow: { name: 'big_order', input: { orderId: '${orderId}' } } }],
      active: true,
    };
    assert.equal((await call('POST', '/api/event', handler)).status, 200);
    assert.equal((await call('POST', '/api/event', handler)).status, 200, 'the same handler again');
    assert.equal((await call('POST', '/api/event', { ...handler, condition: 'true' })).status, 409);

    assert.equal((await publish('conductor.order_placed', 'e-1', { orderId: 'o-1', total: 150 })).status, 202);
    assert.equal((await publish('conductor.order_placed', 'e-2', { orderId: 'o-2', total: 50 })).status, 202);
    await until(async () => (await server.tutti.listRuns({ workflow: 'big_order' })).length > 0, 'a run started');
    await new Promise((resolve) => setTimeout(resolve, 100));
    const runs = await server.tutti.listRuns({ workflow: 'big_order' });
    assert.equal(runs.length, 1, 'only the order over 100');
    const done = await (await server.tutti.handle(runs[0]?.id as string)).result();
    assert.deepEqual(done, { note: 'big order o-1' });

    const listed = await call('GET', '/api/event/conductor:order_placed');
    assert.deepEqual(
      listed.json.map((h: { name: string }) => h.name),
      ['big_orders'],
    );
    assert.equal((await call('DELETE', '/api/event/big_orders')).status, 200);
    await publish('conductor.order_placed', 'e-3', { orderId: 'o-3', total: 500 });
    await new Promise((resolve) => setTimeout(resolve, 150));
    assert.equal(
      (await server.tutti.listRuns({ workflow: 'big_order' })).length,
      1,
      'a removed handler starts nothing',
    );
    assert.deepEqual((await call('GET', '/api/event/conductor:order_placed')).json, []);
  });

  it('completes and fails WAIT tasks with complete_task and fail_task', async () => {
    const actions = (action: string) => [
      { action, [action]: { workflowId: '${runId}', taskRefName: 'approval', output: { by: '${by}' } } },
    ];
    await call('POST', '/api/event', {
      name: 'approvals',
      event: 'tutti:approval.given',
      actions: actions('complete_task'),
    });
    await call('POST', '/api/event', {
      name: 'refusals',
      event: 'tutti:approval.refused',
      actions: actions('fail_task'),
    });
    const start = async () => {
      const response = await fetch(`${server.url}/api/workflow/needs_approval`, { method: 'POST', body: '{}' });
      return server.tutti.handle(await response.text());
    };
    const approved = await start();
    await publish('approval.given', 'a-1', { runId: approved.id, by: 'ann' });
    assert.deepEqual(await approved.result(), { by: 'ann' });

    // Delivered again (at least once), the event signals the task once: the signal's id is the event's.
    await server.tutti.bus.replay('conductor.event-handler.approvals', { position: 0 });
    const log = server.tutti.store;
    const [given] = await log.readEvents({ types: ['approval.given'] });
    await until(
      async () =>
        ((await log.getSubscription('conductor.event-handler.approvals'))?.position ?? 0) >= (given?.seq ?? 1),
      'the replay',
    );
    const signals = await log.readEvents({ types: ['tutti.signal.approval'], limit: 100 });
    assert.equal(signals.filter((event) => event.subject === approved.id).length, 1);

    const refused = await start();
    await publish('approval.refused', 'r-1', { runId: refused.id, by: 'bob' });
    await assert.rejects(refused.result(), /task 'approval' \(WAIT\) was failed: \{"by":"bob"\}/);
  });

  it('refuses a handler for another broker’s events, or without actions, naming the field', async () => {
    const kafka = await call('POST', '/api/event', { name: 'k', event: 'kafka:orders', actions: [] });
    assert.equal(kafka.status, 400);
    assert.match(kafka.json.message, /^event: "kafka:orders" is not an event Tutti's bus carries/);
    const none = await call('POST', '/api/event', { name: 'n', event: 'tutti:x', actions: [] });
    assert.match(none.json.message, /^actions: give at least one action/);
    const bad = await call('POST', '/api/event', { name: 'b', event: 'tutti:x', actions: [{ action: 'archive' }] });
    assert.match(
      bad.json.message,
      /^actions\[0\]\.action: "archive" is not one of start_workflow, complete_task, fail_task/,
    );
  });
});
