import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { ApprovalRecord, DecisionRequest, InterpreterStatus } from './InterpreterTypes.ts';

/**
 * The messages planInterpreterWorkflow answers, by the names the Temporal UI and CLI use. Updates are refused by
 * their validator (nothing enters history); the signals are for tools that cannot wait for an answer, and a
 * refused signal is only recorded in `refused` of the status.
 */
export const interpreterMessages = {
  status: defineQuery<InterpreterStatus>('status'),
  approve: defineUpdate<ApprovalRecord, [DecisionRequest]>('approve'),
  reject: defineUpdate<ApprovalRecord, [DecisionRequest]>('reject'),
  approveSignal: defineSignal<[DecisionRequest]>('approveSignal'),
  rejectSignal: defineSignal<[DecisionRequest]>('rejectSignal'),
} as const;

export const interpreterMessageDescriptions = {
  status: 'Phase, current steps, open approval gates and per-step status, attempts and last error.',
  approve: 'Approve the open gate: {"identity": "alice", "planHash": "<hash from status>", "comment": "..."}; where status shows a tokenIssuer (protected environment) {"token": "<JWT from that issuer>", "planHash": "<hash>"} instead, identity and roles then come from the token. Refused for an identity without the role, a second approval by the same identity, another plan hash, or a token missing, forged, expired or without MFA where a role requires it (refused tokens show in status.refused).',
  reject: 'Reject the open gate (compensations run): {"identity": "alice", "planHash": "<hash>", "comment": "why"}, or with "token" like approve. Refused like approve.',
  approveSignal: 'Approve without waiting for an answer (same JSON as the approve update); a refused approval shows in status.refused.',
  rejectSignal: 'Reject without waiting for an answer (same JSON as the reject update); a refused rejection shows in status.refused.',
} as const;
