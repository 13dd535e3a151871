/**
 * Refusing fields Conductor does not know, so a typo (`taskRefName`) is reported rather than
 * silently ignored, with the nearest known name. Free-form maps (`inputParameters`, `variables`,
 * `metadata`…) are not checked: any key is valid there.
 */
import type { DefinitionIssue } from '../core/errors.js';
import { didYouMean } from '../core/suggest.js';
import { KNOWN_FIELDS, type ObjectKind } from './fields.js';
import { describeTask, isPlainObject, stringField, walkTasks } from './walk.js';

// What messages call each kind of object when no suggestion fits.
const CLASS_NAMES: Readonly<Record<ObjectKind, string>> = {
  workflowDef: 'WorkflowDef',
  workflowTask: 'WorkflowTask',
  taskDef: 'TaskDef',
  subWorkflowParams: 'SubWorkflowParams',
  schemaDef: 'SchemaDef',
  rateLimitConfig: 'RateLimitConfig',
  cacheConfig: 'CacheConfig',
  stateChangeEvent: 'StateChangeEvent',
};

/** Where an object is, for messages and issues. */
interface Place {
  path: string;
  /** `in task 'x' (tasks[0])`, `in subWorkflowParam of the workflow definition`… */
  where: string;
  taskReferenceName?: string;
}

function nested(place: Place, field: string, owner: string): Place {
  return { ...place, path: `${place.path}.${field}`, where: `in ${field} of ${owner}` };
}

function checkFields(value: unknown, kind: ObjectKind, place: Place, issues: DefinitionIssue[]): void {
  if (!isPlainObject(value)) return;
  const known = KNOWN_FIELDS[kind];
  for (const field of Object.keys(value)) {
    if (known.includes(field)) continue;
    const hint = didYouMean(field, known) || `; Conductor's ${CLASS_NAMES[kind]} has no such field: remove it`;
    issues.push({
      path: place.path,
      ...(place.taskReferenceName === undefined ? {} : { taskReferenceName: place.taskReferenceName }),
      field,
      message: `unknown field '${field}' ${place.where}${hint}`,
    });
  }
}

function checkSchemas(owner: Record<string, unknown>, place: Place, ownerName: string, issues: DefinitionIssue[]) {
  for (const field of ['inputSchema', 'outputSchema']) {
    checkFields(owner[field], 'schemaDef', nested(place, field, ownerName), issues);
  }
}

function checkTask(task: unknown, path: string, issues: DefinitionIssue[]): void {
  if (!isPlainObject(task)) return;
  const ref = stringField(task, 'taskReferenceName');
  const owner = describeTask({ task, path });
  const place: Place = { path, where: `in ${owner}`, ...(ref === undefined ? {} : { taskReferenceName: ref }) };
  checkFields(task, 'workflowTask', place, issues);
  checkFields(task.cacheConfig, 'cacheConfig', nested(place, 'cacheConfig', owner), issues);

  const taskDefinition = task.taskDefinition;
  checkFields(taskDefinition, 'taskDef', nested(place, 'taskDefinition', owner), issues);
  if (isPlainObject(taskDefinition)) {
    checkSchemas(taskDefinition, nested(place, 'taskDefinition', owner), `taskDefinition of ${owner}`, issues);
  }

  const subWorkflowParam = task.subWorkflowParam;
  checkFields(subWorkflowParam, 'subWorkflowParams', nested(place, 'subWorkflowParam', owner), issues);
  if (isPlainObject(subWorkflowParam)) {
    issues.push(
      ...findUnknownFields(subWorkflowParam.workflowDefinition, `${path}.subWorkflowParam.workflowDefinition`),
    );
  }

  if (isPlainObject(task.onStateChange)) {
    for (const [on, events] of Object.entries(task.onStateChange)) {
      if (!Array.isArray(events)) continue;
      events.forEach((event, i) => {
        const eventPlace = {
          ...place,
          path: `${path}.onStateChange.${on}[${i}]`,
          where: `in onStateChange of ${owner}`,
        };
        checkFields(event, 'stateChangeEvent', eventPlace, issues);
      });
    }
  }
}

/**
 * Fields of a workflow definition (or, with `kind`, of a task definition) that Conductor does not
 * know, with the nearest known name when one is close. `basePath` prefixes every path (for inline
 * sub-workflow definitions).
 *
 * @example
 * findUnknownFields({ name: 'w', tasks: [{ name: 'encode', taskRefName: 'encode' }] })[0].message;
 * // → "unknown field 'taskRefName' in task 'encode' (tasks[0]): did you mean 'taskReferenceName'?"
 */
export function findUnknownFields(
  definition: unknown,
  basePath = '',
  kind: 'workflowDef' | 'taskDef' = 'workflowDef',
): DefinitionIssue[] {
  const issues: DefinitionIssue[] = [];
  if (!isPlainObject(definition)) return issues;
  const owner = kind === 'taskDef' ? 'the task definition' : 'the workflow definition';
  const ownerAt = basePath === '' ? owner : `${owner} at ${basePath}`;
  const place: Place = { path: basePath, where: `in ${ownerAt}` };
  const at = (field: string): Place => ({
    path: basePath === '' ? field : `${basePath}.${field}`,
    where: `in ${field} of ${ownerAt}`,
  });

  checkFields(definition, kind, place, issues);
  for (const field of ['inputSchema', 'outputSchema']) checkFields(definition[field], 'schemaDef', at(field), issues);
  if (kind === 'taskDef') return issues;

  checkFields(definition.rateLimitConfig, 'rateLimitConfig', at('rateLimitConfig'), issues);
  checkFields(definition.cacheConfig, 'cacheConfig', at('cacheConfig'), issues);
  for (const site of walkTasks(definition, basePath)) checkTask(site.task, site.path, issues);
  return issues;
}
