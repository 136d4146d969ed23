import { Body, Controller, HttpCode, Inject, NotFoundException, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiProperty, ApiTags } from '@nestjs/swagger';
import { IsEmail, IsNotEmpty, IsString, Matches, MaxLength } from 'class-validator';
import { EVENT_STORE, EventStore } from '@pz/event-store';
import { CommandContext, Ctx, Roles, toNewEvents } from '@pz/platform';
import { PersonalDataVault } from '../personal-data-vault';

export class LookupPersonDto {
  @ApiProperty({ example: 'resident@example.org' })
  @IsEmail()
  @MaxLength(254)
  @Matches(/^[^\r\n]*$/, { message: 'email must be a single line' })
  email: string;
}

export class ErasePersonDto {
  @ApiProperty({ example: 'Erasure request received by email on 3 March (ref 2026/114)' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(1000)
  reason: string;
}

const PERSON_ID = /^person-[0-9a-f]{32}$/;

/**
 * UK GDPR right to erasure. The person's key is destroyed, so every sealed value of theirs in
 * every event and read model reads as erased, while the events, their hashes and replays stay
 * intact. The erasure itself is recorded as an event (who, when, why) that holds no personal data.
 */
@ApiTags('people')
@ApiBearerAuth()
@Controller('people')
export class PeopleController {
  constructor(
    private readonly vault: PersonalDataVault,
    @Inject(EVENT_STORE) private readonly store: EventStore,
  ) {}

  @Post('lookup')
  @HttpCode(200)
  @Roles('staff')
  @ApiOperation({ summary: "Find the pseudonymous person id for an email address, to act on an erasure request (staff)" })
  async lookup(@Body() body: LookupPersonDto): Promise<{ personId: string; known: boolean; erased: boolean }> {
    const personId = await this.vault.personIdFor(body.email);
    return { personId, known: await this.vault.isKnown(personId), erased: await this.vault.isErased(personId) };
  }

  @Post(':id/erase')
  @HttpCode(200)
  @Roles('staff')
  @ApiOperation({ summary: "Erase a person's personal data everywhere by destroying their key; history and hashes stay valid (staff)" })
  async erase(@Param('id') id: string, @Body() body: ErasePersonDto, @Ctx() ctx: CommandContext) {
    if (!PERSON_ID.test(id) || !(await this.vault.isKnown(id))) throw new NotFoundException(`Person ${id} not found`);
    if (await this.vault.isErased(id)) return { personId: id, erased: true, alreadyErased: true };
    // Record first: an erasure must never happen without its audit record. The reason is about
    // the person ("GDPR request from ..."), so it is sealed under their own key and goes with it:
    // the record keeps who erased, and when, and that a reason was given.
    const reason = await this.vault.seal(id, body.reason.trim());
    await this.store.append(`person-${id}`, toNewEvents([{ type: 'PersonalDataErased', data: { person: id, reason, erasedAt: ctx.now } }], ctx), 'any');
    ctx.written?.();
    await this.vault.erase(id);
    return { personId: id, erased: true, alreadyErased: false };
  }
}
