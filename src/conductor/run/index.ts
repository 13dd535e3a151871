export { type ConductorWorkflowOptions, conductorWorkflow } from './interpreter.js';
export { defineTaskWorkers, type TaskWorker, type TaskWorkers } from './workers.js';
