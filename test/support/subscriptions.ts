import request from 'supertest';
import { PersonalDataVault } from '@pz/people';
import { SubscriptionLinks, SubscriptionsQueries } from '@pz/subscriptions';
import type { TestApp } from './test-app';

/** The token in a link URL. */
export const tokenOf = (url: string) => new URL(url).searchParams.get('token')!;

/** Asks for round alerts, leaving the request waiting: the tokens of the links its confirmation email carries, and will carry. */
export async function requestSubscription(t: TestApp, email: string, zones: string[] = []): Promise<{ id: string; confirmToken: string; unsubscribeToken: string }> {
  await request(t.http).post('/subscriptions').send({ email, zones }).expect(202);
  const id = await t.app.get(PersonalDataVault).personIdFor(email);
  const requestId = (await t.app.get(SubscriptionsQueries).get(id))?.pending?.requestId;
  if (!requestId) throw new Error(`No request waiting for confirmation for ${email}`);
  const links = t.app.get(SubscriptionLinks);
  return { id, confirmToken: tokenOf(links.confirmUrl(id, requestId)), unsubscribeToken: tokenOf(links.unsubscribeUrl(id, requestId)) };
}

/**
 * Asks for round alerts and confirms them, as the person would with the button the emailed
 * link opens. Returns the subscription's id and the tokens of its links.
 */
export async function subscribeConfirmed(t: TestApp, email: string, zones: string[] = []): Promise<{ id: string; confirmToken: string; unsubscribeToken: string }> {
  const requested = await requestSubscription(t, email, zones);
  await request(t.http).post(`/subscriptions/confirm?token=${encodeURIComponent(requested.confirmToken)}`).expect(200);
  return requested;
}

/**
 * Until the worker has planned every event and run every job that was due: the emails that
 * subscribing sends are recorded as events, which a test counting the log must not see arrive late.
 */
export async function backgroundWorkDone(t: TestApp, timeoutMs = 10_000): Promise<void> {
  const { JobPlanner, WorkQueue } = await import('@pz/notifications');
  const planner = t.app.get(JobPlanner, { strict: false });
  const queue = t.app.get(WorkQueue, { strict: false });
  for (const end = Date.now() + timeoutMs; Date.now() < end; await new Promise((r) => setTimeout(r, 50))) {
    const [{ lag }, counts] = await Promise.all([planner.status(), queue.counts()]);
    if (lag === 0 && counts.waiting === 0 && counts.active === 0) return;
  }
  throw new Error('background work did not settle');
}
