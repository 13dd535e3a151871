import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { after, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { tempDbPath } from '../helpers/temp-db.js';

const db = tempDbPath('tutti-cli-defs-');
const dir = dirname(db.path);
const fixtures = fileURLToPath(new URL('../conductor/fixtures/', import.meta.url));
const fixture = (name: string) => join(fixtures, name);
const cli = (...args: string[]) =>
  spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', ...args], { encoding: 'utf8' });
/** Writes `text` to a file of the test's directory and returns its path. */
const file = (name: string, text: string) => {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
};
after(() => db.remove());

// media_pipeline starts notify_recipients v1 as a sub-workflow: it must be registered first.
const notify = file(
  'notify_recipients.yaml',
  'name: notify_recipients\nversion: 1\ntasks:\n  - name: send\n    taskReferenceName: send\n',
);
const taskDefs = file(
  'taskdefs.json',
  JSON.stringify([
    { name: 'encode', retryCount: 2, responseTimeoutSeconds: 30 },
    { name: 'deploy', retryLogic: 'EXPONENTIAL_BACKOFF' },
  ]),
);
const encodeAndDeploy = JSON.parse(readFileSync(fixture('encode_and_deploy.json'), 'utf8'));

test('defs validate prints what a JSON or YAML file holds, without a database', () => {
  const json = cli('defs', 'validate', fixture('encode_and_deploy.json'));
  assert.equal(json.status, 0, json.stderr);
  assert.equal(json.stdout, 'ok: encode_and_deploy v1 (2 tasks)\n');
  const yaml = cli('defs', 'validate', fixture('media_pipeline.yaml'));
  assert.equal(yaml.status, 0, yaml.stderr);
  assert.equal(yaml.stdout, 'ok: media_pipeline v1 (15 tasks)\n');
  const tasks = cli('defs', 'validate', taskDefs);
  assert.equal(tasks.status, 0, tasks.stderr);
  assert.equal(tasks.stdout, 'ok: task definition encode\nok: task definition deploy\n');
});

test('defs validate names the task reference and field of every issue, and exits non-zero', () => {
  const typo = structuredClone(encodeAndDeploy);
  typo.tasks[1].retryCont = 3;
  typo.tasks[1].type = 'SIMPEL';
  const out = cli('defs', 'validate', file('typo.json', JSON.stringify(typo)));
  assert.equal(out.status, 2);
  assert.equal(out.stdout, '');
  const lines = out.stderr.trim().split('\n');
  assert.match(
    lines[0] as string,
    /^tutti: workflow definition 'encode_and_deploy' v1 \(.*typo\.json\) is invalid \(2 issues\):$/,
  );
  assert.deepEqual(lines.slice(1), [
    "  - unknown field 'retryCont' in task 'd1' (tasks[1]): did you mean 'retryCount'?",
    "  - task 'd1' (tasks[1]) has unknown type 'SIMPEL': did you mean 'SIMPLE'?",
  ]);

  const taskTypo = cli(
    'defs',
    'validate',
    file('taskdef-typo.yaml', 'name: encode\nretryCount: 2\ntimeoutSecond: 5\n'),
  );
  assert.equal(taskTypo.status, 2);
  assert.match(
    taskTypo.stderr,
    /unknown field 'timeoutSecond' in the task definition: did you mean 'timeoutSeconds'\?/,
  );
});

test('defs validate reports malformed JSON and YAML with line and column', () => {
  const json = cli('defs', 'validate', file('broken.json', '{\n  "name": "x"\n  "tasks": []\n}'));
  assert.equal(json.status, 2);
  assert.match(json.stderr, /broken\.json is not well-formed JSON: .* at line 3, column 3; fix the text there/);
  const yaml = cli('defs', 'validate', file('broken.yaml', 'name: x\ntasks:\n  - name: a\n   taskReferenceName: a\n'));
  assert.equal(yaml.status, 2);
  assert.match(yaml.stderr, /broken\.yaml is not well-formed YAML: .* at line 4, column \d+; fix the text there/);
  const missing = cli('defs', 'validate', join(dir, 'missing.json'));
  assert.equal(missing.status, 2);
  assert.match(missing.stderr, /^tutti: cannot read '.*missing\.json': ENOENT/);
});

test('defs register checks every file before writing: an invalid one stores nothing', () => {
  const fresh = join(dir, 'untouched.db');
  const out = cli('defs', 'register', fixture('encode_and_deploy.json'), file('bad.yaml', 'name: x\n'), '--db', fresh);
  assert.equal(out.status, 2);
  assert.match(
    out.stderr,
    /workflow definition 'x' \(.*bad\.yaml\) is invalid \(1 issue\):\n {2}- the workflow definition needs 'tasks'/,
  );
  assert.equal(out.stdout, '');
  assert.equal(existsSync(fresh), false);
});

test('defs register stores JSON and YAML definitions, creating the database, and is idempotent', () => {
  assert.equal(existsSync(db.path), false);
  const first = cli('defs', 'register', taskDefs, notify, fixture('media_pipeline.yaml'), '--db', db.path);
  assert.equal(first.status, 0, first.stderr);
  assert.equal(
    first.stdout,
    'registered task definition encode\nregistered task definition deploy\nregistered notify_recipients v1\nregistered media_pipeline v1\n',
  );
  const more = cli(
    'defs',
    'register',
    fixture('encode_and_deploy.json'),
    fixture('media_pipeline.json'),
    '--db',
    db.path,
  );
  assert.equal(more.status, 0, more.stderr);
  // The JSON twin of the YAML file is the same definition: nothing to do.
  assert.equal(more.stdout, 'registered encode_and_deploy v1\nunchanged media_pipeline v1\n');
  const again = cli('defs', 'register', taskDefs, '--db', db.path);
  assert.equal(again.stdout, 'unchanged task definition encode\nunchanged task definition deploy\n');
});

test('defs register refuses a changed definition under a registered version, unless --replace', () => {
  const changed = file('changed.json', JSON.stringify({ ...encodeAndDeploy, description: 'changed' }));
  const refused = cli('defs', 'register', changed, '--db', db.path);
  assert.equal(refused.status, 2);
  assert.equal(
    refused.stderr,
    `tutti: workflow definition 'encode_and_deploy' v1 (${changed}): another definition is registered under that name and version and was kept; ` +
      "set its 'version' to 2 to register the change as a new version, or register it with `replace: true` (`tutti defs register --replace`) to overwrite v1\n",
  );
  const kept = JSON.parse(cli('defs', 'show', 'encode_and_deploy', '--db', db.path).stdout);
  assert.equal(kept.description, 'Encodes a file and deploys to CDN');

  const replaced = cli('defs', 'register', changed, '--replace', '--db', db.path);
  assert.equal(replaced.status, 0, replaced.stderr);
  assert.equal(replaced.stdout, 'replaced encode_and_deploy v1\n');
  const v2 = file('v2.json', JSON.stringify({ ...encodeAndDeploy, version: 2 }));
  assert.equal(cli('defs', 'register', v2, '--db', db.path).stdout, 'registered encode_and_deploy v2\n');
  assert.deepEqual(JSON.parse(cli('defs', 'show', 'encode_and_deploy', '--version', '1', '--db', db.path).stdout), {
    ...encodeAndDeploy,
    description: 'changed',
  });
});

test('defs list prints the registered definitions, as a table or JSON', () => {
  const out = cli('defs', 'list', '--db', db.path);
  assert.equal(out.status, 0, out.stderr);
  const rows = out.stdout
    .trim()
    .split('\n')
    .map((line) => line.split(/\s{2,}/));
  assert.deepEqual(rows[0], ['KIND', 'NAME', 'VERSION', 'TASKS', 'REGISTERED']);
  assert.deepEqual(
    rows.slice(1).map((row) => row.slice(0, 4)),
    [
      ['workflow', 'encode_and_deploy', '1', '2'],
      ['workflow', 'encode_and_deploy', '2', '2'],
      ['workflow', 'media_pipeline', '1', '15'],
      ['workflow', 'notify_recipients', '1', '1'],
      ['task', 'deploy', '-', '-'],
      ['task', 'encode', '-', '-'],
    ],
  );
  for (const row of rows.slice(1)) assert.match(row[4] as string, /^\d{4}-\d\d-\d\dT/);

  const json = JSON.parse(cli('defs', 'list', '--json', '--db', db.path).stdout) as { kind: string; name: string }[];
  assert.deepEqual(json[0], { ...json[0], kind: 'workflow', name: 'encode_and_deploy', version: 1, tasks: 2 });
  assert.deepEqual(json.at(-1), { ...json.at(-1), kind: 'task', name: 'encode', version: null, tasks: null });
});

test('defs show prints the latest version, a given one, a task definition, or says what is missing', () => {
  const latest = cli('defs', 'show', 'encode_and_deploy', '--json', '--db', db.path);
  assert.equal(latest.status, 0, latest.stderr);
  const shown = JSON.parse(latest.stdout);
  assert.deepEqual(
    { ...shown, registeredAt: undefined },
    {
      kind: 'workflow',
      name: 'encode_and_deploy',
      version: 2,
      registeredAt: undefined,
      definition: { ...encodeAndDeploy, version: 2 },
    },
  );
  const task = cli('defs', 'show', 'encode', '--task', '--db', db.path);
  assert.deepEqual(JSON.parse(task.stdout), { name: 'encode', retryCount: 2, responseTimeoutSeconds: 30 });

  const asWorkflow = cli('defs', 'show', 'encode', '--db', db.path);
  assert.equal(asWorkflow.status, 2);
  assert.match(
    asWorkflow.stderr,
    /no workflow definition 'encode' is registered; a task definition of that name is: add --task/,
  );
  const noVersion = cli('defs', 'show', 'media_pipeline', '--version', '7', '--db', db.path);
  assert.equal(noVersion.status, 2);
  assert.match(noVersion.stderr, /no workflow definition 'media_pipeline' v7 is registered; see `tutti defs list`/);
  const noDb = cli('defs', 'list', '--db', join(dir, 'nope.db'));
  assert.equal(noDb.status, 2);
  assert.match(noDb.stderr, /no database at/);
});
