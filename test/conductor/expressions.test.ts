// biome-ignore-all lint/suspicious/noTemplateCurlyInString: Conductor expressions are written as ${…} inside plain strings
/**
 * Conductor's expressions, case by case. The first groups are Conductor's own ParametersUtilsTest
 * (core/src/test/java/com/netflix/conductor/core/utils) with its documents and expected values;
 * then the workflow/task context, host values, input templates and reference listing.
 * `jayway-conformance.test.ts` replays many more paths recorded from Jayway itself.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  type ExpressionContext,
  evaluateExpression,
  evaluateParameters,
  evaluateParametersAgainst,
  listTaskReferences,
} from '../../src/conductor/index.js';

type Row = [text: string, expected: unknown];

/** Evaluates each row's text against `document` and compares with its expected value. */
function table(document: unknown, rows: readonly Row[]): void {
  for (const [text, expected] of rows) {
    test(`${JSON.stringify(text)} → ${JSON.stringify(expected)}`, () => {
      assert.deepEqual(evaluateParametersAgainst(document, { value: text }).value, expected);
    });
  }
}

describe('ParametersUtilsTest.testReplace: typed values and a JSON string left as text', () => {
  table({ name: 'conductor', version: 2, externalId: '{"taskRefName":"t001","workflowId":"w002"}' }, [
    ['${$.externalId}', '{"taskRefName":"t001","workflowId":"w002"}'],
    ['${name}', 'conductor'],
    ['${version}', 2],
  ]);
});

describe('ParametersUtilsTest.testReplaceWithArrayExpand: a list document', () => {
  // The document as JsonUtils.expand leaves it: the JSON string parsed in place.
  const expanded = [{ externalId: [{ taskRefName: 't001', workflowId: 'w002' }], name: 'conductor', version: 2 }];
  table(expanded, [
    ['${$[0].externalId[0].taskRefName}', 't001'],
    ['${__json_externalId.taskRefName}', null],
    ['${$[0].name}', 'conductor'],
    ['${$[0].version}', 2],
    ['${$..externalId}', [[{ taskRefName: 't001', workflowId: 'w002' }]]],
  ]);
});

describe('ParametersUtilsTest.testReplaceWithMapExpand: a map document', () => {
  const expanded = { externalId: { taskRefName: 't001', workflowId: 'w002' }, name: 'conductor', version: 2 };
  table(expanded, [
    ['${externalId.taskRefName}', 't001'],
    ['${k3}', null],
    ['${name}', 'conductor'],
    ['${version}', 2],
  ]);
});

describe('ParametersUtilsTest.testReplaceInputWithMapAndList: nested maps and lists, blanks, no mutation', () => {
  const document = { name: 'conductor', version: 2, externalId: '{"taskRefName":"t001","workflowId":"w002"}' };
  const input = {
    k1: '${$.externalId}',
    k2: '${name}',
    k3: '${version}',
    k4: '${}',
    k5: '${    }',
    map: { name: '${name}', version: '${version}' },
    list: ['${name}', '${version}'],
  };
  const before = structuredClone(input);

  test('every level is evaluated; ${} and ${  } are empty strings', () => {
    assert.deepEqual(evaluateParametersAgainst(document, input), {
      k1: '{"taskRefName":"t001","workflowId":"w002"}',
      k2: 'conductor',
      k3: 2,
      k4: '',
      k5: '',
      map: { name: 'conductor', version: 2 },
      list: ['conductor', 2],
    });
  });

  test('the parameters are not changed', () => {
    evaluateParametersAgainst(document, input);
    assert.deepEqual(input, before);
  });
});

describe('ParametersUtilsTest.testNestedPathExpressions: expressions inside paths', () => {
  const document = {
    name: 'conductor',
    index: 1,
    mapValue: 'a',
    recordIds: [1, 2, 3],
    map: { a: [1, 2, 3], b: [2, 4, 5], c: [3, 7, 8] },
  };
  table(document, [
    ['${recordIds[${index}]}', 2],
    ['${map.${mapValue}[${index}]}', 2],
    ['${map.b[${map.${mapValue}[${index}]}]}', 5],
  ]);
});

describe('ParametersUtilsTest.testReplaceWithEscapedTags: $${ is a literal ${', () => {
  const document = { someString: 'conductor', someNumber: 2 };
  table(document, [
    [
      '${$.someString} $${$.someNumber}${$.someNumber} ${$.someNumber}$${$.someString}',
      'conductor ${$.someNumber}2 2${$.someString}',
    ],
    ['$${$.someString}afterText', '${$.someString}afterText'],
    ['beforeText$${$.someString}', 'beforeText${$.someString}'],
    ['$${$.someString} afterText', '${$.someString} afterText'],
    ['beforeText $${$.someString}', 'beforeText ${$.someString}'],
    ['$${someString} ${someNumber}', '${someString} 2'],
    ['${someString} $${someNumber}', 'conductor ${someNumber}'],
  ]);
});

const context: ExpressionContext = {
  workflow: {
    input: {
      fileLocation: 's3://in/a.mov',
      count: 3,
      ratio: 0.5,
      user: { name: 'ana', tags: ['x', 'y'] },
      items: [{ qty: 1 }, { qty: 4 }],
    },
    variables: { attempts: 2 },
    workflowId: 'wf-1',
    correlationId: 'order-7',
    workflowType: 'encode_and_deploy',
    version: 1,
    status: 'RUNNING',
  },
  tasks: {
    encode: { output: { encodeLocation: 's3://out/a.mp4' }, status: 'COMPLETED', taskId: 'task-1' },
    check: { output: { ok: false }, reasonForIncompletion: 'timed out' },
  },
};

describe('the workflow and its tasks', () => {
  const rows: Row[] = [
    ['${workflow.input.fileLocation}', 's3://in/a.mov'],
    ['${workflow.input.count}', 3],
    ['${workflow.input.user}', { name: 'ana', tags: ['x', 'y'] }],
    ['${workflow.input.missing}', null],
    ['${workflow.variables.attempts}', 2],
    ['${workflow.workflowId}', 'wf-1'],
    ['${workflow.correlationId}', 'order-7'],
    ['${workflow.workflowType}', 'encode_and_deploy'],
    ['${workflow.version}', 1],
    ['${workflow.status}', 'RUNNING'],
    ['${workflow.output}', null],
    ['${workflow.createTime}', null], // Conductor puts no createTime in the document
    ['${encode.output.encodeLocation}', 's3://out/a.mp4'],
    ['${encode.status}', 'COMPLETED'],
    ['${encode.taskId}', 'task-1'],
    ['${check.reasonForIncompletion}', 'timed out'],
    ['${check.output.ok}', false],
    ['${notyet.output.x}', null],
    ['${workflow.input.items[?(@.qty > 1)].qty}', [4]],
    ['${workflow.input.items[*].qty.length()}', [null, null]],
    ['${workflow.input.items.length()}', 2],
    ['file ${workflow.input.fileLocation} by ${workflow.input.user.name}', 'file s3://in/a.mov by ana'],
    ['n=${workflow.input.count}, r=${workflow.input.ratio}', 'n=3, r=0.5'],
    ['missing=${workflow.input.missing}', 'missing=null'],
    ['user=${workflow.input.user}', 'user={name=ana, tags=[x, y]}'],
    ['qty=${workflow.input.items[*].qty}', 'qty=[1,4]'],
  ];
  for (const [text, expected] of rows) {
    test(`${text} → ${JSON.stringify(expected)}`, () => {
      assert.deepEqual(evaluateExpression(text, context), expected);
    });
  }

  test('a task without a status has no status key (Conductor leaves it out)', () => {
    assert.equal(evaluateExpression('${check.status}', context), null);
    const keys = evaluateExpression('${check.keys()}', context) as string[];
    assert.equal(keys.includes('status'), false);
    assert.equal(keys.length, 17);
    assert.deepEqual(keys.slice(0, 3), ['input', 'output', 'taskType']);
  });

  test('the seed-004 parameters evaluate to the encoder output', () => {
    assert.deepEqual(evaluateParameters({ fileLocation: '${encode.output.encodeLocation}' }, context), {
      fileLocation: 's3://out/a.mp4',
    });
  });

  test('a value read from the context is a copy', () => {
    const user = evaluateExpression('${workflow.input.user}', context) as { tags: string[] };
    user.tags.push('changed');
    assert.deepEqual(evaluateExpression('${workflow.input.user.tags}', context), ['x', 'y']);
  });

  test('numbers, booleans and null in parameters stay as they are', () => {
    assert.deepEqual(evaluateParameters({ n: 1.5, b: true, z: null, list: [0, false] }, context), {
      n: 1.5,
      b: true,
      z: null,
      list: [0, false],
    });
  });
});

describe('system parameters, host values and secrets', () => {
  test('${CPEWF_TASK_ID} is the task id given', () => {
    assert.equal(evaluateExpression('${CPEWF_TASK_ID}', context, { taskId: 't-9' }), 't-9');
    assert.equal(evaluateExpression('id=${CPEWF_TASK_ID}', context, { taskId: 't-9' }), 'id=t-9');
  });

  test('without a value, ${CPEWF_TASK_ID} and ${NETFLIX_ENV} stay as written', () => {
    assert.equal(evaluateExpression('${CPEWF_TASK_ID}', context), '${CPEWF_TASK_ID}');
    assert.equal(evaluateExpression('env ${NETFLIX_ENV}', context), 'env ${NETFLIX_ENV}');
  });

  test('host values are visible only when given in `environment`', () => {
    process.env.TUTTI_TEST_SECRET = 'from-the-host';
    try {
      assert.equal(evaluateExpression('${TUTTI_TEST_SECRET}', context), null);
      const environment = { NETFLIX_ENV: 'prod', REGION: 'eu' };
      assert.equal(evaluateExpression('${NETFLIX_ENV}/${REGION}', context, { environment }), 'prod/eu');
    } finally {
      delete process.env.TUTTI_TEST_SECRET;
    }
  });

  test('${workflow.secrets.…} is left for the worker hand-off, as Conductor does', () => {
    assert.equal(evaluateExpression('${workflow.secrets.apiKey}', context), '${workflow.secrets.apiKey}');
    assert.equal(evaluateExpression('Bearer ${workflow.secrets.apiKey}', context), 'Bearer ${workflow.secrets.apiKey}');
  });
});

describe("the task definition's inputTemplate", () => {
  const inputTemplate = { retries: 3, region: '${workflow.input.region}', fallback: 'eu' };

  test('fills keys the parameters lack, evaluating them', () => {
    const input = evaluateParameters({ file: '${workflow.input.fileLocation}' }, context, { inputTemplate });
    assert.deepEqual(input, { file: 's3://in/a.mov', retries: 3, region: '${workflow.input.region}', fallback: 'eu' });
  });

  test('replaces a key that evaluated to null with the template value, unevaluated', () => {
    const input = evaluateParameters({ fallback: '${workflow.input.missing}' }, context, { inputTemplate });
    assert.equal(input.fallback, 'eu');
  });

  test('keeps a parameter that has a value', () => {
    const input = evaluateParameters({ retries: 9 }, context, { inputTemplate });
    assert.equal(input.retries, 9);
  });
});

describe('listTaskReferences', () => {
  test('names each task read, once, in order, at any depth', () => {
    const parameters = {
      a: '${encode.output.url}',
      b: ['${workflow.input.x}', 'x ${d1.status} ${encode.taskId}'],
      c: { deep: "${$.t3.output} ${$['t4'].output.y}" },
    };
    assert.deepEqual(listTaskReferences(parameters), ['encode', 'd1', 't3', 't4']);
  });

  test('follows nested expressions and skips computed names, root paths and system parameters', () => {
    const text = '${map.${t5.output.key}} ${${workflow.input.which}.output} ${$..x} ${$[0]} ${CPEWF_TASK_ID}';
    assert.deepEqual(listTaskReferences(text), ['map', 't5']);
  });

  test('skips escaped expressions and names given as host values', () => {
    assert.deepEqual(listTaskReferences('$${encode.output} ${REGION} ${d1.output}', ['REGION']), ['d1']);
  });
});
