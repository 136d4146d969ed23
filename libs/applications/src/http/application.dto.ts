import { ApiProperty, ApiPropertyOptional, PartialType } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsDateString,
  IsEmail,
  IsInt,
  IsNotEmpty,
  IsObject,
  IsOptional,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
  ValidateIf,
  ValidateNested,
} from 'class-validator';
import { IsStringRecord } from '@pz/platform';
import { MAX_PENCE } from '@pz/platform/domain';

const NO_LINE_BREAKS = /^[^\r\n]*$/;

/**
 * May be left out, but null is not a value: IsOptional would let null through, and the edit of
 * a draft (PATCH) would then store it, leaving a draft that no longer submits.
 */
const MayBeLeftOut = () => ValidateIf((_object: object, value: unknown) => value !== undefined);

export class PartnerDto {
  @ApiProperty({ example: 'Loughborough Community Sports Trust' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  @Matches(NO_LINE_BREAKS, { message: 'name must be a single line' })
  name: string;

  @ApiPropertyOptional({ example: 'GB-CHC-1234567', description: 'Charity or company identifier, 360Giving style' })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  @Matches(/^[A-Za-z0-9-]+$/, { message: 'identifier must be letters, digits and hyphens (e.g. GB-CHC-1234567)' })
  identifier?: string;
}

/** A draft needs only its title (api.md); the rest can follow section by section, and `submit` names what is missing. */
export class OpenApplicationDto {
  @ApiProperty({ example: 'Bell Foundry Community Garden' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  @Matches(NO_LINE_BREAKS, { message: 'title must be a single line' })
  title: string;

  @ApiPropertyOptional({ example: 'bell-foundry' })
  @MayBeLeftOut()
  @IsString()
  @IsNotEmpty()
  @MaxLength(100)
  zone?: string;

  @ApiPropertyOptional({ example: 'Pride of Place' })
  @MayBeLeftOut()
  @IsString()
  @IsNotEmpty()
  @MaxLength(100)
  theme?: string;

  @ApiPropertyOptional({ example: 'Turning a disused plot into a garden run by local families.' })
  @MayBeLeftOut()
  @IsString()
  @IsNotEmpty()
  @MaxLength(5000)
  summary?: string;

  @ApiPropertyOptional({ example: 450000, description: 'Whole pence' })
  @MayBeLeftOut()
  @IsInt()
  @Min(1)
  @Max(MAX_PENCE)
  requestedPence?: number;

  @ApiPropertyOptional({ example: '2024-09-01', description: 'Calendar date' })
  @MayBeLeftOut()
  @IsDateString({ strict: true })
  @Matches(/^\d{4}-\d{2}-\d{2}$/, { message: 'projectStart must be a date such as 2024-09-01' })
  projectStart?: string;

  @ApiPropertyOptional({ example: '2025-08-31', description: 'Calendar date' })
  @MayBeLeftOut()
  @IsDateString({ strict: true })
  @Matches(/^\d{4}-\d{2}-\d{2}$/, { message: 'projectEnd must be a date such as 2025-08-31' })
  projectEnd?: string;

  @ApiPropertyOptional({ description: 'How the project will last beyond the grant (required to submit; weighted highest in scoring)' })
  @MayBeLeftOut()
  @IsString()
  @MaxLength(5000)
  sustainability?: string;

  @ApiPropertyOptional({ type: [PartnerDto], description: 'Required (at least one) in a collaborative round' })
  @MayBeLeftOut()
  @IsArray()
  @ArrayMaxSize(20)
  // Each item an object: ValidateNested alone lets arrays of arrays ([[]], [[{...}]]) through.
  @IsObject({ each: true })
  @ValidateNested({ each: true })
  @Type(() => PartnerDto)
  partners?: PartnerDto[];

  @ApiPropertyOptional({ example: 'coordinator@example.org', description: "Receives the grantee's reminders; default: the token's email" })
  @MayBeLeftOut()
  @IsEmail()
  @MaxLength(254)
  @Matches(NO_LINE_BREAKS, { message: 'contactEmail must be a single line' })
  contactEmail?: string;

  @ApiPropertyOptional({ type: 'object', additionalProperties: { type: 'string' }, description: 'Further answers by question key' })
  @MayBeLeftOut()
  @IsStringRecord({ maxKeys: 50, maxLength: 5000 })
  answers?: Record<string, string>;
}

/** Only the fields given change; a field given as null is refused (400), never stored. */
export class EditApplicationDto extends PartialType(OpenApplicationDto, { skipNullProperties: false }) {}

export class WithdrawDto {
  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(2000)
  reason?: string;
}

export class DeclareConflictDto {
  @ApiProperty({ example: 'I am a trustee of the applicant' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(2000)
  reason: string;
}

export class ScoresDto {
  @ApiProperty({
    type: 'object',
    additionalProperties: { type: 'integer', minimum: 0, maximum: 5 },
    example: { need: 4, outcomes: 3, deliverability: 4, 'value-for-money': 3, sustainability: 5 },
  })
  @IsObject()
  scores: Record<string, number>;

  @ApiProperty({ example: 'Strong local support; sustainability plan is credible.' })
  @IsString()
  @MaxLength(5000)
  comment: string;
}

export class TrancheDto {
  @ApiProperty({ example: 250000 })
  @IsInt()
  @Min(1)
  @Max(MAX_PENCE)
  amountPence: number;

  @ApiProperty({ example: '2024-10-01' })
  @IsDateString({ strict: true })
  @Matches(/^\d{4}-\d{2}-\d{2}$/, { message: 'dueOn must be a date such as 2024-10-01' })
  dueOn: string;
}

export class AwardDto {
  @ApiProperty({ example: 450000, description: 'Whole pence; within the round remaining budget and maximum award' })
  @IsInt()
  @Min(1)
  @Max(MAX_PENCE)
  amountPence: number;

  @ApiPropertyOptional({ type: [TrancheDto], description: 'Phased payments; must add up to amountPence' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(24)
  // Each item an object: ValidateNested alone lets arrays of arrays ([[]], [[{...}]]) through.
  @IsObject({ each: true })
  @ValidateNested({ each: true })
  @Type(() => TrancheDto)
  tranches?: TrancheDto[];

  @ApiPropertyOptional({ type: [String], description: 'Extra conditions; people-zones-branding (and steering-group-attendance from £5,000) are always added' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(20)
  @IsString({ each: true })
  @Matches(/^[a-z0-9-]{1,60}$/, { each: true, message: 'each condition must be a short lower-case key, e.g. quarterly-photos' })
  conditions?: string[];

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(2000)
  note?: string;
}

export class DeclineDto {
  @ApiProperty({ example: 'The panel liked the idea but the budget was not clear enough.' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(5000)
  feedback: string;
}
