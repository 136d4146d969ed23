// Apart from pg-pool so configuration can check DATABASE_URL without loading the driver.

/** Whether a connection string is one pg can use: postgres:// or postgresql:// with a host. */
export function pgConnectionProblem(value: string, name = 'DATABASE_URL'): string | undefined {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return `${name} is not a valid URL (expected postgres://user:password@host:5432/database)`;
  }
  if (url.protocol !== 'postgres:' && url.protocol !== 'postgresql:') {
    return `${name} must use postgres: or postgresql: (got "${url.protocol}")`;
  }
  if (!url.hostname && !url.searchParams.get('host')) return `${name} must name a host`;
  if (url.pathname.replace(/^\//, '') === '') return `${name} must name a database (postgres://host:5432/<database>)`;
  return undefined;
}
