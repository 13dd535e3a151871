/**
 * checkCompatible, rule by rule: a compatible change and a breaking one for each, the breaking one
 * asserted down to the path (and the words of the reason that matter).
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import Type, { type TSchema } from 'typebox';
import { checkCompatible, defineEvent, type Incompatibility } from '../../src/index.js';

/** The schemas as contracts keep them (plain JSON), compared writer → reader. */
function check(writer: TSchema, reader: TSchema): Incompatibility[] {
  return checkCompatible(defineEvent('w', writer).schema, defineEvent('r', reader).schema);
}

/** Asserts one incompatibility at `path` whose reason matches `reason`. */
function assertBreaks(found: Incompatibility[], path: string, reason: RegExp): void {
  assert.equal(found.length, 1, JSON.stringify(found));
  assert.equal(found[0]!.path, path);
  assert.match(found[0]!.reason, reason);
}

const { Object: Obj, Optional, String: Str, Number: Num, Integer: Int } = Type;

describe('required fields', () => {
  test('a field both require is compatible', () => {
    assert.deepEqual(check(Obj({ id: Str() }), Obj({ id: Str() })), []);
  });

  test('a field the reader requires and the writer makes optional breaks', () => {
    assertBreaks(check(Obj({ id: Optional(Str()) }), Obj({ id: Str() })), 'id', /required by the reader but optional/);
  });

  test('a required field the writer removes breaks', () => {
    assertBreaks(check(Obj({}), Obj({ id: Str() })), 'id', /required by the reader but not sent by the writer/);
  });

  test('a required field the reader adds breaks, nested fields named by their path', () => {
    const writer = Obj({ customer: Obj({ name: Str() }) });
    const reader = Obj({ customer: Obj({ name: Str(), email: Str() }) });
    assertBreaks(check(writer, reader), 'customer.email', /required by the reader/);
  });

  test('an optional field the writer adds is compatible, so is a required one', () => {
    assert.deepEqual(check(Obj({ id: Str(), note: Optional(Str()) }), Obj({ id: Str() })), []);
    assert.deepEqual(check(Obj({ id: Str(), note: Str() }), Obj({ id: Str() })), []);
  });

  test('an optional field the reader adds is compatible (a writer sends what it declares)', () => {
    assert.deepEqual(check(Obj({ id: Str() }), Obj({ id: Str(), note: Optional(Str()) })), []);
  });

  test('a field the reader makes optional is compatible', () => {
    assert.deepEqual(check(Obj({ id: Str() }), Obj({ id: Optional(Str()) })), []);
  });
});

describe('types', () => {
  test('integer written, number read is compatible', () => {
    assert.deepEqual(check(Obj({ qty: Int() }), Obj({ qty: Num() })), []);
  });

  test('number written, integer read breaks', () => {
    assertBreaks(
      check(Obj({ qty: Num() }), Obj({ qty: Int() })),
      'qty',
      /type changed: the writer sends number, the reader expects integer/,
    );
  });

  test('string against number breaks, in both directions', () => {
    assertBreaks(check(Obj({ total: Str() }), Obj({ total: Num() })), 'total', /writer sends string.*expects number/);
    assertBreaks(check(Obj({ total: Num() }), Obj({ total: Str() })), 'total', /writer sends number.*expects string/);
  });

  test('boolean and null keep their type or break', () => {
    assert.deepEqual(check(Obj({ paid: Type.Boolean() }), Obj({ paid: Type.Boolean() })), []);
    assertBreaks(check(Obj({ paid: Type.Null() }), Obj({ paid: Type.Boolean() })), 'paid', /sends null/);
  });

  test('array items are compared, named with []', () => {
    const items = (qty: TSchema) => Obj({ items: Type.Array(Obj({ sku: Str(), qty })) });
    assert.deepEqual(check(items(Int()), items(Num())), []);
    assertBreaks(check(items(Num()), items(Int())), 'items[].qty', /type changed/);
    assertBreaks(check(Type.Array(Str()), Type.Array(Num())), '[]', /type changed/);
  });

  test('an object written where the reader expects an array breaks at that field', () => {
    assertBreaks(
      check(Obj({ tags: Obj({}) }), Obj({ tags: Type.Array(Str()) })),
      'tags',
      /sends object.*expects array/,
    );
  });

  test('odd property names are quoted in the path', () => {
    assertBreaks(check(Obj({ 'unit price': Num() }), Obj({ 'unit price': Int() })), '["unit price"]', /type changed/);
  });
});

describe('enum and const', () => {
  const status = (...values: string[]) => Obj({ status: Type.Enum(values) });

  test('writer values that are a subset of the reader values are compatible', () => {
    assert.deepEqual(check(status('paid'), status('paid', 'refunded')), []);
    assert.deepEqual(check(Obj({ status: Type.Literal('paid') }), status('paid', 'refunded')), []);
    assert.deepEqual(check(Obj({ status: Type.Literal('paid') }), Obj({ status: Str() })), []);
  });

  test('a writer value the reader does not know breaks, naming the value', () => {
    assertBreaks(
      check(status('paid', 'refunded'), status('paid')),
      'status',
      /the writer may send "refunded", which the reader does not accept/,
    );
    const literals = Obj({ status: Type.Union([Type.Literal('paid'), Type.Literal('void')]) });
    assertBreaks(check(literals, status('paid')), 'status', /may send "void"/);
  });

  test('any string written where the reader accepts only some breaks', () => {
    assertBreaks(
      check(Obj({ status: Str() }), status('paid')),
      'status',
      /may send any string, the reader accepts only "paid"/,
    );
  });
});

describe('additionalProperties', () => {
  const closed = Obj({ id: Str() }, { additionalProperties: false });

  test('a property a closed reader does not declare breaks when the writer declares it', () => {
    assertBreaks(
      check(Obj({ id: Str(), note: Optional(Str()) }), closed),
      'note',
      /reader does not declare it and allows no others \(additionalProperties: false\)/,
    );
  });

  test('a closed reader reads a writer that declares only what it knows', () => {
    assert.deepEqual(check(Obj({ id: Str() }), closed), []);
    assert.deepEqual(check(Obj({ id: Str() }, { additionalProperties: false }), closed), []);
  });

  test('a reader that types its additional properties checks the writer properties against them', () => {
    const reader = Obj({ id: Str() }, { additionalProperties: Num() });
    assert.deepEqual(check(Obj({ id: Str(), price: Int() }), reader), []);
    assertBreaks(check(Obj({ id: Str(), price: Str() }), reader), 'price', /type changed/);
  });

  test('a writer that types its additional properties is checked against the reader fields they may fill', () => {
    const writer = Obj({ id: Str() }, { additionalProperties: Int() });
    assert.deepEqual(check(writer, Obj({ id: Str(), price: Optional(Num()) })), []);
    assertBreaks(check(writer, Obj({ id: Str(), price: Optional(Str()) })), 'price', /type changed/);
    assertBreaks(check(writer, Obj({ id: Str() }, { additionalProperties: Str() })), '*', /type changed/);
    assertBreaks(check(writer, closed), '', /the writer allows additional properties/);
  });
});

describe('anyOf', () => {
  test('a nullable writer breaks a reader that is not nullable', () => {
    assertBreaks(
      check(Obj({ coupon: Type.Union([Str(), Type.Null()]) }), Obj({ coupon: Str() })),
      'coupon',
      /writer sends null, the reader expects string/,
    );
  });

  test('a reader that adds null or a branch is compatible', () => {
    assert.deepEqual(check(Obj({ coupon: Str() }), Obj({ coupon: Type.Union([Str(), Type.Null()]) })), []);
    const writer = Obj({ v: Type.Union([Str(), Num()]) });
    assert.deepEqual(check(writer, Obj({ v: Type.Union([Str(), Num(), Type.Boolean()]) })), []);
  });

  test('a writer branch the reader union lacks breaks', () => {
    const writer = Obj({ v: Type.Union([Str(), Type.Boolean()]) });
    assertBreaks(check(writer, Obj({ v: Type.Union([Str(), Num()]) })), 'v', /writer sends boolean, which fits none/);
  });

  test('a field of a nullable object is named by its path', () => {
    const address = (zip: TSchema) => Obj({ address: Type.Union([Obj({ zip }), Type.Null()]) });
    assert.deepEqual(check(address(Int()), address(Num())), []);
    assertBreaks(check(address(Num()), address(Int())), 'address.zip', /type changed/);
  });
});

describe('string constraints', () => {
  test('a reader minLength above the writer breaks; at or below is compatible', () => {
    assertBreaks(
      check(Obj({ sku: Str({ minLength: 2 }) }), Obj({ sku: Str({ minLength: 3 }) })),
      'sku',
      /string constraint 'minLength' tightened: the reader requires 3, the writer allows 2/,
    );
    assertBreaks(check(Obj({ sku: Str() }), Obj({ sku: Str({ minLength: 1 }) })), 'sku', /the writer has none/);
    assert.deepEqual(check(Obj({ sku: Str({ minLength: 3 }) }), Obj({ sku: Str({ minLength: 2 }) })), []);
    assert.deepEqual(check(Obj({ sku: Str({ maxLength: 8 }) }), Obj({ sku: Str({ maxLength: 10 }) })), []);
    assertBreaks(check(Obj({ sku: Str({ maxLength: 10 }) }), Obj({ sku: Str({ maxLength: 8 }) })), 'sku', /maxLength/);
  });

  test('a pattern or format the reader adds or changes breaks; the same one is compatible', () => {
    assertBreaks(
      check(Obj({ sku: Str() }), Obj({ sku: Str({ pattern: '^[A-Z]+$' }) })),
      'sku',
      /string constraint 'pattern' tightened: the reader requires "\^\[A-Z\]\+\$", the writer has none/,
    );
    assertBreaks(
      check(Obj({ sku: Str({ pattern: '^[A-Z]+$' }) }), Obj({ sku: Str({ pattern: '^[A-Z]{3}$' }) })),
      'sku',
      /'pattern' tightened/,
    );
    assertBreaks(check(Obj({ to: Str() }), Obj({ to: Str({ format: 'email' }) })), 'to', /'format' tightened/);
    assert.deepEqual(check(Obj({ to: Str({ format: 'email' }) }), Obj({ to: Str({ format: 'email' }) })), []);
    assert.deepEqual(check(Obj({ to: Str({ format: 'email' }) }), Obj({ to: Str() })), []);
  });

  test('number bounds follow the same rule', () => {
    assert.deepEqual(check(Obj({ qty: Int({ minimum: 1 }) }), Obj({ qty: Int({ minimum: 0 }) })), []);
    assertBreaks(
      check(Obj({ qty: Int() }), Obj({ qty: Int({ minimum: 1 }) })),
      'qty',
      /constraint 'minimum' tightened/,
    );
  });
});

describe('constructs outside the model', () => {
  test('are compatible when equal and "cannot prove compatible" when the reader differs', () => {
    const even = (multipleOf?: number) => Obj({ n: Int(multipleOf === undefined ? {} : { multipleOf }) });
    assert.deepEqual(check(even(2), even(2)), []);
    assert.deepEqual(check(even(2), even()), []);
    assertBreaks(
      check(even(), even(2)),
      'n',
      /cannot prove compatible: 'multipleOf' is 2 in the reader, none in the writer/,
    );
  });

  test('records (patternProperties) are compared as they are', () => {
    assert.deepEqual(check(Type.Record(Str(), Num()), Type.Record(Str(), Num())), []);
    assertBreaks(
      check(Type.Record(Str(), Int()), Type.Record(Str(), Num())),
      '',
      /cannot prove compatible: 'patternProperties'/,
    );
  });

  test('tuples are compared as they are', () => {
    const pair = (b: TSchema) => Obj({ pair: Type.Tuple([Str(), b]) });
    assert.deepEqual(check(pair(Num()), pair(Num())), []);
    assertBreaks(check(pair(Int()), pair(Num())), 'pair', /cannot prove compatible: 'items'/);
  });

  test('annotations do not matter', () => {
    assert.deepEqual(check(Obj({ id: Str({ description: 'the id' }) }), Obj({ id: Str({ title: 'Id' }) })), []);
    assert.deepEqual(check(Obj({ id: Str() }), Obj({ id: Type.Unknown({ description: 'anything' }) })), []);
  });
});
