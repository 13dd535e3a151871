// biome-ignore-all lint/suspicious/noTemplateCurlyInString: Conductor expressions are written as ${…} inside plain strings
/**
 * Reading definitions: real ones unchanged (JSON and YAML), malformed text with its line and
 * column, unknown fields named with their place and the nearest known name.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import {
  findUnknownFields,
  loadDefinition,
  parseDefinition,
  parseTaskDefinition,
  readDefinitionText,
} from '../../src/conductor/index.js';
import { DefinitionError, DefinitionSyntaxError } from '../../src/core/errors.js';
import { closestName, editDistance } from '../../src/core/suggest.js';

function fixture(name: string): string {
  return readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8');
}

/** Runs `fn`, asserts it threw an instance of `kind`, and returns the error. */
function thrown<E extends Error>(kind: new (...args: never[]) => E, fn: () => unknown): E {
  try {
    fn();
  } catch (error) {
    assert.ok(error instanceof kind, `expected a ${kind.name}, got ${String(error)}`);
    return error;
  }
  assert.fail(`expected a ${kind.name}, nothing was thrown`);
}

const definitionError = (fn: () => unknown) => thrown(DefinitionError, fn);
const syntaxError = (fn: () => unknown) => thrown(DefinitionSyntaxError, fn);

const seed = () => JSON.parse(fixture('encode_and_deploy.json'));

describe('real definitions parse unchanged', () => {
  test("seed 004's text, byte for byte as the article prints it, is the fixture's definition", () => {
    const article =
      '{"name":"encode_and_deploy","description":"Encodes a file and deploys to CDN","version":1,"tasks":[{"name":"encode","taskReferenceName":"encode","type":"SIMPLE","inputParameters":{"fileLocation":"${workflow.input.fileLocation}"}},{"name":"deploy","taskReferenceName":"d1","type":"SIMPLE","inputParameters":{"fileLocation":"${encode.output.encodeLocation}"}}],"outputParameters":{"cdn_url":"${d1.output.location}"},"schemaVersion":2}';
    assert.deepEqual(loadDefinition(article), seed());
    assert.deepEqual(Object.keys(loadDefinition(article)), Object.keys(seed()));
  });

  for (const name of ['encode_and_deploy.json', 'encode_and_deploy.exported.json', 'media_pipeline.json']) {
    test(`${name} comes back exactly as written`, () => {
      const text = fixture(name);
      assert.deepEqual(parseDefinition(text), JSON.parse(text));
      assert.deepEqual(loadDefinition(text, { source: name }), JSON.parse(text));
    });
  }

  test('the YAML form of media_pipeline is the same definition as its JSON form', () => {
    const fromYaml = parseDefinition(fixture('media_pipeline.yaml'));
    assert.deepEqual(fromYaml, JSON.parse(fixture('media_pipeline.json')));
  });

  test('defaults are not filled in: what is absent stays absent', () => {
    const def = parseDefinition(fixture('encode_and_deploy.json'));
    assert.equal('timeoutSeconds' in def, false);
    assert.equal('startDelay' in def.tasks[0]!, false);
  });

  test('the format can be forced; JSON text is also YAML', () => {
    const text = fixture('encode_and_deploy.json');
    assert.deepEqual(parseDefinition(text, { format: 'yaml' }), JSON.parse(text));
    syntaxError(() => parseDefinition('name: x', { format: 'json' }));
  });
});

describe('malformed text', () => {
  test('JSON: a missing comma is reported at its line and column', () => {
    const error = syntaxError(() => readDefinitionText('{\n  "name": "x"\n  "version": 1\n}', { source: 'x.json' }));
    assert.equal(error.code, 'DEFINITION_SYNTAX');
    assert.equal(error.format, 'json');
    assert.deepEqual([error.line, error.column], [3, 3]);
    assert.match(
      error.message,
      /^x\.json is not well-formed JSON: Expected ',' or '}' after property value at line 3, column 3;/,
    );
  });

  test('JSON: an unexpected token is located although V8 omits its position', () => {
    const error = syntaxError(() => readDefinitionText('{\n  "name": \n}'));
    assert.deepEqual([error.line, error.column], [2, 11]);
    assert.match(error.message, /Unexpected token/);
  });

  test('JSON: truncated text is reported at its end', () => {
    const error = syntaxError(() => readDefinitionText('{"name": "x",\n "tasks": ['));
    assert.deepEqual([error.line, error.column], [2, 12]);
  });

  test('JSON: a trailing comma is refused, as Conductor refuses it', () => {
    const error = syntaxError(() => readDefinitionText('{"name": "x",}'));
    assert.deepEqual([error.line, error.column], [1, 14]);
  });

  test('YAML: a bad indentation is reported at its line and column', () => {
    const error = syntaxError(() => readDefinitionText('name: x\ntasks:\n  - name: a\n   taskReferenceName: a\n'));
    assert.equal(error.format, 'yaml');
    assert.equal(error.line, 4);
    assert.ok(error.column > 0);
    assert.match(error.message, /is not well-formed YAML: .* at line 4, column \d+/);
  });

  test('YAML: a repeated key is refused', () => {
    const error = syntaxError(() => readDefinitionText('name: x\nversion: 1\nname: y\n'));
    assert.equal(error.line, 3);
    assert.match(error.message, /unique/i);
  });

  test('YAML: two documents in one text are refused', () => {
    syntaxError(() => readDefinitionText('name: a\n---\nname: b\n'));
  });

  test('a list or a scalar is not a definition', () => {
    const error = definitionError(() => parseDefinition('[1, 2]'));
    assert.match(error.issues[0]!.message, /must be an object .* holds a list/);
    assert.match(definitionError(() => parseDefinition('just text')).issues[0]!.message, /holds a string/);
  });
});

describe('unknown fields', () => {
  test('a mistyped task field is named, with the task, where it is and the field meant', () => {
    const def = seed();
    def.tasks[0].taskRefName = def.tasks[0].taskReferenceName;
    delete def.tasks[0].taskReferenceName;
    const error = definitionError(() => parseDefinition(JSON.stringify(def)));
    assert.equal(error.code, 'DEFINITION_INVALID');
    assert.deepEqual(error.issues, [
      {
        path: 'tasks[0]',
        field: 'taskRefName',
        message: "unknown field 'taskRefName' in task 'encode' (tasks[0]): did you mean 'taskReferenceName'?",
      },
    ]);
    assert.match(
      error.message,
      /^workflow definition 'encode_and_deploy' v1 is invalid \(1 issue\):\n {2}- unknown field/,
    );
  });

  test('every unknown field is reported at once, at every level', () => {
    const def = seed();
    def.shemaVersion = 2;
    def.tasks[1].inputParamters = {};
    def.tasks[1].taskDefinition = { name: 'deploy', retryCont: 2, inputSchema: { name: 's', type: 'JSON', dta: {} } };
    def.tasks[1].subWorkflowParam = { nmae: 'x' };
    def.rateLimitConfig = { rateLimitKey: 'k', concurrentExecLimt: 1 };
    const issues = definitionError(() => parseDefinition(JSON.stringify(def))).issues;
    assert.deepEqual(
      issues.map((i) => [i.path, i.field, i.taskReferenceName]),
      [
        ['', 'shemaVersion', undefined],
        ['rateLimitConfig', 'concurrentExecLimt', undefined],
        ['tasks[1]', 'inputParamters', 'd1'],
        ['tasks[1].taskDefinition', 'retryCont', 'd1'],
        ['tasks[1].taskDefinition.inputSchema', 'dta', 'd1'],
        ['tasks[1].subWorkflowParam', 'nmae', 'd1'],
      ],
    );
    assert.equal(
      issues[0]!.message,
      "unknown field 'shemaVersion' in the workflow definition: did you mean 'schemaVersion'?",
    );
    assert.equal(
      issues[3]!.message,
      "unknown field 'retryCont' in taskDefinition of task 'd1' (tasks[1]): did you mean 'retryCount'?",
    );
    assert.equal(
      issues[5]!.message,
      "unknown field 'nmae' in subWorkflowParam of task 'd1' (tasks[1]): did you mean 'name'?",
    );
  });

  test('nested tasks are checked: fork branches, switch cases, default case, loops, inline sub-workflows', () => {
    const task = (ref: string, extra: Record<string, unknown> = {}) => ({
      name: ref,
      taskReferenceName: ref,
      ...extra,
    });
    const def = {
      name: 'nested',
      tasks: [
        task('fork', { type: 'FORK_JOIN', forkTasks: [[task('a', { optinal: true })]] }),
        task('sw', {
          type: 'SWITCH',
          decisionCases: { big: [task('b', { sartDelay: 1 })] },
          defaultCase: [task('c', { tpye: 'SIMPLE' })],
        }),
        task('loop', { type: 'DO_WHILE', loopOver: [task('d', { inputParameter: {} })] }),
        task('sub', {
          type: 'SUB_WORKFLOW',
          subWorkflowParam: { workflowDefinition: { name: 'inline', tasks: [task('e', { sink2: 'x' })], verison: 1 } },
        }),
      ],
    };
    const issues = findUnknownFields(def);
    assert.deepEqual(
      issues.map((i) => `${i.path} ${i.field}`),
      [
        'tasks[0].forkTasks[0][0] optinal',
        'tasks[1].decisionCases.big[0] sartDelay',
        'tasks[1].defaultCase[0] tpye',
        'tasks[2].loopOver[0] inputParameter',
        'tasks[3].subWorkflowParam.workflowDefinition verison',
        'tasks[3].subWorkflowParam.workflowDefinition.tasks[0] sink2',
      ],
    );
    assert.match(
      issues[4]!.message,
      /in the workflow definition at tasks\[3\]\.subWorkflowParam\.workflowDefinition: did you mean 'version'\?/,
    );
  });

  test('a field far from every known one is refused without a guess', () => {
    const def = seed();
    def.tasks[0].priorityClass = 'gold';
    const [issue] = definitionError(() => parseDefinition(JSON.stringify(def))).issues;
    assert.equal(
      issue!.message,
      "unknown field 'priorityClass' in task 'encode' (tasks[0]); Conductor's WorkflowTask has no such field: remove it",
    );
  });

  test('free-form maps accept any key', () => {
    const def = seed();
    def.variables = { anything: 1 };
    def.metadata = { team: 'media' };
    def.tasks[0].inputParameters.whateverKey = { nested: { taskRefName: 'not a field here' } };
    assert.deepEqual(findUnknownFields(def), []);
  });

  test('loadDefinition reports unknown fields and structural issues together', () => {
    const def = seed();
    def.tasks[0].taskRefName = 'encode';
    delete def.tasks[0].taskReferenceName;
    def.tasks[1].type = 'SIMPEL';
    const issues = definitionError(() => loadDefinition(JSON.stringify(def))).issues;
    assert.deepEqual(
      issues.map((i) => i.field),
      ['taskRefName', 'taskReferenceName', 'type', 'inputParameters.fileLocation'],
    );
  });
});

describe('task definitions', () => {
  test('a TaskDef parses unchanged and its unknown fields are refused', () => {
    const text = JSON.stringify({ name: 'encode', retryCount: 3, retryLogic: 'LINEAR_BACKOFF', backoffScaleFactor: 2 });
    assert.deepEqual(parseTaskDefinition(text), JSON.parse(text));
    const error = definitionError(() => parseTaskDefinition('{"name": "encode", "retryDelaySecond": 5}'));
    assert.equal(
      error.issues[0]!.message,
      "unknown field 'retryDelaySecond' in the task definition: did you mean 'retryDelaySeconds'?",
    );
    assert.match(error.message, /^task definition 'encode' is invalid/);
  });
});

describe('suggestions', () => {
  test('edit distance counts insertions, deletions and substitutions', () => {
    assert.equal(editDistance('kitten', 'sitting'), 3);
    assert.equal(editDistance('', 'abc'), 3);
    assert.equal(editDistance('same', 'same'), 0);
  });

  test('the closest name is suggested for typos, case slips and abbreviations, not for strangers', () => {
    const known = ['taskReferenceName', 'name', 'type', 'inputParameters'];
    assert.equal(closestName('taskRefName', known), 'taskReferenceName');
    assert.equal(closestName('TYPE', known), 'type');
    assert.equal(closestName('inputParams', known), 'inputParameters');
    assert.equal(closestName('nmae', known), 'name');
    assert.equal(closestName('colour', known), undefined);
  });
});
