import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, IsArray, IsEmail, IsOptional, IsString, Matches, MaxLength } from 'class-validator';

export class SubscribeDto {
  @ApiProperty({ example: 'resident@example.org', maxLength: 254 })
  @IsString()
  @MaxLength(254)
  // The address ends up in mail headers; a line break there is header injection.
  @Matches(/^[^\r\n]*$/, { message: 'email must not contain line breaks' })
  @IsEmail({}, { message: 'email must be an email address' })
  email: string;

  @ApiPropertyOptional({
    type: [String],
    example: ['bell-foundry'],
    maxItems: 20,
    description: 'People Zone ids to hear about; absent or empty: every zone',
  })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(20)
  @IsString({ each: true })
  @MaxLength(64, { each: true })
  zones?: string[];
}

export class SubscriptionRequestResponse {
  @ApiProperty({ enum: ['confirmation-sent'], description: 'The same answer whether or not the address is known' })
  status: 'confirmation-sent';
}

export class ConfirmResponse {
  @ApiProperty({ example: true })
  confirmed: true;
}

export class UnsubscribeResponse {
  @ApiProperty({ example: true })
  unsubscribed: true;

  @ApiProperty({ description: 'The link was from an earlier subscription: the one signed up for since carries on' })
  laterSubscriptionContinues: boolean;
}
