import { BadRequestException, Body, Controller, Get, HttpCode, NotFoundException, Post, Query, Res, UseGuards } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiAcceptedResponse, ApiOkResponse, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { Throttle, ThrottlerGuard } from '@nestjs/throttler';
import type { FastifyReply } from 'fastify';
import { CommandContext, Ctx, Public, ReadModels } from '@pz/platform';
import { ConfirmSubscriptionCommand, RequestSubscriptionCommand, UnsubscribeCommand } from '../subscription-commands';
import { LinkPurpose, SubscriptionLinks } from '../subscription-links';
import { ConfirmResponse, SubscribeDto, SubscriptionRequestResponse, UnsubscribeResponse } from './subscribe.dto';

/** Per client IP and per route: enough for a person, too few to mass-subscribe addresses. */
export const SUBSCRIBE_LIMIT = { limit: 10, ttl: 60_000 };
/** Links are unguessable; this only keeps a flood of clicks from becoming a flood of reads. */
const LINK_LIMIT = { limit: 60, ttl: 60_000 };

@ApiTags('subscriptions')
@Controller('subscriptions')
@UseGuards(ThrottlerGuard)
export class SubscriptionsController {
  constructor(
    private readonly commands: CommandBus,
    private readonly readModels: ReadModels,
    private readonly links: SubscriptionLinks,
  ) {}

  @Post()
  @Public()
  @HttpCode(202)
  @ApiOperation({
    summary: 'Ask for round-opening alerts for an email address; they start once the person confirms from the email sent (public)',
    description:
      'The answer is the same whether or not the address is known or already subscribed: nothing is revealed about anyone. ' +
      'Asking again with other zones sends a new confirmation. Limited to 10 requests a minute per client.',
  })
  @ApiAcceptedResponse({ type: SubscriptionRequestResponse })
  async subscribe(@Body() body: SubscribeDto, @Ctx() ctx: CommandContext): Promise<SubscriptionRequestResponse> {
    const { position } = await this.commands.execute(new RequestSubscriptionCommand(body, ctx));
    await this.readModels.waitFor(position);
    return { status: 'confirmation-sent' };
  }

  @Get('confirm')
  @Public()
  @Throttle({ default: LINK_LIMIT })
  @ApiOperation({ summary: 'Where confirmation links in older emails pointed: redirects to the page (/alerts/confirm) whose button confirms (public)' })
  @ApiQuery({ name: 'token', required: true })
  confirmPage(@Query('token') token: string, @Res() reply: FastifyReply): Promise<void> {
    this.check(token, 'confirm');
    return this.toPage(reply, 'confirm', token);
  }

  @Post('confirm')
  @Public()
  @HttpCode(200)
  @Throttle({ default: LINK_LIMIT })
  @ApiOperation({ summary: 'Confirm round alerts with the token from the email (public; the token is the proof)' })
  @ApiQuery({ name: 'token', required: true })
  @ApiOkResponse({ type: ConfirmResponse })
  async confirm(@Query('token') token: string, @Ctx() ctx: CommandContext): Promise<ConfirmResponse> {
    const link = this.check(token, 'confirm');
    const { position } = await this.commands.execute(new ConfirmSubscriptionCommand({ subscriptionId: link.subscriptionId, requestId: link.ref }, ctx));
    await this.readModels.waitFor(position);
    return { confirmed: true };
  }

  @Get('unsubscribe')
  @Public()
  @Throttle({ default: LINK_LIMIT })
  @ApiOperation({ summary: 'Where unsubscribe links in older emails pointed: redirects to the page (/alerts/unsubscribe) whose button unsubscribes (public)' })
  @ApiQuery({ name: 'token', required: true })
  unsubscribePage(@Query('token') token: string, @Res() reply: FastifyReply): Promise<void> {
    this.check(token, 'unsubscribe');
    return this.toPage(reply, 'unsubscribe', token);
  }

  /** RFC 8058 one-click unsubscribe (List-Unsubscribe-Post), which mail providers send as POST; and the page's button. */
  @Post('unsubscribe')
  @Public()
  @HttpCode(200)
  @Throttle({ default: LINK_LIMIT })
  @ApiOperation({ summary: 'Unsubscribe with the token from an alert: the page button, or one-click from a mail client, RFC 8058 (public)' })
  @ApiQuery({ name: 'token', required: true })
  @ApiOkResponse({ type: UnsubscribeResponse })
  async unsubscribe(@Query('token') token: string, @Ctx() ctx: CommandContext): Promise<UnsubscribeResponse> {
    const link = this.check(token, 'unsubscribe');
    const { position, result } = await this.commands.execute(new UnsubscribeCommand({ subscriptionId: link.subscriptionId, epoch: link.ref }, ctx));
    await this.readModels.waitFor(position);
    return { unsubscribed: true, laterSubscriptionContinues: result === 'later' };
  }

  /** The link's token, checked: 400 when it is not shaped like one, 404 when it is not ours. */
  private check(token: unknown, purpose: LinkPurpose) {
    const link = this.links.verify(token);
    if (!link.ok && link.reason === 'malformed') throw new BadRequestException('token is missing or malformed');
    if (!link.ok || link.purpose !== purpose) throw new NotFoundException('This link is not valid');
    return link;
  }

  private async toPage(reply: FastifyReply, purpose: LinkPurpose, token: string): Promise<void> {
    // The token is a credential in a URL: keep the redirect out of shared caches.
    await reply.code(302).header('location', `/alerts/${purpose}?token=${encodeURIComponent(token)}`).header('cache-control', 'no-store').send();
  }
}
