// The workflow bundle's entry: every workflow the worker registers, by exported name.
export { smokeWorkflow } from './smokeWorkflow.ts';
export { planInterpreterWorkflow } from './interpreter/planInterpreterWorkflow.ts';
export { relayWorkflow } from './relayWorkflow.ts';
export { cdcWorkflow } from './cdcWorkflow.ts';
export { monitorWorkflow } from './monitorWorkflow.ts';
export { restoreWorkflow } from './restoreWorkflow.ts';
export { restoreDrillWorkflow } from './restoreDrillWorkflow.ts';
export { failoverDrillWorkflow } from './failoverDrillWorkflow.ts';
export { alertEvaluatorWorkflow } from './alertEvaluatorWorkflow.ts';
export { auditWorkflow } from './auditWorkflow.ts';
