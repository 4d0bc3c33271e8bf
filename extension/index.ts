/**
 * prisma-spector runtime: what the generated code and users import from `prisma-spector`.
 */
export { createSpectorExtension, type SpectorModelDefinition, type SpectorSchema } from './prisma/spectorExtension.ts'
export type { SpectorOptions, Until, ExecuteOptions, DriftReport, DriftedRecord, BringupOptions, BringupResult } from './prisma/eventedDelegate.ts'
export { spectorAdapter, type DriverAdapterFactory } from './prisma/spectorAdapter.ts'
export { SpectorApi, type EventsWhereOptions } from './prisma/spectorApi.ts'
export { ChangeFeed, type FeedOptions, type FeedEvent, type FeedPage } from './prisma/changeFeed.ts'
export { subscriptionModelBlock, type SubscribeOptions, type SubscriptionHandler, type SubscriptionResult } from './prisma/subscription.ts'
export type { SpectorContext, MetadataSchema, ContextOptions } from './prisma/requestContext.ts'
export type { EventLink, LinksQuery } from './prisma/prismaEventLinks.ts'
export type { FieldDifference } from './core/stateDiff.ts'
export type { HistoryEntry, FieldChange } from './core/recordHistory.ts'
export type { HistoryOptions, ReplayOptions, ResumeFrom } from './prisma/recordReads.ts'
export type { VerifyHashChainOptions, SavepointVerification } from './prisma/integrity.ts'
export type { Checkpoint, ChainBreak, ChainBreakKind, VerifyResult } from './core/chainVerifier.ts'
export { canonicalJson } from './core/canonicalJson.ts'
export { EventHasher, hashInput, type HashAlgorithm, type HashedEvent } from './core/hashChain.ts'
export { appendOnlySql, appendOnlyEventLogSql, applyAppendOnlyEventLog } from './dialects/appendOnlySql.ts'
export { sameRecordLinkSql, eventLinkConstraintsSql, applyEventLinkConstraints } from './dialects/sameRecordLinkSql.ts'
export { zodModelCodec, fieldErrorsFromZod } from './codec/zodModelCodec.ts'
export {
  Invalid,
  type Changeset,
  type ChangesetContext,
  type VersionRange,
  type EventLinks,
  type PendingEvent,
  type LinkedEvent,
  type PrepareEventContext,
  type MaterializationContext,
  type ActionAttrsSchema,
  type ActionSchemasOf,
  type ExecuteArgs,
} from './core/changeset.ts'
export type { StoredEvent, HistoryPoint } from './core/eventLog.ts'
export type { ModelMetadata, FieldMetadata, RelationMetadata, EventLogMetadata, EventLinkMetadata, FieldDefault, ScalarType } from './core/metadata.ts'
export type { JsonValue, JsonObject, ModelCodec } from './core/payloadCodec.ts'
export { getAttr, fetchAttr } from './core/attrs.ts'
export {
  SpectorError,
  SpectorValidationError,
  SpectorNotFoundError,
  SpectorIdNotAllowedError,
  SpectorUnknownActionError,
  SpectorUnsupportedWriteError,
  SpectorConflictError,
  SpectorConnectionError,
  type ConflictReason,
  SpectorReplayError,
  SpectorConfigurationError,
  SpectorHashChainError,
  SpectorSavepointError,
  type SpectorErrorCode,
  type FieldErrors,
} from './core/errors.ts'
