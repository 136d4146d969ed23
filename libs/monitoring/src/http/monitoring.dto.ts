import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsDateString, IsIn, IsInt, IsNotEmpty, IsOptional, IsString, Matches, Max, MaxLength, Min } from 'class-validator';
import { MAX_BENEFICIARIES, MAX_PENCE } from '@pz/platform/domain';

export class CheckInDto {
  @ApiProperty({ example: 'We have recruited six volunteers and booked the hall.' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(5000)
  summary: string;

  @ApiProperty({ example: 'Help publicising the first session would be welcome.', description: 'Say what support would help; "none" is fine' })
  @IsString()
  @MaxLength(5000)
  supportNeeded: string;
}

export class MonitoringReturnDto {
  @ApiProperty({ example: 'July to September 2024' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(100)
  period: string;

  @ApiProperty({ example: 120000, description: 'Spent so far in this period, whole pence' })
  @IsInt()
  @Min(0)
  @Max(MAX_PENCE)
  spentPence: number;

  @ApiProperty({ example: 45 })
  @IsInt()
  @Min(0)
  @Max(MAX_BENEFICIARIES)
  beneficiaries: number;

  @ApiProperty({ example: 'Sessions are running weekly; numbers are growing.' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(5000)
  progress: string;

  @ApiProperty({ description: 'Saying "no" is welcome: it prompts an offer of support, never a penalty' })
  @IsBoolean()
  onTrack: boolean;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(5000)
  issues?: string;
}

export class CaseStudyDto {
  @ApiProperty() @IsString() @IsNotEmpty() @MaxLength(200) title: string;
  @ApiProperty() @IsString() @IsNotEmpty() @MaxLength(5000) summary: string;
  @ApiProperty() @IsString() @IsNotEmpty() @MaxLength(5000) outcomes: string;
  @ApiProperty({ example: 120 }) @IsInt() @Min(0) @Max(MAX_BENEFICIARIES) beneficiaries: number;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(2000) quote?: string;
  @ApiProperty() @IsString() @IsNotEmpty() @MaxLength(5000) lessons: string;
  @ApiProperty() @IsString() @IsNotEmpty() @MaxLength(5000) sustainability: string;
  @ApiProperty({ description: 'May the funder publish this case study?' }) @IsBoolean() consentToPublish: boolean;
}

export class RateGrantDto {
  @ApiProperty({ enum: ['red', 'amber', 'green'] })
  @IsIn(['red', 'amber', 'green'])
  rating: 'red' | 'amber' | 'green';

  @ApiProperty({ example: 'Safeguarding concern raised by the steering group' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(2000)
  reason: string;

  @ApiPropertyOptional({ example: 'Please call us about the venue before your next session.', description: 'What the grantee is told about the rating; the reason stays with staff and auditors' })
  @IsOptional()
  @IsString()
  @MaxLength(2000)
  message?: string;
}

export class ProjectDatesDto {
  @ApiProperty({ example: '2024-10-01', description: 'Calendar date' })
  @IsDateString({ strict: true })
  @Matches(/^\d{4}-\d{2}-\d{2}$/, { message: 'projectStart must be a date such as 2024-10-01' })
  projectStart: string;

  @ApiProperty({ example: '2025-09-30', description: 'Calendar date' })
  @IsDateString({ strict: true })
  @Matches(/^\d{4}-\d{2}-\d{2}$/, { message: 'projectEnd must be a date such as 2025-09-30' })
  projectEnd: string;

  @ApiProperty({ example: 'The hall was unavailable until October; the group asked to start a month later.' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(2000)
  reason: string;
}
