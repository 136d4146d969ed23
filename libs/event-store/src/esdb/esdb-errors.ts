import { ErrorType, WrongExpectedVersionError, isCommandError } from '@eventstore/db-client';
import { ConcurrencyError, DuplicateEventError, ExpectedRevision, StoreUnavailableError } from '../event-store';

export function concurrencyErrorFrom(
  error: WrongExpectedVersionError,
  streamId: string,
  expected: ExpectedRevision,
): ConcurrencyError {
  const actual = error.actualVersion;
  return new ConcurrencyError(streamId, expected, actual === 'no_stream' ? 'no_stream' : Number(actual));
}

/** Error kinds that mean "the server could not be reached or did not answer in time". */
const UNAVAILABLE_ERROR_TYPES = new Set<string>([
  ErrorType.UNAVAILABLE,
  ErrorType.DEADLINE_EXCEEDED,
  ErrorType.TIMEOUT,
  ErrorType.NOT_LEADER,
  ErrorType.CANCELLED,
]);
/** gRPC status codes for the same, in case an error reaches us unconverted. */
const UNAVAILABLE_GRPC_CODES = new Set([4 /* DEADLINE_EXCEEDED */, 14 /* UNAVAILABLE */]);

/** Connection trouble becomes StoreUnavailableError (HTTP 503); everything else passes through. */
export function toStoreError(error: unknown): unknown {
  if (
    error instanceof ConcurrencyError ||
    error instanceof DuplicateEventError ||
    error instanceof StoreUnavailableError
  ) {
    return error;
  }
  if (!(error instanceof Error)) return error;
  if (isCommandError(error) && UNAVAILABLE_ERROR_TYPES.has(error.type)) {
    return new StoreUnavailableError(`EventStoreDB is unavailable (${error.type}): ${error.message}`, error);
  }
  // Cluster discovery gives up with a plain Error when no node answers gossip.
  if (/^Failed to discover/.test(error.message)) {
    return new StoreUnavailableError(`EventStoreDB is unavailable: ${error.message}`, error);
  }
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'number' && UNAVAILABLE_GRPC_CODES.has(code)) {
    return new StoreUnavailableError(`EventStoreDB is unavailable: ${error.message}`, error);
  }
  return error;
}
