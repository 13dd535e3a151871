/**
 * defineEvent: the checks on its arguments, the canonical JSON schema it keeps, and the path,
 * expectation and fix that a validation failure names.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import Type from 'typebox';
import { ConfigError, defineEvent, EventValidationError } from '../../src/index.js';

const OrderPlaced = defineEvent(
  'order.placed',
  Type.Object({
    orderId: Type.String(),
    customer: Type.Object({ email: Type.String({ format: 'email' }), name: Type.Optional(Type.String()) }),
    items: Type.Array(Type.Object({ sku: Type.String(), qty: Type.Integer({ minimum: 1 }) })),
    total: Type.Number(),
    channel: Type.Union([Type.Literal('web'), Type.Literal('store')]),
    coupon: Type.Union([Type.String(), Type.Null()]),
    codes: Type.Optional(Type.Record(Type.String(), Type.Number())),
  }),
  { version: 3 },
);

const order = {
  orderId: 'o-1',
  customer: { email: 'ada@example.com' },
  items: [
    { sku: 'bass', qty: 1 },
    { sku: 'drums', qty: 2 },
    { sku: 'sax', qty: 1 },
  ],
  total: 12.5,
  channel: 'web',
  coupon: null,
};

/** The EventValidationError `validate` throws for `data`. */
function failure(data: unknown, contract: { validate(data: unknown): unknown } = OrderPlaced): EventValidationError {
  try {
    contract.validate(data);
  } catch (error) {
    assert.ok(error instanceof EventValidationError, `expected EventValidationError, got ${String(error)}`);
    return error;
  }
  assert.fail(`expected ${JSON.stringify(data)} to be refused`);
}

describe('defineEvent', () => {
  test('keeps type and version, and returns valid data as it is', () => {
    assert.equal(OrderPlaced.type, 'order.placed');
    assert.equal(OrderPlaced.version, 3);
    assert.equal(OrderPlaced.validate(order), order);
    assert.equal(defineEvent('OrderPlaced', Type.Object({})).version, 1);
  });

  test('keeps the schema as frozen plain JSON', () => {
    const schema = Type.Object({ tags: Type.Array(Type.String()), note: Type.Optional(Type.String()) });
    const contract = defineEvent('tagged', schema);
    assert.deepEqual(contract.schema, JSON.parse(JSON.stringify(schema)));
    assert.notEqual(contract.schema, schema);
    assert.ok(Object.isFrozen(contract.schema));
    assert.ok(Object.isFrozen((contract.schema.properties as any).tags.items));
    assert.ok(Object.isFrozen(contract));
  });

  test('refuses a bad type, naming the field', () => {
    for (const type of ['', 'order placed', '.order', 'ordre/placé', 42]) {
      assert.throws(
        () => defineEvent(type as string, Type.Object({})),
        (error: unknown) =>
          error instanceof ConfigError && error.code === 'CONFIG_INVALID' && error.message.includes("'type'"),
        `type ${JSON.stringify(type)}`,
      );
    }
    for (const type of ['order.placed', 'OrderPlaced', 'order_placed-v2', '3d.printed']) {
      assert.equal(defineEvent(type, Type.Object({})).type, type);
    }
  });

  test('refuses a version that is not a positive integer, naming the field', () => {
    for (const version of [0, -1, 1.5, Number.NaN, '2']) {
      assert.throws(
        () => defineEvent('order.placed', Type.Object({}), { version: version as number }),
        (error: unknown) => error instanceof ConfigError && error.message.includes("'version'"),
        `version ${String(version)}`,
      );
    }
  });

  test('refuses a schema that is not a JSON object', () => {
    const cyclic: any = { type: 'object' };
    cyclic.self = cyclic;
    for (const schema of [cyclic, [Type.String()], true]) {
      assert.throws(() => defineEvent('odd', schema), ConfigError);
    }
  });
});

describe('validate', () => {
  test('names a nested field that fails a constraint, with what was expected and what came', () => {
    const error = failure({ ...order, customer: { email: 'not-an-email' } });
    assert.equal(error.code, 'EVENT_INVALID');
    assert.equal(error.eventType, 'order.placed');
    assert.equal(error.version, 3);
    assert.equal(error.path, 'customer.email');
    assert.match(error.message, /^event 'order\.placed' v3 is invalid: 'customer\.email' must match format "email"/);
    assert.match(error.message, /got "not-an-email"/);
    assert.match(error.message, /send data that matches 'order\.placed' v3/);
  });

  test('names the array index of a failing element', () => {
    const items = [...order.items.slice(0, 2), { sku: 'sax', qty: 0 }];
    const error = failure({ ...order, items });
    assert.equal(error.path, 'items[2].qty');
    assert.match(error.message, /'items\[2\]\.qty' must be >= 1, got 0/);
  });

  test('names a field of the wrong type', () => {
    const error = failure({ ...order, total: '12.50' });
    assert.equal(error.path, 'total');
    assert.match(error.message, /'total' must be number, got "12\.50"/);
  });

  test('names a missing required field and how to fix it', () => {
    const error = failure({ ...order, customer: { name: 'Ada' } });
    assert.equal(error.path, 'customer.email');
    assert.match(error.message, /'customer\.email' is missing \(required\); add it, or make it optional/);
  });

  test('says what a union allows', () => {
    assert.match(failure({ ...order, channel: 'phone' }).message, /'channel' must be "web" \| "store", got "phone"/);
    assert.match(failure({ ...order, coupon: 5 }).message, /'coupon' must be string \| null, got 5/);
  });

  test('tells an object key that looks like an index from an array index', () => {
    const error = failure({ ...order, codes: { '2': 'two' } });
    assert.equal(error.path, 'codes["2"]');
  });

  test('names a property a closed schema does not declare', () => {
    const Closed = defineEvent('closed', Type.Object({ id: Type.String() }, { additionalProperties: false }));
    const error = failure({ id: 'a', colour: 'red' }, Closed);
    assert.equal(error.path, 'colour');
    assert.match(error.message, /'colour' is not a property the schema declares \(additionalProperties: false\)/);
  });

  test('names a property that fails the schema of additional properties', () => {
    const Prices = defineEvent(
      'prices',
      Type.Object({ currency: Type.String() }, { additionalProperties: Type.Number() }),
    );
    const error = failure({ currency: 'EUR', bass: 'cheap' }, Prices);
    assert.equal(error.path, 'bass');
    assert.match(error.message, /'bass' must be number, got "cheap"/);
  });

  test('names the whole event when the data is not even an object', () => {
    const error = failure('order');
    assert.equal(error.path, '');
    assert.match(error.message, /the event data must be object, got "order"/);
  });
});
