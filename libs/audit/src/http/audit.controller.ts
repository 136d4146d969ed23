import { Readable } from 'node:stream';
import {
  BadRequestException,
  Controller,
  Get,
  Headers,
  HttpCode,
  NotFoundException,
  Param,
  ParseUUIDPipe,
  Post,
  Query,
  StreamableFile,
} from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiProduces, ApiQuery, ApiTags } from '@nestjs/swagger';
import { EVENT_STORE, EventStore, RecordedEvent } from '@pz/event-store';
import { Inject } from '@nestjs/common';
import { ApplicationsQueries } from '@pz/applications';
import { AuthUser, CurrentUser, Roles } from '@pz/platform';
import { AuditService } from '../audit.service';
import { parseHead } from '@pz/event-store';

const STREAM_ID = /^[A-Za-z0-9._-]{1,200}$/;

/** The event as an auditor sees it: every field the hash covers, and the hashes. */
export function auditView(e: RecordedEvent) {
  return {
    position: e.position,
    revision: e.revision,
    id: e.id,
    streamId: e.streamId,
    type: e.type,
    data: e.data,
    metadata: e.metadata,
    recordedAt: e.recordedAt,
    hash: e.hash,
    prevHash: e.prevHash,
  };
}

@ApiTags('audit')
@ApiBearerAuth()
@Controller('audit')
export class AuditController {
  constructor(
    private readonly audit: AuditService,
    private readonly applications: ApplicationsQueries,
    @Inject(EVENT_STORE) private readonly store: EventStore,
  ) {}

  @Get('streams/:streamId')
  @Roles('auditor', 'staff')
  @ApiOperation({ summary: 'Every event of one stream with revision, position, metadata, hash and previous hash (auditor, staff)' })
  async stream(@Param('streamId') streamId: string) {
    if (!STREAM_ID.test(streamId)) throw new BadRequestException(['streamId must be letters, digits, ".", "_" or "-"']);
    const events = await this.store.readStream(streamId);
    if (events.length === 0) throw new NotFoundException(`Stream ${streamId} not found`);
    return events.map(auditView);
  }

  @Get('events')
  @Roles('auditor', 'staff')
  @ApiQuery({ name: 'after', required: false, description: 'Global position to start after (default 0)' })
  @ApiQuery({ name: 'limit', required: false, description: '1 to 1000 (default 100); ignored for NDJSON, which streams to the end' })
  @ApiProduces('application/json', 'application/x-ndjson')
  @ApiOperation({ summary: 'The global log in order; with Accept: application/x-ndjson, the whole log streamed in constant memory (auditor, staff)' })
  async events(
    @Query('after') afterText: string | undefined,
    @Query('limit') limitText: string | undefined,
    @Headers('accept') accept: string | undefined,
  ): Promise<{ events: ReturnType<typeof auditView>[]; next: number | null } | StreamableFile> {
    const after = parseWhole('after', afterText ?? '0', 0, Number.MAX_SAFE_INTEGER);
    if (accept?.includes('application/x-ndjson')) {
      // Pulled as the client reads: a slow reader must not make us buffer the log in memory, and
      // one that goes away stops the reading.
      return new StreamableFile(Readable.from(ndjson(this.audit.events(after))), { type: 'application/x-ndjson' });
    }
    const limit = parseWhole('limit', limitText ?? '100', 1, 1000);
    const page = await this.store.readAll({ after, maxCount: limit });
    return { events: page.map(auditView), next: page.length === limit ? page[page.length - 1].position : null };
  }

  @Get('applications/:id/state')
  @Roles('auditor', 'staff')
  @ApiQuery({ name: 'at', required: true, description: 'ISO 8601 instant' })
  @ApiOperation({ summary: 'An application as it stood at a moment, rebuilt from its events (auditor, staff)' })
  async stateAt(@Param('id', new ParseUUIDPipe()) id: string, @Query('at') at: string | undefined, @CurrentUser() user: AuthUser) {
    const instant = at === undefined ? NaN : Date.parse(at);
    if (Number.isNaN(instant)) throw new BadRequestException(['at must be an ISO 8601 date-time']);
    const doc = await this.audit.applicationAt(id, new Date(instant).toISOString());
    if (!doc) throw new NotFoundException(`Application ${id} did not exist at ${at}`);
    return { at: new Date(instant).toISOString(), application: await this.applications.present(doc, user, new Date(instant).toISOString()) };
  }

  @Get('applications/:id/scoring-views')
  @Roles('auditor', 'staff')
  @ApiQuery({ name: 'member', required: true })
  @ApiOperation({ summary: 'What a panel member had in front of them each time they scored the application (auditor, staff)' })
  async scoringViews(@Param('id', new ParseUUIDPipe()) id: string, @Query('member') member: string | undefined, @CurrentUser() user: AuthUser) {
    if (!member) throw new BadRequestException(['member is required']);
    const views = await this.audit.scoringViews(id, member);
    return Promise.all(
      views.map(async (v) => ({ ...v, application: v.application && (await this.applications.present(v.application, user, v.scoredAt)) })),
    );
  }

  @Post('replay')
  @HttpCode(200)
  @Roles('auditor', 'staff')
  @ApiOperation({ summary: 'Rebuild every read model from the log in a scratch area and compare with the live ones; writes nothing (auditor, staff)' })
  replay() {
    return this.audit.replay();
  }

  @Get('verify')
  @Roles('auditor', 'staff')
  @ApiQuery({ name: 'expectHead', required: false, description: 'A head recorded earlier, "<position>" or "<position>:<hash>", to detect a truncated log' })
  @ApiOperation({ summary: 'Check the tamper-evident hash chain over the whole log (auditor, staff)' })
  verify(@Query('expectHead') expectHead: string | undefined) {
    let head: { position: number; hash?: string } | undefined;
    try {
      head = parseHead(expectHead);
    } catch (error) {
      throw new BadRequestException([`expectHead: ${(error as Error).message}`]);
    }
    return this.audit.verify(head);
  }
}

async function* ndjson(events: AsyncIterable<RecordedEvent>): AsyncIterable<string> {
  for await (const event of events) yield `${JSON.stringify(auditView(event))}\n`;
}

function parseWhole(name: string, text: string, min: number, max: number): number {
  const n = Number(text);
  if (!/^\d+$/.test(text) || n < min || n > max) throw new BadRequestException([`${name} must be a whole number from ${min} to ${max}`]);
  return n;
}
