import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

/**
 * Custom search attributes, so the Temporal UI can filter dbarch workflows. Registered by the embedded server
 * at start; on an external cluster, `temporal operator search-attribute create` them once (docs/operations).
 */
export const dbarchSearchAttributes = {
  environment: defineSearchAttributeKey('DbarchEnvironment', SearchAttributeType.KEYWORD),
  operation: defineSearchAttributeKey('DbarchOperation', SearchAttributeType.KEYWORD),
  specRevision: defineSearchAttributeKey('DbarchSpecRevision', SearchAttributeType.KEYWORD),
  awaitingApproval: defineSearchAttributeKey('DbarchAwaitingApproval', SearchAttributeType.BOOL),
} as const;
