/**
 * The definition registry (src/conductor/registry.ts) on the in-memory store: what it checks,
 * what it stores, and what it refuses. The store's own part (conflicts, latest version, order) is
 * in test/conformance/store-definitions.case.ts; the command line in test/cli/defs-command.test.ts.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { beforeEach, describe, it } from 'node:test';
import type { TaskDef, WorkflowDef } from '../../src/conductor/model.js';
import {
  createDefinitionRegistry,
  type DefinitionRegistry,
  readDefinitionDocument,
} from '../../src/conductor/registry.js';
import type { DefinitionIssue } from '../../src/core/errors.js';
import { createMemoryStore } from '../../src/store/memory/index.js';
import type { Store } from '../../src/store/store.js';

const fixture = (name: string) => readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8');
const encodeAndDeploy = () => JSON.parse(fixture('encode_and_deploy.json')) as WorkflowDef;
const notifyRecipients: WorkflowDef = {
  name: 'notify_recipients',
  version: 1,
  tasks: [{ name: 'send', taskReferenceName: 'send', type: 'SIMPLE' }],
};

/** The issues of the DefinitionError `promise` rejects with, as `path|ref|field`. */
async function issuesOf(promise: Promise<unknown>): Promise<string[]> {
  let issues: readonly DefinitionIssue[] = [];
  await assert.rejects(promise, (error: Error & { code?: string; issues?: readonly DefinitionIssue[] }) => {
    assert.equal(error.code, 'DEFINITION_INVALID', error.message);
    issues = error.issues ?? [];
    return true;
  });
  return issues.map((i) => `${i.path}|${i.taskReferenceName ?? ''}|${i.field}`);
}

describe('definition registry', () => {
  let store: Store;
  let registry: DefinitionRegistry;
  let clock: number;
  beforeEach(() => {
    store = createMemoryStore();
    clock = 1_000;
    registry = createDefinitionRegistry(store, { now: () => clock++ });
  });

  it('registers a workflow from text or as an object, and reads it back as registered', async () => {
    const text = fixture('encode_and_deploy.json');
    assert.deepEqual(await registry.registerWorkflow(text, { source: 'encode_and_deploy.json' }), {
      kind: 'workflow',
      name: 'encode_and_deploy',
      version: 1,
      outcome: 'created',
    });
    assert.deepEqual(await registry.getWorkflow('encode_and_deploy'), {
      name: 'encode_and_deploy',
      version: 1,
      registeredAt: 1_000,
      definition: encodeAndDeploy(),
    });
    assert.equal(await registry.getWorkflow('encode_and_deploy', 2), undefined);
    const again = await registry.registerWorkflow(encodeAndDeploy());
    assert.equal(again.outcome, 'unchanged');
    assert.equal((await registry.getWorkflow('encode_and_deploy'))?.registeredAt, 1_000);
  });

  it('takes a workflow without version as version 1', async () => {
    const { version: _, ...unversioned } = encodeAndDeploy();
    assert.equal((await registry.registerWorkflow(unversioned as WorkflowDef)).version, 1);
    assert.equal((await registry.getWorkflow('encode_and_deploy', 1))?.definition.version, undefined);
  });

  it('takes the same definition with its keys in another order, or in YAML, as unchanged', async () => {
    await registry.registerWorkflow(notifyRecipients);
    assert.equal((await registry.registerWorkflow(fixture('media_pipeline.json'))).outcome, 'created');
    assert.equal((await registry.registerWorkflow(fixture('media_pipeline.yaml'))).outcome, 'unchanged');
    const reordered = Object.fromEntries(Object.entries(encodeAndDeploy()).reverse()) as unknown as WorkflowDef;
    await registry.registerWorkflow(encodeAndDeploy());
    assert.equal((await registry.registerWorkflow(reordered)).outcome, 'unchanged');
    assert.equal((await registry.registerWorkflow(reordered, { replace: true })).outcome, 'unchanged');
  });

  it('refuses a changed definition under a registered version, naming the version to bump to', async () => {
    await registry.registerWorkflow(encodeAndDeploy());
    await registry.registerWorkflow({ ...encodeAndDeploy(), version: 2 });
    const changed = { ...encodeAndDeploy(), description: 'changed' };
    await assert.rejects(registry.registerWorkflow(changed, { source: 'changed.json' }), (error: Error) => {
      assert.equal(error.name, 'DefinitionConflictError');
      assert.equal((error as Error & { code: string }).code, 'DEFINITION_CONFLICT');
      assert.match(error.message, /^workflow definition 'encode_and_deploy' v1 \(changed\.json\): another definition/);
      assert.match(error.message, /set its 'version' to 3/);
      assert.match(error.message, /replace: true/);
      return true;
    });
    assert.equal(
      (await registry.getWorkflow('encode_and_deploy', 1))?.definition.description,
      encodeAndDeploy().description,
    );
    assert.deepEqual(await registry.registerWorkflow(changed, { replace: true }), {
      kind: 'workflow',
      name: 'encode_and_deploy',
      version: 1,
      outcome: 'replaced',
    });
    assert.equal((await registry.getWorkflow('encode_and_deploy', 1))?.definition.description, 'changed');
    assert.equal((await registry.getWorkflow('encode_and_deploy'))?.version, 2);
  });

  it('stores nothing invalid, and reports every issue at once', async () => {
    const bad = { ...encodeAndDeploy(), tasks: [{ name: 'encode', taskRefName: 'encode', type: 'SIMPEL' }] };
    assert.deepEqual(await issuesOf(registry.registerWorkflow(bad as unknown as WorkflowDef)), [
      'tasks[0]||taskRefName',
      'tasks[0]||taskReferenceName',
      'tasks[0]||type',
      '||outputParameters.cdn_url',
    ]);
    await assert.rejects(registry.registerWorkflow('{"name": "x",'), { code: 'DEFINITION_SYNTAX' });
    assert.deepEqual(await registry.listWorkflows(), []);
  });

  it('checks sub-workflows and task definitions against what is registered', async () => {
    assert.deepEqual(await issuesOf(registry.registerWorkflow(fixture('media_pipeline.yaml'))), [
      'tasks[6]|notify|subWorkflowParam.name',
    ]);
    await registry.registerWorkflow(notifyRecipients);
    await registry.registerWorkflow(fixture('media_pipeline.yaml'));
    // media_pipeline starts notify_recipients v1: that one starting media_pipeline again is a cycle.
    const loop: WorkflowDef = {
      name: 'notify_recipients',
      version: 1,
      tasks: [
        {
          name: 'again',
          taskReferenceName: 'again',
          type: 'SUB_WORKFLOW',
          subWorkflowParam: { name: 'media_pipeline' },
        },
      ],
    };
    assert.deepEqual(await issuesOf(registry.registerWorkflow(loop, { replace: true })), [
      'tasks[0]|again|subWorkflowParam.name',
    ]);

    // An HTTP task may take its request from its registered task definition's inputTemplate.
    const http: WorkflowDef = { name: 'call', tasks: [{ name: 'fetch', taskReferenceName: 'fetch', type: 'HTTP' }] };
    assert.deepEqual(await issuesOf(registry.registerWorkflow(http)), ['tasks[0]|fetch|inputParameters.http_request']);
    await registry.registerTaskDefs([
      { name: 'fetch', inputTemplate: { http_request: { uri: 'https://x', method: 'GET' } } },
    ]);
    assert.equal((await registry.registerWorkflow(http)).outcome, 'created');
  });

  it('registers task definitions by name, checking the whole list before writing any', async () => {
    const encode: TaskDef = { name: 'encode', retryCount: 2, responseTimeoutSeconds: 30 };
    const deploy: TaskDef = { name: 'deploy', retryLogic: 'EXPONENTIAL_BACKOFF' };
    const outcomes = async (list: TaskDef[], replace = false) =>
      (await registry.registerTaskDefs(list, { replace })).map((r) => `${r.name}:${r.version}:${r.outcome}`);
    assert.deepEqual(await outcomes([encode, deploy]), ['encode:1:created', 'deploy:1:created']);
    assert.deepEqual(await outcomes([{ ...encode, version: 2 }, { name: 'publish' }], true), [
      'encode:1:replaced',
      'publish:1:created',
    ]);

    const changedDeploy = { ...deploy, retryCount: 9 };
    await assert.rejects(registry.registerTaskDefs([{ name: 'thumbnail' }, changedDeploy]), (error: Error) => {
      assert.equal(error.name, 'DefinitionConflictError');
      assert.match(
        error.message,
        /^task definition 'deploy': another definition is registered under that name and was kept; task definitions have no versions/,
      );
      return true;
    });
    assert.equal(await registry.getTaskDef('thumbnail'), undefined);
    assert.deepEqual(
      (await registry.listTaskDefs()).map((t) => [t.name, t.version, t.definition.retryCount]),
      [
        ['deploy', 1, undefined],
        ['encode', 1, 2],
        ['publish', 1, undefined],
      ],
    );
    assert.deepEqual(
      await issuesOf(registry.registerTaskDefs([{ name: 'a' }, { name: 'a', retryCont: 1 } as TaskDef])),
      ['[1]||retryCont', '[1]||name'],
    );
  });

  it('reads a document by its shape: a workflow, a task definition, or a list of them', () => {
    const workflow = readDefinitionDocument(fixture('media_pipeline.yaml'));
    assert.equal(workflow.kind === 'workflow' && workflow.definition.name, 'media_pipeline');
    const one = readDefinitionDocument('name: encode\nretryCount: 2\n');
    assert.deepEqual(one, { kind: 'task', definitions: [{ name: 'encode', retryCount: 2 }] });
    const list = readDefinitionDocument('[{"name": "encode"}, {"name": "deploy"}]');
    assert.deepEqual(list, { kind: 'task', definitions: [{ name: 'encode' }, { name: 'deploy' }] });
    // Neither `tasks` nor a TaskDef field: read as a workflow, which then says what it lacks.
    assert.throws(() => readDefinitionDocument('{"name": "encode"}'), /needs 'tasks'/);
  });
});
