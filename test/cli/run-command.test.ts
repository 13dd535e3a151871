// biome-ignore-all lint/suspicious/noTemplateCurlyInString: Conductor expressions are `${…}` in plain strings
/** `tutti run`: runs a registered definition to its end, a progress line per task, the output on stdout. */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { tempDbPath } from '../helpers/temp-db.js';

const db = tempDbPath('tutti-cli-run-');
const dir = dirname(db.path);
const cli = (...args: string[]) =>
  spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', ...args, '--db', db.path], { encoding: 'utf8' });
const file = (name: string, text: string) => {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
};
after(() => db.remove());

const workers = file(
  'workers.mjs',
  `export default {
  encode: ({ fileLocation }) => ({ encodeLocation: fileLocation + '.mp4' }),
  deploy: ({ fileLocation }) => ({ location: 'https://cdn.example/' + fileLocation.split('/').pop() }),
};
`,
);
const priced = file(
  'priced.json',
  JSON.stringify({
    name: 'priced',
    version: 1,
    schemaVersion: 2,
    tasks: [
      {
        name: 'price',
        taskReferenceName: 'price',
        type: 'INLINE',
        inputParameters: {
          evaluatorType: 'javascript',
          expression: 'if ($.qty < 1) throw new Error("qty must be 1 or more"); $.qty * 4',
          qty: '${workflow.input.qty}',
        },
      },
    ],
    outputParameters: { total: '${price.output.result}' },
  }),
);

before(() => {
  const fixture = fileURLToPath(new URL('../conductor/fixtures/encode_and_deploy.json', import.meta.url));
  const registered = cli('defs', 'register', fixture, priced);
  assert.equal(registered.status, 0, registered.stderr);
});

test('runs a definition with the workers of a module: progress per task on stderr, the output on stdout', () => {
  const result = cli(
    'run',
    'encode_and_deploy',
    '--input',
    '{"fileLocation":"s3://raw/take-1.mov"}',
    '--workers',
    workers,
  );
  assert.equal(result.status, 0, result.stderr);
  assert.deepEqual(JSON.parse(result.stdout), { cdn_url: 'https://cdn.example/take-1.mov.mp4' });
  assert.match(result.stderr, /^run [\w-]+: encode_and_deploy v1\n/);
  assert.match(result.stderr, /\n {2}COMPLETED encode \(encode\) \d+ ms\n {2}COMPLETED d1 \(deploy\) \d+ ms\n/);
});

test('a definition of system tasks needs no workers; a run that fails exits 1 naming the task and the cause', () => {
  const ok = cli('run', 'priced', '--input', '{"qty":3}', '--id', 'p-1');
  assert.equal(ok.status, 0, ok.stderr);
  assert.deepEqual(JSON.parse(ok.stdout), { total: 12 });
  const failed = cli('run', 'priced', '--input', '{"qty":0}', '--id', 'p-2');
  assert.equal(failed.status, 1);
  assert.equal(failed.stdout, '');
  assert.match(failed.stderr, /tutti: run p-2 failed: .*task 'price' \(javascript\).*qty must be 1 or more/);
  const shown = spawnSync(
    process.execPath,
    ['--import', 'tsx', 'src/cli/main.ts', 'runs', 'show', 'p-2', '--db', db.path],
    {
      encoding: 'utf8',
    },
  );
  assert.match(shown.stdout, /failed/);
});

test('bad input is refused with a clear line: no workers, not an object, not registered', () => {
  const noWorkers = cli('run', 'encode_and_deploy', '--input', '{}');
  assert.equal(noWorkers.status, 2);
  assert.match(noWorkers.stderr, /no worker for task 'encode'.*pass --workers <module> exporting them/);
  const notObject = cli('run', 'priced', '--input', '[1]');
  assert.equal(notObject.status, 2);
  assert.match(notObject.stderr, /--input: the workflow's input must be a JSON object/);
  const notJson = cli('run', 'priced', '--input', '{qty:1}');
  assert.match(notJson.stderr, /--input: not JSON/);
  const unknown = cli('run', 'pricd');
  assert.equal(unknown.status, 2);
  assert.match(
    unknown.stderr,
    /workflow definition 'pricd' is not registered: did you mean 'priced'\?; register it with `tutti defs register <file>`/,
  );
});
