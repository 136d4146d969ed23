import { BadRequestException, Body, Controller, Get, Headers, HttpCode, NotFoundException, Post, Query, Res, UseGuards } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiProduces, ApiQuery, ApiTags } from '@nestjs/swagger';
import { Throttle, ThrottlerGuard } from '@nestjs/throttler';
import type { FastifyReply } from 'fastify';
import { CommandContext, Ctx, Public, ReadModels } from '@pz/platform';
import { SubscribeToRoundAlertsCommand } from '../subscribe.handler';
import { UnsubscribeFromRoundAlertsCommand } from '../unsubscribe.handler';
import { UnsubscribeLinks } from '../unsubscribe-links';
import { preferredType } from './accept';
import { SubscribeDto, SubscriptionResponse, UnsubscribeResponse } from './subscribe.dto';

/** Per client IP and per route: enough for a person, too few to mass-subscribe addresses. */
export const SUBSCRIBE_LIMIT = { limit: 10, ttl: 60_000 };
/** Links are unguessable; this only keeps a flood of clicks from becoming a flood of reads. */
const UNSUBSCRIBE_LIMIT = { limit: 60, ttl: 60_000 };

@ApiTags('subscriptions')
@Controller('subscriptions')
@UseGuards(ThrottlerGuard)
export class SubscriptionsController {
  constructor(
    private readonly commands: CommandBus,
    private readonly readModels: ReadModels,
    private readonly links: UnsubscribeLinks,
  ) {}

  @Post()
  @Public()
  @ApiOperation({
    summary: 'Subscribe an email address to round-opening alerts (public)',
    description:
      'Subscribing again with the same address updates its zones. The answer is the same whether or not ' +
      'the address was already subscribed. Limited to 10 requests a minute per client.',
  })
  @ApiCreatedResponse({ type: SubscriptionResponse })
  async subscribe(@Body() body: SubscribeDto, @Ctx() ctx: CommandContext): Promise<SubscriptionResponse> {
    const outcome = await this.commands.execute(new SubscribeToRoundAlertsCommand(body, ctx));
    if (outcome.position !== null) await this.readModels.waitFor(outcome.position);
    return { id: outcome.subscriptionId, zones: outcome.zones, status: 'subscribed' };
  }

  @Get('unsubscribe')
  @Public()
  @Throttle({ default: UNSUBSCRIBE_LIMIT })
  @ApiOperation({
    summary: 'Unsubscribe through the link in an alert (public; the token is the proof)',
    description: 'Answers HTML to a browser (Accept: text/html), JSON otherwise. Unsubscribing twice is fine.',
  })
  @ApiQuery({ name: 'token', required: true })
  @ApiProduces('application/json', 'text/html')
  @ApiOkResponse({ type: UnsubscribeResponse })
  unsubscribe(
    @Query('token') token: string,
    @Ctx() ctx: CommandContext,
    @Headers('accept') accept: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<UnsubscribeResponse | string> {
    return this.unsubscribeWith(token, ctx, accept, reply);
  }

  /** RFC 8058 one-click unsubscribe (List-Unsubscribe-Post), which mail providers send as POST. */
  @Post('unsubscribe')
  @Public()
  @HttpCode(200)
  @Throttle({ default: UNSUBSCRIBE_LIMIT })
  @ApiOperation({ summary: 'One-click unsubscribe from a mail client, RFC 8058 (public; the token is the proof)' })
  @ApiQuery({ name: 'token', required: true })
  @ApiOkResponse({ type: UnsubscribeResponse })
  unsubscribeOneClick(
    @Query('token') token: string,
    @Ctx() ctx: CommandContext,
    @Headers('accept') accept: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<UnsubscribeResponse | string> {
    return this.unsubscribeWith(token, ctx, accept, reply);
  }

  private async unsubscribeWith(
    token: string,
    ctx: CommandContext,
    accept: string | undefined,
    reply: FastifyReply,
  ): Promise<UnsubscribeResponse | string> {
    // The token is a credential in a URL: keep it out of shared caches.
    void reply.header('Cache-Control', 'no-store');
    const check = this.links.verify(token);
    if (!check.ok && check.reason === 'malformed') throw new BadRequestException('token is missing or malformed');
    if (!check.ok) throw new NotFoundException('This unsubscribe link is not valid');

    const { position } = await this.commands.execute(new UnsubscribeFromRoundAlertsCommand(check.subscriptionId, ctx));
    await this.readModels.waitFor(position);
    if (preferredType(accept, ['application/json', 'text/html']) === 'text/html') {
      void reply.type('text/html; charset=utf-8');
      return UNSUBSCRIBED_PAGE;
    }
    return { unsubscribed: true };
  }
}

const UNSUBSCRIBED_PAGE = `<!doctype html>
<html lang="en-GB">
<head><meta charset="utf-8"><meta name="robots" content="noindex"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Unsubscribed - People Zones Grants</title></head>
<body>
<h1>You have been unsubscribed</h1>
<p>You will get no more emails about People Zones grant rounds. You can subscribe again at any time.</p>
</body>
</html>
`;
