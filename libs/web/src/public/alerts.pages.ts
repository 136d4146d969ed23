import { Body, Controller, Query, Req, Res, UseGuards } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { Throttle, ThrottlerGuard } from '@nestjs/throttler';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { CommandContext, Ctx, ReadModels } from '@pz/platform';
import { ZonesCatalogue } from '@pz/rounds';
import { ConfirmSubscriptionCommand, LinkPurpose, RequestSubscriptionCommand, SubscriptionLinks, UnsubscribeCommand } from '@pz/subscriptions';
import { emailProblem } from '../account/email-field';
import { FormFields, listOf, textOf } from '../shell/form';
import { PageGet, PagePost } from '../shell/page-route';
import { FieldError, PageRenderer } from '../shell/page-renderer';

/** As the JSON route: enough for a person, too few to mass-subscribe addresses (per client, per minute). */
const SUBSCRIBE_LIMIT = { default: { limit: 10, ttl: 60_000 } };
const LINK_LIMIT = { default: { limit: 60, ttl: 60_000 } };

/**
 * Email alerts about rounds: ask for them, then confirm from the email (double opt-in), and stop
 * them from any alert. The confirm and unsubscribe links open a page whose button POSTs with the
 * link's own token: mail scanners open every link in a message, and must not act on it.
 */
@Controller('alerts')
@UseGuards(ThrottlerGuard)
export class AlertsPages {
  constructor(
    private readonly commands: CommandBus,
    private readonly readModels: ReadModels,
    private readonly zones: ZonesCatalogue,
    private readonly links: SubscriptionLinks,
    private readonly pages: PageRenderer,
  ) {}

  @PageGet('')
  async form(@Req() request: FastifyRequest, @Res() reply: FastifyReply) {
    await this.showForm(request, reply, { email: '', zones: [] }, []);
  }

  @PagePost('')
  @Throttle(SUBSCRIBE_LIMIT)
  async subscribe(@Body() body: FormFields, @Ctx() ctx: CommandContext, @Req() request: FastifyRequest, @Res() reply: FastifyReply) {
    const email = textOf(body, 'email');
    const zones = listOf(body, 'zones');
    const errors: FieldError[] = [];
    const emailError = emailProblem(email);
    if (emailError) errors.push({ field: 'email', text: emailError });
    const known = new Set(this.zones.ids());
    if (zones.some((z) => !known.has(z))) errors.push({ field: 'zones', text: 'Select People Zones from the list' });
    if (errors.length > 0) return this.showForm(request, reply, { email, zones }, errors, 400);

    const { position } = await this.commands.execute(new RequestSubscriptionCommand({ email, zones }, ctx));
    await this.readModels.waitFor(position);
    await this.pages.redirect(reply, '/alerts/check-your-email');
  }

  @PageGet('check-your-email')
  async checkEmail(@Req() request: FastifyRequest, @Res() reply: FastifyReply) {
    await this.pages.render(request, reply, 'public/alerts-check-email', { title: 'Check your email' });
  }

  @PageGet('confirm')
  @Throttle(LINK_LIMIT)
  async confirmPage(@Query('token') token: string, @Req() request: FastifyRequest, @Res() reply: FastifyReply) {
    const valid = this.check(token, 'confirm');
    await this.pages.render(request, reply, 'public/alerts-link', { title: 'Confirm your email alerts', kind: 'confirm', token: valid ? token : null, noIndex: true }, valid ? 200 : 404);
  }

  @PagePost('confirm')
  @Throttle(LINK_LIMIT)
  async confirm(@Body() body: FormFields, @Ctx() ctx: CommandContext, @Req() request: FastifyRequest, @Res() reply: FastifyReply) {
    const link = this.check(textOf(body, 'token'), 'confirm');
    if (!link) return this.pages.render(request, reply, 'public/alerts-link', { title: 'Confirm your email alerts', kind: 'confirm', token: null, noIndex: true }, 404);
    const { position } = await this.commands.execute(new ConfirmSubscriptionCommand({ subscriptionId: link.subscriptionId, requestId: link.ref }, ctx));
    await this.readModels.waitFor(position);
    await this.pages.render(request, reply, 'public/alerts-done', { title: 'Your email alerts are set up', kind: 'confirmed', noIndex: true });
  }

  @PageGet('unsubscribe')
  @Throttle(LINK_LIMIT)
  async unsubscribePage(@Query('token') token: string, @Req() request: FastifyRequest, @Res() reply: FastifyReply) {
    const valid = this.check(token, 'unsubscribe');
    await this.pages.render(request, reply, 'public/alerts-link', { title: 'Stop email alerts', kind: 'unsubscribe', token: valid ? token : null, noIndex: true }, valid ? 200 : 404);
  }

  @PagePost('unsubscribe')
  @Throttle(LINK_LIMIT)
  async unsubscribe(@Body() body: FormFields, @Ctx() ctx: CommandContext, @Req() request: FastifyRequest, @Res() reply: FastifyReply) {
    const link = this.check(textOf(body, 'token'), 'unsubscribe');
    if (!link) return this.pages.render(request, reply, 'public/alerts-link', { title: 'Stop email alerts', kind: 'unsubscribe', token: null, noIndex: true }, 404);
    const { position, result } = await this.commands.execute(new UnsubscribeCommand({ subscriptionId: link.subscriptionId, epoch: link.ref }, ctx));
    await this.readModels.waitFor(position);
    const [title, kind] = result === 'ended' ? ['You have been unsubscribed', 'unsubscribed'] : ['This link is from an earlier subscription', 'old-link'];
    await this.pages.render(request, reply, 'public/alerts-done', { title, kind, noIndex: true });
  }

  private async showForm(request: FastifyRequest, reply: FastifyReply, values: { email: string; zones: string[] }, errors: FieldError[], status = 200) {
    const zoneItems = this.zones.zones.map((z) => ({ value: z.id, text: z.name, hint: { text: z.area }, checked: values.zones.includes(z.id) }));
    await this.pages.render(request, reply, 'public/alerts', { title: 'Get an email when a round opens', values, zoneItems, errors }, status);
  }

  /** The link's token when it is ours and for this purpose; null for anything else (a 404 page). */
  private check(token: unknown, purpose: LinkPurpose) {
    const link = this.links.verify(token);
    return link.ok && link.purpose === purpose ? link : null;
  }
}
