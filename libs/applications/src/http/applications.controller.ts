import {
  BadRequestException,
  Body,
  Controller,
  Get,
  HttpCode,
  NotFoundException,
  Param,
  ParseUUIDPipe,
  Patch,
  Post,
  Put,
} from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { PersonalDataVault } from '@pz/people';
import { AuthUser, CommandContext, Ctx, CurrentUser, entityIdFor, IfMatch, ReadModels, RevisionEtag, Roles, UseCaseCommand } from '@pz/platform';
import {
  AcceptOfferCommand,
  ApplicationChanged,
  AwardGrantCommand,
  DeclareConflictCommand,
  DeclineApplicationCommand,
  EditDraftCommand,
  OpenDraftCommand,
  ScoreApplicationCommand,
  SubmitApplicationCommand,
  WithdrawApplicationCommand,
} from '../commands';
import { ApplicationsQueries, ApplicationView } from '../applications.queries';
import { EMPTY_DETAILS } from '../domain';
import type { ApplicationDetails, SealedContact } from '../domain';
import {
  AwardDto,
  DeclareConflictDto,
  DeclineDto,
  EditApplicationDto,
  OpenApplicationDto,
  ScoresDto,
  WithdrawDto,
} from './application.dto';

const ID = new ParseUUIDPipe();

@ApiTags('applications')
@ApiBearerAuth()
@Controller()
export class ApplicationsController {
  constructor(
    private readonly commands: CommandBus,
    private readonly queries: ApplicationsQueries,
    private readonly readModels: ReadModels,
    private readonly vault: PersonalDataVault,
  ) {}

  /** Sends the command, waits for the read model to include it, and returns the caller's view. */
  private async run(command: UseCaseCommand<unknown, ApplicationChanged>, user: AuthUser): Promise<ApplicationView> {
    const { applicationId, position } = await this.commands.execute(command);
    await this.readModels.waitFor(position);
    return this.view(applicationId, user);
  }

  private async view(id: string, user: AuthUser): Promise<ApplicationView> {
    const doc = await this.queries.doc(id);
    if (!doc || !(await this.queries.canSee(user, doc))) throw new NotFoundException(`Application ${id} not found`);
    return this.queries.present(doc, user);
  }

  private seal(email: string): Promise<SealedContact> {
    return this.vault.sealFor(email);
  }

  @Post('rounds/:roundId/applications')
  @RevisionEtag()
  @Roles('applicant')
  @ApiOperation({ summary: "Open a draft application in a round, for the caller's organisation (applicant)" })
  async open(
    @Param('roundId', ID) roundId: string,
    @Body() body: OpenApplicationDto,
    @Ctx() ctx: CommandContext,
    @CurrentUser() user: AuthUser,
  ): Promise<ApplicationView> {
    const email = body.contactEmail ?? user.email;
    if (!email) throw new BadRequestException(['contactEmail is required: your sign-in carries no email address']);
    const { contactEmail: _c, partners, answers, ...given } = body;
    // The validated body carries a left-out field as undefined: it keeps the empty answer.
    const answered = Object.fromEntries(Object.entries(given).filter(([, value]) => value !== undefined));
    const details: ApplicationDetails = { ...EMPTY_DETAILS, ...answered, partners: partners ?? [], answers: answers ?? {} };
    return this.run(
      new OpenDraftCommand(
        { applicationId: entityIdFor(ctx, 'application'), roundId, org: user.org!, openedBy: user.sub, details, contact: await this.seal(email) },
        ctx,
      ),
      user,
    );
  }

  @Patch('applications/:id')
  @RevisionEtag()
  @Roles('applicant')
  @ApiOperation({ summary: 'Edit a draft of your organisation (applicant)' })
  async edit(
    @Param('id', ID) id: string,
    @Body() body: EditApplicationDto,
    @Ctx() ctx: CommandContext,
    @CurrentUser() user: AuthUser,
    @IfMatch() expectedRevision?: number,
  ): Promise<ApplicationView> {
    const { contactEmail, ...changes } = body;
    const contact = contactEmail ? { contact: await this.seal(contactEmail) } : {};
    return this.run(
      new EditDraftCommand({ applicationId: id, org: user.org!, changes: changes as Partial<ApplicationDetails>, ...contact }, ctx, expectedRevision),
      user,
    );
  }

  @Post('applications/:id/submit')
  @RevisionEtag()
  @HttpCode(200)
  @Roles('applicant')
  @ApiOperation({ summary: 'Submit a draft while its round is open (applicant)' })
  submit(@Param('id', ID) id: string, @Ctx() ctx: CommandContext, @CurrentUser() user: AuthUser, @IfMatch() expectedRevision?: number) {
    return this.run(new SubmitApplicationCommand({ applicationId: id, org: user.org! }, ctx, expectedRevision), user);
  }

  @Post('applications/:id/withdraw')
  @RevisionEtag()
  @HttpCode(200)
  @Roles('applicant')
  @ApiOperation({ summary: 'Withdraw an undecided application (applicant)' })
  withdraw(@Param('id', ID) id: string, @Body() body: WithdrawDto, @Ctx() ctx: CommandContext, @CurrentUser() user: AuthUser) {
    return this.run(new WithdrawApplicationCommand({ applicationId: id, org: user.org!, reason: body.reason }, ctx), user);
  }

  @Post('applications/:id/accept')
  @RevisionEtag()
  @HttpCode(200)
  @Roles('applicant')
  @ApiOperation({ summary: 'Accept the offer and its conditions for your organisation (applicant): records who and when' })
  accept(@Param('id', ID) id: string, @Ctx() ctx: CommandContext, @CurrentUser() user: AuthUser) {
    return this.run(new AcceptOfferCommand({ applicationId: id, org: user.org!, acceptedBy: user.sub }, ctx), user);
  }

  @Get('applications')
  @Roles('applicant', 'panel', 'staff', 'auditor')
  @ApiOperation({ summary: "Applications you may see: applicants their organisation's; panel their rounds' submitted ones minus conflicts; staff and auditors all" })
  list(@CurrentUser() user: AuthUser): Promise<ApplicationView[]> {
    return this.queries.visibleTo(user);
  }

  @Get('applications/:id')
  @RevisionEtag()
  @Roles('applicant', 'panel', 'staff', 'auditor')
  @ApiOperation({ summary: 'One application with status, amounts, conditions and timeline (404 if you may not see it)' })
  get(@Param('id', ID) id: string, @CurrentUser() user: AuthUser): Promise<ApplicationView> {
    return this.view(id, user);
  }

  @Post('applications/:id/conflicts')
  @Roles('panel')
  @ApiOperation({ summary: 'Declare a conflict of interest: you can no longer score it or see its scores (panel)' })
  async declareConflict(
    @Param('id', ID) id: string,
    @Body() body: DeclareConflictDto,
    @Ctx() ctx: CommandContext,
  ): Promise<{ applicationId: string; conflictDeclared: true }> {
    const { position } = await this.commands.execute(new DeclareConflictCommand({ applicationId: id, member: ctx.actor.sub, reason: body.reason }, ctx));
    await this.readModels.waitFor(position);
    return { applicationId: id, conflictDeclared: true };
  }

  @Put('applications/:id/scores')
  @Roles('panel')
  @ApiOperation({ summary: 'Score every criterion 0-5; revisable until the decision; returns your weighted total (panel)' })
  async score(
    @Param('id', ID) id: string,
    @Body() body: ScoresDto,
    @Ctx() ctx: CommandContext,
    @CurrentUser() user: AuthUser,
  ): Promise<{ applicationId: string; weightedTotal: number }> {
    const { position, weightedTotal } = await this.commands.execute(
      new ScoreApplicationCommand({ applicationId: id, member: ctx.actor.sub, memberOrg: user.org, scores: body.scores, comment: body.comment }, ctx),
    );
    await this.readModels.waitFor(position);
    return { applicationId: id, weightedTotal };
  }

  @Post('applications/:id/award')
  @RevisionEtag()
  @HttpCode(200)
  @Roles('staff')
  @ApiOperation({ summary: 'Award a grant after the round closes; 409 if over the remaining budget or already decided (staff)' })
  award(@Param('id', ID) id: string, @Body() body: AwardDto, @Ctx() ctx: CommandContext, @CurrentUser() user: AuthUser) {
    return this.run(new AwardGrantCommand({ applicationId: id, ...body }, ctx), user);
  }

  @Post('applications/:id/decline')
  @RevisionEtag()
  @HttpCode(200)
  @Roles('staff')
  @ApiOperation({ summary: 'Decline with feedback for the applicant, after the round closes (staff)' })
  decline(@Param('id', ID) id: string, @Body() body: DeclineDto, @Ctx() ctx: CommandContext, @CurrentUser() user: AuthUser) {
    return this.run(new DeclineApplicationCommand({ applicationId: id, feedback: body.feedback }, ctx), user);
  }
}
