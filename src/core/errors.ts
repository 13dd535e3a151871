/**
 * Every error Tutti throws comes from this module.
 *
 * Each has a stable string `code` (match on it, not on the message), says whether retrying the
 * same operation can help (`retryable`), keeps the underlying `cause`, and has a message that
 * names the thing at fault and how to fix it.
 */

export type TuttiErrorCode =
  | 'CONFIG_INVALID'
  | 'DUPLICATE_NAME'
  | 'UNKNOWN_WORKFLOW'
  | 'UNKNOWN_RUN'
  | 'NOT_SERIALIZABLE'
  | 'NON_DETERMINISM'
  | 'NON_RETRYABLE'
  | 'STEP_TIMEOUT'
  | 'STEP_FAILED'
  | 'RUN_FAILED'
  | 'RUN_CANCELLED'
  | 'RUN_CONFLICT'
  | 'STORE_UNAVAILABLE'
  | 'STORE_SCHEMA_TOO_NEW'
  | 'STORE_CLOSED'
  | 'JOURNAL_CONFLICT'
  | 'RUN_INTERRUPTED'
  | 'EVENT_INVALID'
  | 'EVENT_SCHEMA_INCOMPATIBLE'
  | 'EVENT_TYPE_UNKNOWN'
  | 'UNKNOWN_SUBSCRIPTION'
  | 'DELIVERY_TIMEOUT'
  | 'EVENT_TOO_LARGE'
  | 'EVENT_WAIT_TIMEOUT'
  | 'SCRIPT_FAILED'
  | 'HTTP_TASK_FAILED'
  | 'DEFINITION_SYNTAX'
  | 'DEFINITION_INVALID'
  | 'DEFINITION_CONFLICT'
  | 'REMOTE_TASK_FAILED'
  | 'TASK_NOT_HELD'
  | 'RUN_STATE'
  | 'SLIP_ACTIVITY_UNKNOWN'
  | 'SLIP_INVALID'
  | 'SLIP_ACTIVITY_TIMEOUT'
  | 'SLIP_COMPENSATION_FAILED'
  | 'SLIP_TIMEOUT'
  | 'UNAUTHENTICATED'
  | 'RATE_LIMITED';

export interface TuttiErrorOptions {
  cause?: unknown;
  retryable?: boolean;
}

export class TuttiError extends Error {
  readonly code: TuttiErrorCode;
  readonly retryable: boolean;

  constructor(code: TuttiErrorCode, message: string, options: TuttiErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'TuttiError';
    this.code = code;
    this.retryable = options.retryable ?? false;
  }
}

/** Bad options, a bad definition or a bad store URL: fix the configuration and start again. */
export class ConfigError extends TuttiError {
  constructor(message: string, options?: TuttiErrorOptions) {
    super('CONFIG_INVALID', message, options);
    this.name = 'ConfigError';
  }
}

/** Two services, two steps of one service or two workflow versions share a name. */
export class DuplicateNameError extends TuttiError {
  constructor(message: string) {
    super('DUPLICATE_NAME', message);
    this.name = 'DuplicateNameError';
  }
}

export class UnknownWorkflowError extends TuttiError {
  constructor(message: string) {
    super('UNKNOWN_WORKFLOW', message);
    this.name = 'UnknownWorkflowError';
  }
}

export class UnknownRunError extends TuttiError {
  constructor(runId: string) {
    super('UNKNOWN_RUN', `no run with id '${runId}': check the id with \`tutti runs list\``);
    this.name = 'UnknownRunError';
  }
}

export class UnknownSubscriptionError extends TuttiError {
  constructor(name: string) {
    super(
      'UNKNOWN_SUBSCRIPTION',
      `no subscription named '${name}': a subscription exists once a subscriber with that name has started; check the name against the store's listSubscriptions()`,
    );
    this.name = 'UnknownSubscriptionError';
  }
}

/** An event handler did not return within its subscription's timeout; the delivery is retried. */
export class DeliveryTimeoutError extends TuttiError {
  constructor(subscription: string, seq: number, timeoutMs: number) {
    super(
      'DELIVERY_TIMEOUT',
      `subscription '${subscription}': the handler of event ${seq} did not return within ${timeoutMs} ms; ` +
        "it is retried. Make the handler faster, or raise the subscription's `timeout`",
      { retryable: true },
    );
    this.name = 'DeliveryTimeoutError';
  }
}

/** A step input, step result or workflow input/output cannot be stored as JSON. */
export class SerializationError extends TuttiError {
  constructor(message: string, options?: TuttiErrorOptions) {
    super('NOT_SERIALIZABLE', message, options);
    this.name = 'SerializationError';
  }
}

/** The workflow code, replayed, asked for something other than what its journal recorded. */
export class NonDeterminismError extends TuttiError {
  readonly position: number;
  constructor(message: string, position: number) {
    super('NON_DETERMINISM', message);
    this.name = 'NonDeterminismError';
    this.position = position;
  }
}

/**
 * Throw this from a step to fail it at once, without further attempts
 * (a declined card, a validation failure: retrying cannot help).
 *
 * @example
 * if (card.declined) throw new NonRetryableError('card declined');
 */
export class NonRetryableError extends TuttiError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('NON_RETRYABLE', message, { cause: options?.cause, retryable: false });
    this.name = 'NonRetryableError';
  }
}

export class StepTimeoutError extends TuttiError {
  constructor(step: string, timeoutMs: number) {
    super(
      'STEP_TIMEOUT',
      `step '${step}' did not finish within ${timeoutMs} ms; raise its \`timeout\` option or make it faster`,
      { retryable: true },
    );
    this.name = 'StepTimeoutError';
  }
}

/**
 * What a workflow sees when a step has failed for good (attempts exhausted or non-retryable).
 * `cause` is what the step threw, exactly as it was recorded (it may not be an Error).
 */
export class StepFailedError extends TuttiError {
  readonly step: string;
  readonly attempts: number;
  constructor(step: string, attempts: number, cause: unknown) {
    super('STEP_FAILED', `step '${step}' failed after ${attempts} attempt(s): ${describe(cause)}`, {
      cause,
    });
    this.name = 'StepFailedError';
    this.step = step;
    this.attempts = attempts;
  }
}

/** What `run.result()` rejects with when the run failed. `cause` is the workflow's own error. */
export class RunFailedError extends TuttiError {
  readonly runId: string;
  constructor(runId: string, cause: unknown, detail = '') {
    super('RUN_FAILED', `run '${runId}' failed: ${describe(cause)}${detail}`, { cause });
    this.name = 'RunFailedError';
    this.runId = runId;
  }
}

export class RunCancelledError extends TuttiError {
  readonly runId: string;
  constructor(runId: string, reason?: string) {
    super('RUN_CANCELLED', `run '${runId}' was cancelled${reason ? `: ${reason}` : ''}`);
    this.name = 'RunCancelledError';
    this.runId = runId;
  }
}

/** Starting an id that already belongs to a run of another workflow. */
export class RunConflictError extends TuttiError {
  constructor(message: string) {
    super('RUN_CONFLICT', message);
    this.name = 'RunConflictError';
  }
}

export class StoreUnavailableError extends TuttiError {
  constructor(message: string, options?: TuttiErrorOptions) {
    super('STORE_UNAVAILABLE', message, options);
    this.name = 'StoreUnavailableError';
  }
}

export class SchemaTooNewError extends TuttiError {
  constructor(message: string) {
    super('STORE_SCHEMA_TOO_NEW', message);
    this.name = 'SchemaTooNewError';
  }
}

export class StoreClosedError extends TuttiError {
  constructor() {
    super('STORE_CLOSED', 'the store is closed; create a new Tutti instance to use it again');
    this.name = 'StoreClosedError';
  }
}

/** A one-line description of any thrown value, for messages. */
export function describe(value: unknown): string {
  if (value instanceof Error) return value.message;
  if (typeof value === 'string') return value;
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}

/** A journal position written twice: the journal is append-only. Two engines driving one run cause this. */
export class JournalConflictError extends TuttiError {
  constructor(entry: { runId: string; position: number; name: string }) {
    super(
      'JOURNAL_CONFLICT',
      `run '${entry.runId}': journal position ${entry.position} ('${entry.name}') is already written; is another engine running this run?`,
    );
    this.name = 'JournalConflictError';
  }
}

/** The run stopped without an outcome because its Tutti instance closed; it resumes on next start. */
export class RunInterruptedError extends TuttiError {
  readonly runId: string;
  constructor(runId: string) {
    super(
      'RUN_INTERRUPTED',
      `run '${runId}' stopped because Tutti closed before it finished; it resumes when Tutti starts again on the same store`,
      { retryable: true },
    );
    this.name = 'RunInterruptedError';
    this.runId = runId;
  }
}

/** Event data that does not match its contract's schema; `path` names the failing field ('' for the whole event). */
export class EventValidationError extends TuttiError {
  readonly eventType: string;
  readonly version: number;
  readonly path: string;
  /** What is wrong with the field and how to fix it, without the event's name: for a caller that names the field its own way (HTTP ingress). */
  readonly detail: string;
  constructor(failure: { eventType: string; version: number; path: string; problem: string; fix: string }) {
    const where = failure.path === '' ? 'the event data' : `'${failure.path}'`;
    super(
      'EVENT_INVALID',
      `event '${failure.eventType}' v${failure.version} is invalid: ${where} ${failure.problem}; ${failure.fix}`,
    );
    this.name = 'EventValidationError';
    this.eventType = failure.eventType;
    this.version = failure.version;
    this.path = failure.path;
    this.detail = `${failure.problem}; ${failure.fix}`;
  }
}

/** Event data larger than the instance's `maxEventBytes`: refused at publish, nothing written. */
export class EventTooLargeError extends TuttiError {
  constructor(eventType: string, bytes: number, maxBytes: number) {
    super(
      'EVENT_TOO_LARGE',
      `event '${eventType}': its data is ${bytes} bytes of JSON, over the limit of ${maxBytes}; ` +
        'put large payloads in storage and send a reference, or raise `maxEventBytes` in createTutti',
    );
    this.name = 'EventTooLargeError';
  }
}

/** `ctx.waitForEvent` (or `ctx.waitForSignal`) saw no matching event before its timeout. */
export class EventWaitTimeoutError extends TuttiError {
  constructor(what: string, timeoutMs: number) {
    super(
      'EVENT_WAIT_TIMEOUT',
      `no ${what} arrived within ${timeoutMs} ms; catch this error in the workflow to take another path, or raise the timeout`,
    );
    this.name = 'EventWaitTimeoutError';
  }
}

/** One reason why data valid under a writer's schema may be refused by a reader's schema. */
export interface Incompatibility {
  /** The field, e.g. `customer.email` or `items[].qty`; '' for the whole event. */
  path: string;
  reason: string;
}

/**
 * A schema version that the subscribers of another version could not read: refused when the
 * version or the subscriber is registered, so the break shows at deploy time, not as dead letters.
 */
export class IncompatibleSchemaError extends TuttiError {
  readonly eventType: string;
  readonly writerVersion: number;
  readonly readerVersion: number;
  readonly subscribers: readonly string[];
  readonly incompatibilities: readonly Incompatibility[];
  constructor(found: {
    eventType: string;
    writerVersion: number;
    readerVersion: number;
    subscribers: readonly string[];
    incompatibilities: readonly Incompatibility[];
  }) {
    const fields = found.incompatibilities.map(
      (i) => `\n  - ${i.path === '' ? '(the whole event)' : i.path}: ${i.reason}`,
    );
    const readers = found.subscribers.map((s) => `'${s}'`).join(', ');
    super(
      'EVENT_SCHEMA_INCOMPATIBLE',
      `event '${found.eventType}' v${found.writerVersion} (writer) cannot be read as v${found.readerVersion} (reader), ` +
        `the version subscriber(s) ${readers} declared:${fields.join('')}\n` +
        'To fix: make the field optional (or keep its type) in the new version, publish the change as a new ' +
        'event type, or migrate the subscribers to a compatible version first.',
    );
    this.name = 'IncompatibleSchemaError';
    this.eventType = found.eventType;
    this.writerVersion = found.writerVersion;
    this.readerVersion = found.readerVersion;
    this.subscribers = found.subscribers;
    this.incompatibilities = found.incompatibilities;
  }
}

/** An event type (or a version of it) that no contract registered. */
export class UnknownEventTypeError extends TuttiError {
  readonly eventType: string;
  constructor(eventType: string, message: string) {
    super('EVENT_TYPE_UNKNOWN', message);
    this.name = 'UnknownEventTypeError';
    this.eventType = eventType;
  }
}

/** How a Conductor script (INLINE, SWITCH and DO_WHILE `javascript`, JSON_JQ_TRANSFORM's jq) failed. */
export type ScriptFailureKind =
  /** The task's script cannot be run as given: an unknown `evaluatorType`, no `expression`. */
  | 'invalid'
  /** It does not parse (jq: does not compile); `line` and `column` say where when known. */
  | 'syntax'
  /** It threw (jq: `error(…)` or a runtime error). */
  | 'thrown'
  /** Stopped at the time limit. */
  | 'timeout'
  /** Stopped at the memory limit. */
  | 'memory'
  /** Recursion too deep for the stack limit. */
  | 'stack'
  /** Its result cannot be carried as JSON (a BigInt, for one). */
  | 'result'
  /** The sandbox itself broke down and is being restarted; retrying can help. */
  | 'unavailable';

/**
 * A task's script failed or was stopped. The sandbox and every other script carry on; only this
 * evaluation is lost. `retryable` only for `unavailable`: a script that failed fails again on
 * the same input.
 */
export class ScriptError extends TuttiError {
  readonly kind: ScriptFailureKind;
  readonly taskReferenceName: string;
  readonly language: 'javascript' | 'jq';
  /** Where a syntax error or a throw is, counting from 1 (0 when unknown). */
  readonly line: number;
  readonly column: number;
  constructor(found: {
    kind: ScriptFailureKind;
    taskReferenceName: string;
    language: 'javascript' | 'jq';
    problem: string;
    fix: string;
    line?: number;
    column?: number;
    cause?: unknown;
  }) {
    super('SCRIPT_FAILED', `task '${found.taskReferenceName}' (${found.language}): ${found.problem}; ${found.fix}`, {
      cause: found.cause,
      retryable: found.kind === 'unavailable',
    });
    this.name = 'ScriptError';
    this.kind = found.kind;
    this.taskReferenceName = found.taskReferenceName;
    this.language = found.language;
    this.line = found.line ?? 0;
    this.column = found.column ?? 0;
  }
}

/** How a Conductor HTTP task failed. */
export type HttpTaskFailureKind =
  /** The request cannot be made as given: no `uri`, a relative or non-http(s) URI, a method fetch cannot send, a bad header or timeout. */
  | 'invalid'
  /** The server answered with a status outside 200–299; `statusCode` and `response` say what it answered. */
  | 'status'
  /** No answer: the name did not resolve, the connection was refused or reset, TLS failed. */
  | 'network'
  /** No complete answer within the call's deadline. */
  | 'timeout'
  /** The response body is larger than the limit (`maxResponseBytes`). */
  | 'too-large';

/** What the server answered, in the shape of Conductor's `output.response`. */
export interface HttpTaskResponse {
  statusCode: number;
  reasonPhrase: string;
  /** Header name (lower case) to its values. */
  headers: Record<string, string[]>;
  /** The body, parsed as JSON when it is JSON, else its text; null when empty. */
  body: unknown;
}

/**
 * A Conductor HTTP task failed. `retryable` is decided by the caller for `status`, `network` and
 * `timeout` (Conductor retries every failed HTTP task per its task definition); never for
 * `invalid` and `too-large`, which fail the same way again on the same input.
 */
export class HttpTaskError extends TuttiError {
  readonly kind: HttpTaskFailureKind;
  readonly taskReferenceName: string;
  /** The answer's status, 0 when there was none. */
  readonly statusCode: number;
  /** The answer, for `status` failures: what the task's `output.response` would have held. */
  readonly response: HttpTaskResponse | undefined;
  constructor(found: {
    kind: HttpTaskFailureKind;
    taskReferenceName: string;
    problem: string;
    fix: string;
    retryable?: boolean;
    response?: HttpTaskResponse;
    cause?: unknown;
  }) {
    super('HTTP_TASK_FAILED', `task '${found.taskReferenceName}' (HTTP): ${found.problem}; ${found.fix}`, {
      cause: found.cause,
      retryable: found.kind === 'invalid' || found.kind === 'too-large' ? false : (found.retryable ?? true),
    });
    this.name = 'HttpTaskError';
    this.kind = found.kind;
    this.taskReferenceName = found.taskReferenceName;
    this.statusCode = found.response?.statusCode ?? 0;
    this.response = found.response;
  }
}

/** Where in a declarative definition an issue is, and what is wrong there. */
export interface DefinitionIssue {
  /** The object at fault, in the notation of the source: `tasks[1].decisionCases.big[0]`; '' for the definition itself. */
  path: string;
  /** The task's `taskReferenceName`, when the issue is in or about a task that has one. */
  taskReferenceName?: string;
  /** The field at fault, e.g. `joinOn[0]` or `inputParameters.fileLocation`; '' when the whole object is at fault. */
  field: string;
  /** A sentence naming the field and how to fix it. */
  message: string;
}

/**
 * A workflow or task definition (Conductor's format) that cannot run as written. Every issue
 * found is listed at once, so one round of fixes is enough.
 */
export class DefinitionError extends TuttiError {
  readonly definition: string;
  readonly issues: readonly DefinitionIssue[];
  constructor(definition: string, issues: readonly DefinitionIssue[]) {
    const count = issues.length === 1 ? '1 issue' : `${issues.length} issues`;
    super(
      'DEFINITION_INVALID',
      `${definition} is invalid (${count}):${issues.map((i) => `\n  - ${i.message}`).join('')}`,
    );
    this.name = 'DefinitionError';
    this.definition = definition;
    this.issues = issues;
  }
}

/** Definition text that is not well-formed JSON or YAML; `line` and `column` count from 1 (0 when unknown). */
export class DefinitionSyntaxError extends TuttiError {
  readonly format: 'json' | 'yaml';
  readonly line: number;
  readonly column: number;
  constructor(found: { source: string; format: 'json' | 'yaml'; line: number; column: number; problem: string }) {
    const where = found.line > 0 ? `line ${found.line}, column ${found.column}` : 'an unknown position';
    const usualCause =
      found.format === 'json'
        ? 'a missing comma, quote or bracket is the usual cause'
        : "indentation, or a ':' or '-' out of place, is the usual cause";
    super(
      'DEFINITION_SYNTAX',
      `${found.source} is not well-formed ${found.format === 'json' ? 'JSON' : 'YAML'}: ${found.problem} at ${where}; ` +
        `fix the text there (${usualCause})`,
    );
    this.name = 'DefinitionSyntaxError';
    this.format = found.format;
    this.line = found.line;
    this.column = found.column;
  }
}

/**
 * A definition registered under a name and version that already hold a different one. Nothing was
 * overwritten: registering is idempotent for the same definition, and a change needs a new
 * version, or an explicit replace.
 */
export class DefinitionConflictError extends TuttiError {
  readonly kind: 'workflow' | 'task';
  readonly definitionName: string;
  readonly version: number;
  constructor(found: {
    kind: 'workflow' | 'task';
    name: string;
    version: number;
    /** The highest version registered under the name, for the version to suggest. */
    latestVersion: number;
    /** Where the new definition comes from, e.g. its file name. */
    source?: string | undefined;
  }) {
    const replace = 'register it with `replace: true` (`tutti defs register --replace`)';
    const fix =
      found.kind === 'workflow'
        ? `set its 'version' to ${found.latestVersion + 1} to register the change as a new version, or ${replace} to overwrite v${found.version}`
        : `task definitions have no versions: ${replace} to overwrite it`;
    const what =
      found.kind === 'workflow'
        ? `workflow definition '${found.name}' v${found.version}`
        : `task definition '${found.name}'`;
    const from = found.source === undefined ? '' : ` (${found.source})`;
    super(
      'DEFINITION_CONFLICT',
      `${what}${from}: another definition is registered under that name${found.kind === 'workflow' ? ' and version' : ''} and was kept; ${fix}`,
    );
    this.name = 'DefinitionConflictError';
    this.kind = found.kind;
    this.definitionName = found.name;
    this.version = found.version;
  }
}

/** A routing slip names an activity its catalog does not know (refused before anything is published). */
export class UnknownActivityError extends TuttiError {
  readonly activity: string;
  constructor(activity: string, known: readonly string[], suggestion?: string) {
    const hint = suggestion ? `did you mean '${suggestion}'? ` : '';
    super(
      'SLIP_ACTIVITY_UNKNOWN',
      `routing slip: no activity named '${activity}' in the catalog; ${hint}known: ${known.map((k) => `'${k}'`).join(', ') || 'none'}. ` +
        'Fix the name, or add the activity to the catalog given to the builder and the hosts',
    );
    this.name = 'UnknownActivityError';
    this.activity = activity;
  }
}

/**
 * A slip event whose data is not a routing slip, or not one for the activity that received it:
 * not retryable, so the event becomes a dead letter at once, with this error.
 */
export class SlipInvalidError extends TuttiError {
  readonly eventId: string;
  constructor(eventId: string, problem: string, options?: { cause?: unknown }) {
    super(
      'SLIP_INVALID',
      `slip event '${eventId}' cannot be carried out: ${problem}; slip events are made by startSlip and the activity hosts, ` +
        'do not publish them by hand (see `tutti dlq list` for the event)',
      { cause: options?.cause, retryable: false },
    );
    this.name = 'SlipInvalidError';
    this.eventId = eventId;
  }
}

/** An activity's execute or compensate did not finish within the activity's `timeout` (retried). */
export class ActivityTimeoutError extends TuttiError {
  constructor(activity: string, what: 'execute' | 'compensate', timeoutMs: number) {
    super(
      'SLIP_ACTIVITY_TIMEOUT',
      `activity '${activity}': ${what} did not finish within ${timeoutMs} ms; make it faster or raise the activity's \`timeout\``,
      { retryable: true },
    );
    this.name = 'ActivityTimeoutError';
  }
}

/**
 * The compensation of a completed activity failed on its last attempt: the compensate event is a
 * dead letter with this error and a `tutti.slip.compensation-failed` event says so. Redriving the
 * dead letter carries on compensating the slip from there.
 */
export class CompensationFailedError extends TuttiError {
  readonly trackingId: string;
  readonly activity: string;
  constructor(trackingId: string, activity: string, attempts: number, cause: unknown) {
    super(
      'SLIP_COMPENSATION_FAILED',
      `slip '${trackingId}': compensating activity '${activity}' failed after ${attempts} attempt(s): ${describe(cause)}; ` +
        'fix the cause, then redrive the dead letter (`tutti dlq redrive`) to carry on compensating',
      { cause, retryable: false },
    );
    this.name = 'CompensationFailedError';
    this.trackingId = trackingId;
    this.activity = activity;
  }
}

/** A slip watcher saw no outcome (completed, faulted, terminated, compensation failed) in time. */
export class SlipTimeoutError extends TuttiError {
  readonly trackingId: string;
  constructor(trackingId: string, timeoutMs: number, lastSeen: string) {
    super(
      'SLIP_TIMEOUT',
      `slip '${trackingId}' has no outcome after ${timeoutMs} ms; ${lastSeen}. ` +
        'Is a host running for its next activity? Its execute event waits in the log: `tutti events tail --type tutti.slip.execute.<activity>`',
      { retryable: true },
    );
    this.name = 'SlipTimeoutError';
    this.trackingId = trackingId;
  }
}

/**
 * A step that ran on a remote worker failed there: `remoteCode` and the message are the worker's.
 * Retried by the step's policy unless the worker said `retryable: false`.
 */
export class RemoteTaskError extends TuttiError {
  readonly remoteCode: string | undefined;
  constructor(step: string, message: string, options: { code?: string; retryable?: boolean } = {}) {
    super('REMOTE_TASK_FAILED', `step '${step}' failed on its remote worker: ${message}`, {
      retryable: options.retryable ?? true,
    });
    this.name = 'RemoteTaskError';
    this.remoteCode = options.code;
  }
}

/**
 * A worker reported on (or heartbeat for) a task it does not hold: its lease expired and another
 * worker claimed the task, or an outcome is already recorded. Its result is dropped.
 */
export class TaskNotHeldError extends TuttiError {
  constructor(taskId: string, why: string) {
    super('TASK_NOT_HELD', `task '${taskId}': ${why}; the result is dropped (the task is not lost)`);
    this.name = 'TaskNotHeldError';
  }
}

/**
 * A request to the server without a valid API token: none sent, not in the expected form, or
 * unknown or revoked. `problem` says which; the message adds how to send one and how to get one.
 */
export class UnauthenticatedError extends TuttiError {
  constructor(problem: string) {
    super(
      'UNAUTHENTICATED',
      `${problem}; send \`Authorization: Bearer <token>\` (or Conductor's \`X-Authorization: <token>\`), ` +
        'with a token from `tutti tokens create --namespace <ns>`',
    );
    this.name = 'UnauthenticatedError';
  }
}

/** Too many requests for one token (or client address) in too little time: wait `retryAfterMs`, then retry. */
export class RateLimitedError extends TuttiError {
  readonly retryAfterMs: number;
  constructor(retryAfterMs: number, limit: { perSecond: number; burst: number }) {
    super(
      'RATE_LIMITED',
      `too many requests: the limit is ${limit.perSecond} per second, in bursts of up to ${limit.burst}, per token ` +
        `(per client address without one); retry in ${Math.ceil(retryAfterMs / 1000)} s, or spread the requests out`,
      { retryable: true },
    );
    this.name = 'RateLimitedError';
    this.retryAfterMs = retryAfterMs;
  }
}

/**
 * An operator's action that the run's state does not allow: retrying a run that completed,
 * resuming one that is not paused, pausing one that finished.
 */
export class RunStateError extends TuttiError {
  constructor(runId: string, problem: string) {
    super('RUN_STATE', `run '${runId}' ${problem}`);
    this.name = 'RunStateError';
  }
}
