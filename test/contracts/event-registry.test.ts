/**
 * EventRegistry: versions per type, the version each subscriber reads, and the refusals (a
 * changed schema under a registered version, a version or a subscriber that breaks a reader,
 * an unknown type) with messages that name what to fix. A refused change leaves the registry as
 * it was.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import Type, { type TSchema } from 'typebox';
import {
  ConfigError,
  DuplicateNameError,
  defineEvent,
  EventRegistry,
  IncompatibleSchemaError,
  UnknownEventTypeError,
} from '../../src/index.js';

const order = (version: number, schema: TSchema) => defineEvent('order.placed', schema, { version });

const V1 = order(1, Type.Object({ orderId: Type.String(), total: Type.Number() }));
/** Adds an optional field: every v1 reader can read it. */
const V2 = order(
  2,
  Type.Object({ orderId: Type.String(), total: Type.Number(), coupon: Type.Optional(Type.String()) }),
);
/** Makes `total` optional and a string: breaks v1 readers twice. */
const V3 = order(3, Type.Object({ orderId: Type.String(), total: Type.Optional(Type.String()) }));

/** The error `fn` throws, checked to be of `type`. */
function thrown<E>(fn: () => unknown, type: new (...args: any[]) => E): E {
  try {
    fn();
  } catch (error) {
    assert.ok(error instanceof type, `expected ${type.name}, got ${String(error)}`);
    return error;
  }
  assert.fail(`expected ${type.name}`);
}

describe('register', () => {
  test('keeps versions per type, oldest first, and finds them', () => {
    const events = new EventRegistry();
    events.register(V2);
    events.register(V1);
    events.register(defineEvent('order.shipped', Type.Object({})));
    assert.deepEqual(
      events.versions('order.placed').map((c) => c.version),
      [1, 2],
    );
    assert.equal(events.version('order.placed', 1), V1);
    assert.equal(events.version('order.placed', 3), undefined);
    assert.equal(events.latest('order.placed'), V2);
    assert.equal(events.latest('order.cancelled'), undefined);
    assert.deepEqual(events.versions('order.cancelled'), []);
    assert.equal(events.contract('order.placed'), V2);
    assert.equal(events.contract('order.placed', 1), V1);
  });

  test('registering the same schema again does nothing; another schema under the version is refused', () => {
    const events = new EventRegistry();
    events.register(V1);
    events.register(order(1, Type.Object({ orderId: Type.String(), total: Type.Number() })));
    assert.equal(events.version('order.placed', 1), V1);

    const changed = order(1, Type.Object({ orderId: Type.String() }));
    const error = thrown(() => events.register(changed), DuplicateNameError);
    assert.equal(error.code, 'DUPLICATE_NAME');
    assert.match(error.message, /event 'order\.placed' v1 is already registered with another schema/);
    assert.ok(error.message.includes(`registered: ${JSON.stringify(V1.schema)}`), error.message);
    assert.ok(error.message.includes(`new: ${JSON.stringify(changed.schema)}`), error.message);
    assert.match(error.message, /give the changed schema a new version/);
    assert.equal(events.version('order.placed', 1), V1);
  });

  test('a compatible new version is accepted while subscribers read an older one', () => {
    const events = new EventRegistry();
    events.subscribe('billing', V1);
    events.register(V2);
    assert.equal(events.latest('order.placed'), V2);
  });

  test('a version that breaks a subscriber is refused, naming the fields, the versions and the subscribers', () => {
    const events = new EventRegistry();
    events.subscribe('billing', V1);
    events.subscribe('shipping', V1);
    events.subscribe('audit', defineEvent('order.shipped', Type.Object({})));
    const error = thrown(() => events.register(V3), IncompatibleSchemaError);
    assert.equal(error.code, 'EVENT_SCHEMA_INCOMPATIBLE');
    assert.equal(error.eventType, 'order.placed');
    assert.equal(error.writerVersion, 3);
    assert.equal(error.readerVersion, 1);
    assert.deepEqual(error.subscribers, ['billing', 'shipping']);
    assert.deepEqual(error.incompatibilities, [
      { path: 'total', reason: 'required by the reader but optional in the writer' },
      { path: 'total', reason: 'type changed: the writer sends string, the reader expects number' },
    ]);
    assert.match(error.message, /event 'order\.placed' v3 \(writer\) cannot be read as v1 \(reader\)/);
    assert.match(error.message, /subscriber\(s\) 'billing', 'shipping'/);
    assert.match(error.message, /- total: required by the reader but optional in the writer/);
    assert.match(error.message, /make the field optional .* new event type, or migrate the subscribers/s);
    assert.doesNotMatch(error.message, /audit/);
    assert.equal(events.version('order.placed', 3), undefined);
  });

  test('a version nobody reads yet may change anything', () => {
    const events = new EventRegistry();
    events.register(V1);
    events.register(V3);
    assert.deepEqual(events.subscribers('order.placed'), []);
  });
});

describe('subscribe', () => {
  test('records the version each subscriber reads and registers it', () => {
    const events = new EventRegistry();
    events.subscribe('billing', V1);
    events.subscribe('shipping', V2);
    assert.deepEqual(events.subscribers('order.placed'), [
      { subscriber: 'billing', version: 1 },
      { subscriber: 'shipping', version: 2 },
    ]);
    assert.equal(events.version('order.placed', 2), V2);
    assert.deepEqual(events.subscribers('order.shipped'), []);
  });

  test('is refused when a registered version cannot be read as the declared one', () => {
    const events = new EventRegistry();
    events.register(V1);
    events.register(V2);
    const strict = order(5, Type.Object({ orderId: Type.String(), total: Type.Number(), coupon: Type.String() }));
    const error = thrown(() => events.subscribe('marketing', strict), IncompatibleSchemaError);
    assert.equal(error.writerVersion, 1);
    assert.equal(error.readerVersion, 5);
    assert.deepEqual(error.subscribers, ['marketing']);
    assert.deepEqual(error.incompatibilities, [
      { path: 'coupon', reason: 'required by the reader but not sent by the writer' },
    ]);
    assert.deepEqual(events.subscribers('order.placed'), []);
    assert.equal(events.version('order.placed', 5), undefined);
  });

  test('a subscriber may move to a version that only it read the old one of', () => {
    const status = (version: number, ...values: string[]) =>
      defineEvent('payment.settled', Type.Object({ status: Type.Enum(values) }), { version });
    const events = new EventRegistry();
    events.subscribe('billing', status(1, 'paid'));
    // v2 adds a value v1 readers do not know: fine once billing, the only v1 reader, reads v2.
    events.subscribe('billing', status(2, 'paid', 'refunded'));
    assert.deepEqual(events.subscribers('payment.settled'), [{ subscriber: 'billing', version: 2 }]);

    const shared = new EventRegistry();
    shared.subscribe('ledger', status(1, 'paid'));
    shared.subscribe('billing', status(1, 'paid'));
    const error = thrown(() => shared.subscribe('billing', status(2, 'paid', 'refunded')), IncompatibleSchemaError);
    assert.deepEqual(error.subscribers, ['ledger']);
    assert.equal(error.writerVersion, 2);
    assert.equal(error.readerVersion, 1);
    assert.deepEqual(shared.subscribers('payment.settled'), [
      { subscriber: 'ledger', version: 1 },
      { subscriber: 'billing', version: 1 },
    ]);
  });

  test('refuses an empty subscriber name', () => {
    const error = thrown(() => new EventRegistry().subscribe(' ', V1), ConfigError);
    assert.match(error.message, /'subscriber' must be a non-empty name/);
  });
});

describe('contract', () => {
  test('an unknown type is refused, listing the known types', () => {
    const events = new EventRegistry();
    assert.match(
      thrown(() => events.contract('order.placed'), UnknownEventTypeError).message,
      /no event types are registered/,
    );
    events.register(V1);
    events.register(defineEvent('order.shipped', Type.Object({})));
    const error = thrown(() => events.contract('order.plcaed'), UnknownEventTypeError);
    assert.equal(error.code, 'EVENT_TYPE_UNKNOWN');
    assert.equal(error.eventType, 'order.plcaed');
    assert.match(error.message, /unknown event type 'order\.plcaed'; known types: order\.placed, order\.shipped/);
  });

  test('an unknown version is refused, listing the registered versions', () => {
    const events = new EventRegistry();
    events.register(V1);
    events.register(V2);
    const error = thrown(() => events.contract('order.placed', 7), UnknownEventTypeError);
    assert.match(error.message, /event 'order\.placed' has no version 7; registered versions: 1, 2/);
  });
});
