import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, IsArray, IsISO8601, IsNotEmpty, IsString, MaxLength, ValidateIf } from 'class-validator';

/** A PATCH: what is left out stays as it is; null would clear a date a round cannot be without (400). */
const MayBeLeftOut = () => ValidateIf((_object: object, value: unknown) => value !== undefined);

export class RescheduleRoundDto {
  @ApiPropertyOptional({ example: '2024-06-10T09:00:00Z' })
  @MayBeLeftOut()
  @IsISO8601({ strict: true })
  opensAt?: string;

  @ApiPropertyOptional({ example: '2024-07-08T17:00:00Z' })
  @MayBeLeftOut()
  @IsISO8601({ strict: true })
  closesAt?: string;
}

export class CancelRoundDto {
  @ApiProperty({ example: 'Budget withdrawn by the commissioner' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(2000)
  reason: string;
}

export class SetPanelDto {
  @ApiProperty({ type: [String], example: ['panel-member-1', 'panel-member-2'], description: 'User ids (JWT sub) of the scoring panel' })
  @IsArray()
  @ArrayMaxSize(50)
  @IsString({ each: true })
  @MaxLength(200, { each: true })
  members: string[];
}
