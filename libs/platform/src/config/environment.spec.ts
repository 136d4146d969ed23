import { ConfigError, loadConfig } from './environment';

const SECRET = 'x'.repeat(40);

function problemsOf(env: NodeJS.ProcessEnv): string[] {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('loadConfig', () => {
  it('applies the documented defaults', () => {
    const config = loadConfig({ AUTH_JWT_SECRET: SECRET });
    expect(config).toMatchObject({
      port: 3000,
      publicUrl: 'http://localhost:3000',
      eventStore: 'sqlite',
      sqlitePath: 'var/grants.sqlite',
      redisUrl: 'redis://127.0.0.1:6379',
      smtpUrl: undefined,
      outboxDir: 'var/outbox',
      mailFrom: 'People Zones Grants <grants@localhost>',
      staffAlertEmails: [],
      roundAlertLead: 'P28D',
      firstCheckinAfter: 'P1M',
      monitoringInterval: 'P3M',
      reminderLead: 'P7D',
      ragAmberAfter: 'P7D',
      ragRedAfter: 'P28D',
    });
  });

  it('derives PUBLIC_URL from PORT and reads lists', () => {
    const config = loadConfig({ AUTH_JWT_SECRET: SECRET, PORT: '8080', STAFF_ALERT_EMAILS: 'a@x.org, b@y.org' });
    expect(config.publicUrl).toBe('http://localhost:8080');
    expect(config.staffAlertEmails).toEqual(['a@x.org', 'b@y.org']);
  });

  it('names every bad variable at once', () => {
    const problems = problemsOf({
      PORT: 'eighty',
      EVENT_STORE: 'postgres',
      REDIS_URL: 'http://nope',
      ROUND_ALERT_LEAD: '4 weeks',
      RAG_RED_AFTER: 'PT0S',
      STAFF_ALERT_EMAILS: 'not-an-email',
    });
    const text = problems.join('\n');
    for (const name of ['PORT', 'EVENT_STORE', 'REDIS_URL', 'ROUND_ALERT_LEAD', 'RAG_RED_AFTER', 'STAFF_ALERT_EMAILS', 'AUTH_JWT_SECRET']) {
      expect(text).toContain(name);
    }
  });

  it('requires AUTH_JWT_SECRET outside development, and a long one', () => {
    expect(problemsOf({ NODE_ENV: 'production' }).join()).toMatch(/AUTH_JWT_SECRET is required/);
    expect(problemsOf({ AUTH_JWT_SECRET: 'short' }).join()).toMatch(/at least 32/);
  });

  it('requires a connection string for EventStoreDB', () => {
    expect(problemsOf({ AUTH_JWT_SECRET: SECRET, EVENT_STORE: 'esdb' }).join()).toMatch(/ESDB_CONNECTION_STRING is required/);
    expect(
      loadConfig({ AUTH_JWT_SECRET: SECRET, EVENT_STORE: 'esdb', ESDB_CONNECTION_STRING: 'esdb://localhost:2113?tls=false' })
        .eventStore,
    ).toBe('esdb');
  });

  it('refuses a connection string the EventStoreDB client cannot read, at configuration time, naming what it takes', () => {
    for (const connection of ['kurrentdb://localhost:2113?tls=false', 'kdb://localhost:2113', 'http://localhost:2113', 'esdb://']) {
      const problems = problemsOf({ AUTH_JWT_SECRET: SECRET, EVENT_STORE: 'esdb', ESDB_CONNECTION_STRING: connection }).join();
      expect({ connection, problems }).toEqual({ connection, problems: expect.stringMatching(/ESDB_CONNECTION_STRING cannot be read by the EventStoreDB client.*esdb:\/\/ or esdb\+discover:\/\//) });
    }
    expect(loadConfig({ AUTH_JWT_SECRET: SECRET, EVENT_STORE: 'esdb', ESDB_CONNECTION_STRING: 'esdb+discover://cluster.example:2113' }).eventStore).toBe('esdb');
  });

  it('accepts shrunk durations for tests and demos', () => {
    expect(loadConfig({ AUTH_JWT_SECRET: SECRET, RAG_AMBER_AFTER: 'PT2S' }).ragAmberAfter).toBe('PT2S');
  });
});
