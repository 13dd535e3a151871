export { type ConductorWorkflowOptions, conductorWorkflow, type TaskEvent } from './interpreter.js';
export { type RegisteredWorkflows, registeredTaskDefs, registeredWorkflows } from './registered.js';
export { defineSystemTasks, type SystemTaskOptions, type SystemTasks } from './system-tasks.js';
export { defineTaskWorkers, type TaskWorker, type TaskWorkers, type TaskWorkersOptions } from './workers.js';
