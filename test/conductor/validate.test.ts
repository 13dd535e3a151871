// biome-ignore-all lint/suspicious/noTemplateCurlyInString: Conductor expressions are written as ${…} inside plain strings
/**
 * Structural validation, rule by rule: a definition breaking each rule, and the issue it gets
 * down to its path, field and the words of the message that matter.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import {
  assertValidDefinition,
  parseDefinition,
  type ValidateOptions,
  validateDefinition,
  validateTaskDefinition,
  type WorkflowDef,
} from '../../src/conductor/index.js';
import { DefinitionError, type DefinitionIssue } from '../../src/core/errors.js';

type Json = Record<string, unknown>;

function fixture(name: string): WorkflowDef {
  return parseDefinition(readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8'));
}

/** A task; SIMPLE unless `type` says otherwise. */
function task(ref: string, type = 'SIMPLE', extra: Json = {}): Json {
  return { name: ref, taskReferenceName: ref, type, ...extra };
}

function workflow(tasks: unknown[], extra: Json = {}): Json {
  return { name: 'wf', version: 1, schemaVersion: 2, tasks, ...extra };
}

/** Asserts exactly one issue, at `path` and `field`, whose message matches `message`. */
function assertOneIssue(found: DefinitionIssue[], path: string, field: string, message: RegExp): DefinitionIssue {
  assert.equal(found.length, 1, JSON.stringify(found, null, 1));
  assert.equal(found[0]!.path, path);
  assert.equal(found[0]!.field, field);
  assert.match(found[0]!.message, message);
  return found[0]!;
}

const check = (def: unknown, options?: ValidateOptions) => validateDefinition(def, options);

describe('valid definitions have no issues', () => {
  test('seed 004 (encode_and_deploy) as written', () => {
    assert.deepEqual(check(fixture('encode_and_deploy.json')), []);
  });

  test('seed 004 as a Conductor server exports it, every defaulted field included', () => {
    assert.deepEqual(check(fixture('encode_and_deploy.exported.json')), []);
  });

  test('media_pipeline (fork/join, switch, do-while, sub-workflow) in JSON and YAML', () => {
    const notify = workflow([task('send')], { name: 'notify_recipients' }) as unknown as WorkflowDef;
    const resolveWorkflow = (name: string) => (name === 'notify_recipients' ? notify : undefined);
    assert.deepEqual(check(fixture('media_pipeline.json'), { resolveWorkflow }), []);
    assert.deepEqual(check(fixture('media_pipeline.yaml'), { resolveWorkflow }), []);
  });

  test('assertValidDefinition returns a valid definition', () => {
    const def = fixture('encode_and_deploy.json');
    assert.equal(assertValidDefinition(def), def);
  });
});

describe('the workflow itself', () => {
  test('name and tasks are required', () => {
    const found = check({ version: 1 });
    assert.deepEqual(
      found.map((i) => i.field),
      ['name', 'tasks'],
    );
    assert.match(found[1]!.message, /needs 'tasks'/);
  });

  test('an empty task list is refused', () => {
    assertOneIssue(check(workflow([])), '', 'tasks', /has no tasks/);
  });

  test('only schemaVersion 2 is supported', () => {
    assertOneIssue(check(workflow([task('a')], { schemaVersion: 1 })), '', 'schemaVersion', /only 2 is supported/);
  });

  test('fields of the wrong type are named with what they must be', () => {
    const found = check(workflow([task('a')], { version: '1', timeoutPolicy: 'TIMEOUT_WF', restartable: 'yes' }));
    assert.deepEqual(
      found.map((i) => i.field),
      ['version', 'restartable', 'timeoutPolicy'],
    );
    assert.match(found[0]!.message, /'version' must be a whole number, but is "1"/);
    assert.match(
      found[2]!.message,
      /one of 'TIME_OUT_WF', 'ALERT_ONLY', but is "TIMEOUT_WF": did you mean 'TIME_OUT_WF'\?/,
    );
  });

  test('null counts as absent, as in Conductor', () => {
    assert.deepEqual(check(workflow([task('a', 'SIMPLE', { description: null })], { description: null })), []);
  });

  test('a definition that is not an object is one issue', () => {
    assertOneIssue(check('nope'), '', '', /must be an object/);
  });
});

describe('tasks', () => {
  test('a task must be an object with a name and a reference name', () => {
    const found = check(workflow([42, { type: 'SIMPLE' }]));
    assert.deepEqual(
      found.map((i) => `${i.path} ${i.field}`),
      ['tasks[0] ', 'tasks[1] name', 'tasks[1] taskReferenceName'],
    );
    assert.match(found[0]!.message, /tasks\[0\] must be a task/);
    assert.match(found[2]!.message, /^the task at tasks\[1\] needs a 'taskReferenceName'/);
  });

  test('an unknown type is refused with the nearest known one', () => {
    const issue = assertOneIssue(
      check(workflow([task('a', 'SWICH')])),
      'tasks[0]',
      'type',
      /unknown type 'SWICH': did you mean 'SWITCH'\?/,
    );
    assert.equal(issue.taskReferenceName, 'a');
    assert.match(check(workflow([task('a', 'simple')]))[0]!.message, /did you mean 'SIMPLE'\?/);
  });

  test('a Conductor type Tutti does not run is named as such', () => {
    assertOneIssue(
      check(workflow([task('k', 'KAFKA_PUBLISH')])),
      'tasks[0]',
      'type',
      /Conductor task type Tutti does not run yet/,
    );
  });

  test('the type defaults to SIMPLE and may be given as workflowTaskType', () => {
    assert.deepEqual(check(workflow([{ name: 'a', taskReferenceName: 'a' }])), []);
    const found = check(workflow([{ name: 'a', taskReferenceName: 'a', workflowTaskType: 'EVENT' }]));
    assertOneIssue(found, 'tasks[0]', 'sink', /needs 'sink'/);
  });

  test('numbers must be whole and not negative', () => {
    assertOneIssue(
      check(workflow([task('a', 'SIMPLE', { startDelay: -5 })])),
      'tasks[0]',
      'startDelay',
      /0 or more, but is -5/,
    );
  });
});

describe('what each task type needs', () => {
  const cases: [string, Json, string, RegExp][] = [
    [
      'SWITCH without evaluatorType',
      task('s', 'SWITCH', { expression: 'x', decisionCases: { a: [] } }),
      'evaluatorType',
      /needs 'evaluatorType'/,
    ],
    [
      'SWITCH with an unknown evaluator',
      task('s', 'SWITCH', { evaluatorType: 'javascipt', expression: 'x', decisionCases: { a: [] } }),
      'evaluatorType',
      /did you mean 'javascript'\?/,
    ],
    [
      'SWITCH without expression',
      task('s', 'SWITCH', { evaluatorType: 'value-param', decisionCases: { a: [] } }),
      'expression',
      /needs 'expression'/,
    ],
    [
      'SWITCH without cases',
      task('s', 'SWITCH', { evaluatorType: 'value-param', expression: 'x' }),
      'decisionCases',
      /at least one case/,
    ],
    [
      'SWITCH with a case that is not a list',
      task('s', 'SWITCH', { evaluatorType: 'value-param', expression: 'x', decisionCases: { a: {} } }),
      'decisionCases.a',
      /case 'a' must be a list/,
    ],
    [
      'DECISION without caseValueParam',
      task('d', 'DECISION', { decisionCases: { a: [] } }),
      'caseValueParam',
      /'caseValueParam' or 'caseExpression'/,
    ],
    [
      'DO_WHILE without loopCondition',
      task('l', 'DO_WHILE', { loopOver: [task('in')] }),
      'loopCondition',
      /needs 'loopCondition'/,
    ],
    ['DO_WHILE without loopOver', task('l', 'DO_WHILE', { loopCondition: 'false' }), 'loopOver', /needs 'loopOver'/],
    [
      'DYNAMIC without dynamicTaskNameParam',
      task('y', 'DYNAMIC'),
      'dynamicTaskNameParam',
      /needs 'dynamicTaskNameParam'/,
    ],
    [
      'DYNAMIC naming a missing input',
      task('y', 'DYNAMIC', { dynamicTaskNameParam: 'next' }),
      'inputParameters.next',
      /inputParameters has no 'next'/,
    ],
    [
      'SUB_WORKFLOW without subWorkflowParam',
      task('w', 'SUB_WORKFLOW'),
      'subWorkflowParam',
      /needs 'subWorkflowParam'/,
    ],
    [
      'SUB_WORKFLOW without a name',
      task('w', 'SUB_WORKFLOW', { subWorkflowParam: { version: 1 } }),
      'subWorkflowParam.name',
      /needs 'subWorkflowParam.name'/,
    ],
    [
      'INLINE without evaluatorType',
      task('i', 'INLINE', { inputParameters: { expression: '1' } }),
      'inputParameters.evaluatorType',
      /needs 'inputParameters.evaluatorType'/,
    ],
    [
      'INLINE without expression',
      task('i', 'INLINE', { inputParameters: { evaluatorType: 'javascript' } }),
      'inputParameters.expression',
      /needs 'inputParameters.expression'/,
    ],
    [
      'JSON_JQ_TRANSFORM without queryExpression',
      task('j', 'JSON_JQ_TRANSFORM', { inputParameters: { x: 1 } }),
      'inputParameters.queryExpression',
      /the jq program/,
    ],
    [
      'HTTP without a request',
      task('h', 'HTTP', { inputParameters: { body: {} } }),
      'inputParameters.http_request',
      /needs 'inputParameters.http_request'/,
    ],
    ['EVENT without sink', task('e', 'EVENT'), 'sink', /needs 'sink'/],
    [
      'TERMINATE without a status',
      task('t', 'TERMINATE'),
      'inputParameters.terminationStatus',
      /COMPLETED or FAILED \(it is missing\)/,
    ],
    [
      'TERMINATE with a bad status',
      task('t', 'TERMINATE', { inputParameters: { terminationStatus: 'DONE' } }),
      'inputParameters.terminationStatus',
      /\(it is "DONE"\)/,
    ],
    [
      'an optional TERMINATE',
      task('t', 'TERMINATE', { optional: true, inputParameters: { terminationStatus: 'FAILED' } }),
      'optional',
      /cannot be/,
    ],
    [
      'WAIT with duration and until',
      task('w', 'WAIT', { inputParameters: { duration: '1s', until: '2030-01-01 00:00' } }),
      'inputParameters.until',
      /keep one/,
    ],
  ];
  for (const [what, entry, field, message] of cases) {
    test(what, () => {
      const issue = assertOneIssue(check(workflow([entry])), 'tasks[0]', field, message);
      assert.equal(issue.taskReferenceName, entry.taskReferenceName);
      assert.ok(issue.message.startsWith(`task '${entry.taskReferenceName}' (tasks[0])`), issue.message);
    });
  }

  test('HTTP may take its request from the task definition, inline or registered', () => {
    const inline = task('h', 'HTTP', {
      taskDefinition: { name: 'h', inputTemplate: { http_request: { uri: 'https://x' } } },
    });
    assert.deepEqual(check(workflow([inline])), []);
    const registered = { name: 'h', inputTemplate: { http_request: { uri: 'https://x' } } };
    assert.deepEqual(check(workflow([task('h', 'HTTP')]), { resolveTaskDef: () => registered }), []);
    assert.deepEqual(
      check(workflow([task('h', 'HTTP', { inputParameters: { uri: 'https://x', method: 'GET' } })])),
      [],
    );
  });

  test('FORK_JOIN_DYNAMIC needs both parameters, or the legacy one alone', () => {
    const found = check(workflow([task('f', 'FORK_JOIN_DYNAMIC'), task('j', 'JOIN')]));
    assert.deepEqual(
      found.map((i) => i.field),
      ['dynamicForkTasksParam', 'dynamicForkTasksInputParamName'],
    );
    const both = task('f', 'FORK_JOIN_DYNAMIC', { dynamicForkJoinTasksParam: 'x', dynamicForkTasksParam: 'y' });
    assertOneIssue(check(workflow([both, task('j', 'JOIN')])), 'tasks[0]', 'dynamicForkJoinTasksParam', /keep one way/);
    const ok = task('f', 'FORK_JOIN_DYNAMIC', {
      dynamicForkTasksParam: 'tasks',
      dynamicForkTasksInputParamName: 'inputs',
      inputParameters: { tasks: '${workflow.input.tasks}', inputs: '${workflow.input.inputs}' },
    });
    assert.deepEqual(check(workflow([ok, task('j', 'JOIN')])), []);
  });

  test('an inline task definition is checked too', () => {
    const entry = task('a', 'SIMPLE', {
      taskDefinition: { name: 'a', retryLogic: 'LINEAR', timeoutSeconds: 10, responseTimeoutSeconds: 60 },
    });
    const found = check(workflow([entry]));
    assert.deepEqual(
      found.map((i) => `${i.path} ${i.field}`),
      ['tasks[0].taskDefinition retryLogic', 'tasks[0].taskDefinition responseTimeoutSeconds'],
    );
    assert.match(found[0]!.message, /did you mean 'FIXED'\?|LINEAR_BACKOFF/);
    assert.match(found[1]!.message, /responseTimeoutSeconds \(60\) must not exceed timeoutSeconds \(10\)/);
  });
});

describe('forks and joins', () => {
  const fork = (branches: unknown[]) => task('fork', 'FORK_JOIN', { forkTasks: branches });

  test('a fork needs branches, none of them empty', () => {
    assertOneIssue(check(workflow([fork([]), task('join', 'JOIN')])), 'tasks[0]', 'forkTasks', /needs 'forkTasks'/);
    assertOneIssue(
      check(workflow([fork([[task('a')], []]), task('join', 'JOIN')])),
      'tasks[0]',
      'forkTasks[1]',
      /branch 1 is empty/,
    );
  });

  test('a fork must be followed by a JOIN', () => {
    assertOneIssue(check(workflow([fork([[task('a')]]), task('after')])), 'tasks[0]', 'type', /not followed by a JOIN/);
    assertOneIssue(check(workflow([fork([[task('a')]])])), 'tasks[0]', 'type', /not followed by a JOIN/);
  });

  test('a JOIN must come right after its fork', () => {
    const issue = assertOneIssue(
      check(workflow([task('a'), task('join', 'JOIN')])),
      'tasks[1]',
      'type',
      /JOIN with no FORK_JOIN right before it/,
    );
    assert.equal(issue.taskReferenceName, 'join');
  });

  test("joinOn may name only the fork's tasks, nested ones included", () => {
    const nested = task('sw', 'SWITCH', {
      evaluatorType: 'value-param',
      expression: 'x',
      decisionCases: { y: [task('deep')] },
    });
    const ok = [fork([[task('a'), nested], [task('b')]]), task('join', 'JOIN', { joinOn: ['a', 'deep', 'b'] })];
    assert.deepEqual(check(workflow(ok)), []);
    const bad = [
      fork([[task('encode_720')], [task('b')]]),
      task('join', 'JOIN', { joinOn: ['encode_72', 'b', 'elsewhere'] }),
      task('elsewhere'),
    ];
    const found = check(workflow(bad));
    assert.deepEqual(
      found.map((i) => `${i.path} ${i.field}`),
      ['tasks[1] joinOn[0]', 'tasks[1] joinOn[2]'],
    );
    assert.match(
      found[0]!.message,
      /joinOn names 'encode_72', which is not a task of the fork task 'fork' \(tasks\[0\]\): did you mean 'encode_720'\?/,
    );
    assert.match(found[1]!.message, /the fork's tasks are 'encode_720', 'b'/);
  });

  test('forks nest: a fork inside a branch needs its own JOIN inside that branch', () => {
    const inner = [task('inner', 'FORK_JOIN', { forkTasks: [[task('x')]] })];
    const found = check(workflow([fork([inner]), task('join', 'JOIN')]));
    assertOneIssue(found, 'tasks[0].forkTasks[0][0]', 'type', /not followed by a JOIN/);
  });
});

describe('reference names and expressions', () => {
  test('a reference name used twice names both places', () => {
    const def = workflow([task('a'), task('fork', 'FORK_JOIN', { forkTasks: [[task('a')]] }), task('join', 'JOIN')]);
    const issue = assertOneIssue(
      check(def),
      'tasks[1].forkTasks[0][0]',
      'taskReferenceName',
      /'a' is used by both tasks\[0\] and tasks\[1\]\.forkTasks\[0\]\[0\]/,
    );
    assert.equal(issue.taskReferenceName, 'a');
  });

  test('an expression reading a task that does not exist is refused, with the nearest name', () => {
    const def = workflow([
      task('encode'),
      task('d1', 'SIMPLE', { inputParameters: { file: '${encod.output.location}' } }),
    ]);
    const issue = assertOneIssue(
      check(def),
      'tasks[1]',
      'inputParameters.file',
      /reads task 'encod' in '\$\{encod\.output\.location\}', but no task has that taskReferenceName: did you mean 'encode'\?/,
    );
    assert.equal(issue.taskReferenceName, 'd1');
  });

  test('expressions are found at any depth, in lists and nested in other expressions', () => {
    const params = { a: { b: ['x', 'see ${gone.output.y}'] }, c: '${workflow.input.${missing.output.key}}' };
    const found = check(workflow([task('t', 'SIMPLE', { inputParameters: params })]));
    assert.deepEqual(
      found.map((i) => i.field),
      ['inputParameters.a.b[1]', 'inputParameters.c'],
    );
  });

  test("the workflow's outputParameters are checked", () => {
    const def = workflow([task('d1')], { outputParameters: { url: '${d2.output.location}' } });
    assertOneIssue(
      check(def),
      '',
      'outputParameters.url',
      /^the workflow definition: outputParameters\.url reads task 'd2'.*did you mean 'd1'\?/,
    );
  });

  test('an upper-case name is hinted as a host value; declared host values are not references', () => {
    const def = workflow([
      task('a', 'SIMPLE', { inputParameters: { region: '${AWS_REGION}', id: '${CPEWF_TASK_ID}' } }),
    ]);
    assertOneIssue(check(def), 'tasks[0]', 'inputParameters.region', /pass it in the 'environment' option/);
    assert.deepEqual(check(def, { environment: ['AWS_REGION'] }), []);
  });

  test('escaped and secret expressions are not task references', () => {
    const def = workflow([
      task('a', 'SIMPLE', { inputParameters: { x: '$${nothing.here}', key: '${workflow.secrets.apiKey}' } }),
    ]);
    assert.deepEqual(check(def), []);
  });

  test("a '${' left open is refused", () => {
    const def = workflow([task('a', 'SIMPLE', { inputParameters: { x: 'size ${workflow.input.size' } })]);
    assertOneIssue(check(def), 'tasks[0]', 'inputParameters.x', /'\$\{' at character 6 with no closing '\}'/);
  });

  test('reading a task that runs later in the same sequence is refused', () => {
    const def = workflow([task('a', 'SIMPLE', { inputParameters: { x: '${b.output.y}' } }), task('b')]);
    assertOneIssue(check(def), 'tasks[0]', 'inputParameters.x', /reads task 'b' \(tasks\[1\]\).*which runs after it/);
  });

  test('reading a later task inside a later fork or switch is refused too', () => {
    const later = task('fork', 'FORK_JOIN', { forkTasks: [[task('inside')]] });
    const def = workflow([
      task('a', 'SIMPLE', { inputParameters: { x: '${inside.output}' } }),
      later,
      task('join', 'JOIN'),
    ]);
    assertOneIssue(check(def), 'tasks[0]', 'inputParameters.x', /runs after it/);
  });

  test('earlier tasks, fork and switch members after them, loop members and the container itself are fine', () => {
    const loop = task('loop', 'DO_WHILE', {
      loopCondition: 'true',
      inputParameters: { last: '${check.output}' },
      loopOver: [task('prepare', 'SIMPLE', { inputParameters: { previous: '${check.output.ok}' } }), task('check')],
    });
    const def = workflow([
      task('a'),
      task('fork', 'FORK_JOIN', {
        forkTasks: [[task('left', 'SIMPLE', { inputParameters: { r: '${right.output}' } })], [task('right')]],
      }),
      task('join', 'JOIN', { joinOn: ['left', 'right'], inputParameters: { l: '${left.output}' } }),
      loop,
      task('after', 'SIMPLE', { inputParameters: { a: '${a.output}', l: '${left.output}', c: '${check.output}' } }),
    ]);
    assert.deepEqual(check(def), []);
  });
});

describe('sub-workflows', () => {
  const sub = (ref: string, name: string, version?: number) =>
    task(ref, 'SUB_WORKFLOW', { subWorkflowParam: version === undefined ? { name } : { name, version } });

  test('a sub-workflow starting this very workflow is a cycle, even without a resolver', () => {
    const def = workflow([sub('again', 'wf', 1)]);
    const issue = assertOneIssue(
      check(def),
      'tasks[0]',
      'subWorkflowParam.name',
      /starts workflow 'wf' v1: that is 'wf' v1 itself/,
    );
    assert.equal(issue.taskReferenceName, 'again');
    assertOneIssue(check(workflow([sub('again', 'wf')])), 'tasks[0]', 'subWorkflowParam.name', /'wf' \(latest\)/);
  });

  test('starting another version of the same name is not a cycle', () => {
    assert.deepEqual(check(workflow([sub('older', 'wf', 0)])), []);
  });

  test('a cycle through other workflows is found with the resolver and its chain named', () => {
    const registry: Record<string, WorkflowDef> = {
      b: workflow([sub('to_c', 'c', 1)], { name: 'b' }) as unknown as WorkflowDef,
      c: workflow([sub('back', 'wf', 1)], { name: 'c' }) as unknown as WorkflowDef,
    };
    const resolveWorkflow = (name: string) => registry[name];
    const found = check(workflow([task('first'), sub('to_b', 'b', 1)]), { resolveWorkflow });
    assertOneIssue(
      found,
      'tasks[1]',
      'subWorkflowParam.name',
      /leads back through 'b' v1 → 'c' v1: that is 'wf' v1 itself/,
    );
  });

  test('with a resolver, an unregistered sub-workflow is refused; one named by an expression is not followed', () => {
    const resolveWorkflow = () => undefined;
    assertOneIssue(
      check(workflow([sub('s', 'nowhere', 2)]), { resolveWorkflow }),
      'tasks[0]',
      'subWorkflowParam.name',
      /'nowhere' v2, which is not registered/,
    );
    assert.deepEqual(check(workflow([sub('s', '${workflow.input.next}')]), { resolveWorkflow }), []);
  });

  test('a sub-workflow inside an inline definition is reported once, at its full path', () => {
    const inline = { name: 'inline', tasks: [sub('deep', 'nowhere', 1)] };
    const def = workflow([task('s', 'SUB_WORKFLOW', { subWorkflowParam: { workflowDefinition: inline } })]);
    const found = check(def, { resolveWorkflow: () => undefined });
    assertOneIssue(
      found,
      'tasks[0].subWorkflowParam.workflowDefinition.tasks[0]',
      'subWorkflowParam.name',
      /'nowhere' v1, which is not registered/,
    );
  });

  test('an inline sub-workflow definition is validated with its place in the path', () => {
    const inline = { name: 'inline', tasks: [task('x', 'SWITCH')] };
    const def = workflow([task('s', 'SUB_WORKFLOW', { subWorkflowParam: { workflowDefinition: inline } })]);
    const found = check(def);
    assert.ok(found.length >= 3, JSON.stringify(found));
    assert.ok(found.every((i) => i.path === 'tasks[0].subWorkflowParam.workflowDefinition.tasks[0]'));
  });
});

describe('all issues at once', () => {
  test('assertValidDefinition lists every issue in one DefinitionError', () => {
    const def = workflow(
      [task('a', 'SWICH'), task('a'), task('b', 'SIMPLE', { inputParameters: { x: '${zzz.output}' } })],
      { schemaVersion: 1 },
    );
    assert.throws(
      () => assertValidDefinition(def, { source: 'wf.json' }),
      (error: unknown) => {
        assert.ok(error instanceof DefinitionError);
        assert.equal(error.code, 'DEFINITION_INVALID');
        assert.deepEqual(
          error.issues.map((i) => i.field),
          ['schemaVersion', 'type', 'taskReferenceName', 'inputParameters.x'],
        );
        assert.match(error.message, /^workflow definition 'wf' v1 \(wf\.json\) is invalid \(4 issues\):\n {2}- /);
        return true;
      },
    );
  });
});

describe('task definitions on their own', () => {
  test('a valid TaskDef has no issues; a bad one names each field', () => {
    assert.deepEqual(
      validateTaskDefinition({ name: 'encode', retryCount: 3, retryLogic: 'EXPONENTIAL_BACKOFF', timeoutSeconds: 60 }),
      [],
    );
    const found = validateTaskDefinition({ retryCount: -1, backoffScaleFactor: 0, rateLimitPerFrequency: 'ten' });
    assert.deepEqual(
      found.map((i) => i.field),
      ['retryCount', 'backoffScaleFactor', 'rateLimitPerFrequency', 'name'],
    );
    assert.match(found[0]!.message, /^the task definition: 'retryCount' must be a whole number, 0 or more, but is -1/);
  });
});
