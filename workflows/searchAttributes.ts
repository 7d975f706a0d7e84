import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

/**
 * Custom search attributes, so the Temporal UI can filter dbarch workflows. Registered by the embedded server
 * at start; on an external cluster workers add the missing ones at start, or `dbarch temporal setup` does
 * (runtime/ensureSearchAttributes.ts; DBA_TEMPORAL_SEARCH_ATTRIBUTES_MISSING where the caller may not).
 */
export const dbarchSearchAttributes = {
  environment: defineSearchAttributeKey('DbarchEnvironment', SearchAttributeType.KEYWORD),
  operation: defineSearchAttributeKey('DbarchOperation', SearchAttributeType.KEYWORD),
  specRevision: defineSearchAttributeKey('DbarchSpecRevision', SearchAttributeType.KEYWORD),
  awaitingApproval: defineSearchAttributeKey('DbarchAwaitingApproval', SearchAttributeType.BOOL),
} as const;
