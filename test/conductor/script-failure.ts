/** Shared by the script sandbox's and the jq transform's tests. */
import assert from 'node:assert/strict';
import { ScriptError } from '../../src/core/errors.js';

/** Asserts the promise rejects with a ScriptError of `kind` in `language`, and returns it for further checks. */
export async function scriptFailure(
  promise: Promise<unknown>,
  kind: ScriptError['kind'],
  language: ScriptError['language'],
): Promise<ScriptError> {
  try {
    await promise;
  } catch (error) {
    assert.ok(error instanceof ScriptError, `expected a ScriptError, got ${String(error)}`);
    assert.equal(error.kind, kind, error.message);
    assert.equal(error.code, 'SCRIPT_FAILED');
    assert.equal(error.language, language);
    return error;
  }
  assert.fail(`expected a ScriptError of kind '${kind}', but it succeeded`);
}
