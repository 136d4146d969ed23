import { Body, Controller, Get, HttpCode, NotFoundException, Param, ParseUUIDPipe, Post } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApplicationsQueries, ApplicationView } from '@pz/applications';
import { ApplicationChanged, ApproveCaseStudyCommand, ChangeProjectDatesCommand, FileCaseStudyCommand, FileCheckInCommand, FileMonitoringReturnCommand, RateGrantCommand, WithdrawCaseStudyConsentCommand } from '@pz/applications';
import { AuthUser, CommandContext, Ctx, CurrentUser, ReadModels, Roles, UseCaseCommand } from '@pz/platform';
import { RagBoard, RagBoardEntry } from '../rag-board';
import { CaseStudyDto, CheckInDto, MonitoringReturnDto, ProjectDatesDto, RateGrantDto } from './monitoring.dto';

const ID = new ParseUUIDPipe();

@ApiTags('monitoring')
@ApiBearerAuth()
@Controller()
export class MonitoringController {
  constructor(
    private readonly commands: CommandBus,
    private readonly queries: ApplicationsQueries,
    private readonly readModels: ReadModels,
    private readonly ragBoard: RagBoard,
  ) {}

  private async run(command: UseCaseCommand<unknown, ApplicationChanged>, user: AuthUser): Promise<ApplicationView> {
    const { applicationId, position } = await this.commands.execute(command);
    const ctx = command.context;
    await this.readModels.waitFor(position);
    const doc = await this.queries.doc(applicationId);
    if (!doc || !(await this.queries.canSee(user, doc))) throw new NotFoundException(`Application ${applicationId} not found`);
    return this.queries.present(doc, user, ctx.now);
  }

  @Post('applications/:id/check-in')
  @HttpCode(201)
  @Roles('applicant')
  @ApiOperation({ summary: "First-month quick check-in for your organisation's grant (applicant)" })
  checkIn(@Param('id', ID) id: string, @Body() body: CheckInDto, @Ctx() ctx: CommandContext, @CurrentUser() user: AuthUser) {
    return this.run(new FileCheckInCommand({ applicationId: id, org: user.org!, ...body }, ctx), user);
  }

  @Post('applications/:id/monitoring-returns')
  @HttpCode(201)
  @Roles('applicant')
  @ApiOperation({ summary: 'Quarterly monitoring return in plain language; saying it is not on track is welcome (applicant)' })
  monitoringReturn(@Param('id', ID) id: string, @Body() body: MonitoringReturnDto, @Ctx() ctx: CommandContext, @CurrentUser() user: AuthUser) {
    return this.run(new FileMonitoringReturnCommand({ applicationId: id, org: user.org!, ...body }, ctx), user);
  }

  @Post('applications/:id/case-study')
  @HttpCode(201)
  @Roles('applicant')
  @ApiOperation({ summary: 'End-of-project case study (fixed template); closes the grant (applicant)' })
  caseStudy(@Param('id', ID) id: string, @Body() body: CaseStudyDto, @Ctx() ctx: CommandContext, @CurrentUser() user: AuthUser) {
    return this.run(new FileCaseStudyCommand({ applicationId: id, org: user.org!, caseStudy: { ...body, quote: body.quote ?? null } }, ctx), user);
  }

  @Post('applications/:id/case-study/approve')
  @HttpCode(200)
  @Roles('staff')
  @ApiOperation({ summary: 'Approve a closed grant\'s case study for publication; only one its group consented to (staff)' })
  approveCaseStudy(@Param('id', ID) id: string, @Ctx() ctx: CommandContext, @CurrentUser() user: AuthUser) {
    return this.run(new ApproveCaseStudyCommand({ applicationId: id }, ctx), user);
  }

  @Post('applications/:id/case-study/withdraw-consent')
  @HttpCode(200)
  @Roles('applicant')
  @ApiOperation({ summary: "Withdraw consent to publish your organisation's case study; it comes down at once (applicant)" })
  withdrawCaseStudyConsent(@Param('id', ID) id: string, @Ctx() ctx: CommandContext, @CurrentUser() user: AuthUser) {
    return this.run(new WithdrawCaseStudyConsentCommand({ applicationId: id, org: user.org! }, ctx), user);
  }

  @Post('applications/:id/rag')
  @HttpCode(200)
  @Roles('staff')
  @ApiOperation({ summary: 'Set a grant\'s RAG rating by hand, with a reason; it stands until monitoring next changes (staff)' })
  rate(@Param('id', ID) id: string, @Body() body: RateGrantDto, @Ctx() ctx: CommandContext, @CurrentUser() user: AuthUser) {
    return this.run(new RateGrantCommand({ applicationId: id, rating: body.rating, reason: body.reason, message: body.message ?? null }, ctx), user);
  }

  @Post('applications/:id/project-dates')
  @HttpCode(200)
  @Roles('staff')
  @ApiOperation({ summary: "Change a funded project's dates, with a reason; monitoring still to file moves with them (staff)" })
  changeDates(@Param('id', ID) id: string, @Body() body: ProjectDatesDto, @Ctx() ctx: CommandContext, @CurrentUser() user: AuthUser) {
    return this.run(new ChangeProjectDatesCommand({ applicationId: id, ...body }, ctx), user);
  }

  @Get('monitoring/rag')
  @Roles('staff')
  @ApiOperation({ summary: 'Every awarded, unclosed grant with its RAG rating, reason, next due and overdue items, worst first (staff)' })
  board(): Promise<RagBoardEntry[]> {
    return this.ragBoard.entries();
  }
}
