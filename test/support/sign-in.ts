import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CommandBus } from '@nestjs/cqrs';
import { simpleParser } from 'mailparser';
import { GrantableRole, GrantRoleCommand, RegisterOrganisationCommand, SignInLinks } from '@pz/identity';
import { CommandContext, ReadModels } from '@pz/platform';
import { browserAgent, csrfTokenIn, openForm } from './pages';
import type { TestApp } from './test-app';

export type Agent = ReturnType<typeof browserAgent>;

/** The newest message in the test app's outbox sent to `to` (and matching `wanted`), parsed. */
export async function lastMailTo(t: TestApp, to: string, wanted: (mail: { subject: string; text: string }) => boolean = () => true): Promise<{ subject: string; text: string } | null> {
  let names: string[];
  try {
    names = readdirSync(t.config.outboxDir).filter((n) => n.endsWith('.eml')).sort().reverse();
  } catch {
    return null;
  }
  for (const name of names) {
    const mail = await simpleParser(readFileSync(join(t.config.outboxDir, name)));
    const addresses = [mail.to ?? []].flat().map((a) => a.text.toLowerCase());
    const found = { subject: mail.subject ?? '', text: mail.text ?? '' };
    if (addresses.some((a) => a.includes(to.toLowerCase())) && wanted(found)) return found;
  }
  return null;
}

export function outboxCount(t: TestApp): number {
  try {
    return readdirSync(t.config.outboxDir).filter((n) => n.endsWith('.eml')).length;
  } catch {
    return 0;
  }
}

/** The path and query of the sign-in link in the newest sign-in mail to `email`. */
export async function signInLinkFor(t: TestApp, email: string): Promise<string> {
  const link = /https?:\/\/\S+\/sign-in\/link\?token=[A-Za-z0-9_-]+/;
  const mail = await lastMailTo(t, email, (m) => link.test(m.text));
  const url = link.exec(mail?.text ?? '')?.[0];
  if (!url) throw new Error(`No sign-in link mailed to ${email}`);
  const parsed = new URL(url);
  return `${parsed.pathname}${parsed.search}`;
}

/** Asks for a sign-in link as a browser would (the form, its CSRF token). */
export async function askForLink(agent: Agent, email: string, next?: string): Promise<void> {
  const csrf = await openForm(agent, '/sign-in');
  await agent.post('/sign-in').type('form').send({ email, _csrf: csrf, ...(next ? { next } : {}) }).expect(303);
}

/**
 * Signs `email` in with an emailed link; answers the browser agent holding the session. The link
 * is asked for with the service call the sign-in form makes (the form itself, and its per-client
 * limit, are tested in sign-in.e2e); the link's page and its Continue button are used as a
 * browser uses them.
 */
export async function signIn(t: TestApp, email: string, agent: Agent = browserAgent(t), next: string | null = null): Promise<Agent> {
  await t.app.get(SignInLinks).send(email, next);
  const link = await signInLinkFor(t, email);
  const page = await agent.get(link).expect(200);
  const token = /name="token" value="([^"]+)"/.exec(page.text)![1];
  await agent.post('/sign-in/link').type('form').send({ token, _csrf: csrfTokenIn(page.text) }).expect(303);
  return agent;
}

function staffContext(): CommandContext {
  return { actor: { sub: 'test-staff', role: 'staff' }, now: new Date().toISOString(), correlationId: `test-${Math.random()}` };
}

/** Gives `email` a role as staff would (the test's own setup, through the same use case as the page). */
export async function grantRole(t: TestApp, email: string, role: GrantableRole, scope: { zone?: string; roundId?: string } = {}): Promise<string> {
  const { personId, position } = await t.app.get(CommandBus).execute(new GrantRoleCommand({ email, role, zone: scope.zone ?? null, roundId: scope.roundId ?? null, reason: 'Set up by the test' }, staffContext()));
  await t.app.get(ReadModels).waitFor(position);
  return personId;
}

/** Registers an organisation with `personId` as its first member. */
export async function registerOrganisation(t: TestApp, personId: string, name: string): Promise<string> {
  const context = { ...staffContext(), actor: { sub: personId, role: 'applicant' as const } };
  const { orgId, position } = await t.app.get(CommandBus).execute(new RegisterOrganisationCommand({ name, legalForm: 'unincorporated-association', charityNumber: '', companyNumber: '' }, context));
  await t.app.get(ReadModels).waitFor(position);
  return orgId;
}
