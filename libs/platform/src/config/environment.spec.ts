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
    for (const name of ['PORT', 'EVENT_STORE', 'REDIS_URL', 'ROUND_ALERT_LEAD', 'RAG_RED_AFTER', 'STAFF_ALERT_EMAILS', 'APP_SECRET']) {
      expect(text).toContain(name);
    }
  });

  it('requires a master secret outside development (APP_SECRET, or AUTH_JWT_SECRET where it predates it), and long ones', () => {
    expect(problemsOf({ NODE_ENV: 'production' }).join()).toMatch(/APP_SECRET is required/);
    expect(problemsOf({ AUTH_JWT_SECRET: 'short' }).join()).toMatch(/AUTH_JWT_SECRET must be at least 32/);
    expect(problemsOf({ APP_SECRET: 'short' }).join()).toMatch(/APP_SECRET must be at least 32/);
    // An installation from before APP_SECRET keeps its person ids and links: the JWT secret is the master.
    expect(loadConfig({ AUTH_JWT_SECRET: SECRET })).toMatchObject({ appSecret: SECRET, authJwtSecret: SECRET });
  });

  it('accepts no machine JWTs in production without AUTH_JWT_SECRET: people use sessions and personal tokens', () => {
    const config = loadConfig({ NODE_ENV: 'production', APP_SECRET: SECRET });
    expect(config).toMatchObject({ appSecret: SECRET, authJwtSecret: null });
  });

  it('reads ADMIN_EMAILS, SESSION_IDLE and OpenID Connect settings, which come as a set of three', () => {
    const config = loadConfig({ AUTH_JWT_SECRET: SECRET, ADMIN_EMAILS: 'a@opcc.example, b@opcc.example', SESSION_IDLE: 'PT30M' });
    expect(config).toMatchObject({ adminEmails: ['a@opcc.example', 'b@opcc.example'], sessionIdle: 'PT30M', oidc: null });
    expect(problemsOf({ AUTH_JWT_SECRET: SECRET, OIDC_ISSUER_URL: 'https://login.example' }).join()).toMatch(/missing: OIDC_CLIENT_ID, OIDC_CLIENT_SECRET/);
    expect(problemsOf({ AUTH_JWT_SECRET: SECRET, ADMIN_EMAILS: 'nobody' }).join()).toMatch(/ADMIN_EMAILS has an invalid address/);
    const oidc = loadConfig({ AUTH_JWT_SECRET: SECRET, OIDC_ISSUER_URL: 'https://login.example/tenant', OIDC_CLIENT_ID: 'pz', OIDC_CLIENT_SECRET: 's' }).oidc;
    expect(oidc).toEqual({ issuerUrl: 'https://login.example/tenant', clientId: 'pz', clientSecret: 's' });
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

  it('requires a PostgreSQL connection string for EVENT_STORE=postgres, and names every bad variable at once', () => {
    expect(problemsOf({ AUTH_JWT_SECRET: SECRET, EVENT_STORE: 'postgres' }).join()).toMatch(/DATABASE_URL is required when EVENT_STORE=postgres/);
    const problems = problemsOf({ AUTH_JWT_SECRET: SECRET, EVENT_STORE: 'postgres', DATABASE_URL: 'mysql://db/grants', DATABASE_POOL_SIZE: '0', PORT: 'x' }).join('\n');
    expect(problems).toMatch(/DATABASE_URL must use postgres: or postgresql:/);
    expect(problems).toMatch(/DATABASE_POOL_SIZE must be a whole number/);
    expect(problems).toMatch(/PORT must be/);
    expect(problemsOf({ AUTH_JWT_SECRET: SECRET, EVENT_STORE: 'postgres', DATABASE_URL: 'postgres://db.example:5432' }).join()).toMatch(/must name a database/);
    const config = loadConfig({ AUTH_JWT_SECRET: SECRET, EVENT_STORE: 'postgres', DATABASE_URL: 'postgres://grants@db.example:5432/grants' });
    expect(config).toMatchObject({ eventStore: 'postgres', databaseUrl: 'postgres://grants@db.example:5432/grants', databasePoolSize: 10 });
  });

  it('accepts shrunk durations for tests and demos', () => {
    expect(loadConfig({ AUTH_JWT_SECRET: SECRET, RAG_AMBER_AFTER: 'PT2S' }).ragAmberAfter).toBe('PT2S');
  });
});
