import { Inject, Injectable, Logger } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApplicationsQueries, EvaluateRagCommand, referenceOf } from '@pz/applications';
import { IdentityQueries } from '@pz/identity';
import { PersonalDataVault } from '@pz/people';
import { APP_CONFIG, AppConfig, CommandContext } from '@pz/platform';
import { plusDuration } from '@pz/platform/domain';
import { RoundsQueries, RoundView, ZonesCatalogue } from '@pz/rounds';
import { SubscriptionLinks, SubscriptionsQueries } from '@pz/subscriptions';
import { SentMail } from '../mail/sent-mail';
import type { TemplateName } from '../mail/template-specs';
import type { JobName, PlannedJob } from './job-plan';
import { ErasureCleanup } from './erasure-cleanup';
import { WorkQueue } from './work-queue';

/** Why a job did nothing: stale or irrelevant work is finished, not failed. */
export type JobOutcome = { done: string } | { skipped: string };

type RoundNotice = 'round-alert' | 'round-open' | 'round-closing';

/**
 * What each job does when it runs. Jobs carry only ids and the date they were planned for; the
 * handler reads the current state and does nothing when the work has gone stale (a moved or
 * cancelled round, an item already filed, a person unsubscribed or erased), so a duplicate or
 * late job is always harmless. Mail goes through SentMail, so a retried job does not resend.
 */
@Injectable()
export class JobHandlers {
  private readonly logger = new Logger('Jobs');

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly rounds: RoundsQueries,
    private readonly zones: ZonesCatalogue,
    private readonly subscriptions: SubscriptionsQueries,
    private readonly links: SubscriptionLinks,
    private readonly applications: ApplicationsQueries,
    private readonly vault: PersonalDataVault,
    private readonly mail: SentMail,
    private readonly work: WorkQueue,
    private readonly commands: CommandBus,
    private readonly cleanup: ErasureCleanup,
    private readonly identity: IdentityQueries,
  ) {}

  run(name: JobName, id: string, data: Record<string, string>, now = new Date().toISOString()): Promise<JobOutcome> {
    switch (name) {
      case 'round-alert':
      case 'round-open':
      case 'round-closing':
        return this.roundNotice(name, data, now);
      case 'subscriber-mail':
        return this.subscriberMail(id, data, now);
      case 'grantee-reminder':
        return this.granteeReminder(id, data, now);
      case 'rag-check':
        return this.ragCheck(data, now);
      case 'rag-alert':
        return this.ragAlert(id, data, now);
      case 'subscription-confirmation':
        return this.subscriptionConfirmation(id, data, now);
      case 'invitation':
        return this.invitation(id, data, now);
      case 'draft-reminder':
        return this.draftReminders(id, data, now);
      case 'application-sent':
        return this.applicationSent(id, data, now);
      case 'erasure-cleanup':
        return this.cleanup.run(data.person, id).then((removed) => ({ done: `${removed.mails} outbox mails and ${removed.jobs} jobs removed` }));
      case 'sweep':
        return Promise.resolve({ skipped: 'the sweep is run by the work runner' });
    }
  }

  /** Fans a round notice out to one mail job per subscriber, so each send retries on its own. */
  private async roundNotice(kind: RoundNotice, data: Record<string, string>, now: string): Promise<JobOutcome> {
    const round = await this.rounds.view(data.roundId);
    const stale = this.noticeIsStale(kind, round, data.at, now);
    if (stale) return { skipped: stale };
    const subscribers = await this.subscriptions.activeFor(round!.zones);
    const jobs: PlannedJob[] = subscribers.map((s) => ({
      name: 'subscriber-mail',
      id: `mail.${kind}.${round!.id}.${Date.parse(data.at)}.${s.subscriptionId}`,
      runAt: now,
      data: { kind, roundId: round!.id, at: data.at, subscriptionId: s.subscriptionId },
    }));
    await this.work.apply({ add: jobs, remove: [] });
    return { done: `${jobs.length} subscriber mails queued` };
  }

  private noticeIsStale(kind: RoundNotice, round: RoundView | undefined, at: string, now: string): string | null {
    if (!round) return 'round not found';
    if (round.cancelledAt) return 'round cancelled';
    const planned = { 'round-alert': round.announceAt, 'round-open': round.opensAt, 'round-closing': round.closesAt }[kind];
    if (Date.parse(planned) !== Date.parse(at)) return 'round rescheduled since this was planned';
    // An announcement after opening, or a notice after closing, would only confuse people.
    if (kind === 'round-alert' && now >= round.opensAt) return 'round already open';
    if (now >= round.closesAt) return 'round already closed';
    return null;
  }

  private async subscriberMail(id: string, data: Record<string, string>, now: string): Promise<JobOutcome> {
    const kind = data.kind as RoundNotice;
    const round = await this.rounds.view(data.roundId);
    const stale = this.noticeIsStale(kind, round, data.at, now);
    if (stale) return { skipped: stale };
    const subscription = await this.subscriptions.get(data.subscriptionId);
    if (!subscription?.active || subscription.epoch === null) return { skipped: 'not subscribed' };
    const email = await this.vault.open(subscription.email);
    if (email === null) return { skipped: 'person erased' };
    const names = round!.zones.map((z) => this.zones.zones.find((zone) => zone.id === z)?.name ?? z);
    const roundUrl = `${this.config.publicUrl}/funding/${round!.id}`;
    const templateData = {
      'round-alert': { roundName: round!.name, zones: names, themes: round!.themes, opensAt: round!.opensAt, closesAt: round!.closesAt, roundUrl },
      'round-open': { roundName: round!.name, closesAt: round!.closesAt, roundUrl, zones: names },
      'round-closing': { roundName: round!.name, closesAt: round!.closesAt, roundUrl },
    }[kind];
    const outcome = await this.mail.sendOnce(
      { to: email, template: kind as TemplateName, data: templateData, unsubscribeUrl: this.links.unsubscribeUrl(subscription.id, subscription.epoch),
        oneClickUnsubscribeUrl: this.links.oneClickUnsubscribeUrl(subscription.id, subscription.epoch),
      },
      id,
      this.systemContext(now, id),
    );
    return { done: outcome };
  }

  /** The email with the confirmation link: only while the request it answers is still waiting for it. */
  private async subscriptionConfirmation(id: string, data: Record<string, string>, now: string): Promise<JobOutcome> {
    const email = await this.subscriptions.pendingAddress(data.subscriptionId, data.requestId);
    if (email === null) return { skipped: 'confirmed, replaced by a newer request, or the person erased' };
    const pending = (await this.subscriptions.get(data.subscriptionId))!.pending!;
    const zones = pending.zones.map((z) => this.zones.zones.find((zone) => zone.id === z)?.name ?? z);
    const outcome = await this.mail.sendOnce(
      { to: email, template: 'subscription-confirm', data: { confirmUrl: this.links.confirmUrl(data.subscriptionId, data.requestId), zones } },
      id,
      this.systemContext(now, id),
    );
    return { done: outcome };
  }

  private async granteeReminder(id: string, data: Record<string, string>, now: string): Promise<JobOutcome> {
    const doc = await this.applications.doc(data.applicationId);
    if (!doc || doc.status !== 'awarded') return { skipped: 'not an open grant' };
    if (data.itemKey in doc.filed) return { skipped: 'already filed' };
    const item = doc.schedule.find((i) => i.key === data.itemKey);
    if (!item || item.dueAt !== data.dueAt) return { skipped: 'no longer due then' };
    if (now > item.dueAt) return { skipped: 'already overdue: the RAG checks take over' };
    const email = doc.contact ? await this.vault.open(doc.contact) : null;
    if (!email) return { skipped: 'no contact address (erased or never given)' };
    const outcome = await this.mail.sendOnce(
      {
        to: email,
        template: 'grantee-reminder',
        data: {
          grantTitle: doc.title,
          kind: item.kind,
          dueAt: item.dueAt,
          // Straight to the form that files it (its path is the item's kind).
          applicationUrl: `${this.config.publicUrl}/my/applications/${doc.id}/${item.kind}`,
        },
      },
      id,
      this.systemContext(now, id),
    );
    return { done: outcome };
  }

  private async ragCheck(data: Record<string, string>, now: string): Promise<JobOutcome> {
    const doc = await this.applications.doc(data.applicationId);
    if (!doc || doc.status !== 'awarded') return { skipped: 'not an open grant' };
    await this.commands.execute(new EvaluateRagCommand({ applicationId: data.applicationId }, this.systemContext(now, `rag-check.${data.applicationId}`)));
    return { done: 'evaluated' };
  }

  private async ragAlert(id: string, data: Record<string, string>, now: string): Promise<JobOutcome> {
    if (this.config.staffAlertEmails.length === 0) return { skipped: 'STAFF_ALERT_EMAILS is empty' };
    const doc = await this.applications.doc(data.applicationId);
    if (!doc) return { skipped: 'application not found' };
    let sent = 0;
    for (const to of this.config.staffAlertEmails) {
      const outcome = await this.mail.sendOnce(
        {
          to,
          template: 'rag-alert',
          data: {
            grantTitle: doc.title,
            organisationName: doc.org,
            previous: data.previous,
            rating: data.rating,
            reason: data.reason,
            applicationUrl: `${this.config.publicUrl}/staff/applications/${doc.id}`,
          },
        },
        // Keyed by the staff member's pseudonym: dedupe keys are stored, addresses never are.
        `${id}.${this.vault.pseudonymOf(to)}`,
        this.systemContext(now, id),
      );
      if (outcome === 'sent') sent += 1;
    }
    return { done: `${sent} staff alerts sent` };
  }

  /** The receipt for a sent application, with a copy of its answers, to its contact address. */
  private async applicationSent(id: string, data: Record<string, string>, now: string): Promise<JobOutcome> {
    const doc = await this.applications.doc(data.applicationId);
    if (!doc || doc.status !== 'submitted') return { skipped: 'no longer waiting for a decision' };
    const email = doc.contact ? await this.vault.open(doc.contact) : null;
    if (!email) return { skipped: 'no contact address (erased or never given)' };
    const round = await this.rounds.view(doc.roundId);
    const zone = this.zones.zones.find((z) => z.id === doc.zone)?.name ?? doc.zone;
    const answers = [
      `Project name: ${doc.title}`,
      `Summary: ${doc.summary}`,
      `People Zone: ${zone}`,
      `Theme: ${doc.theme}`,
      `Starts: ${doc.projectStart}`,
      `Ends: ${doc.projectEnd}`,
      `Amount asked for: £${(doc.requestedPence / 100).toLocaleString('en-GB', { minimumFractionDigits: doc.requestedPence % 100 ? 2 : 0 })}`,
      `How it will last: ${doc.sustainability}`,
      `Partners: ${doc.partners.map((p) => p.name).join(', ') || 'None'}`,
    ];
    const outcome = await this.mail.sendOnce(
      {
        to: email,
        template: 'application-sent',
        data: {
          title: doc.title,
          roundName: round?.name ?? 'the round',
          reference: referenceOf(doc.id),
          answers,
          decisionsBy: plusDuration(round?.closesAt ?? now, this.config.decisionsWithin),
          applicationUrl: `${this.config.publicUrl}/my/applications/${doc.id}`,
        },
      },
      id,
      this.systemContext(now, id),
    );
    return { done: outcome };
  }

  /** Reminds each unsent draft's contact that the round closes soon; a draft sent, withdrawn or erased gets nothing. */
  private async draftReminders(id: string, data: Record<string, string>, now: string): Promise<JobOutcome> {
    const round = await this.rounds.view(data.roundId);
    const stale = this.noticeIsStale('round-closing', round, data.at, now);
    if (stale) return { skipped: stale };
    let sent = 0;
    for (const doc of await this.applications.all()) {
      if (doc.roundId !== round!.id || doc.status !== 'draft' || !doc.contact) continue;
      const email = await this.vault.open(doc.contact);
      if (email === null) continue;
      const outcome = await this.mail.sendOnce(
        {
          to: email,
          template: 'draft-reminder',
          data: { draftTitle: doc.title, roundName: round!.name, closesAt: round!.closesAt, applicationUrl: `${this.config.publicUrl}/my/applications/${doc.id}` },
        },
        `${id}.${doc.id}`,
        this.systemContext(now, id),
      );
      if (outcome === 'sent') sent += 1;
    }
    return { done: `${sent} draft reminders sent` };
  }

  /** Tells a person they were added to an organisation or given a role, and how to sign in; not once that was undone. */
  private async invitation(id: string, data: Record<string, string>, now: string): Promise<JobOutcome> {
    const account = await this.identity.account(data.personId);
    const email = account ? await this.identity.emailOf(account) : null;
    if (!account || email === null) return { skipped: 'person not found or erased' };
    let invitedTo: string;
    let invitedBy: string | undefined;
    if (data.orgId) {
      const org = await this.identity.organisation(data.orgId);
      if (!org?.members.includes(data.personId)) return { skipped: 'no longer a member' };
      invitedTo = org.name;
      const inviter = await this.identity.account(data.by);
      invitedBy = (inviter && (await this.identity.emailOf(inviter))) ?? undefined;
    } else {
      const granted = account.roles.some((g) => g.role === data.role && (g.zone ?? '') === data.zone && (g.roundId ?? '') === data.roundId);
      if (!granted) return { skipped: 'role removed since' };
      invitedTo = await this.roleInWords(data);
    }
    const outcome = await this.mail.sendOnce(
      { to: email, template: 'invitation', data: { invitedTo, ...(invitedBy ? { invitedBy } : {}), signInUrl: `${this.config.publicUrl}/sign-in` } },
      id,
      this.systemContext(now, id),
    );
    return { done: outcome };
  }

  private async roleInWords(data: Record<string, string>): Promise<string> {
    if (data.role === 'staff') return 'the grants team';
    if (data.role === 'auditor') return 'People Zones Grants as an auditor';
    if (data.zone) return `the ${this.zones.zones.find((z) => z.id === data.zone)?.name ?? data.zone} steering group, as a panel member`;
    return `the panel for ${(await this.rounds.view(data.roundId))?.name ?? 'a grant round'}`;
  }

  private systemContext(now: string, causation: string): CommandContext {
    return { actor: { sub: 'worker', role: 'system' }, now, correlationId: causation, causationId: causation };
  }
}
