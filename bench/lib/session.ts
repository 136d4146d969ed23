import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { simpleParser } from 'mailparser';
import type { RunningServer } from './server';

const BROWSER = { accept: 'text/html,application/xhtml+xml' };

/** A browser's cookies, kept by name, as one Cookie header. */
class Jar {
  private readonly cookies = new Map<string, string>();

  take(res: Response): void {
    for (const line of res.headers.getSetCookie()) {
      const [pair] = line.split(';');
      const at = pair.indexOf('=');
      this.cookies.set(pair.slice(0, at), pair.slice(at + 1));
    }
  }

  get header(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }
}

const csrfIn = (html: string) => /name="_csrf" value="([^"]+)"/.exec(html)![1];

/**
 * Signs `email` in as a browser does (the form, the emailed link from OUTBOX_DIR, its Continue
 * button) and answers the Cookie header of the session: for pages measured signed in.
 */
export async function signedInCookie(server: RunningServer, email: string, outboxDir: string): Promise<string> {
  const jar = new Jar();
  const get = async (path: string) => {
    const res = await fetch(`${server.url}${path}`, { headers: { ...BROWSER, cookie: jar.header }, redirect: 'manual' });
    jar.take(res);
    return res.text();
  };
  const post = async (path: string, form: Record<string, string>) => {
    const res = await fetch(`${server.url}${path}`, {
      method: 'POST',
      headers: { ...BROWSER, cookie: jar.header, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(form).toString(),
      redirect: 'manual',
    });
    jar.take(res);
    if (res.status >= 400) throw new Error(`POST ${path}: ${res.status}`);
    return res;
  };
  await post('/sign-in', { _csrf: csrfIn(await get('/sign-in')), email });
  let token: string | undefined;
  for (const name of readdirSync(outboxDir).filter((n) => n.endsWith('.eml')).sort().reverse()) {
    const mail = await simpleParser(readFileSync(join(outboxDir, name)));
    token = /\/sign-in\/link\?token=([A-Za-z0-9_-]{43})/.exec(mail.text ?? '')?.[1];
    if (token && [mail.to ?? []].flat().some((a) => a.text.includes(email))) break;
  }
  if (!token) throw new Error(`no sign-in link for ${email} in ${outboxDir}`);
  const page = await get(`/sign-in/link?token=${token}`);
  await post('/sign-in/link', { _csrf: csrfIn(page), token });
  return jar.header;
}

/** Registers the signed-in person's group through its page; answers the organisation's id. */
export async function registerGroup(server: RunningServer, cookie: string, name: string): Promise<string> {
  const form = await (await fetch(`${server.url}/my/organisation`, { headers: { ...BROWSER, cookie } })).text();
  const res = await fetch(`${server.url}/my/organisation`, {
    method: 'POST',
    headers: { ...BROWSER, cookie, 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ _csrf: csrfIn(form), name, legalForm: 'unincorporated-association', charityNumber: '', companyNumber: '' }).toString(),
    redirect: 'manual',
  });
  if (res.status !== 303) throw new Error(`registering ${name}: ${res.status}`);
  const tokenPage = await (await fetch(`${server.url}/account/tokens/new`, { headers: { ...BROWSER, cookie } })).text();
  return /name="org" type="radio" value="([^"]+)"/.exec(tokenPage)![1];
}
