import { Body, Controller, Get, Header, HttpCode, NotFoundException, Param, ParseUUIDPipe, Patch, Post, Put } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CommandContext, Ctx, entityIdFor, Public, ReadModels, Roles, UseCaseCommand } from '@pz/platform';
import { CancelRoundCommand, RescheduleRoundCommand, RoundChanged, ScheduleRoundCommand, SetRoundPanelCommand } from '../round-commands';
import { APP_CONFIG, AppConfig } from '@pz/platform';
import { Inject } from '@nestjs/common';
import { roundsCalendar } from '../rounds-calendar';
import { CancelRoundDto, RescheduleRoundDto, SetPanelDto } from './round-changes.dto';
import { RoundResponse, RoundsQueries } from '../rounds.queries';
import { ScheduleRoundDto } from './schedule-round.dto';

@ApiTags('rounds')
@Controller('rounds')
export class RoundsController {
  constructor(
    private readonly commands: CommandBus,
    private readonly queries: RoundsQueries,
    private readonly readModels: ReadModels,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** Runs a round command, waits until the calendar shows it, and returns the round. */
  private async run(command: UseCaseCommand<unknown, RoundChanged>): Promise<RoundResponse> {
    const { roundId, position } = await this.commands.execute(command);
    const ctx = command.context;
    await this.readModels.waitFor(position);
    const round = await this.queries.get(roundId, ctx.now);
    if (!round) throw new NotFoundException(`Round ${roundId} not found`);
    return round;
  }

  @Get()
  @Public()
  @ApiOperation({ summary: 'The calendar of grant rounds, earliest opening first (public)' })
  list(): Promise<RoundResponse[]> {
    return this.queries.list(new Date().toISOString());
  }

  @Get('calendar.ics')
  @Public()
  @Header('Content-Type', 'text/calendar; charset=utf-8')
  @Header('Content-Disposition', 'inline; filename="people-zones-rounds.ics"')
  @ApiOperation({ summary: 'iCalendar feed of every round: announcement, opening and closing (public)' })
  async calendar(): Promise<string> {
    return roundsCalendar(await this.queries.list(new Date().toISOString()), this.config.publicUrl);
  }

  @Get(':id')
  @Public()
  @ApiOperation({ summary: 'One grant round (public)' })
  async get(@Param('id', new ParseUUIDPipe()) id: string): Promise<RoundResponse> {
    const round = await this.queries.get(id, new Date().toISOString());
    if (!round) throw new NotFoundException(`Round ${id} not found`);
    return round;
  }

  @Post()
  @Roles('staff')
  @ApiBearerAuth()
  @ApiOperation({ summary: 'Schedule a grant round (staff)' })
  schedule(@Body() body: ScheduleRoundDto, @Ctx() ctx: CommandContext): Promise<RoundResponse> {
    return this.run(new ScheduleRoundCommand({ roundId: entityIdFor(ctx, 'round'), ...body }, ctx));
  }

  @Patch(':id')
  @Roles('staff')
  @ApiBearerAuth()
  @ApiOperation({ summary: 'Reschedule a round that has not closed; alerts move with it (staff)' })
  reschedule(
    @Param('id', new ParseUUIDPipe()) id: string,
    @Body() body: RescheduleRoundDto,
    @Ctx() ctx: CommandContext,
  ): Promise<RoundResponse> {
    return this.run(new RescheduleRoundCommand({ roundId: id, ...body }, ctx));
  }

  @Post(':id/cancel')
  @HttpCode(200)
  @Roles('staff')
  @ApiBearerAuth()
  @ApiOperation({ summary: 'Cancel a round that has not closed and has no awards (staff)' })
  cancel(@Param('id', new ParseUUIDPipe()) id: string, @Body() body: CancelRoundDto, @Ctx() ctx: CommandContext): Promise<RoundResponse> {
    return this.run(new CancelRoundCommand({ roundId: id, reason: body.reason }, ctx));
  }

  @Put(':id/panel')
  @Roles('staff')
  @ApiBearerAuth()
  @ApiOperation({ summary: "Set who may score this round's applications (staff)" })
  async setPanel(@Param('id', new ParseUUIDPipe()) id: string, @Body() body: SetPanelDto, @Ctx() ctx: CommandContext) {
    const round = await this.run(new SetRoundPanelCommand({ roundId: id, members: body.members }, ctx));
    return { ...round, panel: (await this.queries.view(id))?.panel ?? [] };
  }
}
