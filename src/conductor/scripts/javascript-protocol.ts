/** The messages between the script sandbox (`sandbox.ts`) and its thread (`javascript-thread.ts`). */
import type { ScriptFailureKind } from '../../core/errors.js';

export interface JavascriptJob {
  expression: string;
  /** What the script sees as `$`, as JSON text (parsed inside QuickJS). */
  inputJson: string;
  timeoutMs: number;
  maxStackBytes: number;
}

/** Reading the input, running the script, or turning its result into JSON. */
export type ScriptStage = 'input' | 'script' | 'result';

/** What a script threw, as far as it could be read. */
export interface Thrown {
  /** The error's `name` (`TypeError`, `InternalError`…), '' for a thrown non-error. */
  name: string;
  message: string;
  /** One line for messages: `TypeError: cannot read property 'x' of null`, or the thrown value. */
  text: string;
  /** Where it was thrown or failed to parse, counting from 1; 0 when unknown. */
  line: number;
  column: number;
}

export type JavascriptReply =
  | {
      ok: true /** JSON text, or null when JSON.stringify gave undefined. */;
      resultJson: string | null;
      retire?: boolean;
    }
  | { ok: false; kind: ScriptFailureKind; stage: ScriptStage; thrown: Thrown; retire?: boolean };
