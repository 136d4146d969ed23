/**
 * Whether the EventStoreDB client this build ships (`@eventstore/db-client` 6) can read a
 * connection string: asked of the client's own parser, so configuration and client agree. It
 * knows `esdb://` and `esdb+discover://` only; KurrentDB speaks the same protocol under those.
 */
export function esdbConnectionProblem(connection: string): string | null {
  // Loaded only when EventStoreDB is chosen: the embedded default never touches the gRPC client.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { parseConnectionString } = require('@eventstore/db-client/dist/Client/parseConnectionString') as {
    parseConnectionString(connection: string): unknown;
  };
  try {
    parseConnectionString(connection);
    return null;
  } catch (error) {
    const reason = error instanceof Error ? error.message.split('\n')[0] : String(error);
    return (
      `ESDB_CONNECTION_STRING cannot be read by the EventStoreDB client (${reason}). ` +
      'Use esdb:// or esdb+discover://, e.g. esdb://localhost:2113?tls=false (KurrentDB too: it speaks the same protocol)'
    );
  }
}
